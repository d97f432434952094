/**
 * One stop for a whole run, whatever the cause: the caller's signal (SIGINT/SIGTERM), the run deadline, or the
 * runner's own reasons (the canary, the failure budget, the journal). The first cause wins and becomes the run's
 * `stoppedEarly`; both runners (in-process and the queue's coordinator) stop through it.
 */
import { errorMessage } from '../shared/error-message.js';
import { formatMs } from '../workflow/index.js';

export class RunStop {
  readonly #controller = new AbortController();
  readonly #caller: AbortSignal | undefined;
  readonly #timer: NodeJS.Timeout | undefined;
  readonly #onCallerAbort = (): void => this.stop(this.#caller?.reason);

  constructor(caller: AbortSignal | undefined, deadlineMs: number | undefined) {
    this.#caller = caller;
    if (caller?.aborted) this.#onCallerAbort();
    caller?.addEventListener('abort', this.#onCallerAbort, { once: true });
    if (deadlineMs !== undefined) this.#timer = setTimeout(() => this.stop(`the run deadline of ${formatMs(deadlineMs)} passed`), deadlineMs);
  }

  /** Aborted once the run must start nothing more; its reason says why. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Stops the run for `reason`, unless it has stopped already (the first reason stands). */
  stop(reason: unknown): void {
    if (!this.#controller.signal.aborted) this.#controller.abort(reason);
  }

  /** Without the journal a later --resume could redo or miss devices: start no more, let those under way finish. */
  journalFailed(err: unknown): void {
    this.stop(`the journal cannot be written (${errorMessage(err)})`);
  }

  /** Ends the deadline timer and the caller's listener; call once the run is over. */
  dispose(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#caller?.removeEventListener('abort', this.#onCallerAbort);
  }
}
