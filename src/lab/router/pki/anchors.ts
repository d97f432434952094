/**
 * The router's trust anchors, for its own TLS clients (EEM `action mail ... secure tls`): IOS anchors a peer's
 * chain on any certificate authenticated into a trustpoint, a leaf pasted with "Manual verification" included.
 */
import type { CertificateFacts } from '../../../certs/types.js';
import type { PkiState } from './state.js';

export interface TrustAnchor {
  readonly trustpoint: string;
  readonly certificate: CertificateFacts;
}

/** Every authenticated CA certificate of every trustpoint, in running-config order. */
export function trustAnchors(pki: PkiState): readonly TrustAnchor[] {
  const anchors: TrustAnchor[] = [];
  for (const tp of pki.trustpoints.values()) {
    for (const cert of tp.certificates) {
      if (cert.role === 'ca') anchors.push({ trustpoint: tp.name, certificate: cert.facts });
    }
  }
  return anchors;
}
