/**
 * `fix DEVICE`: why the device's mail does not go out, in plain words, before repairing it. Three sources: how
 * the device differs from the playbook (plan), whether the server's chain anchors on what the device trusts
 * (certs/diagnose), and what the device itself logged about its last mail attempts.
 */
import { diagnose, type Diagnosis, type DiagnosisCode } from '../certs/diagnose.js';
import type { CertificateFacts } from '../certs/types.js';
import { parseEemLogEntries } from '../device/index.js';
import type { IosXeSession } from '../transport/ssh-cli/index.js';
import type { DesiredState } from './desired.js';
import type { DeviceFacts } from './facts.js';
import type { DevicePlan, PlannedChange } from './plan.js';
import { LOG_COMMAND } from './verify.js';

function describeChange(change: PlannedChange, desired: DesiredState, facts: DeviceFacts): string {
  const { record } = change;
  const tp = change.trustpoint === undefined ? undefined : desired.trustpoints.find((t) => t.name === change.trustpoint);
  const role = tp ? (tp.cert.selfSigned ? 'root CA' : tp.cert.basicConstraints?.ca ? 'intermediate CA' : "server's own certificate") : '';
  switch (change.kind) {
    case 'create':
      return `Missing chain member: trustpoint ${change.trustpoint ?? ''} (${role} ${record.detail ?? ''}) is not on the device, so the server's chain cannot be anchored there.`;
    case 'replace':
      return `Wrong certificate: trustpoint ${change.trustpoint ?? ''} holds another certificate than the ${role} the playbook gives (${record.detail ?? ''}).`;
    case 'authenticate':
      return `Trustpoint ${change.trustpoint ?? ''} exists but holds no certificate (${role} ${record.detail ?? ''} expected).`;
    case 'options':
      return `Trustpoint ${change.trustpoint ?? ''} has other options than the playbook's: ${record.detail ?? ''}.`;
    case 'environment':
      return `EEM ${record.object} is wrong: ${record.detail ?? ''}.`;
    case 'applet': {
      return facts.applets.has(change.name) ? `The EEM applet ${change.name} differs from the playbook's.` : `The EEM applet ${change.name} is missing.`;
    }
    case 'ip-host':
      return `The router cannot resolve the mail server as the playbook means: ${record.object} ${record.detail ?? ''}.`;
  }
}

/** Plain-word findings from what the device holds and what the server sends, most telling first. Pure. */
export function diagnoseFacts(facts: DeviceFacts, plan: DevicePlan, desired: DesiredState, now = new Date()): string[] {
  const findings = plan.changes.map((c) => describeChange(c, desired, facts));
  const served = desired.served;
  if (served && served.certs.length > 0) {
    const trusted: CertificateFacts[] = [];
    for (const tp of facts.trustpoints.values()) if (tp.ca) trusted.push(tp.ca.facts);
    const verdict = diagnose({ sent: served.certs, address: served.host ?? served.certs[0]?.commonName ?? '', trusted, now });
    for (const d of verdict.diagnoses) findings.push(`${d.summary} ${d.fix}`);
  }
  return findings;
}

/** Faults of the server's own chain: the device refuses it whatever it trusts, so no change there can help. A
 * name not in the certificate is not among them: EEM's client is not known to check it (lab/router/eem). */
const INCURABLE: ReadonlySet<DiagnosisCode> = new Set(['expired', 'bad-signature', 'not-a-ca']);

/** What `fix` must not try to repair on the device: the served chain's incurable faults, in diagnose()'s words. Pure. */
export function incurableFaults(desired: DesiredState, now = new Date()): Diagnosis[] {
  const served = desired.served;
  if (!served || served.certs.length === 0) return [];
  const verdict = diagnose({ sent: served.certs, address: served.host ?? served.certs[0]?.commonName ?? '', now });
  return verdict.diagnoses.filter((d) => d.severity === 'error' && INCURABLE.has(d.code));
}

/** The findings, and what the device itself logged about its last mail attempts (one round trip). */
export async function diagnoseDevice(
  session: IosXeSession,
  facts: DeviceFacts,
  plan: DevicePlan,
  desired: DesiredState,
  redact: (text: string) => string,
): Promise<string[]> {
  const findings = diagnoseFacts(facts, plan, desired);
  const entries = parseEemLogEntries(await session.send(LOG_COMMAND)).filter((e) => e.kind !== 'LOG');
  const last = entries.slice(-2);
  if (last.length > 0) findings.push(`The device logged: ${last.map((e) => redact(`%HA_EM-${e.severity}-${e.kind}: ${e.message}`)).join(' / ')}`);
  if (findings.length === 0) findings.push('The device holds what the playbook asks; the proof run shows whether mail goes out.');
  return findings;
}
