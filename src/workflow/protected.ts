/**
 * Whether a trustpoint on the device belongs to the router rather than to certagent: built in by name, or holding
 * an identity (`enrollment selfsigned` or `pkcs12`, a key pair, an identity or self-signed certificate in its
 * chain). Such a trustpoint is changed only with the playbook's `take_over: true`. Pure.
 */
import { builtInTrustpoint } from '../config/index.js';
import type { InstalledTrustpoint } from './facts.js';

export function ownedByRouter(tp: InstalledTrustpoint): string[] {
  const reasons: string[] = [];
  const builtIn = builtInTrustpoint(tp.name);
  if (builtIn !== undefined) reasons.push(builtIn);
  const enrollment = (tp.config.enrollment ?? '').split(' ')[0];
  if (enrollment === 'selfsigned' || enrollment === 'pkcs12') reasons.push(`enrollment ${enrollment}`);
  if (tp.config.rsakeypair !== undefined) reasons.push(`rsakeypair ${tp.config.rsakeypair}`.trim());
  if (tp.holdsIdentity) reasons.push('an identity certificate');
  return reasons;
}
