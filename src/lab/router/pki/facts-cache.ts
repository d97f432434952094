/**
 * Parsed certificates shared by every router of a lab process. A fleet lab restores the same few CA
 * certificates (the SLA root, the mail provider's chain) on a thousand routers at boot; parsing each DER once
 * keeps a restart of 1000 routers from being dominated by X.509 parsing. Facts are immutable, so sharing is safe.
 */
import { createHash } from 'node:crypto';
import { parseCertificate } from '../../../certs/x509.js';
import type { CertificateFacts } from '../../../certs/types.js';

const MAX_ENTRIES = 4096;
const parsed = new Map<string, CertificateFacts>();

export function parseCertificateShared(der: Uint8Array, source: string): CertificateFacts {
  const key = createHash('sha1').update(der).digest('hex');
  let facts = parsed.get(key);
  if (facts === undefined) {
    facts = parseCertificate(der, source);
    // Per-router self-signed certificates are unique; forget the oldest rather than grow without bound.
    if (parsed.size >= MAX_ENTRIES) parsed.delete(parsed.keys().next().value as string);
    parsed.set(key, facts);
  }
  return facts;
}
