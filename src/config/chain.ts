/** Picking certificates from a chain or bundle (`select:`) and turning a `chain:` entry into trustpoints, once the
 * certificates are known. Works on a few facts of each certificate, so callers pass what certs/ parsed. */
import { ConfigError, issue } from './issues.js';
import type { CertificateSelect, ChainSpec, TrustpointSpec } from './playbook-types.js';
import { trustpointNameFromCommonName } from './trustpoint-name.js';

export interface SelectableCertificate {
  readonly pem: string;
  readonly sha256: string;
  readonly commonName?: string;
  readonly selfSigned: boolean;
  readonly basicConstraints?: { readonly ca: boolean };
}

/** Certificates in the order given (a server sends its own first). `root` means the self-signed ones; when the
 * chain stops below its root (servers usually leave it out), nothing is selected: take the root from a file. */
export function selectCertificates<C extends SelectableCertificate>(certs: readonly C[], select: CertificateSelect): C[] {
  const isCa = (c: C) => c.basicConstraints?.ca === true;
  switch (select.kind) {
    case 'all':
      return [...certs];
    case 'leaf':
      return certs.filter((c, i) => i === 0 && !isCa(c));
    case 'root':
      return certs.filter((c) => c.selfSigned);
    case 'intermediates':
      return certs.filter((c) => isCa(c) && !c.selfSigned);
    case 'cn':
      return certs.filter((c) => c.commonName?.toLowerCase() === select.cn.toLowerCase());
  }
}

export function describeSelect(select: CertificateSelect): string {
  return select.kind === 'cn' ? `CN '${select.cn}'` : select.kind;
}

/** One trustpoint per selected certificate, named prefix + CN (`CA-GTS-Root-R1`); a name taken twice (a root and
 * its cross-signed copy share a CN) gets `-2`, `-3`. */
export function expandChain(chain: ChainSpec, certs: readonly SelectableCertificate[]): TrustpointSpec[] {
  const chosen = chain.source.kind === 'bundle_file' || chain.source.kind === 'probe' ? selectCertificates(certs, chain.source.select) : [...certs];
  if (chosen.length === 0) {
    throw new ConfigError([issue(chain.origin, 'selects no certificate from the chain it was given')]);
  }
  const used = new Map<string, number>();
  return chosen.map((cert) => {
    const base = trustpointNameFromCommonName(chain.namePrefix, cert.commonName ?? cert.sha256.slice(0, 16));
    const count = (used.get(base.toLowerCase()) ?? 0) + 1;
    used.set(base.toLowerCase(), count);
    return {
      kind: 'trustpoint',
      name: count === 1 ? base : `${base}-${count}`,
      options: chain.options,
      fingerprint: { algorithm: 'sha256', hex: cert.sha256.toUpperCase() },
      source: { kind: 'pem', pem: cert.pem },
      origin: chain.origin,
      ...(chain.takeOver && { takeOver: true as const }),
      ...(chain.pinLeaf && { pinLeaf: true as const }),
    };
  });
}
