/**
 * Deadlines of a fleet run. A device's deadline (`--device-timeout`) is an AbortSignal: no new step starts once it
 * has passed, and the wait under way (a command, the login, a retry's backoff, the proof's polling) ends at once;
 * the changes already made are then rolled back within the rollback allowance (run-context.ts), so a device takes
 * at most its deadline plus that allowance. The run's deadline (`--deadline`) starts no new device once passed;
 * devices under way keep their own deadline.
 */

/** The device's deadline passed: the workflow stopped before its next step. */
export class DeviceDeadlineError extends Error {
  override readonly name = 'DeviceDeadlineError';
  readonly advice: string;

  constructor(
    readonly device: string,
    readonly timeoutMs: number,
  ) {
    super(`${device}: the device deadline of ${formatMs(timeoutMs)} passed; no further step was started`);
    this.advice = 'raise --device-timeout (the proof alone may take up to verify.wait_for_log_seconds), or look at the transcript for a slow step';
  }
}

export function formatMs(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1000} s`;
}

export interface Deadline {
  readonly signal: AbortSignal;
  /** Stops the timer (call when the device is done). */
  clear(): void;
}

/** A signal aborted with a DeviceDeadlineError `timeoutMs` after now. */
export function deviceDeadline(device: string, timeoutMs: number): Deadline {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DeviceDeadlineError(device, timeoutMs)), timeoutMs);
  timer.unref();
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}
