/**
 * Puts a certificate into a trustpoint the way a router holds one installed long ago, without the authenticate
 * dialog: the lab's way to stage states no run of today would create (a CA certificate that has since expired,
 * a router identity certificate), for audits and their tests. Creates the trustpoint (`enrollment terminal`,
 * `revocation-check none`, as certagent configures them) when missing; replaces a certificate of the same role.
 */
import { parseCertificate } from '../../../certs/x509.js';
import type { RouterState } from '../state.js';
import { newTrustpoint } from './state.js';
import type { CertificateRole } from './state.js';

export function seedCertificate(router: RouterState, trustpoint: string, der: Uint8Array, role: CertificateRole = 'ca'): void {
  const facts = parseCertificate(der, `${router.hostname} ${trustpoint}`);
  let tp = router.pki.trustpoints.get(trustpoint);
  if (!tp) {
    tp = { ...newTrustpoint(trustpoint), enrollment: { kind: 'terminal', pem: false }, revocationCheck: ['none'] };
    router.pki.trustpoints.set(trustpoint, tp);
  }
  tp.certificates = [...tp.certificates.filter((c) => c.role !== role), { role, facts, installedAt: router.now() }];
}
