/**
 * The Redis device locks against a real redis-server (Debian's, own config on a loopback port): one holder per
 * router, the holder named in the refusal, renewal while held, expiry once the holder stops renewing, release and
 * renewal that never touch another holder's lock, one winner among clients racing for a key, the wait for a dead
 * worker's lock on a job taken over, and a Redis that does not answer. Small times to live make it quick; every
 * wait is for a condition, with a deadline.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { EveryDeviceLock, FileDeviceLocks, REDIS_LOCK_PREFIX, RedisDeviceLocks, busyMessage } from '../../src/fleet/locks/index.js';
import type { LockAttempt, LockHolder } from '../../src/fleet/locks/index.js';
import { startRedis } from '../helpers/redis-server.js';
import { until } from '../helpers/until.js';
import type { TestRedis } from '../helpers/redis-server.js';

let redis: TestRedis;
const clients: Redis[] = [];

beforeAll(async () => {
  redis = await startRedis();
}, 30_000);

afterEach(() => {
  for (const c of clients.splice(0)) c.disconnect();
});

afterAll(async () => {
  await redis?.stop();
});

/** A connection like the worker's: commands wait through reconnects. (A short disconnect timeout: ioredis keeps a timer that long after disconnect.) */
function client(port = redis.port): Redis {
  const c = new Redis({ host: '127.0.0.1', port, password: redis.password, maxRetriesPerRequest: null, disconnectTimeout: 50 });
  c.on('error', () => undefined);
  clients.push(c);
  return c;
}

const holder = (runId: string, host = hostname()): LockHolder => ({
  runId,
  command: 'rollout',
  pid: process.pid,
  hostname: host,
  startedAt: '2026-12-06T08:00:00.000Z',
});

let targets = 0;
/** A fresh key per test: tests share one Redis. */
const target = (): string => `10.0.0.${++targets}:22`;

function held(attempt: LockAttempt): Extract<LockAttempt, { acquired: true }> {
  if (!attempt.acquired) throw new Error(`not acquired: ${attempt.why}`);
  return attempt;
}

function refused(attempt: LockAttempt): Extract<LockAttempt, { acquired: false }> {
  if (attempt.acquired) throw new Error('acquired, expected a refusal');
  return attempt;
}

describe('RedisDeviceLocks', () => {
  it('gives a router to one holder; the other is told who has it, and gets it once released', async () => {
    const t = target();
    const a = new RedisDeviceLocks(client());
    const b = new RedisDeviceLocks(client());
    const first = held(await a.acquire(t, holder('run-a', 'worker-a')));
    const second = refused(await b.acquire(t, holder('run-b')));
    expect(second.holder).toEqual(holder('run-a', 'worker-a'));
    expect(busyMessage('r1', t, second)).toBe(
      `r1: device busy: run run-a (rollout) started at 2026-12-06T08:00:00.000Z by ${process.pid}/worker-a holds ${t}; nothing was sent: wait for that run to end (or stop it), then run again`,
    );
    expect(await b.describe(t)).toEqual(holder('run-a', 'worker-a'));
    // The key is certagent's, by host:port, with the holder record (and the taking's token) as its value.
    const raw = await client().get(REDIS_LOCK_PREFIX + t);
    expect(JSON.parse(raw ?? '{}')).toMatchObject({ ...holder('run-a', 'worker-a'), token: expect.stringMatching(/^[0-9a-f]{24}$/) });
    await first.lock.release();
    await first.lock.release();
    expect(await b.describe(t)).toBeUndefined();
    held(await b.acquire(t, holder('run-b')));
  });

  it('renews a held lock past its time to live, and lets it expire once the holder stops (its worker died)', async () => {
    const t = target();
    const key = REDIS_LOCK_PREFIX + t;
    const dying = client();
    const watcher = client();
    const a = new RedisDeviceLocks(dying, { ttlMs: 300, renewEveryMs: 60 });
    const b = new RedisDeviceLocks(client(), { ttlMs: 300 });
    const takenAt = Date.now();
    held(await a.acquire(t, holder('run-a')));
    // Renewed: the key is still there after more than two times to live.
    let renewals = 0;
    let last = await watcher.pttl(key);
    await until(
      'two times to live with the lock renewed',
      async () => {
        const now = await watcher.pttl(key);
        expect(now).toBeGreaterThan(0);
        if (now > last) renewals++;
        last = now;
        return Date.now() - takenAt > 650;
      },
      undefined,
      5_000,
      10,
    );
    expect(renewals).toBeGreaterThanOrEqual(3);
    refused(await b.acquire(t, holder('run-b')));
    // The worker is gone without releasing (kill -9): no more renewals, and the lock lapses on its own.
    dying.disconnect();
    const goneAt = Date.now();
    let attempt = await b.acquire(t, holder('run-b'));
    expect(attempt.acquired).toBe(false);
    await until('the dead holder lock to expire', async () => (attempt = await b.acquire(t, holder('run-b'))).acquired, undefined, 3_000, 10);
    expect(Date.now() - goneAt).toBeLessThan(2_000);
    expect(await b.describe(t)).toEqual(holder('run-b'));
  });

  it('never deletes or extends a lock that expired and went to someone else, and tells its old holder', async () => {
    const t = target();
    const key = REDIS_LOCK_PREFIX + t;
    const lost: string[] = [];
    // A holder whose renewals do not come in time (an event loop stalled past the time to live).
    const slow = new RedisDeviceLocks(client(), { ttlMs: 150, renewEveryMs: 60_000 });
    const mine = held(await slow.acquire(t, holder('run-slow')));
    const other = new RedisDeviceLocks(client(), { ttlMs: 5_000 });
    await until('the slow holder lock to expire', async () => (await other.acquire(t, holder('run-other'))).acquired, undefined, 5_000, 10);
    await mine.lock.release();
    expect(await other.describe(t)).toEqual(holder('run-other'));
    expect(await client().pttl(key)).toBeGreaterThan(1_000);

    // A renewing holder finds its key someone else's: it stops renewing it and says so.
    const u = target();
    const renewing = new RedisDeviceLocks(client(), { ttlMs: 2_000, renewEveryMs: 30, onLost: (where, why) => lost.push(`${where} ${why}`) });
    held(await renewing.acquire(u, holder('run-renewing')));
    await client().set(REDIS_LOCK_PREFIX + u, JSON.stringify(holder('run-thief', 'elsewhere')), 'PX', 700);
    await until('the lost lock to be noticed', () => lost.length > 0, undefined, 5_000, 10);
    expect(lost).toEqual([`${u} the lock ${REDIS_LOCK_PREFIX}${u} was taken by run run-thief (${process.pid}/elsewhere) before it was renewed`]);
    // ...and leaves the other's time to live alone.
    expect(await client().pttl(REDIS_LOCK_PREFIX + u)).toBeLessThanOrEqual(700);
  });

  it('of twelve clients racing for one router exactly one wins; every other names the winner', async () => {
    const t = target();
    const contenders = Array.from({ length: 12 }, () => new RedisDeviceLocks(client()));
    await Promise.all(clients.map((c) => c.ping()));
    const attempts = await Promise.all(contenders.map((locks, i) => locks.acquire(t, holder(`run-${i}`))));
    const winners = attempts.flatMap((a, i) => (a.acquired ? [`run-${i}`] : []));
    expect(winners).toHaveLength(1);
    for (const a of attempts) if (!a.acquired) expect(a.holder?.runId).toBe(winners[0]);
  });

  it("a job taken over waits out its dead worker's lock, but not a live holder's or another run's", async () => {
    const t = target();
    const dead = client();
    const ofRun = (runId: string) => (h: LockHolder) => h.runId === runId;
    held(await new RedisDeviceLocks(dead, { ttlMs: 400, renewEveryMs: 100 }).acquire(t, holder('run-1')));
    dead.disconnect();
    const locks = new RedisDeviceLocks(client(), { ttlMs: 400, pollMs: 20 });
    await locks.outwait(t, ofRun('run-1'));
    expect(await locks.describe(t)).toBeUndefined();
    held(await locks.acquire(t, holder('run-1')));

    // Another run's lock: no wait, refused at once.
    const u = target();
    held(await new RedisDeviceLocks(client(), { ttlMs: 60_000 }).acquire(u, holder('run-other')));
    const started = Date.now();
    await locks.outwait(u, ofRun('run-1'));
    expect(Date.now() - started).toBeLessThan(1_000);

    // The same run's lock still renewed (its worker lost the job but lives on): waited out no longer than its time left.
    const v = target();
    held(await new RedisDeviceLocks(client(), { ttlMs: 300, renewEveryMs: 50 }).acquire(v, holder('run-1')));
    await locks.outwait(v, ofRun('run-1'));
    expect(refused(await locks.acquire(v, holder('run-1'))).holder?.runId).toBe('run-1');
  });

  it('a Redis that does not answer refuses the device after the deadline, with why', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const address = s.address();
        s.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const locks = new RedisDeviceLocks(client(port), { ttlMs: 150 });
    const attempt = refused(await locks.acquire('10.9.9.9:22', holder('run-x')));
    expect(attempt.holder).toBeUndefined();
    expect(busyMessage('r9', '10.9.9.9:22', attempt)).toBe(
      `r9: cannot lock 10.9.9.9:22: Redis did not answer SET ${REDIS_LOCK_PREFIX}10.9.9.9:22 NX within 150 ms; nothing was sent`,
    );
  });
});

describe('EveryDeviceLock (a worker: Redis and its machine lock folder)', () => {
  it('refuses a router an in-process run on the same machine holds, and leaves no Redis lock behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'certagent-locks-'));
    try {
      const t = target();
      const files = new FileDeviceLocks(dir);
      const redisLocks = new RedisDeviceLocks(client());
      const worker = new EveryDeviceLock([redisLocks, new FileDeviceLocks(dir)]);
      const inProcess = held(await files.acquire(t, holder('rollout-in-process')));
      expect(refused(await worker.acquire(t, holder('run-queued'))).holder?.runId).toBe('rollout-in-process');
      expect(await redisLocks.describe(t)).toBeUndefined();
      expect((await worker.describe(t))?.runId).toBe('rollout-in-process');
      await inProcess.lock.release();

      const mine = held(await worker.acquire(t, holder('run-queued')));
      expect(refused(await files.acquire(t, holder('rollout-in-process'))).holder?.runId).toBe('run-queued');
      expect((await redisLocks.describe(t))?.runId).toBe('run-queued');
      await mine.lock.release();
      expect(await worker.describe(t)).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
