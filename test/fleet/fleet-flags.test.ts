/** The fleet flags as the CLI reads them: `--resume` with and without a file, stage and budget values, deadlines, and usage errors for bad values. */
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../src/cli/command.js';
import { fleetSettings, openJournal, takeResume } from '../../src/cli/fleet-options.js';
import type { DesiredState } from '../../src/workflow/index.js';

describe('fleet flags', () => {
  const dir = mkdtempSync(join(tmpdir(), 'certagent-fleet-flags-'));
  const journal = join(dir, 'run.jsonl');
  writeFileSync(journal, 'not a journal\n');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--resume takes the next word only when it names a file, so `fix --resume R1` keeps R1 as the device', () => {
    expect(takeResume(['-i', 'inv', '--resume', journal, '-q'])).toEqual({ argv: ['-i', 'inv', '-q'], resume: journal });
    expect(takeResume(['--resume', 'R1'])).toEqual({ argv: ['R1'], resume: true });
    expect(takeResume(['--resume=x.jsonl'])).toEqual({ argv: [], resume: 'x.jsonl' });
    expect(takeResume(['--resume'])).toEqual({ argv: [], resume: true });
    expect(takeResume(['-i', 'inv'])).toEqual({ argv: ['-i', 'inv'] });
    // With --queue the word is a run id, which names no file.
    expect(takeResume(['--resume', 'rollout-20261206T081500Z-3fa9', '-q'])).toEqual({ argv: ['-q'], resume: 'rollout-20261206T081500Z-3fa9' });
  });

  it('reads stages, budget and deadlines', () => {
    const s = fleetSettings({ canary: '3', 'wave-size': '50', 'max-failures': '2%', 'device-timeout': '5m', deadline: '1h30m' });
    expect(s.canary).toBe(3);
    expect(s.waveSize).toBe(50);
    expect(s.maxFailures?.allowed(1000)).toBe(20);
    expect(s.deviceTimeoutMs).toBe(300_000);
    expect(s.deadlineMs).toBe(5_400_000);
    expect(fleetSettings({})).toEqual({});
  });

  it.each([
    [{ canary: '-1' }, '--canary must be a whole number 0 or more'],
    [{ 'wave-size': '0' }, '--wave-size must be a whole number 1 or more'],
    [{ 'max-failures': 'some' }, '--max-failures must be a number of devices (e.g. 3) or a percentage (e.g. 5%)'],
    [{ 'device-timeout': '5' }, "--device-timeout must be a duration like 90s, 5m or 2h, not '5'"],
    [{ deadline: '0s' }, "--deadline must be a duration like 90s, 5m or 2h, not '0s'"],
  ])('%j is a usage error', (values, message) => {
    expect(() => fleetSettings(values)).toThrow(UsageError);
    expect(() => fleetSettings(values)).toThrow(message);
  });

  it('a --resume file that is not a journal, or no journal to resume, is a usage error naming what to give', async () => {
    const request = {
      command: 'rollout' as const,
      desired: { trustpoints: [], environment: new Map(), applets: [], ipHosts: new Map(), secrets: [] } as DesiredState,
      devices: [],
      stderr: { write: () => undefined },
    };
    await expect(openJournal({ ...request, resume: journal })).rejects.toThrow(new UsageError(`${journal} line 1 is not JSON: is this a certagent journal?`));
    await expect(openJournal({ ...request, resume: true, dir: join(dir, 'none') })).rejects.toThrow(
      `--resume: no journal of an earlier rollout run in ${join(dir, 'none')}; give --resume FILE`,
    );
  });

  it('a new journal is not written over an earlier run', async () => {
    const request = {
      command: 'rollout' as const,
      desired: { trustpoints: [], environment: new Map(), applets: [], ipHosts: new Map(), secrets: [] } as DesiredState,
      devices: [],
      stderr: { write: () => undefined },
    };
    await expect(openJournal({ ...request, journalFile: journal })).rejects.toThrow(
      `${journal} already holds a run: give another --journal FILE, or --resume ${journal}`,
    );
  });
});
