/**
 * The seam between the audit and the fleet machinery: the default concurrency shared with rollout and the pool
 * that runs devices at most N at once. The change runner (`runFleet`) is bound to the change workflow (journal,
 * stages, rollback) and moves to src/fleet/; this file is the only one of src/audit/ that follows it.
 */
export { DEFAULT_CONCURRENCY } from '../fleet/index.js';

/** Runs `job` for every item, at most `concurrency` at once, in order of start; stops starting when `signal` aborts. */
export async function forEachBounded<T>(items: readonly T[], concurrency: number, job: (item: T) => Promise<void>, signal?: AbortSignal): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length && signal?.aborted !== true) await job(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
}
