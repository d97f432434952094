/**
 * Every trustpoint and the certificates of its chain, from the DER the device holds (the hex of
 * `crypto pki certificate chain` in the running config), described as `show crypto pki certificates verbose`
 * would: serial and SHA1 as IOS prints them, names, validity, key and signature hash. Pure.
 */
import { hexGroups } from '../certs/ios-format.js';
import { formatDn } from '../certs/names.js';
import { parseCertificate } from '../certs/x509.js';
import { createHash } from 'node:crypto';
import type { ChainCertificate, PkiConfig } from '../device/index.js';
import type { AuditedCertificate, AuditedTrustpoint } from '../report/audit/types.js';

/** Trustpoints IOS makes by itself: the licensing root, the HTTPS server's self-signed one, the SUDI chain. */
export function isBuiltInTrustpoint(name: string): boolean {
  return name === 'SLA-TrustPoint' || name.startsWith('TP-self-signed-') || name.startsWith('CISCO_IDEVID_SUDI');
}

function commonName(dn: readonly { readonly type: string; readonly value: string }[]): string | undefined {
  return [...dn].reverse().find((a) => a.type === 'cn')?.value;
}

export function auditedCertificate(entry: ChainCertificate): AuditedCertificate {
  // A rollover certificate is the CA's next one (shadow PKI), so it counts with the CA certificates.
  const role = entry.type === 'ca' || entry.type === 'rollover' ? 'ca' : 'identity';
  const sha1 = hexGroups(createHash('sha1').update(entry.der).digest('hex'));
  const base = { role, serialHex: entry.serialHex.toUpperCase(), sha1 } as const;
  try {
    const c = parseCertificate(entry.der, `certificate ${entry.serialHex}`);
    const subjectCn = commonName(c.subject);
    const issuerCn = commonName(c.issuer);
    return {
      ...base,
      serialHex: c.serialHex,
      subject: formatDn(c.subject),
      issuer: formatDn(c.issuer),
      ...(subjectCn !== undefined && { subjectCn }),
      ...(issuerCn !== undefined && { issuerCn }),
      notBefore: c.notBefore.toISOString(),
      notAfter: c.notAfter.toISOString(),
      keyType: c.publicKey.algorithm,
      keyBits: c.publicKey.bits,
      signatureHash: c.signatureAlgorithm.hash,
      selfSigned: c.selfSigned,
    };
  } catch {
    return base;
  }
}

/** Trustpoints in running-config order (stanzas first, then chains without a stanza), each with the certificates
 * whose DER the config shows (a startup-config's `nvram:` references carry none). */
export function auditedTrustpoints(pki: PkiConfig): AuditedTrustpoint[] {
  const chains = new Map(pki.chains.map((c) => [c.trustpoint, c.certificates]));
  const names = [...new Set([...pki.trustpoints.map((t) => t.name), ...pki.chains.map((c) => c.trustpoint)])];
  return names.map((name) => ({
    name,
    builtIn: isBuiltInTrustpoint(name),
    certificates: (chains.get(name) ?? []).filter((c) => c.der.length > 0).map(auditedCertificate),
  }));
}
