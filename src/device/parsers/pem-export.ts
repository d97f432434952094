/**
 * `crypto pki export TP pem terminal` (config mode) on a CUBE: the PEM blocks by heading. Pure: no I/O.
 *
 * Captures it is tested on (test/fixtures/iosxe/cube_*, transcript_crypto_pki_export_*): IOSv CA-only trustpoint
 * (`% The specified trustpoint is not enrolled`), a 2811's `% CA certificate:` + `% General Purpose Certificate:`
 * (line breaks lost by the web page), the CVP guide's self-signed gateway (`% Self-signed CA certificate:`).
 */
import { CubeParseError } from '../cube.js';

export interface ExportedPemBlock {
  /** The heading without `% ` and `:`: `CA certificate`, `Self-signed CA certificate`, `General Purpose Certificate`. */
  readonly heading: string;
  /** One PEM certificate, base64 in 64-character lines, ending in a line break. */
  readonly pem: string;
}

export interface PemExport {
  /** `% The specified trustpoint is not enrolled (TP).`: the trustpoint holds no certificate of the router's own. */
  readonly notEnrolled: boolean;
  /** The issuing CA (`% CA certificate:`) or, for a self-signed trustpoint, the router's own certificate. */
  readonly caPem?: string;
  readonly caIsSelfSigned: boolean;
  /** The router's identity certificate (`% General Purpose Certificate:`). */
  readonly generalPurposePem?: string;
  readonly blocks: readonly ExportedPemBlock[];
}

const EXPORT_ERRORS: readonly RegExp[] = [
  /% Certificate Authority \(trustpoint\) .* is unknown/,
  /% RSA keypair .* is not exportable\./,
  /% Invalid input detected/,
  /% Incomplete command\./,
];

function normalizedPem(block: string): string {
  const body = block.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) throw new CubeParseError('crypto pki export: a PEM block holds characters that are not base64');
  return `-----BEGIN CERTIFICATE-----\n${(body.match(/.{1,64}/g) ?? []).join('\n')}\n-----END CERTIFICATE-----\n`;
}

/**
 * The PEM blocks of `crypto pki export TP pem terminal` by heading. Works on the output as the device prints it
 * and on copies whose line breaks were lost (blocks are found by their BEGIN/END lines, not by line).
 */
export function parsePemExport(text: string): PemExport {
  for (const error of EXPORT_ERRORS) {
    const m = error.exec(text);
    if (m) throw new CubeParseError(`crypto pki export failed: the device said "${m[0]}"`);
  }
  const blocks: ExportedPemBlock[] = [];
  const re = /%\s*([A-Za-z][A-Za-z -]*?[Cc]ertificate):\s*(-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) blocks.push({ heading: m[1] ?? '', pem: normalizedPem(m[2] ?? '') });
  if (blocks.length === 0) {
    throw new CubeParseError('crypto pki export: no "% ... certificate:" heading followed by a PEM block in the output');
  }
  const ca = blocks.find((b) => /^(Self-signed )?CA certificate$/i.test(b.heading));
  const own = blocks.find((b) => /^General Purpose Certificate$/i.test(b.heading));
  return {
    notEnrolled: /% The specified trustpoint is not enrolled/.test(text),
    ...(ca ? { caPem: ca.pem } : {}),
    caIsSelfSigned: ca !== undefined && /^Self-signed/i.test(ca.heading),
    ...(own ? { generalPurposePem: own.pem } : {}),
    blocks,
  };
}
