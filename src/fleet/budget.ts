/**
 * The failure budget of a fleet run (`--max-failures N` or `P%`): how many devices may fail or roll back before
 * the run starts no more. Counting is the caller's; this module only parses and judges. Pure.
 */

export interface FailureBudget {
  /** As given, for messages: `3` or `5%`. */
  readonly text: string;
  /** Most failures tolerated for a run of `total` devices; one more stops the run. */
  allowed(total: number): number;
}

/** A budget text is neither a whole number nor a percentage 0–100. */
export class FailureBudgetError extends Error {
  override readonly name = 'FailureBudgetError';
}

export function parseFailureBudget(text: string): FailureBudget {
  const t = text.trim();
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(t);
  if (percent) {
    const p = Number(percent[1]);
    if (p > 100) throw new FailureBudgetError(`--max-failures ${t}: a percentage must be 0% to 100%`);
    // Of the devices in the run, rounded down: 5% of 30 devices tolerates 1 failure, not 1.5.
    return { text: t, allowed: (total) => Math.floor((total * p) / 100) };
  }
  if (/^\d+$/.test(t)) {
    const n = Number(t);
    return { text: t, allowed: () => n };
  }
  throw new FailureBudgetError(`--max-failures must be a number of devices (e.g. 3) or a percentage (e.g. 5%), not '${text}'`);
}

/** The reason to stop, once `failures` exceed the budget for a run of `total` devices; undefined while within it. */
export function budgetExceeded(budget: FailureBudget, failures: number, total: number): string | undefined {
  const allowed = budget.allowed(total);
  if (failures <= allowed) return undefined;
  return `failure budget exceeded: ${failures} device${failures === 1 ? '' : 's'} failed or rolled back, --max-failures ${budget.text} allows ${allowed} of ${total}`;
}
