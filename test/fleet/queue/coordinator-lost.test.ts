/**
 * The coordinator against a real Redis that stops answering without closing its connections (redis-server frozen
 * with SIGSTOP, as behind a network partition): every command sent then is written and never answered. Before the
 * first stage is enqueued, and while a look at the jobs is in flight, the run must still end within about
 * --redis-lost-after, the devices still out reported unknown and those of later stages skipped. No worker is
 * needed: nothing reaches one.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Secret, loadInventory } from '../../../src/config/index.js';
import { newRunId } from '../../../src/fleet/index.js';
import { RUN_FORMAT, parseQueueUrl, runQueued } from '../../../src/fleet/queue/index.js';
import type { QueuedDevice, QueuedFleetOptions } from '../../../src/fleet/queue/index.js';
import type { DeviceOutcome, RunReporter } from '../../../src/report/events.js';
import { startRedis } from '../../helpers/redis-server.js';
import type { TestRedis } from '../../helpers/redis-server.js';

const LOST_AFTER_MS = 2_000;

/** `promise` within `ms`, or a failure saying what hung. */
async function within<T>(what: string, promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not end within ${ms} ms`)), ms)));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('the coordinator when Redis stops answering', () => {
  let redis: TestRedis;
  let dir: string;
  let devices: QueuedDevice[];
  let frozen = false;
  const freeze = (): void => {
    process.kill(redis.pid ?? 0, 'SIGSTOP');
    frozen = true;
  };

  beforeEach(async () => {
    redis = await startRedis();
    dir = mkdtempSync(join(tmpdir(), 'certagent-coordinator-lost-'));
    const file = join(dir, 'inventory.yaml');
    writeFileSync(
      file,
      `devices:\n${['r1', 'r2', 'r3', 'r4'].map((n) => `  - name: ${n}\n    host: 192.0.2.${n.slice(1)}\n    username: u\n    password: {env: P}\n    known_hosts: ./kh\n`).join('')}`,
    );
    devices = (await loadInventory(file)).devices.map((device) => ({ device, queue: 'lost-test' }));
  }, 30_000);

  afterEach(async () => {
    if (frozen) process.kill(redis.pid ?? 0, 'SIGCONT');
    frozen = false;
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  function run(
    onStarted: () => void,
    more: Partial<QueuedFleetOptions> = {},
  ): { result: ReturnType<typeof runQueued>; outcomes: DeviceOutcome[]; notes: string[] } {
    const outcomes: DeviceOutcome[] = [];
    const notes: string[] = [];
    const reporter: RunReporter = {
      runStarted: onStarted,
      deviceStarted: () => undefined,
      deviceStep: () => undefined,
      deviceFinished: (o) => outcomes.push(o),
      runFinished: () => undefined,
    };
    const runId = newRunId('rollout');
    const result = runQueued({
      spec: {
        format: RUN_FORMAT,
        runId,
        command: 'rollout',
        dryRun: false,
        fingerprint: 'test',
        desired: {},
        commandTimeoutMs: 1_000,
        devices: devices.map((d) => ({ name: d.device.name, queue: d.queue })),
      },
      devices,
      connection: { location: parseQueueUrl(redis.url), password: new Secret(redis.password, 'test Redis password') },
      caps: new Map([['lost-test', 2]]),
      attempts: 1,
      reporter,
      lostAfterMs: LOST_AFTER_MS,
      note: (text) => notes.push(text),
      ...more,
    });
    return { result, outcomes, notes };
  }

  it('frozen just before the first stage is enqueued: the canary is unknown, the later stages skipped', async () => {
    const started = Date.now();
    const { result, outcomes, notes } = run(freeze, { canary: 1 });
    const { exitCode, summary } = await within('the run', result, LOST_AFTER_MS + 20_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(LOST_AFTER_MS);
    expect(exitCode).toBe(1);
    expect(outcomes.map((o) => [o.device, o.result])).toEqual([
      ['r1', 'failed'],
      ['r2', 'skipped'],
      ['r3', 'skipped'],
      ['r4', 'skipped'],
    ]);
    expect(outcomes[0]?.error?.message).toBe(`r1: outcome unknown: Redis at ${redis.url} stopped answering while the device was queued or under way`);
    for (const o of outcomes.slice(1))
      expect(o.error?.message).toBe(`${o.device}: not started: the run was stopped (Redis at ${redis.url} did not answer for 2 s)`);
    expect(notes).toContain('outcome unknown for 1 device (Redis unreachable): r1');
    expect(summary.stoppedEarly).toBe(`Redis at ${redis.url} did not answer for 2 s`);
  }, 60_000);

  it('frozen while the jobs are looked at directly (no worker, so no event comes): every device still out is unknown', async () => {
    const started = Date.now();
    // Looked at every 100 ms, and Redis given up on only after 6 s: looks are sent to the frozen Redis meanwhile.
    const lostAfterMs = 6_000;
    const { result, outcomes, notes } = run(() => setTimeout(freeze, 1_500), { reconcileMs: 100, lostAfterMs });
    const { exitCode } = await within('the run', result, lostAfterMs + 20_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(lostAfterMs);
    expect(exitCode).toBe(1);
    expect(outcomes.map((o) => o.device).sort()).toEqual(['r1', 'r2', 'r3', 'r4']);
    for (const o of outcomes) expect(o.error?.message).toContain('outcome unknown: Redis at');
    expect(notes).toContain('outcome unknown for 4 devices (Redis unreachable): r1, r2, r3, r4');
  }, 60_000);
});
