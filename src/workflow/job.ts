/** What one device's run is asked to do, whichever transport reaches the device (SSH CLI or NETCONF). */
import type { ErrorDetail, WorkflowCommand } from '../report/events.js';
import { Redactor } from '../shared/redact.js';
import type { IosXeSession } from '../transport/ssh-cli/index.js';
import type { DesiredState } from './desired.js';
import type { DeviceFacts } from './facts.js';
import type { DevicePlan, PlanOptions } from './plan.js';
import type { RunJob } from './run-context.js';

export type { WorkflowCommand };

export interface DeviceJob extends RunJob<IosXeSession> {
  readonly command: WorkflowCommand;
  readonly desired: DesiredState;
  readonly dryRun: boolean;
  readonly planOptions?: PlanOptions;
  /** Run the applet even when nothing changed (`fix` proves the mail goes out). */
  readonly alwaysProve?: boolean;
  readonly pollIntervalMs?: number;
  /** Prove and `write memory` even when nothing differs: the device was under way when an earlier run was killed,
   * so its changes may be in running-config but not saved. */
  readonly saveAlways?: boolean;
  /** Plain-word findings from the facts, before anything changes (`fix`). */
  readonly diagnose?: (facts: DeviceFacts, plan: DevicePlan, session: IosXeSession) => Promise<string[]>;
  /** Change nothing and fail with this: no change on the device can make it work (`fix` and an expired server
   * certificate). The facts and findings are still gathered and reported. */
  readonly refuse?: { readonly message: string; readonly hint: string };
}

/** The outcome of a device the job refuses to change (DeviceJob.refuse), after its findings were gathered. */
export function refusedError(job: Pick<DeviceJob, 'device' | 'refuse'>): ErrorDetail | undefined {
  return job.refuse && { step: 'diagnose', message: `${job.device}: nothing changed: ${job.refuse.message}`, hint: job.refuse.hint };
}

/** Replaces every secret value the run knows, and any `user:password@host`, with `<redacted>`: the sessions' Redactor. */
export function secretRedactor(desired: DesiredState): (text: string) => string {
  const redactor = new Redactor(desired.secrets.map((s) => s.reveal()));
  return (text) => redactor.redact(text);
}
