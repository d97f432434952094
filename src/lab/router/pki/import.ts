/**
 * `crypto pki import TP certificate`: the router's own certificate, issued by the trustpoint's CA, pasted as
 * base64 (IOSv capture, real-outputs/transcript_crypto_pki_import_certificate_iosv_1.txt):
 *
 *   Manual(config)#crypto pki import CERT_TP certificate
 *   <empty line>
 *   Enter the base 64 encoded certificate.
 *   End with a blank line or the word "quit" on a line by itself
 *   <empty line>
 *   <base64, BEGIN/END lines accepted>
 *   <empty line>
 *   % Router Certificate successfully imported
 *   <empty line>
 */
import { iosDnOneLine } from '../../../certs/ios-format.js';
import type { CertificateFacts } from '../../../certs/types.js';
import { signatureVerifies } from '../../../certs/x509.js';
import type { SessionIo } from '../feature.js';
import type { RouterState } from '../state.js';
import { unknownTrustpointText } from './authenticate.js';
import { readPastedCertificate } from './paste.js';
import { caCertificate, type Trustpoint } from './state.js';

const PASTE_PROMPT = '\nEnter the base 64 encoded certificate.\nEnd with a blank line or the word "quit" on a line by itself\n\n';
/** Wording of a refused import not captured; `status = FAIL` is the certificate-save failure IOS XE prints. */
const REFUSED = '% Error in saving certificate: status = FAIL\n';

/** `%PKI-6-CERT_INSTALL`, continuation lines indented as on the C9800 17.x and C8000V captures. */
function certInstallText(tp: Trustpoint, cert: CertificateFacts): string {
  const pad = ' '.repeat(22);
  return [
    'An ID certificate has been installed under',
    `${pad}Trustpoint   : ${tp.name}`,
    `${pad}Issuer-name  : ${iosDnOneLine(cert.issuer)}`,
    `${pad}Subject-name : ${iosDnOneLine(cert.subject)}`,
    `${pad}Serial-number: ${cert.serialHex}`,
    `${pad}End-date     : ${cert.notAfter.toISOString().replace(/\.\d{3}Z$/, 'Z')}`,
  ].join('\n');
}

export async function importCertificate(router: RouterState, io: SessionIo, name: string): Promise<void> {
  const tp = router.pki.trustpoints.get(name);
  if (!tp) {
    io.print(unknownTrustpointText(name));
    return;
  }
  io.print(PASTE_PROMPT);
  const cert = await readPastedCertificate(io, name);
  const ca = caCertificate(tp);
  if (!cert || !ca || !signatureVerifies(cert, ca.facts)) {
    io.print(REFUSED);
    return;
  }
  const kept = tp.certificates.filter((c) => c.role === 'ca');
  tp.certificates.splice(0, tp.certificates.length, { role: 'identity', facts: cert, installedAt: router.now() }, ...kept);
  io.print('% Router Certificate successfully imported\n\n');
  router.syslog.log('PKI', 6, 'CERT_INSTALL', certInstallText(tp, cert));
}
