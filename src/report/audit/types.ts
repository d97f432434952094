/**
 * The contract between the audit (which reads devices and decides what is wrong) and its renderers (table, JSON
 * Lines, Prometheus textfile, HTML): one `DeviceAudit` per device, one `AuditSummary` per run. Plain data with
 * dates as ISO strings, so every renderer sees exactly what the JSON report holds. Every string is redacted.
 */

export type CertificateRole = 'ca' | 'identity';

export interface AuditedCertificate {
  readonly role: CertificateRole;
  /** As IOS prints it: upper-case hex, sign byte kept. */
  readonly serialHex: string;
  /** `Fingerprint SHA1:` as IOS prints it: upper-case hex in groups of 8. */
  readonly sha1: string;
  /** Undefined when the DER the device holds does not parse. */
  readonly subject?: string;
  readonly issuer?: string;
  readonly subjectCn?: string;
  readonly issuerCn?: string;
  readonly notBefore?: string;
  readonly notAfter?: string;
  /** `rsa`, `ec`, ... and bits (RSA modulus, EC field). */
  readonly keyType?: string;
  readonly keyBits?: number;
  /** `sha256`, `sha1`, ... of the certificate's signature. */
  readonly signatureHash?: string;
  readonly selfSigned?: boolean;
}

export interface AuditedTrustpoint {
  readonly name: string;
  /** SLA-TrustPoint, TP-self-signed-*, CISCO_IDEVID_SUDI*: made by IOS itself, reported only on request. */
  readonly builtIn: boolean;
  readonly certificates: readonly AuditedCertificate[];
}

export type FindingKind = 'unreachable' | 'expired' | 'expiring' | 'weak-key' | 'weak-signature' | 'unreadable' | 'drift' | 'mail-failing';

export interface Finding {
  readonly kind: FindingKind;
  readonly trustpoint?: string;
  /** In plain words, naming the object, what is wrong and what to do. */
  readonly message: string;
}

export type MailState = 'ok' | 'failing' | 'unknown';

export interface MailHealth {
  readonly state: MailState;
  /** The last `%HA_EM-3-FMPD_SMTP`/`FMPD_ERROR` line, credentials redacted, and its time as the device printed it. */
  readonly lastFailure?: { readonly line: string; readonly time?: string; readonly reason?: string };
  /** The last certagent proof marker line and its time. */
  readonly lastSuccess?: { readonly line: string; readonly time?: string };
}

export interface DeviceAudit {
  readonly device: string;
  readonly host: string;
  readonly transport: 'ssh' | 'netconf';
  /** False when the device could not be reached or refused the login or a command. */
  readonly up: boolean;
  readonly error?: string;
  readonly trustpoints: readonly AuditedTrustpoint[];
  readonly mail: MailHealth;
  /** With a playbook: what differs from it, one line per object; undefined without a playbook. */
  readonly drift?: readonly string[];
  readonly findings: readonly Finding[];
  /** The earliest notAfter among the audited (non-built-in unless asked) certificates. */
  readonly soonestExpiry?: { readonly trustpoint: string; readonly notAfter: string };
  readonly commands: readonly string[];
  readonly startedAt: string;
  readonly durationMs: number;
}

export interface AuditSummary {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  readonly devices: number;
  readonly up: number;
  readonly withFindings: number;
  readonly findings: Readonly<Partial<Record<FindingKind, number>>>;
  /** `--warn-before` in seconds. */
  readonly warnBeforeSeconds: number;
}

/** Receives the audit's results; synchronous, must not throw. */
export interface AuditReporter {
  deviceAudited(audit: DeviceAudit): void;
  auditFinished(summary: AuditSummary): void;
}

/** A report written whole once the audit is finished (Prometheus textfile, HTML). */
export interface AuditFileWriter extends AuditReporter {
  readonly path: string;
  write(): Promise<void>;
}
