/**
 * `show crypto pki certificates [verbose] [TP]`, `show crypto pki trustpoints [TP] [status]` as IOS XE 17.x prints
 * them (dossier 3.1-3.4). Trailing blanks follow the captures that kept them (genieparser c3850 and csr8kv, pqc 26.2):
 * `Issuer: `, `Subject: ` on CA certificates only, `CRL Distribution Points: `, `Validity Date: `, every associated
 * trustpoint name followed by a space, fingerprints and key ids with a trailing space.
 */
import {
  hexGroups,
  iosDate,
  iosDnLines,
  iosDnOneLine,
  iosExtendedKeyUsageLabels,
  iosKeyUsageHex,
  iosKeyUsageLabels,
  iosPublicKeyLines,
  iosSignatureAlgorithm,
} from '../../../certs/ios-format.js';
import type { CertificateFacts } from '../../../certs/types.js';
import { caCertificate, routerCertificate, type InstalledCertificate, type PkiState, type Trustpoint } from './state.js';
import { chainOrder } from './config-text.js';

const HEADINGS: Readonly<Record<InstalledCertificate['role'], string>> = {
  ca: 'CA Certificate',
  'self-signed': 'Router Self-Signed Certificate',
  identity: 'Certificate',
};

const KU_SIGNING = 0x80000000 | 0x40000000 | 0x04000000 | 0x02000000;
const KU_ENCRYPTION = 0x20000000 | 0x10000000 | 0x08000000;

/** `Certificate Usage:` follows the key usage: signing bits only → `Signature` (CA certificates, the 26.2
 * ML-DSA identity with 80000000), encryption bits only → `Encryption`, both or no extension → `General Purpose`
 * (identities with A0000000/B0000000, the self-signed certificate without Key Usage). */
export function certificateUsage(facts: CertificateFacts): string {
  const bits = facts.keyUsage?.bits;
  if (bits === undefined) return 'General Purpose';
  const signing = (bits & KU_SIGNING) !== 0;
  const encryption = (bits & KU_ENCRYPTION) !== 0;
  if (signing && !encryption) return 'Signature';
  if (encryption && !signing) return 'Encryption';
  return 'General Purpose';
}

/** Every trustpoint holding the same certificate (by SHA-1), in config order. */
export function associatedTrustpoints(pki: PkiState, facts: CertificateFacts): string[] {
  return [...pki.trustpoints.values()].filter((tp) => tp.certificates.some((c) => c.facts.sha1 === facts.sha1)).map((tp) => tp.name);
}

/** `nvram:<first 12 characters of the CN without blanks and dots>#<n>[CA].cer`, as in `IOS-Self-Sig#1.cer`,
 * `CiscoLicensi#1CA.cer`, `CA-4klabtest#1CA.cer`. The rule for `<n>` is unknown; the serial's last hex digit
 * reproduces the captured `1`s. */
export function storageName(cert: InstalledCertificate): string {
  const base = (cert.facts.commonName ?? cert.facts.serialHex).replace(/[\s.]/g, '').slice(0, 12);
  const n = cert.facts.serialHex.slice(-1);
  return `nvram:${base}#${n}${cert.role === 'ca' ? 'CA' : ''}.cer`;
}

function attribute(facts: CertificateFacts, type: string): string | undefined {
  return facts.subject.find((a) => a.type.toLowerCase() === type.toLowerCase())?.value;
}

function subjectLines(cert: InstalledCertificate): string[] {
  const f = cert.facts;
  const lines: string[] = [];
  if (cert.role !== 'ca') {
    const name = attribute(f, 'unstructuredName') ?? f.commonName;
    const ip = attribute(f, 'unstructuredAddress');
    const serial = attribute(f, 'serialNumber');
    if (name !== undefined) lines.push(`    Name: ${name}`);
    if (ip !== undefined) lines.push(`    IP Address: ${ip}`);
    if (serial !== undefined) lines.push(`    Serial Number: ${serial}`);
  }
  return [...lines, ...iosDnLines(f.subject).map((l) => `    ${l}`)];
}

function sanLines(f: CertificateFacts): string[] {
  const san = f.subjectAltNames;
  if (san.dns.length + san.ip.length + san.email.length + san.uri.length === 0) return [];
  // Captures (genieparser subj, pqc 26.2) show a blank-only line, `IP Address : a b ` and `OtherNames :    `;
  // DNS names take that first place, one per line (genieparser's parser reads them as bare lines).
  const names = san.dns.length > 0 ? san.dns.map((d) => `        ${d}`) : ['          '];
  const ips = san.ip.length > 0 ? [`        IP Address : ${san.ip.join(' ')} `] : [];
  return ['    X509v3 Subject Alternative Name:', ...names, ...ips, '        OtherNames :    '];
}

function extensionLines(f: CertificateFacts): string[] {
  const lines = ['  X509v3 extensions:'];
  if (f.keyUsage) {
    lines.push(`    X509v3 Key Usage: ${iosKeyUsageHex(f.keyUsage.bits)}`);
    lines.push(...iosKeyUsageLabels(f.keyUsage.bits).map((l) => `      ${l}`));
  }
  if (f.subjectKeyId) lines.push(`    X509v3 Subject Key ID: ${hexGroups(f.subjectKeyId)} `);
  if (f.basicConstraints) lines.push('    X509v3 Basic Constraints:', `        CA: ${f.basicConstraints.ca ? 'TRUE' : 'FALSE'}`);
  lines.push(...sanLines(f));
  if (f.authorityKeyId) lines.push(`    X509v3 Authority Key ID: ${hexGroups(f.authorityKeyId)} `);
  lines.push('    Authority Info Access:');
  lines.push(...f.ocspUrls.map((u) => `        OCSP URL: ${u}`), ...f.caIssuerUrls.map((u) => `        CA ISSUERS: ${u}`));
  if (f.policies.length > 0) lines.push('    X509v3 CertificatePolicies:', ...f.policies.map((p) => `        Policy: ${p}`));
  if (f.extendedKeyUsage.length > 0) {
    lines.push('    Extended Key Usage:', ...iosExtendedKeyUsageLabels(f.extendedKeyUsage).map((l) => `        ${l}`));
  }
  return lines;
}

function certificateBlock(pki: PkiState, tp: Trustpoint, cert: InstalledCertificate, verbose: boolean): string[] {
  const f = cert.facts;
  const isCa = cert.role === 'ca';
  const lines = [HEADINGS[cert.role], '  Status: Available'];
  if (verbose) lines.push(`  Version: ${f.version}`);
  lines.push(`  Certificate Serial Number (hex): ${f.serialHex}`, `  Certificate Usage: ${certificateUsage(f)}`);
  lines.push('  Issuer: ', ...iosDnLines(f.issuer).map((l) => `    ${l}`));
  lines.push(isCa ? '  Subject: ' : '  Subject:', ...subjectLines(cert));
  if (f.crlDistributionPoints.length > 0) {
    lines.push('  CRL Distribution Points: ', ...f.crlDistributionPoints.map((u) => `    ${u}`));
  }
  lines.push('  Validity Date: ', `    start date: ${iosDate(f.notBefore)}`, `    end   date: ${iosDate(f.notAfter)}`);
  if (verbose) {
    const [algorithm, size] = iosPublicKeyLines(f.publicKey);
    lines.push('  Subject Key Info:', `    ${algorithm}`, `    ${size}`);
    lines.push(`  Signature Algorithm: ${iosSignatureAlgorithm(f.signatureAlgorithm)}`);
    lines.push(`  Fingerprint MD5: ${hexGroups(f.md5)} `, `  Fingerprint SHA1: ${hexGroups(f.sha1)} `);
    lines.push(...extensionLines(f));
    lines.push(`  Cert install time: ${iosDate(cert.installedAt)} `);
  }
  lines.push(
    `  Associated Trustpoints: ${associatedTrustpoints(pki, f)
      .map((n) => `${n} `)
      .join('')}`,
  );
  if (verbose && !isCa) {
    lines.push(`  Key Label: ${tp.rsakeypair?.label ?? tp.name}`, '  Key storage device: private config');
  }
  if (cert.role !== 'identity') lines.push(`  Storage: ${storageName(cert)}`);
  return lines;
}

/** `show crypto pki certificates [verbose] [TP]`: the router's certificate before the CA's, each certificate once
 * even when several trustpoints hold it; every block followed by one empty line (c3850, pqc 26.2). */
export function showCertificates(pki: PkiState, options: { verbose: boolean; trustpoint?: string }): string {
  const tps = options.trustpoint === undefined ? [...pki.trustpoints.values()] : [pki.trustpoints.get(options.trustpoint)];
  const seen = new Set<string>();
  const blocks: string[][] = [];
  for (const tp of tps) {
    if (!tp) continue;
    for (const cert of chainOrder(tp)) {
      if (seen.has(cert.facts.sha1)) continue;
      seen.add(cert.facts.sha1);
      blocks.push(certificateBlock(pki, tp, cert, options.verbose));
    }
  }
  return blocks.map((b) => `${b.join('\n')}\n\n`).join('');
}

function trustpointBlock(tp: Trustpoint): string[] {
  const lines = [`Trustpoint ${tp.name}:`];
  const cert = caCertificate(tp) ?? routerCertificate(tp);
  if (!cert) return lines;
  lines.push('    Subject Name:', ...iosDnLines(cert.facts.subject).map((l) => `    ${l}`));
  lines.push(`          Serial Number (hex): ${cert.facts.serialHex}`);
  if (cert.role === 'self-signed') {
    lines.push('    Persistent self-signed certificate trust point', `    Using key label ${tp.rsakeypair?.label ?? tp.name}`);
  } else {
    lines.push('    Certificate configured.');
  }
  return lines;
}

/** Blocks followed by an empty line, with a second empty line between blocks (genieparser captures, C9200L). */
function joinBlocks(blocks: readonly string[][]): string {
  return blocks.map((b) => `${b.join('\n')}\n\n`).join('\n');
}

function selectedTrustpoints(pki: PkiState, name?: string): Trustpoint[] {
  if (name === undefined) return [...pki.trustpoints.values()];
  const tp = pki.trustpoints.get(name);
  return tp ? [tp] : [];
}

export function showTrustpoints(pki: PkiState, trustpoint?: string): string {
  return joinBlocks(selectedTrustpoints(pki, trustpoint).map(trustpointBlock));
}

function fingerprintStatusLines(heading: string, f: CertificateFacts): string[] {
  return [
    heading,
    '    Subject Name:',
    `     ${iosDnOneLine(f.subject)}`,
    `    Fingerprint MD5: ${hexGroups(f.md5)} `,
    `    Fingerprint SHA1: ${hexGroups(f.sha1)} `,
  ];
}

function statusBlock(tp: Trustpoint): string[] {
  const lines = [`Trustpoint ${tp.name}:`];
  const own = routerCertificate(tp);
  const issuing = caCertificate(tp) ?? (own?.role === 'self-signed' ? own : undefined);
  if (issuing) lines.push(...fingerprintStatusLines('  Issuing CA certificate configured:', issuing.facts));
  if (own) lines.push(...fingerprintStatusLines('  Router General Purpose certificate configured:', own.facts));
  const keys = own !== undefined || tp.rsakeypair !== undefined;
  lines.push(
    '  State:',
    `    Keys generated ............. ${keys ? 'Yes (General Purpose, non-exportable)' : 'No'}`,
    `    Issuing CA authenticated ....... ${issuing ? 'Yes' : 'No'}`,
    `    Certificate request(s) ..... ${own ? 'Yes' : 'None'}`,
  );
  return lines;
}

export function showTrustpointsStatus(pki: PkiState, trustpoint?: string): string {
  return joinBlocks(selectedTrustpoints(pki, trustpoint).map(statusBlock));
}
