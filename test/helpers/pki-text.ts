/**
 * Test helper: real trusted roots from Debian's ca-certificates, and a trustpoint with its chain as
 * `show running-config | section crypto pki` prints them (dossier 3.5), for facts and plans built from text.
 */
import { readFileSync } from 'node:fs';
import { iosHexLines } from '../../src/certs/ios-format.js';
import type { CertificateFacts } from '../../src/certs/types.js';
import { parseCertificates } from '../../src/certs/x509.js';

/** A root of /usr/share/ca-certificates/mozilla by its file name without `.crt` (`GTS_Root_R1`). */
export function mozillaCertificate(name: string): CertificateFacts {
  const [cert] = parseCertificates(readFileSync(`/usr/share/ca-certificates/mozilla/${name}.crt`, 'utf8'), name);
  if (!cert) throw new Error(`no certificate in ${name}`);
  return cert;
}

/** The trustpoint lines certagent writes: terminal enrollment, no revocation check, chain validation stopping here. */
export const TRUSTPOINT_LINES: readonly string[] = [' enrollment terminal', ' revocation-check none', ' chain-validation stop'];

/** `crypto pki trustpoint NAME` with `lines`, and its chain holding `cert` as its CA certificate (none when undefined). */
export function trustpointConfigText(name: string, cert: Pick<CertificateFacts, 'serialHex' | 'der'> | undefined, lines = TRUSTPOINT_LINES): string {
  const out = [`crypto pki trustpoint ${name}`, ...lines, `crypto pki certificate chain ${name}`];
  if (cert) out.push(` certificate ca ${cert.serialHex}`, ...iosHexLines(cert.der).map((l) => `  ${l}`), '  \tquit');
  return out.join('\n');
}
