/** The one bounded pool of the fleet runner, the audit and the lab: bound, order, stop and failure, on real promises. */
import { describe, expect, it } from '@jest/globals';
import { forEachBounded } from '../../src/shared/bounded-pool.js';

/** Jobs that finish only when the test says so, so that what runs at once is observed, not timed. */
function gatedJobs(count: number) {
  const releases: (() => void)[] = [];
  const started: number[] = [];
  let running = 0;
  let most = 0;
  const job = async (_: unknown, index: number): Promise<void> => {
    started.push(index);
    running++;
    most = Math.max(most, running);
    await new Promise<void>((resolve) => (releases[index] = resolve));
    running--;
  };
  const items = Array.from({ length: count }, (_, i) => i);
  /** A few microtask turns: enough for the pool to start the next job after a release. */
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { items, job, started, releases, settle, most: () => most };
}

describe('forEachBounded', () => {
  it('runs at most `concurrency` jobs at once and starts them in order', async () => {
    const g = gatedJobs(5);
    const done = forEachBounded(g.items, 2, g.job);
    await g.settle();
    expect(g.started).toEqual([0, 1]);
    g.releases[1]?.();
    await g.settle();
    expect(g.started).toEqual([0, 1, 2]);
    for (let i = 0; i < 5; i++) {
      g.releases[i]?.();
      await g.settle();
    }
    await done;
    expect(g.started).toEqual([0, 1, 2, 3, 4]);
    expect(g.most()).toBe(2);
  });

  it('starts nothing more once the signal aborts, lets the jobs under way finish and resolves', async () => {
    const g = gatedJobs(4);
    const stop = new AbortController();
    let settled = false;
    const done = forEachBounded(g.items, 2, g.job, stop.signal).then(() => (settled = true));
    await g.settle();
    stop.abort('stopped');
    g.releases[0]?.();
    await g.settle();
    expect(settled).toBe(false);
    g.releases[1]?.();
    await done;
    expect(g.started).toEqual([0, 1]);
  });

  it('on a job that throws, starts nothing more and rejects with that error after the others finish', async () => {
    const order: string[] = [];
    let releaseSlow: () => void = () => undefined;
    const job = async (item: string): Promise<void> => {
      order.push(`start ${item}`);
      if (item === 'bad') throw new Error('bad item');
      if (item === 'slow') await new Promise<void>((resolve) => (releaseSlow = resolve));
      order.push(`end ${item}`);
    };
    const done = forEachBounded(['slow', 'bad', 'never'], 2, job);
    let rejected: unknown;
    const caught = done.catch((err: unknown) => (rejected = err));
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(rejected).toBeUndefined();
    releaseSlow();
    await caught;
    expect(rejected).toEqual(new Error('bad item'));
    expect(order).toEqual(['start slow', 'start bad', 'end slow']);
  });

  it('takes a concurrency below one or above the item count as its nearest sensible bound', async () => {
    const seen: number[] = [];
    await forEachBounded([1, 2, 3], 0, async (n) => void seen.push(n));
    await forEachBounded([4], 100, async (n) => void seen.push(n));
    await forEachBounded([], 3, async () => void seen.push(-1));
    expect(seen).toEqual([1, 2, 3, 4]);
  });
});
