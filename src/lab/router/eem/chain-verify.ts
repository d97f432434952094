/**
 * How IOS (OpenSSL inside IOSd, trustpoints with `chain-validation stop`) judges the chain an SMTP server sends:
 * walk from the leaf up through the certificates the server sent and stop at the first one that is, or is signed
 * by, a certificate authenticated into any trustpoint. The root is not needed when an intermediate is installed.
 * Validity periods are checked against the router's clock for every certificate on the path; revocation is not
 * checked (`revocation-check none`). The server's name is not checked: nothing seen from a real router says EEM
 * compares it, and the seed's success debug ("chain cert was anchored to trustpoint ...") mentions only the anchor.
 */
import { X509Certificate } from 'node:crypto';

export interface AnchorCertificate {
  readonly trustpoint: string;
  readonly der: Buffer;
}

export type ChainVerdict =
  { readonly ok: true; readonly trustpoint: string; readonly depth: number } | { readonly ok: false; readonly reason: string; readonly depth: number };

function issuedBy(child: X509Certificate, parent: X509Certificate): boolean {
  return child.checkIssued(parent) && child.verify(parent.publicKey);
}

function validAt(cert: X509Certificate, now: Date): string | undefined {
  if (now < new Date(cert.validFrom)) return 'certificate is not yet valid';
  if (now > new Date(cert.validTo)) return 'certificate has expired';
  return undefined;
}

/** `served` is the chain as the server sent it, leaf first. */
export function verifyServedChain(served: readonly Buffer[], anchors: readonly AnchorCertificate[], now: Date): ChainVerdict {
  if (served.length === 0) {
    return { ok: false, reason: 'no certificate from server', depth: 0 };
  }
  const chain = served.map((der) => new X509Certificate(der));
  const trusted = anchors.map((a) => ({ trustpoint: a.trustpoint, der: a.der, cert: new X509Certificate(a.der) }));
  let current = chain[0];
  const used = new Set<number>([0]);
  for (let depth = 0; current !== undefined; depth += 1) {
    const expiry = validAt(current, now);
    if (expiry) {
      return { ok: false, reason: expiry, depth };
    }
    const node = current;
    const exact = trusted.find((a) => a.der.equals(node.raw));
    if (exact) {
      return { ok: true, trustpoint: exact.trustpoint, depth };
    }
    const anchor = trusted.find((a) => issuedBy(node, a.cert));
    if (anchor) {
      const anchorExpiry = validAt(anchor.cert, now);
      return anchorExpiry ? { ok: false, reason: anchorExpiry, depth: depth + 1 } : { ok: true, trustpoint: anchor.trustpoint, depth: depth + 1 };
    }
    const nextIndex = chain.findIndex((c, i) => !used.has(i) && issuedBy(node, c));
    if (nextIndex === -1) {
      const selfSigned = node.subject === node.issuer && node.verify(node.publicKey);
      return {
        ok: false,
        reason: selfSigned
          ? depth === 0
            ? 'self signed certificate'
            : 'self signed certificate in certificate chain'
          : 'unable to get local issuer certificate',
        depth,
      };
    }
    used.add(nextIndex);
    current = chain[nextIndex];
  }
  return { ok: false, reason: 'unable to get local issuer certificate', depth: chain.length };
}
