/**
 * `--shard INDEX/COUNT` over the built CLI against the lab, as a Kubernetes Indexed Job runs it: COUNT processes at
 * once, one given its shard by flag, one by the Job's environment (JOB_COMPLETION_INDEX and the completions count).
 * Together they change every router exactly once; each report and each journal holds its own shard's devices only.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SHARD_COUNT_ENV, SHARD_INDEX_ENV, inShard } from '../../src/fleet/shard.js';
import { parseJsonReport } from '../../src/report/json-report.js';
import { finishedIn, journalRecords, runCli } from './fleet-helpers.js';
import { startE2eLab } from './helpers.js';
import type { E2eLab } from './helpers.js';
import { SecondAuthentications } from './queue-helpers.js';

const ROUTERS = 6;
const COUNT = 3;

describe('a rollout split into shards (Indexed Job)', () => {
  let e: E2eLab;
  const second = new SecondAuthentications();

  beforeAll(async () => {
    e = await startE2eLab({ devices: ROUTERS });
  }, 60_000);

  afterAll(async () => {
    second.restore();
    await e?.stop();
  });

  it('COUNT shards at once cover every router exactly once; each report and journal lists only its own', async () => {
    const names = e.lab.devices.map((d) => d.name);
    const mine = (index: number): string[] => names.filter((n) => inShard(n, { index, count: COUNT }));
    // The lab's names spread over every shard: each process has devices to run.
    for (let i = 0; i < COUNT; i++) expect(mine(i).length).toBeGreaterThan(0);

    const base = ['rollout', '-i', e.inventoryFile, '-p', e.playbookFile, '--progress', 'none', '-q'];
    const runs = Array.from({ length: COUNT }, (_, i) => {
      const report = join(e.dir, `shard-${i}.jsonl`);
      // The last shard as a pod of the Job sees it: no flag, its index and the completions in its environment.
      const byEnv = i === COUNT - 1;
      const args = [...base, '--json', report, ...(byEnv ? [] : ['--shard', `${i}/${COUNT}`])];
      const env = byEnv ? { ...e.env, [SHARD_INDEX_ENV]: String(i), [SHARD_COUNT_ENV]: String(COUNT) } : e.env;
      return { report, run: runCli(args, env, e.dir) };
    });
    const codes = await Promise.all(runs.map((r) => r.run.exited));
    expect(codes).toEqual(runs.map(() => 0));
    for (const [i, { run }] of runs.entries()) expect(run.stderr()).toContain(`journal .certagent/journal/shard-${i}-of-${COUNT}/rollout-`);

    const seen: string[] = [];
    for (const [i, { report }] of runs.entries()) {
      const parsed = parseJsonReport(readFileSync(report, 'utf8'));
      expect(parsed.devices.map((d) => d.device).sort()).toEqual(mine(i));
      expect(parsed.summary?.devices).toBe(mine(i).length);
      for (const d of parsed.devices) expect(d.result).toBe('changed');
      seen.push(...parsed.devices.map((d) => d.device));
    }
    expect(seen.sort()).toEqual([...names].sort());

    // Each shard journals in a folder of its own, so a restarted pod's --resume finds its shard's run and no other.
    for (let i = 0; i < COUNT; i++) {
      const folder = join(e.dir, '.certagent/journal', `shard-${i}-of-${COUNT}`);
      const files = existsSync(folder) ? readdirSync(folder).filter((f) => f.endsWith('.jsonl')) : [];
      expect(files).toHaveLength(1);
      expect(finishedIn(journalRecords(join(folder, files[0] as string))).sort()).toEqual(mine(i));
    }
    // Changed once: no CA authenticated again on a trustpoint that had it; each router ends with it, running and saved.
    expect(second.seen).toEqual([]);
    for (const device of e.lab.devices) {
      expect(device.router.runningConfig()).toContain('crypto pki trustpoint LAB-Lab-Root-R1\n');
      expect(readFileSync(join(e.lab.files.stateDir, 'routers', device.name, 'startup-config'), 'utf8')).toContain('crypto pki trustpoint LAB-Lab-Root-R1\n');
    }
  }, 180_000);
});
