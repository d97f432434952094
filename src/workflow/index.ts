/** The per-device workflow (facts → plan → apply → verify → save, or roll back), called the same way by every
 * fleet runner (src/fleet). */
export { FACTS_COMMAND, parseFacts, UnreadableFactsError } from './facts.js';
export type { DeviceFacts, InstalledTrustpoint, InstalledCertificate, InstalledApplet } from './facts.js';
export { resolveDesired, resolveTrustpoints, installOrder, pinnedWhereNeeded } from './desired.js';
export type { DesiredState, DesiredTrustpoint, DesiredOptions, PinPolicy, VerifyPlan } from './desired.js';
export { renderApplet, sameApplet, markerMessage, markerLabel, MARKER_PREFIX } from './eem-render.js';
export type { RenderedApplet } from './eem-render.js';
export { planDevice, planFor, planCommands, batches, showStep, showValue } from './plan.js';
export type { Batch, DevicePlan, PlannedChange, PlanOptions, Step, ChangeKind } from './plan.js';
export { line, revealLine, showLine, SECRET_PLACEHOLDER } from './lines.js';
export type { CommandLine, LinePart } from './lines.js';
export { runStep, stepName } from './apply.js';
export { proveApplet, newLines, certificateMismatches, LOG_COMMAND, CERTIFICATES_COMMAND, CERTIFICATES_FILTER } from './verify.js';
export type { ExpectedCertificate, Proof, ProofOptions } from './verify.js';
export { runDevice } from './device-run.js';
export { residue } from './residue.js';
export { secretRedactor } from './job.js';
export type { DeviceJob, WorkflowCommand } from './job.js';
export type { RetryPolicy } from './run-context.js';
export { NetconfDeviceSession, runNetconfDevice } from './netconf/index.js';
export { openDeviceSession, isTransient, transcriptPath } from './connect.js';
export type { SessionSettings } from './connect.js';
export * from './errors.js';
export { DeviceDeadlineError, deviceDeadline, formatMs } from './deadline.js';
export { ROTATE_KINDS, DEFAULT_RENEW_BEFORE_SECONDS, rotatePlanOptions } from './rotate.js';
export { diagnoseDevice, diagnoseFacts, incurableFaults } from './fix.js';
