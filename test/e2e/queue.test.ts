/**
 * A fleet through BullMQ on a real Redis (Debian's redis-server, own config and password, loopback port) with real
 * worker processes of the built CLI against lab routers in two queues with per-queue caps. Workers resolve the
 * routers' and the mail server's secrets from their own environment; the coordinator has only the Redis password.
 * Killing a worker mid-device, killing the coordinator and resuming it, and running again must each leave every
 * router done and saved, no trustpoint authenticated twice, and no secret anywhere in Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseJsonReport } from '../../src/report/json-report.js';
import { startRedis } from '../helpers/redis-server.js';
import type { TestRedis } from '../helpers/redis-server.js';
import { finishedIn, runCli, waitForJournal } from './fleet-helpers.js';
import { startE2eLab } from './helpers.js';
import type { E2eLab } from './helpers.js';
import { SecondAuthentications, SessionPeaks, dumpRedis, splitInventory, startWorker, until, workersTakingJobs } from './queue-helpers.js';
import type { WorkerProcess } from './queue-helpers.js';

// The issue asks for 60 routers; 30 keep this file under two minutes on a two-core CI machine shared with the rest of
// the suite (60 took 3.5 min there: each router's mail proof dominates), and still give every worker several devices
// of each queue, the caps something to hold back, and a kill mid-device with devices left to take over.
const ROUTERS = 30;
const CAPS = { east: 4, west: 2 };

describe('a fleet through BullMQ workers on a real Redis', () => {
  let redis: TestRedis;
  let e: E2eLab;
  let peaks: SessionPeaks;
  let queueOf: Map<string, string>;
  const second = new SecondAuthentications();
  const workers: WorkerProcess[] = [];
  let workerEnv: Record<string, string>;
  let coordinatorEnv: Record<string, string>;

  const workerArgs = (): string[] => [
    '--queue',
    redis.url,
    '--redis-password',
    'env:REDIS_PASSWORD',
    '--queues',
    'east,west',
    '--concurrency',
    '3',
    '--lock-duration',
    '5s',
    '--stalled-interval',
    '2s',
    '--max-stalled',
    '2',
  ];
  const coordinatorArgs = (command: string, ...more: string[]): string[] => [
    command,
    '-i',
    e.inventoryFile,
    '-p',
    e.playbookFile,
    '--queue',
    redis.url,
    '--redis-password',
    'env:REDIS_PASSWORD',
    '--concurrency',
    String(CAPS.east),
    '--queue-concurrency',
    `west=${CAPS.west}`,
    '--progress',
    'none',
    '-q',
    ...more,
  ];
  const saved = (name: string): string => readFileSync(join(e.lab.files.stateDir, 'routers', name, 'startup-config'), 'utf8');

  beforeAll(async () => {
    redis = await startRedis();
    e = await startE2eLab({ devices: ROUTERS, latency: { commandMs: 5 } });
    queueOf = splitInventory(e.inventoryFile, (i) => (i % 2 === 0 ? 'east' : 'west'));
    peaks = new SessionPeaks(e.lab, queueOf);
    workerEnv = { ...e.env, REDIS_PASSWORD: redis.password };
    // The coordinator knows no router or mail secret: the workers resolve those.
    coordinatorEnv = { REDIS_PASSWORD: redis.password };
    for (const name of ['w1', 'w2', 'w3']) workers.push(startWorker(name, workerArgs(), workerEnv, e.dir));
    await workersTakingJobs(workers);
  }, 120_000);

  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    second.restore();
    await e?.stop();
    await redis?.stop();
  }, 60_000);

  it('every router changed, proven and saved within the per-queue caps, though a worker is killed mid-device', async () => {
    const journal = join(e.dir, 'first.jsonl');
    const report = join(e.dir, 'first-report.jsonl');
    const run = runCli(coordinatorArgs('rollout', '--journal', journal, '--json', report), coordinatorEnv, e.dir);
    const victim = workers[0] as WorkerProcess;
    await until(
      'worker w1 authenticating a trustpoint',
      () => /"step":"authenticate /.test(victim.log()),
      () => victim.log() + run.stderr(),
      90_000,
    );
    victim.child.kill('SIGKILL');
    await victim.exited;
    // The devices w1 held: started in its log, never finished there.
    const lines = victim
      .log()
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { event?: string; device?: string });
    const held = lines
      .filter((l) => l.event === 'deviceStarted' && l.device !== undefined && !lines.some((f) => f.event === 'deviceFinished' && f.device === l.device))
      .map((l) => l.device as string);
    expect(held.length).toBeGreaterThan(0);

    expect(await run.exited).toBe(0);
    const parsed = parseJsonReport(readFileSync(report, 'utf8'));
    expect(parsed.summary?.byResult.changed).toBe(ROUTERS - parsed.devices.filter((d) => d.result === 'unchanged').length);
    expect(parsed.devices).toHaveLength(ROUTERS);
    for (const d of parsed.devices) {
      expect(['changed', 'unchanged']).toContain(d.result);
      // A device that w1 left with every change applied reads as unchanged, and is proven and saved all the same.
      if (d.result === 'unchanged') {
        expect(held).toContain(d.device);
        expect(d.changes).toContainEqual({ object: 'startup-config', action: 'saved', detail: 'the device was under way when an earlier run stopped' });
      }
      expect(d.changes.some((c) => c.action === 'proven')).toBe(true);
    }
    for (const device of e.lab.devices) {
      expect(device.router.runningConfig()).toContain('crypto pki trustpoint LAB-Lab-Root-R1\n');
      expect(saved(device.name)).toContain('crypto pki trustpoint LAB-Lab-Root-R1\n');
    }
    expect(second.seen).toEqual([]);
    expect(peaks.peak.get('east')).toBeLessThanOrEqual(CAPS.east);
    expect(peaks.peak.get('west')).toBeLessThanOrEqual(CAPS.west);
    // The caps were reached, so they were what held the fleet back (each worker alone would take 3 per queue, 9 in all).
    expect(peaks.peak.get('west')).toBe(CAPS.west);
    expect(
      finishedIn(
        readFileSync(journal, 'utf8')
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => JSON.parse(l) as never),
      ),
    ).toHaveLength(ROUTERS);

    workers[0] = startWorker('w4', workerArgs(), workerEnv, e.dir);
  }, 180_000);

  it('the coordinator killed mid-run and resumed with its run id finishes the report; every router done and saved', async () => {
    await e.lab.rotateMailChain();
    peaks.reset();
    const first = runCli(coordinatorArgs('rollout'), coordinatorEnv, e.dir);
    await until('the run id', () => / run (\S+) through /.test(first.stderr()), first.stderr, 30_000);
    const runId = / run (\S+) through /.exec(first.stderr())?.[1] as string;
    const journal = join(e.dir, '.certagent/journal', `${runId}.jsonl`);
    await waitForJournal(journal, 'ten finished devices', (r) => finishedIn(r).length >= 10, 90_000);
    first.child.kill('SIGKILL');
    await first.exited;

    const report = join(e.dir, 'resumed-report.jsonl');
    const resumed = runCli(coordinatorArgs('rollout', '--resume', runId, '--json', report), coordinatorEnv, e.dir);
    expect(await resumed.exited).toBe(0);
    expect(resumed.stderr()).toContain(`re-attaching to run ${runId}`);
    const parsed = parseJsonReport(readFileSync(report, 'utf8'));
    expect(parsed.devices.map((d) => d.device).sort()).toEqual(e.lab.devices.map((d) => d.name).sort());
    for (const d of parsed.devices) expect(d.result).toBe('changed');
    for (const device of e.lab.devices) {
      const running = device.router.runningConfig();
      for (const tp of running.match(/^crypto pki trustpoint \S+$/gm) ?? []) expect(saved(device.name)).toContain(tp);
    }
    expect(second.seen).toEqual([]);
    expect(peaks.peak.get('east')).toBeLessThanOrEqual(CAPS.east);
    expect(peaks.peak.get('west')).toBeLessThanOrEqual(CAPS.west);
  }, 180_000);

  it('a run again through the queue finds every router unchanged', async () => {
    const report = join(e.dir, 'again-report.jsonl');
    const again = runCli(coordinatorArgs('rollout', '--json', report), coordinatorEnv, e.dir);
    expect(await again.exited).toBe(0);
    const parsed = parseJsonReport(readFileSync(report, 'utf8'));
    expect(parsed.devices).toHaveLength(ROUTERS);
    for (const d of parsed.devices) expect(d.result).toBe('unchanged');
  }, 120_000);

  it('past the failure budget, jobs no worker started are removed and reported skipped; exit 1', async () => {
    // A device nobody answers for, first in queue east: with one device at a time per queue the rest of east waits.
    const ghost = join(e.dir, 'ghost-inventory.yaml');
    const fingerprint = e.lab.devices[0]?.router.hostKeyFingerprint ?? '';
    writeFileSync(
      ghost,
      readFileSync(e.inventoryFile, 'utf8').replace(
        'devices:\n',
        `devices:\n  - name: ghost\n    queue: east\n    host: 127.0.0.1\n    port: 1\n    groups: [lab]\n    host_key: "${fingerprint}"\n`,
      ),
    );
    const report = join(e.dir, 'budget-report.jsonl');
    const args = coordinatorArgs('rollout', '--json', report, '--max-failures', '0', '--queue-concurrency', 'east=1,west=1').map((a) =>
      a === e.inventoryFile ? ghost : a,
    );
    const run = runCli(args, coordinatorEnv, e.dir);
    expect(await run.exited).toBe(1);
    const parsed = parseJsonReport(readFileSync(report, 'utf8'));
    expect(parsed.devices).toHaveLength(ROUTERS + 1);
    expect(parsed.devices.find((d) => d.device === 'ghost')?.result).toBe('failed');
    const skipped = parsed.devices.filter((d) => d.result === 'skipped');
    expect(skipped.length).toBeGreaterThanOrEqual(5);
    for (const d of skipped) expect(d.error?.message).toContain('not started: the run was stopped (failure budget exceeded');
    for (const d of parsed.devices.filter((x) => x.result !== 'skipped' && x.device !== 'ghost')) expect(d.result).toBe('unchanged');
    expect(parsed.summary?.stoppedEarly).toContain('failure budget exceeded');
    // Removed from Redis, not merely ignored: no worker takes them later.
    const dump = await dumpRedis(redis.port, redis.password);
    for (const queue of ['east', 'west']) expect(dump.get(`bull:${queue}:wait`) ?? 'list []').toBe('list []');
  }, 120_000);

  it('no secret value of the runs is anywhere in Redis: strings, hashes, lists, sets, zsets, streams', async () => {
    const dump = await dumpRedis(redis.port, redis.password);
    const keys = [...dump.keys()];
    // What is scanned holds the runs: their records, the device jobs with their results, the event streams.
    expect(keys.filter((k) => k.startsWith('certagent:run:'))).toHaveLength(4);
    expect(keys.filter((k) => /^bull:(east|west):rollout-/.test(k)).length).toBeGreaterThanOrEqual(3 * ROUTERS);
    expect(keys).toContain('bull:east:events');
    const text = [...dump].map(([k, v]) => `${k} ${v}`).join('\n');
    // The mail server's credentials travel as references, filled by each worker from its own environment.
    expect(text).toContain('CERTAGENT-SECRET.env.');
    const c = e.lab.credentials;
    for (const secret of [c.password, c.enableSecret, c.smtpPassword, redis.password]) {
      expect(secret.length).toBeGreaterThan(8);
      expect(text.includes(secret)).toBe(false);
    }
  });

  it('Redis unreachable at start: exit 2 with a clear message, no router touched', async () => {
    const closed = `redis://127.0.0.1:${redis.port === 1 ? 2 : 1}/0`;
    const run = runCli(['rollout', '-i', e.inventoryFile, '-p', e.playbookFile, '--queue', closed, '--progress', 'none'], coordinatorEnv, e.dir);
    expect(await run.exited).toBe(2);
    expect(run.stderr()).toContain(`cannot reach Redis at ${closed}`);
  });

  it('SIGTERM: each worker takes no new job and exits 0', async () => {
    const live = workers.filter((w) => w.child.exitCode === null);
    for (const w of live) w.child.kill('SIGTERM');
    for (const w of live) expect(await w.exited).toBe(0);
    for (const w of live) expect(w.log()).toContain('workerStopped');
  }, 60_000);
});
