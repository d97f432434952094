/** Waits for a condition with a deadline (never a fixed sleep): the one polling helper of the tests. */

/**
 * Waits until `ok()` holds (it may be async), looking every `everyMs`; after `timeoutMs` it fails naming `what`,
 * with the tail of what `seen()` shows when given.
 */
export async function until(what: string, ok: () => boolean | Promise<boolean>, seen?: () => string, timeoutMs = 60_000, everyMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms${seen ? `; seen: ${seen().slice(-2000)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
