/** The fleet audit: read-only reads of each device, facts → findings (pure), and the run over the fleet. */
export { runAudit } from './run.js';
export type { AuditOptions, AuditResult } from './run.js';
export { analyseDevice, unreachableDevice } from './analyse.js';
export type { AuditSettings, DeviceInfo, DeviceRead } from './analyse.js';
export { auditedTrustpoints, auditedCertificate, isBuiltInTrustpoint } from './certificates.js';
export { driftLines } from './drift.js';
export { trustpointFindings, mailFindings, driftFindings, soonestExpiry } from './findings.js';
export type { FindingOptions } from './findings.js';
export { mailHealth } from './mail-health.js';
export { readDevice, SSH_AUDIT_COMMANDS, NETCONF_AUDIT_COMMANDS } from './read.js';
