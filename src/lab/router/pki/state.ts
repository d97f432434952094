/**
 * The PKI part of a lab router: its trustpoints, in running-config order, each with its options and the
 * certificates of its chain. Only the PKI feature (this folder) changes it.
 */
import type { CertificateFacts } from '../../../certs/types.js';

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
  serialNumberNone?: boolean;
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

/** A router's PKI state as it boots without a startup config. */
export function createPkiState(): PkiState {
  return { trustpoints: new Map() };
}
