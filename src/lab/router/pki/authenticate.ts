/**
 * `crypto pki authenticate TP` (config mode), the dialog of IOS XE 17.x (dossier 2.2-2.4):
 *
 *   R1(config)#crypto pki authenticate CERT_TP
 *   <empty line>
 *   Enter the base 64 encoded CA certificate.
 *   End with a blank line or the word "quit" on a line by itself
 *   <empty line>
 *   <pasted lines, BEGIN/END accepted, up to an empty line or `quit`>
 *   Certificate has the following attributes:
 *          Fingerprint MD5: 0813A2CD A3577F5B B8444C8F 093BDB2E <- 7 spaces before, one after
 *         Fingerprint SHA1: 50CB1BE1 F8A16D5C 0DB3BC72 E6D422B0 82D7F7CD <- 6 spaces before, one after
 *   <empty line>
 *   % Do you accept this certificate? [yes/no]: yes
 *   Trustpoint CA certificate accepted.
 *   % Certificate successfully imported
 *   <empty line>
 */
import { hexGroups } from '../../../certs/ios-format.js';
import type { CertificateFacts } from '../../../certs/types.js';
import { signatureVerifies } from '../../../certs/x509.js';
import type { RouterState } from '../state.js';
import type { SessionIo } from '../feature.js';
import { readPastedCertificate } from './paste.js';
import { caCertificate, type PkiState, type Trustpoint } from './state.js';

export const PASTE_PROMPT = '\nEnter the base 64 encoded CA certificate.\nEnd with a blank line or the word "quit" on a line by itself\n\n';
export const ACCEPT_QUESTION = '% Do you accept this certificate? [yes/no]: ';
const ACCEPTED = 'Trustpoint CA certificate accepted.\n% Certificate successfully imported\n\n';
/** The 26.x refusal (C9300 26.1.1, C8235-G2 26.2) when no fingerprint is pinned; the CCNPAUTO RESTCONF lab
 * (search-index file 63575297184) reports the same three lines for a pin "configured with the wrong value". */
export const REJECTED_26X =
  'Trustpoint fingerprint must be supplied.\nTrustpoint CA certificate is rejected. Abort.\n% Error in saving certificate: status = FAIL\n';
/** No capture shows an unparsable paste; `status = FAIL` is the only save-failure wording seen on IOS XE. */
const UNPARSABLE = '% Error in saving certificate: status = FAIL\n';
/** No capture of answering `no`; IOS's wording for a refused certificate is not documented. [unverified] */
const NOT_ACCEPTED = '% Certificate not accepted\n\n';
/** IOS's reply to anything but y/ye/yes/n/no at a [yes/no] question (IOS setup dialog captures). */
const ANSWER_YES_OR_NO = "% Please answer 'yes' or 'no'.\n";

export function unknownTrustpointText(name: string): string {
  // genielibs' test mock of this reply quotes the name; its error pattern leaves the name as a placeholder.
  return `% Certificate Authority (trustpoint) '${name}' is unknown\n`;
}

export const ALREADY_AUTHENTICATED =
  "% Please delete your existing CA certificate first.\n% You must use 'no crypto pki trustpoint <trustpoint-name>' to delete the CA certificate\n";

/** The SCEP failure of an `enrollment url` trustpoint: the lab runs no CA server (IOSv capture). */
const SCEP_UNREACHABLE = '% Error in receiving Certificate Authority certificate: status = FAIL, cert length = 0\n\n';

export function fingerprintBlock(f: CertificateFacts): string {
  return `Certificate has the following attributes:\n       Fingerprint MD5: ${hexGroups(f.md5)} \n      Fingerprint SHA1: ${hexGroups(f.sha1)} \n`;
}

/** Asks a [yes/no] question until the answer is one (IOS takes any prefix of yes or no, in any case). */
export async function askYesNo(io: SessionIo, question: string): Promise<boolean> {
  for (;;) {
    const answer = (await io.ask(question)).trim().toLowerCase();
    if (answer !== '' && 'yes'.startsWith(answer)) return true;
    if (answer !== '' && 'no'.startsWith(answer)) return false;
    io.print(ANSWER_YES_OR_NO);
  }
}

function rejectedByFault(router: RouterState, name: string): boolean {
  const reject = router.faults.rejectCertificate;
  return reject === true || (Array.isArray(reject) && reject.includes(name));
}

/** A CA certificate of any trustpoint that signed `cert` (IOS validates against all its trustpoints). */
function trustedIssuer(pki: PkiState, cert: CertificateFacts): CertificateFacts | undefined {
  if (cert.selfSigned) return undefined;
  for (const tp of pki.trustpoints.values()) {
    const ca = caCertificate(tp);
    if (ca && ca.facts.sha1 !== cert.sha1 && signatureVerifies(cert, ca.facts)) return ca.facts;
  }
  return undefined;
}

function pinMatches(pin: string, cert: CertificateFacts): boolean {
  const hex = pin.replace(/\s+/g, '').toUpperCase();
  return hex === cert.md5 || hex === cert.sha1;
}

function install(router: RouterState, tp: Trustpoint, cert: CertificateFacts): void {
  tp.certificates.push({ role: 'ca', facts: cert, installedAt: router.now() });
}

/** Runs the whole dialog on `io`; installs the certificate into `tp` only when IOS would. */
export async function authenticate(router: RouterState, io: SessionIo, name: string): Promise<void> {
  const tp = router.pki.trustpoints.get(name);
  if (!tp) {
    io.print(unknownTrustpointText(name));
    return;
  }
  if (caCertificate(tp)) {
    io.print(ALREADY_AUTHENTICATED);
    return;
  }
  if (tp.enrollment?.kind === 'url') {
    io.print(SCEP_UNREACHABLE);
    router.syslog.log('PKI', 3, 'SOCKETSEND', 'Failed to send out message to CA server.');
    return;
  }
  io.print(PASTE_PROMPT);
  const cert = await readPastedCertificate(io, name);
  if (!cert) {
    io.print(UNPARSABLE);
    return;
  }
  if (caCertificate(tp)) {
    // Another session authenticated the trustpoint during the paste.
    io.print(ALREADY_AUTHENTICATED);
    return;
  }
  if (rejectedByFault(router, name)) {
    // The fault stands for an IOS XE 26.x device: it refuses whatever the pin, so the agent's handling of the
    // refusal can be exercised although it always pins.
    io.print(REJECTED_26X);
    return;
  }
  if ((router.profile.requiresFingerprintPin || router.faults.requireFingerprintPin === true) && !tp.fingerprint) {
    io.print(REJECTED_26X);
    return;
  }
  if (tp.fingerprint) {
    if (!pinMatches(tp.fingerprint, cert)) {
      io.print(REJECTED_26X);
      return;
    }
    io.print(`Trustpoint Fingerprint: ${hexGroups(tp.fingerprint)}\nCertificate validated - fingerprints matched.\n${ACCEPTED}`);
    install(router, tp, cert);
    return;
  }
  if (trustedIssuer(router.pki, cert)) {
    io.print(`Certificate validated - Signed by existing trustpoint CA certificate.\n${ACCEPTED}`);
    install(router, tp, cert);
    return;
  }
  if (cert.basicConstraints?.ca) {
    io.print(`${fingerprintBlock(cert)}\n`);
  } else {
    // The seed's leaf capture (and the CUBE one it mentions) print the warning and the fingerprints with no
    // empty line before the question.
    io.print(`Trustpoint '${name}' is a subordinate CA.\nbut certificate is not a CA certificate.\nManual verification required\n${fingerprintBlock(cert)}`);
  }
  if (!(await askYesNo(io, ACCEPT_QUESTION))) {
    if (!router.faults.quietDecline) io.print(NOT_ACCEPTED);
    return;
  }
  io.print(ACCEPTED);
  install(router, tp, cert);
}
