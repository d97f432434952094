/**
 * The counting every fleet runner shares: results by kind, the failure budget, the outcome of a device never
 * started, why a run stopped, the summary and the exit code (0 when every device ended changed, unchanged or
 * planned; 1 otherwise). Pure.
 */
import type { DeviceOutcome, DeviceResult, RunSummary } from '../report/events.js';
import { budgetExceeded } from './budget.js';
import type { FailureBudget } from './budget.js';

const GOOD: readonly DeviceResult[] = ['changed', 'unchanged', 'planned'];
const FAILED: readonly DeviceResult[] = ['failed', 'rolled-back'];

export function isFailure(result: DeviceResult): boolean {
  return FAILED.includes(result);
}

export function stopReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : 'stopped';
}

export function skippedOutcome(device: { readonly name: string; readonly host: string }, why: string): DeviceOutcome {
  return {
    device: device.name,
    host: device.host,
    result: 'skipped',
    changes: [],
    roundTrips: 0,
    startedAt: new Date().toISOString(),
    durationMs: 0,
    error: { message: `${device.name}: not started: the run was stopped (${why})` },
  };
}

export class FleetTally {
  readonly byResult: Record<DeviceResult, number> = { changed: 0, unchanged: 0, failed: 0, 'rolled-back': 0, planned: 0, skipped: 0 };
  #failures = 0;

  constructor(
    readonly total: number,
    readonly budget?: FailureBudget,
  ) {}

  /** Counts the outcome; returns why the run must stop when the failure budget is now exceeded. */
  add(outcome: DeviceOutcome): string | undefined {
    this.byResult[outcome.result]++;
    if (!isFailure(outcome.result)) return undefined;
    this.#failures++;
    return this.budget === undefined ? undefined : budgetExceeded(this.budget, this.#failures, this.total);
  }

  summary(command: RunSummary['command'], startedAt: string, durationMs: number, stopped?: string): RunSummary {
    return {
      command,
      startedAt,
      durationMs,
      devices: this.total,
      byResult: this.byResult,
      ...(stopped !== undefined && this.byResult.skipped > 0 && { stoppedEarly: stopped }),
    };
  }

  exitCode(): 0 | 1 {
    return GOOD.reduce((n, r) => n + this.byResult[r], 0) === this.total ? 0 : 1;
  }
}
