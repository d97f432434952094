/** How IOS XE prints certificate facts, byte for byte (dossier 2.2, 3.1, 3.2, 3.5).
 * Functions return text without the indentation and trailing blanks that depend on the command;
 * callers add them where the real output has them. */
import { createHash } from 'node:crypto';
import type { CertificateFacts, DistinguishedName, SignatureAlgorithmFacts, PublicKeyFacts } from './types.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** Upper-case hex in groups of 8 digits separated by one space (`05FED0BF 71A8A376 ...`); the last group may be short. */
export function hexGroups(hex: string): string {
  return (hex.toUpperCase().match(/.{1,8}/g) ?? []).join(' ');
}

/** `Fingerprint MD5:`/`SHA1:` value of a DER certificate as IOS prints it, without trailing space. */
export function iosFingerprint(der: Uint8Array, algorithm: 'md5' | 'sha1'): string {
  return hexGroups(createHash(algorithm).update(der).digest('hex'));
}

/** The DER as the running config's hex lines: 8 groups of 8 hex digits per line, one trailing space on every
 * line but the last, the last group possibly short. Lines are returned without the 2-space indent. */
export function iosHexLines(der: Uint8Array): string[] {
  const hex = Buffer.from(der).toString('hex').toUpperCase();
  const lines: string[] = [];
  for (let i = 0; i < hex.length; i += 64) lines.push(hexGroups(hex.slice(i, i + 64)));
  return lines.map((line, i) => (i < lines.length - 1 ? `${line} ` : line));
}

/** The DER back from running-config hex lines (indent, spaces, CR and the `quit` line are ignored). */
export function derFromIosHex(text: string | readonly string[]): Buffer {
  const lines = typeof text === 'string' ? text.split(/\r\n|\r|\n/) : text;
  const hex = lines
    .map((l) => l.trim())
    .filter((l) => l !== '' && l !== 'quit')
    .join('')
    .replace(/\s+/g, '');
  if (!/^(?:[0-9A-Fa-f]{2})+$/.test(hex)) throw new Error('certificate hex holds characters other than hex digit pairs');
  return Buffer.from(hex, 'hex');
}

/** `HH:MM:SS UTC Mon D YYYY` (day not padded), as in `Validity Date:` and `Cert install time:`. */
export function iosDate(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  const time = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
  return `${time} UTC ${MONTHS[date.getUTCMonth()] ?? ''} ${date.getUTCDate()} ${date.getUTCFullYear()}`;
}

/** One line per RDN, last RDN first (`cn=GTS CA 1C3`, `o=...`, `c=US`); the attributes of a multi-valued RDN
 * share a line joined by `+` in DER order (`serialNumber=9HI3W7WA3K8+hostname=pki-reg7`, genieparser csr capture). */
export function iosDnLines(dn: DistinguishedName, options: DnRenderOptions = {}): string[] {
  const rdns: string[][] = [];
  for (const a of dn) {
    const text = `${iosNameType(a.type, options)}=${a.value}`;
    const last = rdns[rdns.length - 1];
    if (a.sameRdnAsPrevious && last) last.push(text);
    else rdns.push([text]);
  }
  return rdns.reverse().map((parts) => parts.join('+'));
}

/** The one-line form of `show crypto pki trustpoints status` (`cn=Cisco Licensing Root CA,o=Cisco`). */
export function iosDnOneLine(dn: DistinguishedName, options: DnRenderOptions = {}): string {
  return iosDnLines(dn, options).join(',');
}

export interface DnRenderOptions {
  /** How unstructuredName (PKCS#9, the router's host name) is labelled: `hostname` on 17.x
   * (genieparser csr capture, 2021), `unstructuredname` on 26.x (pqc capture). Default `hostname`. */
  readonly unstructuredName?: 'hostname' | 'unstructuredname';
}

function iosNameType(type: string, options: DnRenderOptions): string {
  if (type === 'unstructuredName') return options.unstructuredName ?? 'hostname';
  return type === 'serialNumber' ? type : type.toLowerCase();
}

/** `X509v3 Key Usage:` value: the 32-bit map in upper-case hex without leading zeros (`86000000`, `6000000`). */
export function iosKeyUsageHex(bits: number): string {
  return (bits >>> 0).toString(16).toUpperCase();
}

const KEY_USAGE_LABELS = [
  'Digital Signature',
  'Non Repudiation',
  'Key Encipherment',
  'Data Encipherment',
  'Key Agreement',
  'Key Cert Sign',
  'CRL Signature',
  'Encipher Only',
  'Decipher Only',
] as const;

/** The lines under `X509v3 Key Usage:` (`Digital Signature`, `Key Cert Sign`, `CRL Signature`). */
export function iosKeyUsageLabels(bits: number): string[] {
  return KEY_USAGE_LABELS.filter((_, i) => (bits & (0x80000000 >>> i)) !== 0);
}

/** `X509v3 Subject Key ID:` / `Authority Key ID:` value: groups of 8 hex digits, no trailing space. */
export function iosKeyId(hex: string): string {
  return hexGroups(hex);
}

/** `Certificate Serial Number (hex):` and the `certificate ca <serial>` config line use the facts' serialHex as is. */
export function iosSerial(cert: CertificateFacts): string {
  return cert.serialHex;
}

const HASH_LABELS: Readonly<Record<string, string>> = {
  md5: 'MD5',
  sha1: 'SHA1',
  sha224: 'SHA224',
  sha256: 'SHA256',
  sha384: 'SHA384',
  sha512: 'SHA512',
};

/** `Signature Algorithm:` value (`SHA256 with RSA Encryption`, `SHA256 with ECDSA`). */
export function iosSignatureAlgorithm(sig: SignatureAlgorithmFacts): string {
  const hash = HASH_LABELS[sig.hash];
  if (sig.key === 'rsa' && hash) return `${hash} with RSA Encryption`;
  // ECDSA wording not seen in a capture; follows the RSA pattern. [unverified]
  if (sig.key === 'ecdsa' && hash) return `${hash} with ECDSA`;
  return sig.oid;
}

/** The two lines under `Subject Key Info:` (`Public Key Algorithm: rsaEncryption`, `RSA Public Key: (2048 bit)`). */
export function iosPublicKeyLines(key: PublicKeyFacts): [string, string] {
  if (key.algorithm === 'ec') return ['Public Key Algorithm: ecEncryption', `EC Public Key: (${key.bits} bit)`];
  if (key.algorithm === 'rsa') return ['Public Key Algorithm: rsaEncryption', `RSA Public Key: (${key.bits} bit)`];
  return [`Public Key Algorithm: ${key.algorithm}`, `Public Key: (${key.bits} bit)`];
}

const EKU_LABELS: Readonly<Record<string, string>> = {
  serverAuth: 'Server Auth',
  clientAuth: 'Client Auth',
  codeSigning: 'Code Signing',
  emailProtection: 'Email Protection',
  timeStamping: 'Time Stamping',
  OCSPSigning: 'OCSP Signing',
};

/** The lines under `Extended Key Usage:`. */
export function iosExtendedKeyUsageLabels(ekus: readonly string[]): string[] {
  return ekus.map((e) => EKU_LABELS[e] ?? e);
}

/** `Certificate Usage:` for a CA certificate (`Signature`) or an identity certificate (`General Purpose`). */
export function iosCertificateUsage(cert: CertificateFacts): string {
  return cert.basicConstraints?.ca ? 'Signature' : 'General Purpose';
}
