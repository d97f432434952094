/**
 * Redis lost in the middle of a queued run (the real redis-server SIGKILLed while a worker holds devices and others
 * wait in the queue): the coordinator reports every device still out as of unknown outcome within about
 * --redis-lost-after, writes its report and journal and exits 1; the worker finishes or rolls back what it holds,
 * keeps retrying Redis, takes jobs again once Redis is back, and still stops on SIGTERM.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseJsonReport } from '../../src/report/json-report.js';
import { startRedis } from '../helpers/redis-server.js';
import type { TestRedis } from '../helpers/redis-server.js';
import { journalRecords, runCli } from './fleet-helpers.js';
import type { CliRun } from './fleet-helpers.js';
import { startE2eLab } from './helpers.js';
import type { E2eLab } from './helpers.js';
import { startWorker, until, workersTakingJobs } from './queue-helpers.js';
import type { WorkerProcess } from './queue-helpers.js';

const ROUTERS = 8;
const LOST_AFTER_S = 5;

/** `exited` within `ms`, or a failure naming the process and what it printed. */
async function exitWithin(what: string, run: { exited: Promise<number | null>; stderr: () => string }, ms: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not exit within ${ms} ms; it printed: ${run.stderr().slice(-2000)}`)), ms);
  });
  try {
    return await Promise.race([run.exited, late]);
  } finally {
    clearTimeout(timer);
  }
}

interface LogLine {
  readonly event?: string;
  readonly device?: string;
  readonly step?: string;
}

function logLines(worker: WorkerProcess): LogLine[] {
  return worker
    .log()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogLine);
}

describe('Redis lost mid-run', () => {
  let redis: TestRedis;
  let e: E2eLab;
  /** Stays up through the loss and takes jobs again once Redis is back. */
  let keeper: WorkerProcess;
  /** Told to stop (SIGTERM) while cut off from Redis, in the middle of its device. */
  let leaver: WorkerProcess;
  /** Coordinators started, killed after the tests if one failed to exit on its own. */
  const runs: CliRun[] = [];
  const coordinator = (args: readonly string[]): CliRun => {
    const run = runCli(args, { REDIS_PASSWORD: redis.password }, e.dir);
    runs.push(run);
    return run;
  };
  const queueArgs = (): string[] => ['--queue', redis.url, '--redis-password', 'env:REDIS_PASSWORD'];
  /** The run's trustpoints (the lab playbook's names start LAB-), not the router's own self-signed one. */
  const trustpoints = (text: string): string[] => (text.match(/^crypto pki trustpoint LAB-\S+$/gm) ?? []).sort();
  /** What `write memory` saved; a router never saved boots with none of the run's trustpoints. */
  const saved = (name: string): string => {
    const file = join(e.lab.files.stateDir, 'routers', name, 'startup-config');
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  };
  /** Devices named by the worker's log records of `event` (the log has a line from the worker and one from its reporter). */
  const devicesIn = (w: WorkerProcess, event: string): string[] => [
    ...new Set(logLines(w).flatMap((l) => (l.event === event && l.device !== undefined ? [l.device] : []))),
  ];
  const started = (w: WorkerProcess): string[] => devicesIn(w, 'deviceStarted');
  const finished = (w: WorkerProcess): string[] => devicesIn(w, 'deviceFinished');

  beforeAll(async () => {
    redis = await startRedis();
    // Slow enough that the workers are in the middle of their devices, with more waiting, when Redis goes.
    e = await startE2eLab({ devices: ROUTERS, latency: { commandMs: 60 } });
    const env = { ...e.env, REDIS_PASSWORD: redis.password };
    const timing = ['--lock-duration', '5s', '--stalled-interval', '2s'];
    keeper = startWorker('keeper', [...queueArgs(), '--concurrency', '2', ...timing], env, e.dir);
    leaver = startWorker('leaver', [...queueArgs(), '--concurrency', '1', ...timing], env, e.dir);
    await workersTakingJobs([keeper, leaver]);
  }, 60_000);

  afterAll(async () => {
    const all = [keeper, leaver, ...runs].filter((p) => p !== undefined);
    for (const p of all) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await Promise.all(all.map((p) => p.exited));
    await e?.stop();
    await redis?.stop();
  }, 30_000);

  it('the coordinator reports every device still out as unknown, writes its report and journal, and exits 1; a worker told to stop finishes first', async () => {
    const report = join(e.dir, 'lost-report.jsonl');
    const journal = join(e.dir, 'lost.jsonl');
    const run = coordinator([
      'rollout',
      '-i',
      e.inventoryFile,
      '-p',
      e.playbookFile,
      ...queueArgs(),
      '--concurrency',
      '3',
      '--redis-lost-after',
      `${LOST_AFTER_S}s`,
      '--json',
      report,
      '--journal',
      journal,
      '--progress',
      'none',
      '-q',
    ]);
    const changing = (w: WorkerProcess): boolean => logLines(w).some((l) => l.event === 'deviceStep' && /^authenticate /.test(l.step ?? ''));
    await until(
      'both workers changing a router',
      () => changing(keeper) && changing(leaver),
      () => keeper.log() + leaver.log() + run.stderr(),
      90_000,
    );
    await redis.kill();
    const killed = Date.now();
    leaver.child.kill('SIGTERM');

    // lost-after, the health check's period, then connections dropped: well inside this on a loaded two-core machine.
    expect(await exitWithin('the coordinator', run, (LOST_AFTER_S + 20) * 1000)).toBe(1);
    expect(Date.now() - killed).toBeGreaterThanOrEqual(LOST_AFTER_S * 1000 - 2_000);
    const parsed = parseJsonReport(readFileSync(report, 'utf8'));
    expect(parsed.devices.map((d) => d.device).sort()).toEqual(e.lab.devices.map((d) => d.name).sort());
    const unknown = parsed.devices.filter((d) => d.error?.message.includes('outcome unknown'));
    // Every device but those finished before Redis went: at least the three under way and the ones still queued.
    expect(unknown.map((d) => d.device).sort()).toEqual(
      parsed.devices
        .filter((d) => d.result !== 'changed')
        .map((d) => d.device)
        .sort(),
    );
    expect(unknown.length).toBeGreaterThanOrEqual(3);
    for (const d of unknown) {
      expect(d.result).toBe('failed');
      expect(d.error?.message).toBe(`${d.device}: outcome unknown: Redis at ${redis.url} stopped answering while the device was queued or under way`);
      expect(d.error?.hint).toContain('--resume rollout-');
    }
    expect(run.stderr()).toMatch(new RegExp(`outcome unknown for ${unknown.length} devices? \\(Redis unreachable\\)`));
    const records = journalRecords(journal);
    expect(records.at(-1)?.type).toBe('end');
    for (const d of unknown) expect(records.some((r) => r.type === 'device' && r.device === d.device)).toBe(true);

    // The worker told to stop while cut off: its device finished (or rolled back) first, then it left with 0.
    expect(await exitWithin('the worker told to stop without Redis', leaver, 90_000)).toBe(0);
    expect(started(leaver).length).toBeGreaterThan(0);
    expect(finished(leaver).sort()).toEqual(started(leaver).sort());
    expect(leaver.log()).toContain('workerStopped');
  }, 180_000);

  it('a worker cut off finishes or rolls back what it held, keeps retrying, takes jobs once Redis is back, and stops on SIGTERM', async () => {
    const held = started(keeper);
    expect(held.length).toBeGreaterThanOrEqual(2);
    await until('every device the worker held finished', () => held.every((name) => finished(keeper).includes(name)), keeper.log, 120_000);
    // Nothing half-done on any router: its saved trustpoints are its running ones (changed and saved, or rolled back).
    for (const device of e.lab.devices) expect(trustpoints(saved(device.name))).toEqual(trustpoints(device.router.runningConfig()));
    expect(keeper.child.exitCode).toBeNull();

    await redis.restart();
    const report = join(e.dir, 'back-report.jsonl');
    const untouched = e.lab.devices.map((d) => d.name).filter((name) => !held.includes(name) && !started(leaver).includes(name));
    const limit = untouched.slice(0, 2);
    expect(limit).toHaveLength(2);
    const again = coordinator([
      'rollout',
      '-i',
      e.inventoryFile,
      '-p',
      e.playbookFile,
      ...queueArgs(),
      '--limit',
      limit.join(','),
      '--json',
      report,
      '--progress',
      'none',
      '-q',
    ]);
    expect(await exitWithin('the coordinator after Redis came back', again, 120_000)).toBe(0);
    const parsed = parseJsonReport(readFileSync(report, 'utf8'));
    expect(parsed.devices.map((d) => [d.device, d.result]).sort()).toEqual(limit.map((name) => [name, 'changed']));
    expect(finished(keeper)).toEqual(expect.arrayContaining(limit));

    keeper.child.kill('SIGTERM');
    expect(await exitWithin('the worker after SIGTERM', keeper, 30_000)).toBe(0);
    expect(keeper.log()).toContain('workerStopped');
  }, 300_000);
});
