/**
 * The trustpoints' certificates as PEM: `show crypto pki certificates pem [TP]` (genieparser C9300 capture,
 * a C9300 17.18.02 capture quoted in ChartinoLabs/Muninn#1170) and `crypto pki export TP pem terminal`
 * (IOSv capture, real-outputs/transcript_crypto_pki_export_pem_terminal_iosv_1.txt).
 */
import { caCertificate, routerCertificate, type PkiState, type Trustpoint } from './state.js';

/** The headed PEM blocks of one trustpoint, each followed by an empty line. A self-signed trustpoint shows its
 * one certificate under both headings, as the captures do. */
function pemBlocks(tp: Trustpoint): string[] {
  const lines: string[] = [];
  const own = routerCertificate(tp);
  const ca = caCertificate(tp);
  if (ca) lines.push('% CA certificate:', ...ca.facts.pem.trimEnd().split('\n'), '');
  else if (own?.role === 'self-signed') lines.push('% Self-signed CA certificate:', ...own.facts.pem.trimEnd().split('\n'), '');
  if (own) lines.push('% General Purpose Certificate:', ...own.facts.pem.trimEnd().split('\n'), '');
  return lines;
}

export function showCertificatesPem(pki: PkiState, trustpoint?: string): string {
  const tps = trustpoint === undefined ? [...pki.trustpoints.values()] : [pki.trustpoints.get(trustpoint)];
  return tps
    .filter((tp): tp is Trustpoint => tp !== undefined && tp.certificates.length > 0)
    .map((tp) => [`------Trustpoint: ${tp.name}------`, ...pemBlocks(tp)].join('\n') + '\n')
    .join('');
}

/** `crypto pki export TP pem terminal`: without the router's own certificate IOS says so and exports the CA's. */
export function exportPem(tp: Trustpoint): string {
  const notEnrolled = routerCertificate(tp)
    ? []
    : [`% The specified trustpoint is not enrolled (${tp.name}).`, '% Only export the CA certificate in PEM format.'];
  return [...notEnrolled, ...pemBlocks(tp)].join('\n') + '\n';
}
