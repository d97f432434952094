/**
 * Whether a certificate can work as a trustpoint's CA certificate at all, before any router sees it: a CA within
 * its validity period (a server's own certificate only when the playbook pins it on purpose). IOS accepts an
 * expired CA at `crypto pki authenticate` and fails only at the first TLS handshake, so this is certagent's check.
 * Pure.
 */
import { iosDate } from './ios-format.js';
import type { CertificateFacts } from './types.js';

const DAY_MS = 86_400_000;

/**
 * A certificate is a CA when its basicConstraints say so; a self-signed certificate without basicConstraints (X.509
 * v1 roots, CUCM's CallManager certificate) is its own anchor and counts as one, as OpenSSL treats it.
 */
export function actsAsCa(cert: CertificateFacts): boolean {
  return cert.basicConstraints === undefined ? cert.selfSigned : cert.basicConstraints.ca;
}

/** Why `cert` cannot be installed as a trustpoint's certificate, or undefined when it can. */
export function unusableReason(cert: CertificateFacts, now: Date, pinLeaf: boolean): string | undefined {
  if (!actsAsCa(cert)) {
    // A server's own certificate, expired or not, is judged against the server it belongs to (the incurable-fault
    // check of fix and rollout explains an expired one there); here only whether it may be pinned at all.
    return pinLeaf
      ? undefined
      : `${describe(cert)} is not a CA certificate (a server's own certificate) where a CA is expected: give its issuer instead, or add pin_leaf: true to pin it on purpose (it breaks at the server's next renewal)`;
  }
  const who = describe(cert);
  if (cert.notAfter.getTime() < now.getTime()) {
    const days = Math.floor((now.getTime() - cert.notAfter.getTime()) / DAY_MS);
    return `${who} expired ${iosDate(cert.notAfter)} (${days} days ago): routers would fail every TLS handshake with it; take the current certificate from its issuer`;
  }
  if (cert.notBefore.getTime() > now.getTime()) {
    return `${who} is not valid before ${iosDate(cert.notBefore)}: routers would refuse it until then; check the source (or the clock of this machine)`;
  }
  return undefined;
}

function describe(cert: CertificateFacts): string {
  return `${cert.commonName !== undefined ? `cn=${cert.commonName}` : 'the certificate'}, serial ${cert.serialHex}`;
}
