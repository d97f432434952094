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
}

export interface RunJob<S extends RunSession> {
  readonly device: string;
  readonly host: string;
  /** One connection attempt; retries are the job's. */
  readonly open: () => Promise<S>;
  readonly retry?: RetryPolicy;
  readonly reporter: RunReporter;
  readonly transcript?: string;
  /** Aborted when the device's deadline passes: no further step starts, changes made are rolled back. */
  readonly signal?: AbortSignal;
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

  constructor(readonly job: RunJob<S>) {}

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
        const session = await this.job.open();
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
        shouldRetry: ({ error }) => isTransient(error) && this.job.signal?.aborted !== true,
        onFailedAttempt: ({ error, retriesLeft }) => {
          if (retriesLeft > 0 && isTransient(error)) this.step(`connection failed (${error.message}); retrying`);
        },
      },
    );
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
        error: { ...detail, message: `${detail.message}; rollback incomplete: ${undone.left.join('; ')}`, hint: 'the device is half-configured: read the transcript and fix it by hand, or re-run' },
      });
    }
    return this.outcome('rolled-back', undone.records, { ...extra, error: detail });
  }
}

/** The report line of a mail proof. */
export function proofRecord(proof: Proof): ChangeRecord {
  const detail = proof.markerLine !== undefined ? `mail sent (run ${proof.nonce})` : `no failure logged (run ${proof.nonce}); the applet has no certagent marker to prove success`;
  return { object: `applet ${proof.applet}`, action: 'proven', detail };
}
