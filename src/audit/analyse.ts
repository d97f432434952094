/**
 * One device's audit from what was read of it: trustpoints with their certificates, the mail path's health,
 * drift against the playbook, and every finding. Pure: the reads are done by read.ts.
 */
import type { PkiConfig } from '../device/index.js';
import type { AuditedTrustpoint, DeviceAudit, Finding } from '../report/audit/types.js';
import type { DesiredState, DeviceFacts } from '../workflow/index.js';
import { auditedTrustpoints } from './certificates.js';
import { driftLines } from './drift.js';
import { driftFindings, mailFindings, soonestExpiry, trustpointFindings } from './findings.js';
import { mailHealth } from './mail-health.js';

export interface AuditSettings {
  readonly now: Date;
  readonly warnBeforeSeconds: number;
  readonly allTrustpoints?: boolean;
  /** With a playbook: drift is reported against it. */
  readonly desired?: DesiredState;
  /** Removes the run's secret values from device text. */
  readonly redact?: (text: string) => string;
}

export interface DeviceRead {
  readonly facts: DeviceFacts;
  /** Trustpoint stanzas and chains (DER included). */
  readonly pki: PkiConfig;
  /** `show logging | include %HA_EM`. */
  readonly logText: string;
}

export interface DeviceInfo {
  readonly device: string;
  readonly host: string;
  readonly transport: 'ssh' | 'netconf';
  readonly commands: readonly string[];
  readonly startedAt: string;
  readonly durationMs: number;
}

export function analyseDevice(info: DeviceInfo, read: DeviceRead, settings: AuditSettings): DeviceAudit {
  const redact = settings.redact ?? ((t: string) => t);
  const all = settings.allTrustpoints === true;
  const trustpoints: AuditedTrustpoint[] = auditedTrustpoints(read.pki);
  const mail = mailHealth(read.logText, redact);
  const drift = settings.desired === undefined ? undefined : driftLines(read.facts, settings.desired).map(redact);
  const findings: Finding[] = [
    ...trustpointFindings(trustpoints, { now: settings.now, warnBeforeSeconds: settings.warnBeforeSeconds, allTrustpoints: all }),
    ...driftFindings(info.device, drift),
    ...mailFindings(info.device, mail),
  ];
  const soonest = soonestExpiry(trustpoints, all);
  return {
    ...info,
    up: true,
    trustpoints: all ? trustpoints : trustpoints.filter((t) => !t.builtIn),
    mail,
    ...(drift !== undefined && { drift }),
    findings,
    ...(soonest !== undefined && { soonestExpiry: soonest }),
  };
}

/** A device that could not be read: one `unreachable` finding carrying what went wrong. */
export function unreachableDevice(info: DeviceInfo, message: string): DeviceAudit {
  return {
    ...info,
    up: false,
    error: message,
    trustpoints: [],
    mail: { state: 'unknown' },
    findings: [{ kind: 'unreachable', message: `not audited: ${message}` }],
  };
}
