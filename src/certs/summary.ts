/** Certificate analysis as people read it (a table and short sections) and as JSON for scripts.
 * Shared by `certagent probe` and `certagent inspect`; pure text, no I/O. */
import type { Chain } from './chain.js';
import type { Diagnosis, Verdict } from './diagnose.js';
import type { HostCheck } from './host.js';
import { hexGroups, iosDate } from './ios-format.js';
import { formatDn } from './names.js';
import type { TrustpointPlan } from './trustpoints.js';
import type { CertificateFacts } from './types.js';

/** JSON-safe view of one certificate (dates as ISO strings, DER as PEM). */
export function certificateJson(c: CertificateFacts): Record<string, unknown> {
  return {
    subject: formatDn(c.subject),
    issuer: formatDn(c.issuer),
    commonName: c.commonName ?? null,
    serialHex: c.serialHex,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    publicKey: c.publicKey,
    signatureAlgorithm: c.signatureAlgorithm,
    basicConstraints: c.basicConstraints ?? null,
    keyUsage: c.keyUsage?.names ?? null,
    extendedKeyUsage: c.extendedKeyUsage,
    subjectAltNames: c.subjectAltNames,
    subjectKeyId: c.subjectKeyId ?? null,
    authorityKeyId: c.authorityKeyId ?? null,
    crlDistributionPoints: c.crlDistributionPoints,
    ocspUrls: c.ocspUrls,
    caIssuerUrls: c.caIssuerUrls,
    selfSigned: c.selfSigned,
    fingerprints: { md5: c.md5, sha1: c.sha1, sha256: c.sha256 },
    pem: c.pem,
  };
}

export function chainJson(chain: Chain): Record<string, unknown> {
  return {
    complete: chain.complete,
    anchored: chain.anchored,
    members: chain.members.map((m) => ({
      role: m.role,
      position: m.position ?? null,
      fromTrustStore: m.fromTrustStore,
      issuerLink: m.issuerLink ?? null,
      certificate: certificateJson(m.cert),
    })),
    problems: chain.problems,
  };
}

export function verdictJson(verdict: Verdict): Record<string, unknown> {
  return { ok: verdict.ok, chain: chainJson(verdict.chain), host: verdict.host, diagnoses: verdict.diagnoses };
}

export function planJson(plan: TrustpointPlan): Record<string, unknown> {
  return {
    trustpoints: plan.trustpoints.map((t) => ({
      name: t.name,
      role: t.role,
      reason: t.reason,
      alreadyInstalled: t.alreadyInstalled,
      subject: formatDn(t.cert.subject),
      sha1: t.cert.sha1,
    })),
    warnings: plan.warnings,
  };
}

function keyText(c: CertificateFacts): string {
  if (c.publicKey.algorithm === 'ec') return `EC ${c.publicKey.curve ?? c.publicKey.bits}`;
  if (c.publicKey.algorithm === 'rsa') return `RSA ${c.publicKey.bits}`;
  return c.publicKey.algorithm;
}

function signatureText(c: CertificateFacts): string {
  const s = c.signatureAlgorithm;
  return s.hash === 'unknown' || s.hash === 'none' ? s.key : `${s.hash.toUpperCase()}/${s.key.toUpperCase()}`;
}

/** A plain-text table; columns padded to their widest cell. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

/** The chain as a table, leaf first, with the fields one checks against `show crypto pki certificates`. */
export function chainTable(chain: Chain): string[] {
  const rows = chain.members.map((m, i) => [
    String(i),
    m.position === undefined ? 'store' : String(m.position),
    m.role,
    m.cert.commonName ?? formatDn(m.cert.subject),
    keyText(m.cert),
    signatureText(m.cert),
    iosDate(m.cert.notAfter),
    m.cert.serialHex,
  ]);
  return table(['depth', 'sent', 'role', 'subject', 'key', 'signature', 'valid until', 'serial (hex)'], rows);
}

/** Per-certificate details as IOS prints them, to compare with the device's output. */
export function certificateDetails(c: CertificateFacts, heading: string): string[] {
  const names = [...c.subjectAltNames.dns, ...c.subjectAltNames.ip];
  return [
    heading,
    `  Subject:  ${formatDn(c.subject)}`,
    `  Issuer:   ${formatDn(c.issuer)}`,
    `  Validity: ${iosDate(c.notBefore)} to ${iosDate(c.notAfter)}`,
    ...(names.length > 0 ? [`  Names:    ${names.join(', ')}`] : []),
    `  Fingerprint MD5:  ${hexGroups(c.md5)}`,
    `  Fingerprint SHA1: ${hexGroups(c.sha1)}`,
  ];
}

export function hostLine(host: HostCheck): string {
  if (host.matches) return `${host.address}: named by the certificate (${host.matchedBy ?? ''} ${host.matchedName ?? ''}).`;
  const carried = [...host.names.dns, ...host.names.ip];
  return `${host.address}: NOT named by the certificate (it names ${carried.length > 0 ? carried.join(', ') : `no SAN; CN ${host.names.cn ?? 'none'}`}).`;
}

export function diagnosisLines(diagnoses: readonly Diagnosis[], whenNone = 'none.'): string[] {
  if (diagnoses.length === 0) return [`  ${whenNone}`];
  return diagnoses.flatMap((d) => [
    `  ${d.severity.toUpperCase()} ${d.code}: ${d.summary}`,
    `    fix: ${d.fix}`,
    ...d.deviceLog.map((l) => `    ${l.device} logs${l.confidence === 'seed' ? ' (from notes, unconfirmed)' : ''}: ${l.text}`),
  ]);
}

export function planLines(plan: TrustpointPlan): string[] {
  const rows = plan.trustpoints.map((t) => [t.name, t.role, t.alreadyInstalled ? 'installed' : 'install', hexGroups(t.cert.sha1), t.reason]);
  return [
    ...(rows.length > 0 ? table(['trustpoint', 'role', 'action', 'SHA1 (as IOS prints it)', 'why'], rows).map((l) => `  ${l}`) : ['  nothing to install']),
    ...plan.warnings.map((w) => `  warning: ${w}`),
  ];
}
