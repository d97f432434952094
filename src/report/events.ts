/**
 * The contract between the workflow (which does the work) and the reporters (which show it to people and
 * write it down). The workflow emits these events and never formats output itself; reporters never make
 * decisions. Every string in here has already been redacted by the workflow: no secret reaches a reporter.
 */

/** The commands that run the per-device workflow. */
export type WorkflowCommand = 'rollout' | 'plan' | 'rotate' | 'fix';

export type DeviceResult = 'changed' | 'unchanged' | 'failed' | 'rolled-back' | 'planned' | 'skipped';

/** One thing done (or, in a dry run, to be done) on a device, in words a network engineer reads. */
export interface ChangeRecord {
  /** e.g. `trustpoint CA-GTS-Root-R1`, `applet SendSecureEmailEEM`, `environment _email_to`. */
  readonly object: string;
  /** e.g. `created`, `replaced`, `removed`, `restored`, `unchanged`. */
  readonly action: string;
  /** Short detail: serial and SHA1 of an installed certificate, old → new values (redacted). */
  readonly detail?: string;
}

/** A device's failure as reported: what happened, at which step, what the device said, and what to do. */
export interface ErrorDetail {
  readonly message: string;
  readonly step?: string;
  readonly deviceText?: string;
  readonly hint?: string;
}

export interface DeviceOutcome {
  readonly device: string;
  readonly host: string;
  readonly result: DeviceResult;
  readonly changes: readonly ChangeRecord[];
  /** Commands that would be / were sent, in order (dry runs print these). Redacted. */
  readonly commands?: readonly string[];
  /** What went wrong, in the device's words where there is one, and what to do. */
  readonly error?: ErrorDetail;
  /** Plain-word findings (`fix` diagnoses). */
  readonly diagnoses?: readonly string[];
  readonly roundTrips: number;
  readonly startedAt: string;
  readonly durationMs: number;
  /** Where this device's session transcript was written, if it was. */
  readonly transcript?: string;
}

export interface RunSummary {
  /** Runs that change devices, or the read-only audit. */
  readonly command: WorkflowCommand | 'audit';
  readonly startedAt: string;
  readonly durationMs: number;
  readonly devices: number;
  readonly byResult: Readonly<Record<DeviceResult, number>>;
  /** Why the run stopped early (failure budget, canary, signal); absent when it ran to the end. */
  readonly stoppedEarly?: string;
}

/** Receives the events of one run. All methods are synchronous and must not throw. */
export interface RunReporter {
  runStarted(command: RunSummary['command'], devices: readonly string[]): void;
  deviceStarted(device: string): void;
  /** A step inside a device's work: `gather facts`, `authenticate CA-GTS-Root-R1`, `run applet`, `write memory`. */
  deviceStep(device: string, step: string): void;
  deviceFinished(outcome: DeviceOutcome): void;
  runFinished(summary: RunSummary): void;
}
