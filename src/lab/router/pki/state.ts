/**
 * The PKI part of a lab router: its trustpoints, in running-config order, each with its options and the
 * certificates of its chain. Only the PKI feature (this folder) changes it.
 */
import type { CertificateFacts } from '../../../certs/types.js';
import { derFromIosHex } from '../../../certs/ios-format.js';
import { parseCertificate } from '../../../certs/x509.js';
import { SLA_CERTIFICATE_HEX } from './sla-certificate.js';
import { generateSelfSignedDer, randomSelfSignedNumber, selfSignedSubject, selfSignedTrustpointName } from './self-signed.js';

/** `enrollment ...` under a trustpoint. */
export type Enrollment =
  | { readonly kind: 'terminal'; readonly pem: boolean }
  | { readonly kind: 'url'; readonly url: string }
  | { readonly kind: 'selfsigned' }
  | { readonly kind: 'pkcs12' };

export type RevocationMethod = 'none' | 'crl' | 'ocsp';

/** `chain-validation stop` / `chain-validation continue [PARENT]`. */
export type ChainValidation = { readonly kind: 'stop' } | { readonly kind: 'continue'; readonly parent?: string };

/** How a certificate sits in a chain: the running config says `certificate ca`, `certificate self-signed`
 * or `certificate` (the router's identity, issued by the trustpoint's CA). */
export type CertificateRole = 'ca' | 'self-signed' | 'identity';

export interface InstalledCertificate {
  readonly role: CertificateRole;
  readonly facts: CertificateFacts;
  /** `Cert install time` in the verbose show. */
  readonly installedAt: Date;
}

export interface RsaKeypair {
  readonly label: string;
  readonly bits?: number;
}

export interface Trustpoint {
  readonly name: string;
  enrollment?: Enrollment;
  /** `usage ...` rest of line (`ssl-client`, `ike`, ...). */
  usage?: string;
  /** `serial-number` (`include`) or `serial-number none`. */
  serialNumber?: 'include' | 'none';
  /** `fqdn none` / `fqdn NAME`, `ip-address none` / `ip-address ADDR`, as typed. */
  fqdn?: string;
  ipAddress?: string;
  /** `source interface IFNAME`. */
  sourceInterface?: string;
  /** Pinned CA fingerprint as typed (hex, upper-cased, 32 or 40 digits). */
  fingerprint?: string;
  subjectName?: string;
  revocationCheck?: readonly RevocationMethod[];
  chainValidation?: ChainValidation;
  rsakeypair?: RsaKeypair;
  hash?: string;
  /** The certificate chain, identity first then CA, as IOS renders `crypto pki certificate chain`. */
  certificates: InstalledCertificate[];
}

export interface PkiState {
  /** Trustpoints by name, in creation order (the running-config order). */
  readonly trustpoints: Map<string, Trustpoint>;
  /** Hex typed so far in `(config-pki-hexmode)`, by `chainEntryKey`; installed once the DER is complete. */
  readonly hexInput: Map<string, string>;
  /** The `TP-self-signed-N` that `createPkiState` made up. A startup config replayed over the defaults brings
   * the router's own one, which replaces it (a device never holds two). */
  generatedSelfSigned?: string;
}

export function chainEntryKey(trustpoint: string, role: CertificateRole, serial: string): string {
  return `${trustpoint}\u0000${role}\u0000${serial.toUpperCase()}`;
}

export function newTrustpoint(name: string): Trustpoint {
  return { name, certificates: [] };
}

export function caCertificate(tp: Trustpoint): InstalledCertificate | undefined {
  return tp.certificates.find((c) => c.role === 'ca');
}

/** The router's own certificate: the identity issued by the CA, or the self-signed one. */
export function routerCertificate(tp: Trustpoint): InstalledCertificate | undefined {
  return tp.certificates.find((c) => c.role !== 'ca');
}

/** No trustpoints at all: the state a startup config is replayed into (it holds the defaults itself). */
export function emptyPkiState(): PkiState {
  return { trustpoints: new Map(), hexInput: new Map() };
}

export interface PkiDefaultsOptions {
  /** The N of `TP-self-signed-N`; random (as on a real device) when absent. */
  readonly selfSignedNumber?: number;
  /** Boot time: the install time of the default certificates and the self-signed certificate's start. */
  readonly bootTime?: Date;
}

let slaFacts: CertificateFacts | undefined;

/** The Cisco Licensing Root CA, parsed once per process and shared (facts are immutable). */
export function slaCertificate(): CertificateFacts {
  slaFacts ??= parseCertificate(derFromIosHex(SLA_CERTIFICATE_HEX), 'SLA-TrustPoint');
  return slaFacts;
}

/** Makes the certificate on first read of `tp.certificates`: signing and parsing it costs ~7 ms, too much for
 * the thousand routers a fleet test starts when most of them never show it. */
function deferCertificates(tp: Trustpoint, make: () => InstalledCertificate): void {
  let certificates: InstalledCertificate[] | undefined;
  Object.defineProperty(tp, 'certificates', {
    enumerable: true,
    configurable: true,
    get: () => (certificates ??= [make()]),
    set: (value: InstalledCertificate[]) => {
      certificates = value;
    },
  });
}

/**
 * A router's PKI state as it boots without a startup config: `TP-self-signed-N` (its own self-signed
 * certificate) then `SLA-TrustPoint` (the Cisco Licensing Root CA), in the order and with the options
 * of the 17.9.8 running-config capture.
 */
export function createPkiState(options: PkiDefaultsOptions = {}): PkiState {
  const state = emptyPkiState();
  const bootTime = options.bootTime ?? new Date();
  const n = options.selfSignedNumber ?? randomSelfSignedNumber();
  const selfSignedName = selfSignedTrustpointName(n);
  const selfSigned: Trustpoint = {
    ...newTrustpoint(selfSignedName),
    enrollment: { kind: 'selfsigned' },
    subjectName: selfSignedSubject(n),
    revocationCheck: ['none'],
    rsakeypair: { label: selfSignedName },
    hash: 'sha256',
  };
  deferCertificates(selfSigned, () => ({
    role: 'self-signed',
    facts: parseCertificate(generateSelfSignedDer(n, bootTime), selfSignedName),
    installedAt: bootTime,
  }));
  const sla: Trustpoint = {
    ...newTrustpoint('SLA-TrustPoint'),
    enrollment: { kind: 'pkcs12' },
    revocationCheck: ['crl'],
    hash: 'sha256',
  };
  sla.certificates.push({ role: 'ca', facts: slaCertificate(), installedAt: bootTime });
  state.trustpoints.set(selfSigned.name, selfSigned);
  state.generatedSelfSigned = selfSigned.name;
  state.trustpoints.set(sla.name, sla);
  return state;
}
