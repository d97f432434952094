/**
 * Device locks across queue workers (issues 10 and 12): real worker processes of the built CLI on a real Redis,
 * lab routers, and the workers' machine lock folder shared with in-process runs. A router another worker holds in
 * Redis is refused by the queued run, untouched, with its holder named in the coordinator's report. While one
 * queued run is changing a router (held at `crypto pki authenticate` by the test), a second queued run and an
 * in-process run on the workers' machine both refuse it naming that run; the first then finishes, and the router
 * ends configured, saved, and free.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { FileDeviceLocks, RedisDeviceLocks } from '../../src/fleet/locks/index.js';
import { CliSession } from '../../src/lab/router/session.js';
import type { LabDevice } from '../../src/lab/index.js';
import { parseJsonReport } from '../../src/report/json-report.js';
import type { ParsedReport } from '../../src/report/json-report.js';
import { startRedis } from '../helpers/redis-server.js';
import type { TestRedis } from '../helpers/redis-server.js';
import { runCli } from './fleet-helpers.js';
import { startE2eLab } from './helpers.js';
import type { E2eLab } from './helpers.js';
import { startWorker, workersTakingJobs } from './queue-helpers.js';
import type { WorkerProcess } from './queue-helpers.js';

type Execute = (this: { replay: boolean; runtime: { state: { hostname: string } } }, text: string) => Promise<void>;

/** Holds one router's first line matching `command` until opened: a run caught in the middle of changing it. */
class CommandGate {
  readonly #original: Execute;
  readonly reached: Promise<void>;
  readonly open: () => void;

  constructor(hostname: string, command: RegExp) {
    const proto = CliSession.prototype as unknown as { execute: Execute };
    const original = proto.execute;
    this.#original = original;
    let reached = (): void => undefined;
    let open = (): void => undefined;
    this.reached = new Promise((resolve) => (reached = resolve));
    const opened = new Promise<void>((resolve) => (open = resolve));
    this.open = open;
    let held = false;
    proto.execute = async function (text) {
      if (!held && !this.replay && this.runtime.state.hostname === hostname && command.test(text)) {
        held = true;
        reached();
        await opened;
      }
      return original.call(this, text);
    };
  }

  restore(): void {
    this.open();
    (CliSession.prototype as unknown as { execute: Execute }).execute = this.#original;
  }
}

describe('device locks across BullMQ workers on a real Redis', () => {
  let redis: TestRedis;
  let e: E2eLab;
  let lockDir: string;
  const workers: WorkerProcess[] = [];
  let workerEnv: Record<string, string>;
  let coordinatorEnv: Record<string, string>;
  let client: Redis;
  const sessions = new Map<string, number>();

  const coordinatorArgs = (report: string, ...more: string[]): string[] => [
    'rollout',
    '-i',
    e.inventoryFile,
    '-p',
    e.playbookFile,
    '--queue',
    redis.url,
    '--redis-password',
    'env:REDIS_PASSWORD',
    '--progress',
    'none',
    '--json',
    report,
    '-q',
    ...more,
  ];
  const saved = (name: string): string => readFileSync(join(e.lab.files.stateDir, 'routers', name, 'startup-config'), 'utf8');
  const device = (i: number): LabDevice => e.lab.devices[i] as LabDevice;
  const report = (path: string): ParsedReport => parseJsonReport(readFileSync(path, 'utf8'));
  const busy = (d: LabDevice, run: string, by: string): RegExp =>
    new RegExp(
      `^${d.name}: device busy: run ${run} \\(rollout\\) started at \\d{4}-\\d\\d-\\d\\dT\\S+ by ${by} holds 127\\.0\\.0\\.1:${d.port}; nothing was sent: wait for that run to end`,
    );

  beforeAll(async () => {
    redis = await startRedis();
    e = await startE2eLab({ devices: 3, latency: { commandMs: 2 } });
    for (const d of e.lab.devices) d.router.onSessionCount = (delta) => delta === 1 && sessions.set(d.name, (sessions.get(d.name) ?? 0) + 1);
    lockDir = mkdtempSync(join(e.dir, 'locks-'));
    // The workers and the in-process run below are on one machine: they share its lock folder.
    workerEnv = { ...e.env, REDIS_PASSWORD: redis.password, CERTAGENT_LOCK_DIR: lockDir };
    coordinatorEnv = { REDIS_PASSWORD: redis.password };
    const args = ['--queue', redis.url, '--redis-password', 'env:REDIS_PASSWORD', '--concurrency', '2', '--lock-duration', '4s', '--stalled-interval', '2s'];
    for (const name of ['w1', 'w2']) workers.push(startWorker(name, args, workerEnv, e.dir));
    client = new Redis({ host: '127.0.0.1', port: redis.port, password: redis.password, maxRetriesPerRequest: null, disconnectTimeout: 50 });
    client.on('error', () => undefined);
    await workersTakingJobs(workers);
  }, 120_000);

  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exited));
    client?.disconnect();
    await e?.stop();
    await redis?.stop();
  }, 60_000);

  it('a router another worker holds is refused untouched, its holder named in the report; the rest are changed', async () => {
    const held = device(0);
    const elsewhere = new RedisDeviceLocks(client, { ttlMs: 60_000 });
    const planted = await elsewhere.acquire(`127.0.0.1:${held.port}`, {
      runId: 'rollout-20261206T080000Z-elsewhere',
      command: 'rollout',
      pid: 4242,
      hostname: 'worker-eu-7',
      startedAt: new Date().toISOString(),
    });
    if (!planted.acquired) throw new Error(`the test could not plant its lock: ${planted.why}`);
    const path = join(e.dir, 'planted-report.jsonl');
    const run = runCli(coordinatorArgs(path), coordinatorEnv, e.dir);
    try {
      expect(await run.exited).toBe(1);
    } finally {
      await planted.lock.release();
    }
    const parsed = report(path);
    const refused = parsed.devices.find((d) => d.device === held.name);
    expect(refused?.result).toBe('failed');
    expect(refused?.error?.message).toMatch(busy(held, 'rollout-20261206T080000Z-elsewhere', '4242/worker-eu-7'));
    expect(refused?.roundTrips).toBe(0);
    expect(sessions.get(held.name) ?? 0).toBe(0);
    expect(held.router.runningConfig()).not.toContain('crypto pki trustpoint LAB-Lab-Root-R1\n');
    for (const other of [device(1), device(2)]) {
      expect(parsed.devices.find((d) => d.device === other.name)?.result).toBe('changed');
      expect(saved(other.name)).toContain('crypto pki trustpoint LAB-Lab-Root-R1\n');
    }
  }, 120_000);

  it('a router one queued run is changing: a second queued run and an in-process run here refuse it naming that run', async () => {
    const target = device(0);
    const gate = new CommandGate(target.router.state.hostname, /^\s*crypto pki authenticate /);
    try {
      const firstReport = join(e.dir, 'first-report.jsonl');
      const first = runCli(coordinatorArgs(firstReport, '--limit', target.name, '--command-timeout', '120'), coordinatorEnv, e.dir);
      await Promise.race([
        gate.reached,
        first.exited.then((code) => {
          throw new Error(`the first run ended (exit ${code}) before it reached crypto pki authenticate: ${first.stderr()}`);
        }),
      ]);
      const runId = / run (\S+) through /.exec(first.stderr())?.[1] as string;
      expect(runId).toMatch(/^rollout-/);
      const opened = sessions.get(target.name) ?? 0;
      const holderPids = workers.map((w) => w.child.pid).join('|');

      const secondReport = join(e.dir, 'second-report.jsonl');
      const second = runCli(coordinatorArgs(secondReport, '--limit', target.name), coordinatorEnv, e.dir);
      const localReport = join(e.dir, 'local-report.jsonl');
      const local = runCli(
        ['rollout', '-i', e.inventoryFile, '-p', e.playbookFile, '--limit', target.name, '--progress', 'none', '--json', localReport, '-q'],
        workerEnv,
        mkdtempSync(join(e.dir, 'operator-')),
      );
      expect(await second.exited).toBe(1);
      expect(await local.exited).toBe(1);
      for (const path of [secondReport, localReport]) {
        const [outcome] = report(path).devices;
        expect(outcome?.result).toBe('failed');
        expect(outcome?.error?.message).toMatch(busy(target, runId, `(${holderPids})/\\S+`));
        expect(outcome?.roundTrips).toBe(0);
      }
      // Neither refusing run opened a session to the router.
      expect(sessions.get(target.name)).toBe(opened);

      gate.open();
      expect(await first.exited).toBe(0);
      expect(report(firstReport).devices.map((d) => [d.device, d.result])).toEqual([[target.name, 'changed']]);
    } finally {
      gate.restore();
    }
    const running = target.router.runningConfig();
    const startup = saved(target.name);
    for (const needed of [
      'crypto pki trustpoint LAB-Lab-Root-R1\n',
      'crypto pki trustpoint LAB-smtp.lab.example\n',
      'event manager applet SendSecureEmailEEM',
      'event manager environment _email_to noc@lab.example',
    ]) {
      expect(running).toContain(needed);
      expect(startup).toContain(needed);
    }
    // Given back in Redis and in the machine's folder: the next run finds the router free.
    expect(await new RedisDeviceLocks(client).describe(`127.0.0.1:${target.port}`)).toBeUndefined();
    expect(await new FileDeviceLocks(lockDir).describe(`127.0.0.1:${target.port}`)).toBeUndefined();
  }, 180_000);
});
