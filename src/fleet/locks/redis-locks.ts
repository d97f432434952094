/**
 * Device locks in Redis, for queue workers on many machines: a lock is the key `certagent:lock:HOST:PORT` set with
 * `SET NX PX` to the holder record (the same one the file locks keep, plus a random token that makes each taking
 * unique). While held, a timer extends the key's time to live, and release deletes it, each through a Lua script
 * that first compares the value with ours: a lock that expired and was taken by another worker is never extended
 * or deleted by the one that lost it.
 *
 * The time to live is the trade-off: long enough that a short Redis hiccup (a restart, a failover) does not let the
 * lock lapse while its worker is still changing the router, short enough that a worker killed with SIGKILL blocks
 * its device only that long. The worker uses its BullMQ job lock duration (`--lock-duration`, 30 s by default):
 * BullMQ's own lock makes the same trade-off for the job, so a device is never held longer than its job, and a
 * Redis outage that loses one loses the other too. Renewal every third of it survives an outage of two thirds.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { parseLockHolder } from './types.js';
import type { DeviceLocks, HeldLock, LockAttempt, LockHolder } from './types.js';

export const REDIS_LOCK_PREFIX = 'certagent:lock:';
/** The default time to live: BullMQ's default lock duration, which `certagent worker --lock-duration` also uses. */
export const DEFAULT_LOCK_TTL_MS = 30_000;

// Compare-and-extend and compare-and-delete: only the value we wrote (our token) may be extended or removed.
const EXTEND = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const DELETE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export interface RedisLockOptions {
  /** How long a lock lives without renewal (default 30 s). */
  readonly ttlMs?: number;
  /** How often a held lock is extended (default a third of the time to live). */
  readonly renewEveryMs?: number;
  /** How long taking, reading or giving back a lock waits for Redis (default the time to live). */
  readonly answerWithinMs?: number;
  /** How often `outwait` looks whether an earlier holder's lock has gone (default 100 ms). */
  readonly pollMs?: number;
  /** Told when a renewal finds the lock expired or someone else's: the device may be changed by two runs now. */
  readonly onLost?: (target: string, why: string) => void;
}

interface Stored extends LockHolder {
  readonly token: string;
}

class NoAnswer extends Error {}

export class RedisDeviceLocks implements DeviceLocks {
  readonly #client: Redis;
  readonly #ttlMs: number;
  readonly #renewEveryMs: number;
  readonly #answerWithinMs: number;
  readonly #pollMs: number;
  readonly #onLost: ((target: string, why: string) => void) | undefined;

  /** `client`: an ioredis connection whose commands wait through reconnects (the queue's), so a renewal sent during a hiccup lands once Redis is back. */
  constructor(client: Redis, options: RedisLockOptions = {}) {
    this.#client = client;
    this.#ttlMs = options.ttlMs ?? DEFAULT_LOCK_TTL_MS;
    this.#renewEveryMs = options.renewEveryMs ?? Math.max(1, Math.floor(this.#ttlMs / 3));
    this.#answerWithinMs = options.answerWithinMs ?? this.#ttlMs;
    this.#pollMs = options.pollMs ?? 100;
    this.#onLost = options.onLost;
  }

  async acquire(target: string, holder: LockHolder): Promise<LockAttempt> {
    const key = REDIS_LOCK_PREFIX + target;
    const value = JSON.stringify({ ...holder, token: randomBytes(12).toString('hex') } satisfies Stored);
    // The key can vanish between a refused SET and the read of its holder: then try once more.
    for (let attempt = 0; attempt < 2; attempt++) {
      let taken: 'OK' | null;
      try {
        taken = await this.#answer(this.#client.set(key, value, 'PX', this.#ttlMs, 'NX'), `SET ${key} NX`);
      } catch (err) {
        // The SET may still land once Redis answers: take it back then rather than hold the device for a full TTL.
        this.#client.eval(DELETE, 1, key, value).catch(() => undefined);
        return { acquired: false, holder: undefined, why: this.#why(err) };
      }
      if (taken === 'OK') return { acquired: true, lock: this.#held(target, key, value) };
      let text: string | null;
      try {
        text = await this.#answer(this.#client.get(key), `GET ${key}`);
      } catch (err) {
        return { acquired: false, holder: undefined, why: this.#why(err) };
      }
      if (text === null) continue;
      const current = parseLockHolder(text);
      if (current === undefined) return { acquired: false, holder: undefined, why: `the key ${key} in Redis holds something other than a certagent lock` };
      return { acquired: false, holder: current, why: `held by process ${current.pid} on ${current.hostname}` };
    }
    return { acquired: false, holder: undefined, why: `the lock ${key} in Redis changed hands twice while it was being taken` };
  }

  async describe(target: string): Promise<LockHolder | undefined> {
    return this.#read(REDIS_LOCK_PREFIX + target);
  }

  /**
   * Waits while `target` is held by a holder `earlier` says is ours from before: the same job on a worker that died
   * (BullMQ gave the job to this worker, but the dead one's lock lives until its time to live runs out). Returns
   * when the lock is gone or held by someone else, or once the lock has outlived the time it had left when first
   * seen (its holder is alive and renewing: then `acquire` refuses the device as usual).
   */
  async outwait(target: string, earlier: (holder: LockHolder) => boolean): Promise<void> {
    const key = REDIS_LOCK_PREFIX + target;
    const holder = await this.#read(key);
    if (holder === undefined || !earlier(holder)) return;
    const left = await this.#answer(this.#client.pttl(key), `PTTL ${key}`);
    const deadline = Date.now() + Math.max(0, left) + this.#pollMs;
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, this.#pollMs));
      const now = await this.#read(key);
      if (now === undefined || !earlier(now)) return;
    }
  }

  async #read(key: string): Promise<LockHolder | undefined> {
    const text = await this.#answer(this.#client.get(key), `GET ${key}`);
    return text === null ? undefined : parseLockHolder(text);
  }

  #why(err: unknown): string {
    return err instanceof NoAnswer ? err.message : `Redis refused the lock (${err instanceof Error ? err.message : String(err)})`;
  }

  /** `command`'s answer, or NoAnswer after `answerWithinMs`: a device never waits on Redis without a deadline. */
  async #answer<T>(command: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new NoAnswer(`Redis did not answer ${what} within ${this.#answerWithinMs} ms`)), this.#answerWithinMs);
    });
    try {
      return await Promise.race([command, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  #held(target: string, key: string, value: string): HeldLock {
    let released = false;
    let renewing = false;
    const timer = setInterval(() => {
      // One renewal at a time: during an outage it waits in the client's queue and lands on reconnect.
      if (renewing) return;
      renewing = true;
      this.#client
        .eval(EXTEND, 1, key, value, this.#ttlMs)
        .then((extended) => {
          if (extended === 1 || released) return;
          clearInterval(timer);
          return this.#read(key).then(
            (now) =>
              this.#onLost?.(target, `the lock ${key} ${now ? `was taken by run ${now.runId} (${now.pid}/${now.hostname})` : 'expired'} before it was renewed`),
            () => this.#onLost?.(target, `the lock ${key} expired before it was renewed`),
          );
        })
        .catch(() => undefined)
        .finally(() => (renewing = false));
    }, this.#renewEveryMs);
    timer.unref();
    return {
      release: async () => {
        if (released) return;
        released = true;
        clearInterval(timer);
        // Without an answer the lock lapses on its own within its time to live.
        await this.#answer(this.#client.eval(DELETE, 1, key, value), `the release of ${key}`).catch(() => undefined);
      },
    };
  }
}
