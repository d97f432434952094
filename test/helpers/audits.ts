/** DeviceAudit records for renderer tests: a fleet in known states, built as the audit builds them. */
import type { AuditSummary, DeviceAudit } from '../../src/report/audit/types.js';

export const AUDIT_NOW = new Date('2026-12-06T10:00:00Z');
const DAY = 86_400_000;

function iso(days: number): string {
  return new Date(AUDIT_NOW.getTime() + days * DAY).toISOString();
}

export function certificate(cn: string, issuer: string, serial: string, days: number, role: 'ca' | 'identity' = 'ca') {
  return {
    role,
    serialHex: serial,
    sha1: '4188D6CD 86B1D6B9 DC6AB96F F9A4DA4B E5D3639C',
    subject: `CN=${cn}, O=Lab`,
    issuer: `CN=${issuer}, O=Lab`,
    subjectCn: cn,
    issuerCn: issuer,
    notBefore: iso(days - 365),
    notAfter: iso(days),
    keyType: 'rsa',
    keyBits: 2048,
    signatureHash: 'sha256',
    selfSigned: cn === issuer,
  };
}

export function healthyDevice(name: string, days = 400): DeviceAudit {
  return {
    device: name,
    host: '192.0.2.1',
    transport: 'ssh',
    up: true,
    trustpoints: [
      { name: 'LAB-Root', builtIn: false, certificates: [certificate('Lab Root R1', 'Lab Root R1', '01', days + 2000)] },
      { name: 'LAB-Issuing', builtIn: false, certificates: [certificate('Lab Issuing CA', 'Lab Root R1', '0B31', days)] },
    ],
    mail: {
      state: 'ok',
      lastSuccess: { line: '*Dec  6 09:00:00.000: %HA_EM-6-LOG: SendSecureEmailEEM: certagent: SendSecureEmailEEM done 1a2b', time: 'Dec  6 09:00:00.000' },
    },
    drift: [],
    findings: [],
    soonestExpiry: { trustpoint: 'LAB-Issuing', notAfter: iso(days) },
    commands: ['show running-config | section crypto pki|event manager|ip host', 'show logging | include %HA_EM'],
    startedAt: AUDIT_NOW.toISOString(),
    durationMs: 1200,
  };
}

/** Healthy, expired, expiring-with-drift, failing mail, unreachable; one CN carries quotes, a backslash and markup. */
export function sampleFleet(): DeviceAudit[] {
  const expired = healthyDevice('R2');
  const r2: DeviceAudit = {
    ...expired,
    trustpoints: [
      ...expired.trustpoints,
      { name: 'OLD-ROOT', builtIn: false, certificates: [certificate('Old "Corp" \\ <script>alert(1)</script>', 'Old Corp', '1001', -35)] },
    ],
    findings: [
      {
        kind: 'expired',
        trustpoint: 'OLD-ROOT',
        message:
          'OLD-ROOT: the CA certificate cn=Old "Corp" <script>alert(1)</script> (serial 1001) expired on 2026-11-01 (35 days ago); install its successor (certagent rotate)',
      },
    ],
    soonestExpiry: { trustpoint: 'OLD-ROOT', notAfter: iso(-35) },
  };
  const soon = healthyDevice('R3', 10);
  const r3: DeviceAudit = {
    ...soon,
    drift: ['trustpoint LAB-Other missing (cn=Lab Other, serial 0C, SHA1 00000000 00000000 00000000 00000000 00000000)'],
    findings: [
      {
        kind: 'expiring',
        trustpoint: 'LAB-Issuing',
        message: 'LAB-Issuing: the CA certificate cn=Lab Issuing CA (serial 0B31) expires on 2026-12-16, in 10 days; rotate it before then (certagent rotate)',
      },
      { kind: 'drift', message: "differs from the playbook: trustpoint LAB-Other missing; 'certagent rollout --limit R3' puts it right" },
    ],
  };
  const r4: DeviceAudit = {
    ...healthyDevice('R4'),
    mail: {
      state: 'failing',
      lastFailure: {
        line: '*Dec  6 08:00:00.000: %HA_EM-3-FMPD_ERROR: Error executing applet SendSecureEmailEEM statement 1.0',
        time: 'Dec  6 08:00:00.000',
        reason: 'error in connecting to SMTP server',
      },
    },
    findings: [
      {
        kind: 'mail-failing',
        message:
          "e-mail alerting failed at Dec  6 08:00:00.000: error in connecting to SMTP server, and no certagent proof since; 'certagent fix R4' diagnoses it",
      },
    ],
  };
  const r5: DeviceAudit = {
    device: 'R5',
    host: '192.0.2.5',
    transport: 'netconf',
    up: false,
    error: 'R5: cannot open an SSH connection: connect ECONNREFUSED 192.0.2.5:830',
    trustpoints: [],
    mail: { state: 'unknown' },
    findings: [{ kind: 'unreachable', message: 'not audited: R5: cannot open an SSH connection: connect ECONNREFUSED 192.0.2.5:830' }],
    commands: [],
    startedAt: AUDIT_NOW.toISOString(),
    durationMs: 20,
  };
  return [healthyDevice('R1'), r2, r3, r4, r5];
}

export function summaryOf(audits: readonly DeviceAudit[]): AuditSummary {
  const findings: Record<string, number> = {};
  for (const a of audits) for (const f of a.findings) findings[f.kind] = (findings[f.kind] ?? 0) + 1;
  return {
    startedAt: AUDIT_NOW.toISOString(),
    finishedAt: new Date(AUDIT_NOW.getTime() + 5000).toISOString(),
    durationMs: 5000,
    devices: audits.length,
    up: audits.filter((a) => a.up).length,
    withFindings: audits.filter((a) => a.findings.length > 0).length,
    findings,
    warnBeforeSeconds: 30 * 86_400,
  };
}
