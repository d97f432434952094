/**
 * `show crypto pki certificates [verbose] [TP]`: one block per certificate, headed `Certificate`,
 * `CA Certificate` or `Router Self-Signed Certificate`. Fields are recognised by their labels, not by
 * indentation, because some captures (IE3100 in genieparser) lost it; trailing blanks vary by build.
 */
import { joinHexGroups, outputLines, parseDnLine, parseIosDate } from '../text.js';
import type { DnAttribute } from '../text.js';

export type ShownCertificateKind = 'identity' | 'ca' | 'self-signed';

export interface ShownCertificate {
  readonly kind: ShownCertificateKind;
  readonly heading: string;
  readonly status?: string;
  readonly version?: number;
  readonly serialHex?: string;
  readonly usage?: string;
  /** In the order IOS prints them (reverse DER order). */
  readonly issuer: readonly DnAttribute[];
  readonly subject: readonly DnAttribute[];
  /** `Name:`, `IP Address:` and `Serial Number:` lines IOS adds to identity certificate subjects. */
  readonly subjectName?: string;
  readonly subjectIpAddress?: string;
  readonly subjectSerialNumber?: string;
  readonly crlDistributionPoints: readonly string[];
  /** Validity as printed (`00:34:52 UTC Nov 20 2015`) and as a Date when the zone is UTC. */
  readonly startDate?: string;
  readonly endDate?: string;
  readonly renewDate?: string;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  readonly publicKeyAlgorithm?: string;
  /** `RSA Public Key: (2048 bit)` → `RSA (2048 bit)`. */
  readonly publicKey?: string;
  readonly signatureAlgorithm?: string;
  /** Upper-case hex without spaces (verbose only). */
  readonly fingerprintMd5?: string;
  readonly fingerprintSha1?: string;
  readonly keyUsageHex?: string;
  readonly keyUsage: readonly string[];
  readonly subjectKeyId?: string;
  readonly authorityKeyId?: string;
  readonly basicConstraintsCa?: boolean;
  readonly subjectAltNames: readonly string[];
  readonly extendedKeyUsage: readonly string[];
  readonly installTime?: string;
  /** Trustpoints holding this certificate; `Trustpool` is reported separately. */
  readonly associatedTrustpoints: readonly string[];
  readonly inTrustpool: boolean;
  readonly keyLabel?: string;
  readonly storage?: string;
}

const HEADINGS: Readonly<Record<string, ShownCertificateKind>> = {
  Certificate: 'identity',
  'CA Certificate': 'ca',
  'Router Self-Signed Certificate': 'self-signed',
};

type Section = 'none' | 'issuer' | 'subject' | 'crl' | 'key-usage' | 'san' | 'eku' | 'skip';

type Draft = {
  -readonly [K in keyof ShownCertificate]: ShownCertificate[K] extends readonly (infer E)[] ? E[] : ShownCertificate[K];
};

function newDraft(heading: string, kind: ShownCertificateKind): Draft {
  return {
    kind,
    heading,
    issuer: [],
    subject: [],
    crlDistributionPoints: [],
    keyUsage: [],
    subjectAltNames: [],
    extendedKeyUsage: [],
    associatedTrustpoints: [],
    inTrustpool: false,
  };
}

/** Labels that open a list section; any other label closes the current section. */
const SECTION_LABELS: Readonly<Record<string, Section>> = {
  'Issuer:': 'issuer',
  'Subject:': 'subject',
  'CRL Distribution Points:': 'crl',
  'X509v3 Subject Alternative Name:': 'san',
  'Extended Key Usage:': 'eku',
  'Authority Info Access:': 'skip',
  'X509v3 CertificatePolicies:': 'skip',
  'Validity Date:': 'none',
  'Subject Key Info:': 'none',
  'X509v3 extensions:': 'none',
  'X509v3 Basic Constraints:': 'none',
};

function field(line: string, label: string): string | undefined {
  return line.startsWith(label) ? line.slice(label.length).trim() : undefined;
}

/** Applies one `Label: value` line; returns false when the line is no known field. */
function applyField(d: Draft, line: string): boolean {
  let v: string | undefined;
  if ((v = field(line, 'Status:')) !== undefined) d.status = v;
  else if ((v = field(line, 'Version:')) !== undefined) d.version = Number(v);
  else if ((v = field(line, 'Certificate Serial Number (hex):')) !== undefined) d.serialHex = v.toUpperCase();
  else if ((v = field(line, 'Certificate Usage:')) !== undefined) d.usage = v;
  else if ((v = field(line, 'start date:')) !== undefined) {
    d.startDate = v;
    d.notBefore = parseIosDate(v);
  } else if ((v = /^end\s+date:(.*)$/.exec(line)?.[1]?.trim()) !== undefined) {
    d.endDate = v;
    d.notAfter = parseIosDate(v);
  } else if ((v = field(line, 'renew date:')) !== undefined) d.renewDate = v;
  else if ((v = field(line, 'Public Key Algorithm:')) !== undefined) d.publicKeyAlgorithm = v;
  else if (/^(?:RSA|EC) Public Key:|^Public Key Size:/.test(line)) d.publicKey = line.replace(/:\s*/, ' ').replace(' Public Key', '');
  else if ((v = field(line, 'Signature Algorithm:')) !== undefined) d.signatureAlgorithm = v;
  else if ((v = field(line, 'Fingerprint MD5:')) !== undefined) d.fingerprintMd5 = joinHexGroups(v);
  else if ((v = field(line, 'Fingerprint SHA1:')) !== undefined) d.fingerprintSha1 = joinHexGroups(v);
  else if ((v = field(line, 'X509v3 Key Usage:')) !== undefined) d.keyUsageHex = v;
  else if ((v = field(line, 'X509v3 Subject Key ID:')) !== undefined) d.subjectKeyId = joinHexGroups(v);
  else if ((v = field(line, 'X509v3 Authority Key ID:')) !== undefined) d.authorityKeyId = joinHexGroups(v);
  else if ((v = field(line, 'CA:')) !== undefined) d.basicConstraintsCa = v === 'TRUE';
  else if (line.startsWith('Cert install time in nsec:')) return true;
  else if ((v = field(line, 'Cert install time:')) !== undefined) d.installTime = v;
  else if ((v = field(line, 'Associated Trustpoints:')) !== undefined) {
    for (const name of v.split(/\s+/).filter(Boolean)) {
      if (name === 'Trustpool') d.inTrustpool = true;
      else d.associatedTrustpoints.push(name);
    }
  } else if ((v = field(line, 'Key Label:')) !== undefined) d.keyLabel = v;
  else if (line.startsWith('Key storage device:')) return true;
  else if ((v = field(line, 'Storage:')) !== undefined) d.storage = v;
  else return false;
  return true;
}

function applySectionLine(d: Draft, section: Section, line: string): void {
  switch (section) {
    case 'issuer': {
      const a = parseDnLine(line);
      if (a) d.issuer.push(a);
      return;
    }
    case 'subject': {
      let v: string | undefined;
      if ((v = field(line, 'Name:')) !== undefined) d.subjectName = v;
      else if ((v = field(line, 'IP Address:')) !== undefined) d.subjectIpAddress = v;
      else if ((v = field(line, 'Serial Number:')) !== undefined) d.subjectSerialNumber = v;
      else {
        const a = parseDnLine(line);
        if (a) d.subject.push(a);
      }
      return;
    }
    case 'crl':
      d.crlDistributionPoints.push(line);
      return;
    case 'key-usage':
      d.keyUsage.push(line);
      return;
    case 'san': {
      const m = /^(DNS Name|IP Address|Email|URI)\s*:\s*(.*)$/.exec(line);
      if (m) d.subjectAltNames.push(...(m[2] ?? '').split(/\s+/).filter(Boolean));
      else if (!/^OtherNames\s*:/.test(line)) d.subjectAltNames.push(line);
      return;
    }
    case 'eku':
      d.extendedKeyUsage.push(line);
      return;
    default:
      return;
  }
}

/** The draft without its unset fields: a Draft is a ShownCertificate whose lists are still growing. */
function freeze(d: Draft): ShownCertificate {
  const out: Draft = { ...d };
  for (const key of Object.keys(out) as (keyof Draft)[]) if (out[key] === undefined) delete out[key];
  return out;
}

export function parseShowCryptoPkiCertificates(text: string): ShownCertificate[] {
  const certs: ShownCertificate[] = [];
  let draft: Draft | undefined;
  let section: Section = 'none';
  for (const raw of outputLines(text)) {
    const line = raw.trim();
    if (line === '') continue;
    const kind = HEADINGS[line];
    if (kind !== undefined) {
      if (draft) certs.push(freeze(draft));
      draft = newDraft(line, kind);
      section = 'none';
      continue;
    }
    if (!draft) continue;
    const opened = SECTION_LABELS[line];
    if (opened !== undefined) {
      section = opened;
      continue;
    }
    if (applyField(draft, line)) {
      section = line.startsWith('X509v3 Key Usage:') ? 'key-usage' : 'none';
      continue;
    }
    applySectionLine(draft, section, line);
  }
  if (draft) certs.push(freeze(draft));
  return certs;
}
