import { CertificateInputError } from './errors.js';

/** One certificate found in an input, before X.509 parsing. */
export interface CertificateBlock {
  readonly der: Buffer;
  /** 1-based position among the certificates of the source. */
  readonly position: number;
  /** 1-based line of the BEGIN line (or first base64 line); 0 for binary DER. */
  readonly line: number;
}

const BEGIN = /^-----BEGIN ([A-Z0-9 ]+)-----\s*$/;
const END = /^-----END ([A-Z0-9 ]+)-----\s*$/;
const BASE64_LINE = /^[A-Za-z0-9+/]+={0,2}$/;
const CERTIFICATE_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE']);

/** Finds the certificates in a PEM file or bundle, bare base64 (as pasted into IOS) or binary DER.
 * Text outside PEM blocks is ignored (bundles often carry `subject=`/`issuer=` lines);
 * other PEM blocks (keys, CSRs) are skipped. Throws CertificateInputError naming `source` and the position. */
export function splitCertificates(input: string | Uint8Array, source: string): CertificateBlock[] {
  if (typeof input !== 'string') {
    const bytes = Buffer.from(input);
    if (looksLikeDer(bytes)) return [{ der: bytes, position: 1, line: 0 }];
    input = bytes.toString('utf8');
  }
  const lines = input.split(/\r\n|\r|\n/);
  const blocks = pemBlocks(lines, source);
  if (blocks.length > 0) return blocks;
  if (lines.some((l) => BEGIN.test(l.trim()))) {
    throw new CertificateInputError(source, 'contains PEM blocks but no CERTIFICATE block');
  }
  const bare = bareBase64(lines);
  if (bare) return [bare];
  throw new CertificateInputError(source, 'no certificate found: expected PEM (-----BEGIN CERTIFICATE-----), bare base64 or DER');
}

/** A `-----BEGIN CERTIFICATE-----` block with 64-column base64 and a final newline. */
export function toPem(der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** Several certificates as one PEM bundle, in the order given. */
export function toPemBundle(ders: readonly Uint8Array[]): string {
  return ders.map((d) => toPem(d)).join('');
}

function looksLikeDer(bytes: Buffer): boolean {
  // A certificate is a SEQUENCE with a long-form length; text never starts with 0x30 0x82/0x83.
  return bytes.length > 4 && bytes[0] === 0x30 && (bytes[1] === 0x82 || bytes[1] === 0x83 || bytes[1] === 0x81);
}

function pemBlocks(lines: readonly string[], source: string): CertificateBlock[] {
  const blocks: CertificateBlock[] = [];
  let open: { label: string; line: number; body: string[] } | undefined;
  let position = 0;
  const fail = (message: string, at: number): never => {
    throw new CertificateInputError(source, message, at);
  };
  lines.forEach((raw, i) => {
    const text = raw.trim();
    const lineNo = i + 1;
    const begin = BEGIN.exec(text);
    if (begin) {
      if (open) {
        const what = CERTIFICATE_LABELS.has(open.label) ? 'certificate' : `${open.label} block`;
        fail(`the ${what} starting at line ${open.line} has no END line before the next BEGIN at line ${lineNo}`, position);
      }
      const label = begin[1] ?? '';
      if (CERTIFICATE_LABELS.has(label)) position += 1;
      open = { label, line: lineNo, body: [] };
      return;
    }
    const end = END.exec(text);
    if (end) {
      if (!open) {
        fail(`END line at line ${lineNo} without a BEGIN line`, position + 1);
        return;
      }
      if (end[1] !== open.label) fail(`BEGIN ${open.label} at line ${open.line} is closed by END ${end[1] ?? ''} at line ${lineNo}`, position);
      if (CERTIFICATE_LABELS.has(open.label)) blocks.push({ der: decodeBody(open.body, open.line, source, position), position, line: open.line });
      open = undefined;
      return;
    }
    if (open && text !== '' && !/^[A-Za-z-]+:/.test(text)) open.body.push(text);
  });
  if (open) {
    const what = CERTIFICATE_LABELS.has(open.label) ? 'certificate' : `${open.label} block`;
    fail(`the ${what} starting at line ${open.line} has no -----END ${open.label}----- line (file truncated?)`, position);
  }
  return blocks;
}

function decodeBody(body: readonly string[], beginLine: number, source: string, position: number): Buffer {
  const badIndex = body.findIndex((l) => !BASE64_LINE.test(l));
  if (badIndex >= 0) {
    throw new CertificateInputError(source, `invalid base64 in the block starting at line ${beginLine}: '${body[badIndex]?.slice(0, 40) ?? ''}'`, position);
  }
  const der = Buffer.from(body.join(''), 'base64');
  if (der.length === 0) throw new CertificateInputError(source, `the block starting at line ${beginLine} is empty`, position);
  return der;
}

/** Bare base64 as pasted into `crypto pki authenticate` without BEGIN/END lines. */
function bareBase64(lines: readonly string[]): CertificateBlock | undefined {
  const nonEmpty = lines.map((l, i) => ({ text: l.trim(), line: i + 1 })).filter((l) => l.text !== '');
  const first = nonEmpty[0];
  if (!first || !nonEmpty.every((l) => BASE64_LINE.test(l.text))) return undefined;
  const der = Buffer.from(nonEmpty.map((l) => l.text).join(''), 'base64');
  if (!looksLikeDer(der)) return undefined;
  return { der, position: 1, line: first.line };
}
