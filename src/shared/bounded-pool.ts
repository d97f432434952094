/**
 * The one bounded-concurrency loop of the tree (the fleet runner's stages, the audit, the lab's start-up). Not
 * p-map or p-limit: on abort p-map rejects the whole run with the abort reason, while every caller here wants the
 * jobs under way to finish (a device mid-change rolls back) and the call to resolve; the loop is shorter than
 * the glue either library would need.
 */

/**
 * Runs `job` for every item, at most `concurrency` at once, started in the items' order. Once `signal` aborts no
 * further job starts; those under way finish and the call resolves. A job that throws stops the starting too: the
 * call rejects with that first error once the jobs under way have finished, so nothing runs on behind its caller.
 */
export async function forEachBounded<T>(
  items: readonly T[],
  concurrency: number,
  job: (item: T, index: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  let failure: { readonly error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < items.length && signal?.aborted !== true) {
      const index = next++;
      try {
        await job(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(Math.floor(concurrency), items.length)) }, worker));
  if (failure !== undefined) throw failure.error;
}
