/**
 * The PKI part of `show running-config` (or `| section crypto pki`): trustpoint stanzas and certificate chains.
 * Chain hex is 8 groups of 8 digits per line, ended by `quit` (indented with a TAB on real devices);
 * the startup-config form names an nvram file instead (`certificate ca 01 nvram:CiscoLicensi#1CA.cer`).
 */
import { outputLines } from '../text.js';

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
  /** DER bytes from the hex lines; empty when the certificate lives in an nvram file. */
  readonly der: Buffer;
  readonly nvramFile?: string;
}

export interface CertificateChainConfig {
  readonly trustpoint: string;
  readonly certificates: readonly ChainCertificate[];
}

export interface PkiConfig {
  readonly trustpoints: readonly TrustpointConfig[];
  readonly chains: readonly CertificateChainConfig[];
}

const OPTION_FIELDS: ReadonlyArray<readonly [keyof TrustpointConfig, string]> = [
  ['enrollment', 'enrollment '],
  ['revocationCheck', 'revocation-check '],
  ['chainValidation', 'chain-validation'],
  ['subjectName', 'subject-name '],
  ['rsakeypair', 'rsakeypair '],
  ['usage', 'usage '],
  ['hash', 'hash '],
];

function trustpointFrom(name: string, lines: string[]): TrustpointConfig {
  const tp: Record<string, unknown> = { name, lines };
  for (const line of lines) {
    if (line.startsWith('fingerprint ')) tp['fingerprint'] = line.slice('fingerprint '.length).trim().toUpperCase();
    for (const [key, prefix] of OPTION_FIELDS) {
      if (line === prefix.trim()) tp[key] = '';
      else if (line.startsWith(prefix)) tp[key] = line.slice(prefix.length).trim();
    }
  }
  return tp as unknown as TrustpointConfig;
}

const CERT_LINE = /^certificate (?:(ca|self-signed|rollover) )?([0-9A-Fa-f]+)(?: (\S+))?$/;

export class PkiConfigParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PkiConfigParseError';
  }
}

export function parsePkiConfig(text: string): PkiConfig {
  const trustpoints: TrustpointConfig[] = [];
  const chains: { trustpoint: string; certificates: ChainCertificate[] }[] = [];
  let stanza: { name: string; lines: string[] } | undefined;
  let chain: { trustpoint: string; certificates: ChainCertificate[] } | undefined;
  let cert: { type: ChainCertificateType; serialHex: string; hex: string[]; nvramFile?: string } | undefined;

  const closeCert = (): void => {
    if (!cert || !chain) return;
    const hex = cert.hex.join('');
    if (hex.length % 2 !== 0) {
      throw new PkiConfigParseError(`certificate ${cert.serialHex} of chain ${chain.trustpoint} has an odd number of hex digits`);
    }
    const entry: ChainCertificate = { type: cert.type, serialHex: cert.serialHex, der: Buffer.from(hex, 'hex') };
    chain.certificates.push(cert.nvramFile ? { ...entry, nvramFile: cert.nvramFile } : entry);
    cert = undefined;
  };
  const closeStanza = (): void => {
    if (stanza) trustpoints.push(trustpointFrom(stanza.name, stanza.lines));
    stanza = undefined;
  };

  for (const raw of outputLines(text)) {
    const indented = /^[ \t]/.test(raw);
    const line = raw.trim();
    if (!indented) {
      closeCert();
      closeStanza();
      chain = undefined;
      const tp = /^crypto pki trustpoint (\S+)/.exec(line);
      const ch = /^crypto pki certificate chain (\S+)$/.exec(line);
      if (tp) stanza = { name: tp[1] ?? '', lines: [] };
      else if (ch) {
        chain = { trustpoint: ch[1] ?? '', certificates: [] };
        chains.push(chain);
      }
      continue;
    }
    if (stanza) {
      stanza.lines.push(line);
    } else if (chain) {
      const head = CERT_LINE.exec(line);
      if (head) {
        closeCert();
        cert = { type: (head[1] as ChainCertificateType | undefined) ?? 'identity', serialHex: (head[2] ?? '').toUpperCase(), hex: [] };
        if (head[3]) cert.nvramFile = head[3];
      } else if (line === 'quit') {
        closeCert();
      } else if (cert && /^[0-9A-Fa-f ]+$/.test(line)) {
        cert.hex.push(line.replace(/ /g, ''));
      }
    }
  }
  closeCert();
  closeStanza();
  return { trustpoints, chains };
}
