/** `show crypto pki trustpoints` and `show crypto pki trustpoints [TP] status`: one block per `Trustpoint NAME:`. */
import { joinHexGroups, outputLines, parseDnCommaLine, parseDnLine } from '../text.js';
import type { DnAttribute } from '../text.js';

export interface ShownTrustpoint {
  readonly name: string;
  /** Subject of the trustpoint's certificate (its CA, or its own for self-signed), as printed. */
  readonly subject: readonly DnAttribute[];
  readonly serialHex?: string;
  /** `Certificate configured.`: a certificate is installed. */
  readonly certificateConfigured: boolean;
  readonly persistentSelfSigned: boolean;
  readonly keyLabel?: string;
}

const TRUSTPOINT_HEADING = /^Trustpoint (.+):$/;

export function parseShowCryptoPkiTrustpoints(text: string): ShownTrustpoint[] {
  const result: ShownTrustpoint[] = [];
  let current: { -readonly [K in keyof ShownTrustpoint]: ShownTrustpoint[K] } | undefined;
  const push = (): void => {
    if (current) result.push({ ...current, subject: [...current.subject] });
  };
  for (const raw of outputLines(text)) {
    const line = raw.trim();
    const heading = TRUSTPOINT_HEADING.exec(line);
    if (heading) {
      push();
      current = { name: heading[1] ?? '', subject: [], certificateConfigured: false, persistentSelfSigned: false };
      continue;
    }
    if (!current || line === '' || line === 'Subject Name:') continue;
    const serial = /^Serial Number \(hex\):\s*(\S+)$/.exec(line);
    const keyLabel = /^Using key label (.+)$/.exec(line);
    if (serial) current.serialHex = serial[1]?.toUpperCase();
    else if (line === 'Certificate configured.') current.certificateConfigured = true;
    else if (line.startsWith('Persistent self-signed certificate')) current.persistentSelfSigned = true;
    else if (keyLabel) current.keyLabel = keyLabel[1];
    else {
      const a = parseDnLine(line);
      if (a) current.subject = [...current.subject, a];
    }
  }
  push();
  return result;
}

export interface StatusCertificate {
  readonly subject: readonly DnAttribute[];
  readonly fingerprintMd5?: string;
  readonly fingerprintSha1?: string;
}

export interface TrustpointStatus {
  readonly name: string;
  /** `Issuing CA certificate configured:` block. */
  readonly issuingCa?: StatusCertificate;
  /** `Router General Purpose certificate configured:` block (identity or self-signed). */
  readonly routerCertificate?: StatusCertificate;
  readonly lastEnrollmentStatus?: string;
  /** `Keys generated ............. Yes (General Purpose, non-exportable)` → `Yes (General Purpose, non-exportable)`. */
  readonly keysGenerated?: string;
  readonly issuingCaAuthenticated?: boolean;
  readonly certificateRequests?: string;
}

type MutableStatus = { -readonly [K in keyof TrustpointStatus]: TrustpointStatus[K] };
type MutableCert = { subject: DnAttribute[]; fingerprintMd5?: string; fingerprintSha1?: string };

const STATE_LINE = /^(Keys generated|Issuing CA authenticated|Certificate request\(s\))\s*\.+\s*(.*)$/;

export function parseShowCryptoPkiTrustpointsStatus(text: string): TrustpointStatus[] {
  const result: TrustpointStatus[] = [];
  let current: MutableStatus | undefined;
  let cert: MutableCert | undefined;
  for (const raw of outputLines(text)) {
    const line = raw.trim();
    const heading = TRUSTPOINT_HEADING.exec(line);
    if (heading) {
      current = { name: heading[1] ?? '' };
      result.push(current);
      cert = undefined;
      continue;
    }
    if (!current || line === '' || line === 'Subject Name:') continue;
    if (line === 'Issuing CA certificate configured:') {
      cert = { subject: [] };
      current.issuingCa = cert;
    } else if (/^Router .*certificate configured:$/.test(line)) {
      cert = { subject: [] };
      current.routerCertificate = cert;
    } else if (line.startsWith('Fingerprint MD5:') && cert) {
      cert.fingerprintMd5 = joinHexGroups(line.slice('Fingerprint MD5:'.length));
    } else if (line.startsWith('Fingerprint SHA1:') && cert) {
      cert.fingerprintSha1 = joinHexGroups(line.slice('Fingerprint SHA1:'.length));
    } else if (line.startsWith('Last enrollment status:')) {
      current.lastEnrollmentStatus = line.slice('Last enrollment status:'.length).trim();
    } else if (line === 'State:') {
      cert = undefined;
    } else {
      const state = STATE_LINE.exec(line);
      if (state) {
        const value = (state[2] ?? '').trim();
        if (state[1] === 'Keys generated') current.keysGenerated = value;
        else if (state[1] === 'Issuing CA authenticated') current.issuingCaAuthenticated = value.startsWith('Yes');
        else current.certificateRequests = value;
      } else if (cert && line.includes('=')) {
        cert.subject.push(...parseDnCommaLine(line));
      }
    }
  }
  return result;
}
