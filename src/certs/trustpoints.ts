/** Which certificates of a server chain to install as IOS trustpoints, under which names, and why.
 * Default: the CAs (root and intermediates), root first so each later one validates against an existing
 * trustpoint. The server's own (short-lived) certificate only on request, with a warning. */
import type { Chain, CertificateRole } from './chain.js';
import { iosDate } from './ios-format.js';
import { formatDn } from './names.js';
import type { CertificateFacts } from './types.js';

/** Longest trustpoint name certagent generates. IOS's own limit is not documented in the captures we hold;
 * 32 characters keeps names well inside what real configs show (`TP-self-signed-1357684700`). [unverified] */
export const TRUSTPOINT_NAME_MAX = 32;

export interface PlannedTrustpoint {
  readonly name: string;
  readonly cert: CertificateFacts;
  readonly role: CertificateRole;
  readonly reason: string;
  /** A trustpoint of that name already holds this very certificate: nothing to install. */
  readonly alreadyInstalled: boolean;
}

export interface TrustpointPlan {
  /** In install order: root first, then intermediates down, then a pinned leaf if asked for. */
  readonly trustpoints: readonly PlannedTrustpoint[];
  readonly warnings: readonly string[];
}

export interface PlanOptions {
  /** Also install the server's own certificate (pinning). */
  readonly pinLeaf?: boolean;
  /** Trustpoints on the device: name → SHA1 (upper-case hex) of the certificate it holds. */
  readonly existing?: ReadonlyMap<string, string>;
  readonly now?: Date;
}

export function planTrustpoints(chain: Chain, options: PlanOptions = {}): TrustpointPlan {
  const now = options.now ?? new Date();
  const existing = options.existing ?? new Map<string, string>();
  const warnings: string[] = [];
  const taken = new Set<string>(existing.keys());
  const planned: PlannedTrustpoint[] = [];
  const leaf = chain.members[0];

  const add = (cert: CertificateFacts, role: CertificateRole, reason: string, prefix: string): void => {
    const holder = [...existing.entries()].find(([, sha1]) => sha1.toUpperCase() === cert.sha1)?.[0];
    if (holder !== undefined) {
      planned.push({ name: holder, cert, role, reason: `${reason}; already installed as ${holder}`, alreadyInstalled: true });
      return;
    }
    const name = trustpointName(cert, taken, prefix);
    taken.add(name);
    planned.push({ name, cert, role, reason, alreadyInstalled: false });
  };

  const cas = chain.members.filter((m) => m.role === 'root' || m.role === 'intermediate').reverse();
  for (const m of cas) {
    const reason =
      m.role === 'root'
        ? `root CA of the server chain${m.fromTrustStore ? ' (not sent by the server; taken from the trust store)' : ''}`
        : 'intermediate CA that signs the server chain';
    add(m.cert, m.role, reason, 'CA-');
  }
  if (!chain.complete && cas.length > 0) {
    const top = cas[0]?.cert;
    if (top)
      warnings.push(
        `The root CA (${formatDn(top.issuer)}) is not in the chain; the device anchors on ${formatDn(top.subject)} instead (use chain-validation stop).`,
      );
  }

  if (leaf && (leaf.role === 'leaf' || leaf.role === 'self-signed-leaf')) {
    const selfSigned = leaf.role === 'self-signed-leaf';
    if (options.pinLeaf) {
      const days = Math.floor((leaf.cert.notAfter.getTime() - now.getTime()) / 86_400_000);
      add(leaf.cert, leaf.role, selfSigned ? 'self-signed server certificate, pinned on request' : 'server certificate, pinned on request', 'SRV-');
      warnings.push(
        `Pinning the server's own certificate breaks at its next renewal: it expires ${iosDate(leaf.cert.notAfter)} (in ${days} days), and a renewed certificate will not match the pin.`,
      );
    } else if (cas.length === 0) {
      warnings.push(
        selfSigned
          ? 'The server certificate is self-signed: the only way to trust it is to pin it (ask for leaf pinning), which breaks at its next renewal.'
          : `The server sent no CA certificate; the issuer ${formatDn(leaf.cert.issuer)} must be obtained and installed, or the server certificate pinned.`,
      );
    }
  }
  return { trustpoints: planned, warnings };
}

/** A stable name from the certificate's CN (`CA-GTS-Root-R1`), within IOS limits, unique among `taken`. */
export function trustpointName(cert: CertificateFacts, taken: ReadonlySet<string> = new Set(), prefix = 'CA-'): string {
  const label = cert.commonName ?? cert.subject.find((a) => a.type === 'ou' || a.type === 'o')?.value ?? cert.sha1.slice(0, 8);
  const cleaned = label
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
  const base = `${prefix}${cleaned === '' ? cert.sha1.slice(0, 8) : cleaned}`.slice(0, TRUSTPOINT_NAME_MAX).replace(/[-.]+$/, '');
  if (!taken.has(base)) return base;
  for (let n = 2; ; n += 1) {
    const suffix = `-${n}`;
    const candidate = `${base.slice(0, TRUSTPOINT_NAME_MAX - suffix.length).replace(/[-.]+$/, '')}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}
