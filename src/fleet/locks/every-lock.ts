/**
 * Several lock stores as one: a device is taken only when every store gives it, in order, and a refusal from any of
 * them gives back what the earlier ones gave. A queue worker holds a router in Redis (against other workers) and in
 * its machine's lock folder (against an in-process run on the same machine, which knows nothing of Redis).
 */
import type { DeviceLocks, HeldLock, LockAttempt, LockHolder } from './types.js';

export class EveryDeviceLock implements DeviceLocks {
  readonly #stores: readonly DeviceLocks[];

  constructor(stores: readonly DeviceLocks[]) {
    this.#stores = stores;
  }

  async acquire(target: string, holder: LockHolder): Promise<LockAttempt> {
    const held: HeldLock[] = [];
    const releaseAll = async (): Promise<void> => {
      // Last taken, first given back.
      for (const lock of held.slice().reverse()) await lock.release();
    };
    for (const store of this.#stores) {
      const attempt = await store.acquire(target, holder);
      if (!attempt.acquired) {
        await releaseAll();
        return attempt;
      }
      held.push(attempt.lock);
    }
    return { acquired: true, lock: { release: releaseAll } };
  }

  async describe(target: string): Promise<LockHolder | undefined> {
    for (const store of this.#stores) {
      const holder = await store.describe(target);
      if (holder !== undefined) return holder;
    }
    return undefined;
  }
}
