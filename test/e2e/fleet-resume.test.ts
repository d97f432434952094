/**
 * Interrupting certagent for real: the CLI runs as a child process against lab routers with latency. Killed with
 * SIGKILL half-way, `--resume` finishes the rest without touching a device that had finished (the lab counts every
 * command line each router executes). Stopped with SIGTERM, it starts no more devices, lets those under way finish,
 * marks the journal, completes the JSON report, and exits 1.
 */
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseJsonReport } from '../../src/report/json-report.js';
import { CommandCounter, finishedIn, journalRecords, runCli, startedIn, waitForJournal } from './fleet-helpers.js';
import { startE2eLab } from './helpers.js';
import type { E2eLab } from './helpers.js';

const counter = new CommandCounter();
afterAll(() => counter.restore());

describe('interrupted fleet runs', () => {
  let e2e: E2eLab | undefined;
  afterEach(async () => {
    await e2e?.stop();
    e2e = undefined;
  });

  const rolloutArgs = (e: E2eLab, ...more: string[]): string[] => [
    'rollout',
    '-i',
    e.inventoryFile,
    '-p',
    e.playbookFile,
    '--concurrency',
    '2',
    '--progress',
    'none',
    '-q',
    ...more,
  ];

  it('after kill -9 mid-run, --resume redoes only the unfinished devices and the first report holds every finished one', async () => {
    const e = (e2e = await startE2eLab({ devices: 6, latency: { commandMs: 15 } }));
    const journal = join(e.dir, 'journal.jsonl');
    const first = runCli(rolloutArgs(e, '--journal', journal, '--json', join(e.dir, 'first.jsonl')), e.env, e.dir);
    await waitForJournal(journal, 'two finished devices', (r) => finishedIn(r).length >= 2);
    first.child.kill('SIGKILL');
    await first.exited;

    const done = finishedIn(journalRecords(journal));
    expect(done.length).toBeLessThan(6);
    // Every device the journal holds as finished is complete in the interrupted run's JSON report.
    const firstReport = parseJsonReport(readFileSync(join(e.dir, 'first.jsonl'), 'utf8'));
    expect(firstReport.summary).toBeUndefined();
    for (const name of done) expect(firstReport.devices.find((d) => d.device === name)?.result).toBe('changed');

    counter.reset();
    const second = runCli(rolloutArgs(e, '--resume', journal, '--json', join(e.dir, 'second.jsonl')), e.env, e.dir);
    expect(await second.exited).toBe(0);
    expect(second.stderr()).toContain(`from ${journal}: ${done.length} devices already done, ${6 - done.length} to run`);
    for (const name of done) expect(counter.of(name)).toBe(0);
    const rest = e.lab.devices.map((d) => d.name).filter((n) => !done.includes(n));
    for (const name of rest) expect(counter.of(name)).toBeGreaterThan(0);
    const secondReport = parseJsonReport(readFileSync(join(e.dir, 'second.jsonl'), 'utf8'));
    expect(secondReport.devices.map((d) => d.device).sort()).toEqual(rest);
    // A device killed after its changes but before the save reads as unchanged now, and is saved all the same.
    for (const d of secondReport.devices) {
      expect(['changed', 'unchanged']).toContain(d.result);
      if (d.result === 'unchanged')
        expect(d.changes).toContainEqual({ object: 'startup-config', action: 'saved', detail: 'the device was under way when an earlier run stopped' });
    }
    // Running and saved: a device killed between its changes and 'write memory' was saved by the resumed run.
    for (const device of e.lab.devices) {
      expect(device.router.runningConfig()).toContain('crypto pki trustpoint LAB-Lab-Root-R1\n');
      expect(readFileSync(join(e.lab.files.stateDir, 'routers', device.name, 'startup-config'), 'utf8')).toContain('crypto pki trustpoint LAB-Lab-Root-R1\n');
    }

    const records = journalRecords(journal);
    expect(records.filter((r) => r.type === 'run').map((r) => (r.type === 'run' ? r.attempt : 0))).toEqual([1, 2]);
    expect(records.at(-1)).toMatchObject({ type: 'end', reason: 'completed' });

    // Resumed once more, nothing is left to do and no router is contacted.
    counter.reset();
    const third = runCli(rolloutArgs(e, '--resume', journal), e.env, e.dir);
    expect(await third.exited).toBe(0);
    expect(third.stderr()).toContain('6 devices already done, 0 to run');
    for (const device of e.lab.devices) expect(counter.of(device.name)).toBe(0);
  });

  it('on SIGTERM, devices under way finish, no other starts, the journal is marked and the report is complete; exit code 1', async () => {
    const e = (e2e = await startE2eLab({ devices: 6, latency: { commandMs: 15 } }));
    counter.reset();
    const journal = join(e.dir, 'journal.jsonl');
    const report = join(e.dir, 'report.jsonl');
    const run = runCli(rolloutArgs(e, '--journal', journal, '--json', report), e.env, e.dir);
    const seen = await waitForJournal(
      journal,
      'a finished device with another under way',
      (r) => finishedIn(r).length >= 1 && startedIn(r).length > finishedIn(r).length,
    );
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(1);

    const inFlight = startedIn(seen).filter((n) => !finishedIn(seen).includes(n));
    expect(inFlight.length).toBeGreaterThan(0);
    const parsed = parseJsonReport(readFileSync(report, 'utf8'));
    expect(parsed.unfinished).toEqual([]);
    expect(parsed.summary?.stoppedEarly).toBe('SIGTERM received');
    for (const name of inFlight) expect(parsed.devices.find((d) => d.device === name)?.result).toBe('changed');
    const skipped = parsed.devices.filter((d) => d.result === 'skipped').map((d) => d.device);
    expect(skipped.length).toBeGreaterThan(0);
    for (const name of skipped) {
      expect(counter.of(name)).toBe(0);
      expect(e.lab.device(name).router.runningConfig()).not.toContain('crypto pki trustpoint LAB-');
    }

    const records = journalRecords(journal);
    expect(records.at(-1)).toMatchObject({ type: 'end', reason: 'stopped: SIGTERM received' });
    const journaled = finishedIn(records);
    expect(journaled.sort()).toEqual(
      parsed.devices
        .filter((d) => d.result !== 'skipped')
        .map((d) => d.device)
        .sort(),
    );
    expect(run.stderr()).toContain(`journal ${journal}`);
  });
});
