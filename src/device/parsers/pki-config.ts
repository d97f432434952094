/**
 * The PKI part of `show running-config` (or `| section crypto pki`): trustpoint stanzas and certificate chains.
 * Chain hex is 8 groups of 8 digits per line, ended by `quit` (indented with a TAB on real devices);
 * the startup-config form names an nvram file instead (`certificate ca 01 nvram:CiscoLicensi#1CA.cer`).
 */
import { isSyslogLine, outputLines } from '../text.js';
import { withoutBanners } from './banners.js';

export interface TrustpointConfig {
  readonly name: string;
  /** Option lines under the stanza, without their indentation, in device order. */
  readonly lines: readonly string[];
  /** `enrollment terminal [pem]` → `terminal pem`. */
  readonly enrollment?: string;
  /** Pinned fingerprint, upper-case hex. */
  readonly fingerprint?: string;
  readonly revocationCheck?: string;
  readonly chainValidation?: string;
  readonly subjectName?: string;
  readonly rsakeypair?: string;
  readonly usage?: string;
  readonly hash?: string;
}

export type ChainCertificateType = 'ca' | 'self-signed' | 'identity' | 'rollover';

export interface ChainCertificate {
  readonly type: ChainCertificateType;
  readonly serialHex: string;
  /** DER bytes from the hex lines; empty when the certificate lives in an nvram file or its hex is unreadable. */
  readonly der: Buffer;
  readonly nvramFile?: string;
  /** Why the hex could not be read as the device holds it (interrupted, not hex, cut short): the DER is then no
   * copy of the device's certificate and must not be planned from or pasted back. */
  readonly unreadable?: string;
}

export interface CertificateChainConfig {
  readonly trustpoint: string;
  readonly certificates: readonly ChainCertificate[];
}

export interface PkiConfig {
  readonly trustpoints: readonly TrustpointConfig[];
  readonly chains: readonly CertificateChainConfig[];
}

type OptionField = 'enrollment' | 'revocationCheck' | 'chainValidation' | 'subjectName' | 'rsakeypair' | 'usage' | 'hash';

const OPTION_FIELDS: ReadonlyArray<readonly [OptionField, string]> = [
  ['enrollment', 'enrollment '],
  ['revocationCheck', 'revocation-check '],
  ['chainValidation', 'chain-validation'],
  ['subjectName', 'subject-name '],
  ['rsakeypair', 'rsakeypair '],
  ['usage', 'usage '],
  ['hash', 'hash '],
];

function trustpointFrom(name: string, lines: string[]): TrustpointConfig {
  const tp: { -readonly [K in keyof TrustpointConfig]: TrustpointConfig[K] } = { name, lines };
  for (const line of lines) {
    if (line.startsWith('fingerprint ')) tp.fingerprint = line.slice('fingerprint '.length).trim().toUpperCase();
    for (const [key, prefix] of OPTION_FIELDS) {
      if (line === prefix.trim()) tp[key] = '';
      else if (line.startsWith(prefix)) tp[key] = line.slice(prefix.length).trim();
    }
  }
  return tp;
}

const CERT_LINE = /^certificate (?:(ca|self-signed|rollover) )?([0-9A-Fa-f]+)(?: (\S+))?$/;

/** A hex line as IOS prints it: up to 8 groups of 1-8 hex digits, one blank between them. */
const HEX_LINE = /^[0-9A-Fa-f]{1,8}(?: [0-9A-Fa-f]{1,8}){0,7}$/;

interface OpenCertificate {
  type: ChainCertificateType;
  serialHex: string;
  hex: string[];
  nvramFile?: string;
  unreadable?: string;
}

/** What went wrong in a certificate's hex, quoting the line (shortened: it is device text). */
function quoteLine(number: number, line: string): string {
  return `line ${number} ${JSON.stringify(line.length > 60 ? `${line.slice(0, 60)}...` : line)}`;
}

/**
 * Parses the PKI config. Never throws: a certificate whose hex is interrupted (a line that is not hex, a line at
 * column 0 before its `quit`, the output ending before it), or has an odd number of digits, is returned with
 * `unreadable` set, so the caller can refuse to plan from it. Syslog messages a vty with `terminal monitor` prints
 * between lines are skipped wherever they fall: no config line looks like one, and the DER they would have
 * broken is checked as X.509 by the caller anyway. Banner text is no configuration, whatever it says (banners.ts).
 */
export function parsePkiConfig(text: string): PkiConfig {
  const trustpoints: TrustpointConfig[] = [];
  const chains: { trustpoint: string; certificates: ChainCertificate[] }[] = [];
  let stanza: { name: string; lines: string[] } | undefined;
  let chain: { trustpoint: string; certificates: ChainCertificate[] } | undefined;
  let cert: OpenCertificate | undefined;

  const closeCert = (cutShort?: string): void => {
    if (!cert || !chain) return;
    const hex = cert.hex.join('');
    let unreadable = cert.unreadable ?? (cert.nvramFile === undefined ? cutShort : undefined);
    if (unreadable === undefined && hex.length % 2 !== 0) unreadable = `its hex has an odd number of digits (${hex.length})`;
    const entry: ChainCertificate = {
      type: cert.type,
      serialHex: cert.serialHex,
      der: unreadable === undefined ? Buffer.from(hex, 'hex') : Buffer.alloc(0),
      ...(cert.nvramFile !== undefined && { nvramFile: cert.nvramFile }),
      ...(unreadable !== undefined && { unreadable: `certificate ${cert.serialHex}: ${unreadable}` }),
    };
    chain.certificates.push(entry);
    cert = undefined;
  };
  const closeStanza = (): void => {
    if (stanza) trustpoints.push(trustpointFrom(stanza.name, stanza.lines));
    stanza = undefined;
  };

  const lines = withoutBanners(outputLines(text)).lines;
  lines.forEach((raw, index) => {
    const number = index + 1;
    if (isSyslogLine(raw)) return;
    const indented = /^[ \t]/.test(raw);
    const line = raw.trim();
    if (!indented) {
      if (line === '' && cert) return;
      closeCert(`interrupted before its quit by ${quoteLine(number, raw)}`);
      closeStanza();
      chain = undefined;
      const tp = /^crypto pki trustpoint (\S+)/.exec(line);
      const ch = /^crypto pki certificate chain (\S+)$/.exec(line);
      if (tp) stanza = { name: tp[1] ?? '', lines: [] };
      else if (ch) {
        chain = { trustpoint: ch[1] ?? '', certificates: [] };
        chains.push(chain);
      }
      return;
    }
    if (stanza) {
      stanza.lines.push(line);
    } else if (chain) {
      const head = CERT_LINE.exec(line);
      if (head) {
        closeCert(`interrupted before its quit by ${quoteLine(number, raw)}`);
        cert = { type: (head[1] as ChainCertificateType | undefined) ?? 'identity', serialHex: (head[2] ?? '').toUpperCase(), hex: [] };
        if (head[3]) cert.nvramFile = head[3];
      } else if (line === 'quit') {
        closeCert();
      } else if (cert && cert.unreadable === undefined) {
        if (HEX_LINE.test(line) && cert.nvramFile === undefined) cert.hex.push(line.replace(/ /g, ''));
        else cert.unreadable = `${quoteLine(number, raw)} is not certificate hex`;
      }
    }
  });
  closeCert('the output ended before its quit');
  closeStanza();
  return { trustpoints, chains };
}
