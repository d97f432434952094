/**
 * The bookkeeping of one device's run, whichever way the device is reached (SSH CLI or NETCONF): progress steps,
 * the deadline, connecting with retries, round trips, and the outcome. Retry, deadline and rollback-outcome policy
 * live here once.
 */
import pRetry from 'p-retry';
import type { ChangeRecord, DeviceOutcome, DeviceResult, RunReporter } from '../report/events.js';
import { isTransient } from './connect.js';
import type { ErrorDetail } from './errors.js';
import type { Proof } from './verify.js';

export interface RetryPolicy {
  /** Further attempts after the first (default 2). */
  readonly retries?: number;
  readonly minTimeoutMs?: number;
  readonly maxTimeoutMs?: number;
}

/** What a run needs of its device session. */
export interface RunSession {
  readonly roundTrips: number;
  close(): Promise<void>;
  /** Ends every later wait of the session when `signal` aborts (the device deadline, then the rollback allowance). */
  useSignal(signal: AbortSignal | undefined): void;
}

export interface RunJob<S extends RunSession> {
  readonly device: string;
  readonly host: string;
  /** One connection attempt; retries are the job's. */
  readonly open: () => Promise<S>;
  readonly retry?: RetryPolicy;
  readonly reporter: RunReporter;
  readonly transcript?: string;
  /** Aborted when the device's deadline passes: no further step starts, the wait under way ends, changes made are rolled back. */
  readonly signal?: AbortSignal;
  /** How long the rollback may take once the deadline has passed (default ROLLBACK_ALLOWANCE_MS). */
  readonly rollbackAllowanceMs?: number;
}

/**
 * Time granted to undo changes after the device deadline passed: a device's run takes at most `--device-timeout`
 * plus this. A minute covers a rollback of every object certagent touches (a reconnect, a few config blocks and
 * dialogs, one re-read) on a slow link; what is not undone by then is reported as left.
 */
export const ROLLBACK_ALLOWANCE_MS = 60_000;

/** `promise`, unless `signal` aborts first (then its reason); a result arriving late is handed to `late`. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined, late: (value: T) => void): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.then(late, () => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    let aborted = false;
    const onAbort = (): void => {
      aborted = true;
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        if (aborted) late(value);
        else resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/** What undoing the started changes restored, and what it could not. */
export interface Undone {
  readonly records: ChangeRecord[];
  readonly left: string[];
}

export class RunContext<S extends RunSession> {
  readonly started = Date.now();
  readonly startedAt = new Date().toISOString();
  roundTrips = 0;
  session: S | undefined;
  /** What bounds the waits now: the device deadline, then (once rolling back) the rollback allowance. */
  #signal: AbortSignal | undefined;

  constructor(readonly job: RunJob<S>) {
    this.#signal = job.signal;
  }

  get signal(): AbortSignal | undefined {
    return this.#signal;
  }

  /**
   * From now on waits are bounded by the rollback allowance instead of the device deadline (which may have passed:
   * undoing changes must still be tried). Without a device deadline nothing changes.
   */
  startRollback(): void {
    if (this.job.signal === undefined) return;
    this.#signal = AbortSignal.timeout(this.job.rollbackAllowanceMs ?? ROLLBACK_ALLOWANCE_MS);
    this.session?.useSignal(this.#signal);
  }

  step(name: string): void {
    this.job.reporter.deviceStep(this.job.device, name);
  }

  /** The next step of the forward path, unless the device's deadline has passed (then the changes are undone). */
  forward(name: string): void {
    this.job.signal?.throwIfAborted();
    this.step(name);
  }

  /** Opens a session and runs `then` on it, retrying transient failures of both: nothing has changed yet. */
  async connect<T>(then: (session: S) => Promise<T>): Promise<T> {
    const retry = this.job.retry ?? {};
    return pRetry(
      async () => {
        // The login wait too ends at the deadline; a session opened too late is closed.
        const session = await untilAborted(this.job.open(), this.#signal, (late) => void late.close().catch(() => undefined));
        session.useSignal(this.#signal);
        this.session = session;
        try {
          return await then(session);
        } catch (err) {
          await this.close();
          throw err;
        }
      },
      {
        retries: retry.retries ?? 2,
        minTimeout: retry.minTimeoutMs ?? 500,
        maxTimeout: retry.maxTimeoutMs ?? 5_000,
        factor: 2,
        // Jitter: many workers retrying one TACACS+ server do not knock in step.
        randomize: true,
        ...(this.#signal && { signal: this.#signal }),
        shouldRetry: ({ error }) => isTransient(error) && this.#signal?.aborted !== true,
        onFailedAttempt: ({ error, retriesLeft }) => {
          if (retriesLeft > 0 && isTransient(error)) this.step(`connection failed (${error.message}); retrying`);
        },
      },
    );
  }

  /**
   * The current session when `alive` succeeds on it (a cheap command tells), else a new one made ready by `setup`:
   * a rollback goes on after the session its change was made on was lost.
   */
  protected async reuseOrReconnect(alive: (session: S) => Promise<void>, setup: (session: S) => Promise<S>): Promise<S> {
    const current = this.session;
    if (current !== undefined) {
      try {
        await alive(current);
        return current;
      } catch {
        // Lost: a new one below.
      }
    }
    await this.close();
    return this.connect(setup);
  }

  async close(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    if (!session) return;
    this.roundTrips += session.roundTrips;
    await session.close().catch(() => undefined);
  }

  outcome(result: DeviceResult, changes: readonly ChangeRecord[], extra: Partial<DeviceOutcome> = {}): DeviceOutcome {
    return {
      device: this.job.device,
      host: this.job.host,
      result,
      changes,
      roundTrips: this.roundTrips + (this.session?.roundTrips ?? 0),
      startedAt: this.startedAt,
      durationMs: Date.now() - this.started,
      ...(this.job.transcript !== undefined && { transcript: this.job.transcript }),
      ...extra,
    };
  }

  /** After undoing a failed run: `rolled-back`, or `failed` when the re-read device still shows changes. */
  undoneOutcome(undone: Undone, detail: ErrorDetail, extra: Partial<DeviceOutcome>): DeviceOutcome {
    if (undone.left.length > 0) {
      return this.outcome('failed', undone.records, {
        ...extra,
        error: {
          ...detail,
          message: `${detail.message}; rollback incomplete: ${undone.left.join('; ')}`,
          hint: 'the device is half-configured: read the transcript and fix it by hand, or re-run',
        },
      });
    }
    return this.outcome('rolled-back', undone.records, { ...extra, error: detail });
  }
}

/** The report line of a mail proof. */
export function proofRecord(proof: Proof): ChangeRecord {
  const detail =
    proof.markerLine !== undefined
      ? `mail sent (run ${proof.nonce})`
      : `no failure logged (run ${proof.nonce}); the applet has no certagent marker to prove success`;
  return { object: `applet ${proof.applet}`, action: 'proven', detail };
}
