/**
 * From what a device holds to what is wrong with it, in plain words: expired and expiring certificates, weak keys
 * and SHA-1 (or MD5) signatures, certificates certagent cannot read, drift from the playbook, a failing mail path.
 * Built-in trustpoints (IOS's own) are judged only when asked, like they are reported. Pure.
 */
import type { AuditedCertificate, AuditedTrustpoint, Finding, MailHealth } from '../report/audit/types.js';

export interface FindingOptions {
  readonly now: Date;
  /** Certificates that expire within this many seconds are `expiring`. */
  readonly warnBeforeSeconds: number;
  readonly allTrustpoints?: boolean;
}

/** NIST SP 800-131A: RSA below 2048 bits and EC below 224 are no longer acceptable; DSA is retired for signing. */
function weakKey(c: AuditedCertificate): string | undefined {
  if (c.keyType === undefined || c.keyBits === undefined) return undefined;
  if (c.keyType === 'rsa' && c.keyBits > 0 && c.keyBits < 2048) return `an RSA key of ${c.keyBits} bits (2048 or more is needed)`;
  if (c.keyType === 'ec' && c.keyBits > 0 && c.keyBits < 224) return `an EC key of ${c.keyBits} bits (P-256 or larger is needed)`;
  if (c.keyType === 'dsa') return 'a DSA key (no longer accepted for signatures)';
  return undefined;
}

function label(c: AuditedCertificate): string {
  return `${c.role === 'ca' ? 'CA' : 'identity'} certificate ${c.subjectCn === undefined ? '' : `cn=${c.subjectCn} `}(serial ${c.serialHex})`;
}

const DAY = 86_400_000;

function certificateFindings(tp: AuditedTrustpoint, c: AuditedCertificate, options: FindingOptions): Finding[] {
  const at = { trustpoint: tp.name };
  if (c.notAfter === undefined) {
    return [
      {
        kind: 'unreadable',
        ...at,
        message: `${tp.name}: the ${label(c)} does not parse as X.509; inspect it with 'show crypto pki certificates verbose ${tp.name}' and re-install it`,
      },
    ];
  }
  const out: Finding[] = [];
  const left = Date.parse(c.notAfter) - options.now.getTime();
  const date = c.notAfter.slice(0, 10);
  if (left <= 0) {
    out.push({
      kind: 'expired',
      ...at,
      message: `${tp.name}: the ${label(c)} expired on ${date} (${Math.floor(-left / DAY)} days ago); install its successor (certagent rotate)`,
    });
  } else if (left <= options.warnBeforeSeconds * 1000) {
    out.push({
      kind: 'expiring',
      ...at,
      message: `${tp.name}: the ${label(c)} expires on ${date}, in ${Math.floor(left / DAY)} days; rotate it before then (certagent rotate)`,
    });
  }
  const key = weakKey(c);
  if (key !== undefined) out.push({ kind: 'weak-key', ...at, message: `${tp.name}: the ${label(c)} has ${key}; replace it with one from a current CA` });
  if (c.signatureHash === 'sha1' || c.signatureHash === 'md5') {
    out.push({
      kind: 'weak-signature',
      ...at,
      message: `${tp.name}: the ${label(c)} is signed with ${c.signatureHash.toUpperCase()}, which clients refuse${c.selfSigned === true ? " (a root's own signature is rarely checked, but its successor should use SHA-256)" : ''}; replace it with a SHA-256 one`,
    });
  }
  return out;
}

export function trustpointFindings(trustpoints: readonly AuditedTrustpoint[], options: FindingOptions): Finding[] {
  return trustpoints
    .filter((tp) => options.allTrustpoints === true || !tp.builtIn)
    .flatMap((tp) => tp.certificates.flatMap((c) => certificateFindings(tp, c, options)));
}

export function mailFindings(device: string, mail: MailHealth): Finding[] {
  if (mail.state !== 'failing') return [];
  const failure = mail.lastFailure;
  const when = failure?.time === undefined ? '' : ` at ${failure.time}`;
  const why = failure?.reason === undefined ? '' : `: ${failure.reason}`;
  const since = mail.lastSuccess?.time === undefined ? ', and no certagent proof since' : ` (last proof of success at ${mail.lastSuccess.time})`;
  return [{ kind: 'mail-failing', message: `e-mail alerting failed${when}${why}${since}; 'certagent fix ${device}' diagnoses it` }];
}

export function driftFindings(device: string, drift: readonly string[] | undefined): Finding[] {
  return (drift ?? []).map((d) => ({ kind: 'drift', message: `differs from the playbook: ${d}; 'certagent rollout --limit ${device}' puts it right` }));
}

/** The earliest expiry among the certificates reported. */
export function soonestExpiry(trustpoints: readonly AuditedTrustpoint[], allTrustpoints: boolean): { trustpoint: string; notAfter: string } | undefined {
  let best: { trustpoint: string; notAfter: string } | undefined;
  for (const tp of trustpoints) {
    if (tp.builtIn && !allTrustpoints) continue;
    for (const c of tp.certificates)
      if (c.notAfter !== undefined && (best === undefined || c.notAfter < best.notAfter)) best = { trustpoint: tp.name, notAfter: c.notAfter };
  }
  return best;
}
