/** What certagent knows about one X.509 certificate, read from its DER.
 * Produced by `parseCertificate` (certs/x509.ts); consumed by the agent's planning,
 * the diagnoses and the lab's IOS renderings. Pure data: no methods, no I/O. */

/** One attribute of a distinguished name, with the short name IOS prints (`cn`, `o`, `ou`, `l`, `st`, `c`, `e`,
 * `serialNumber`, `unstructuredName`, `unstructuredAddress`, `dc`, or the dotted OID when unknown). */
export interface NameAttribute {
  readonly type: string;
  readonly value: string;
  /** Set on the second and later attributes of a multi-valued RDN (`serialNumber=...+hostname=...`). */
  readonly sameRdnAsPrevious?: true;
}

/** The relative distinguished names in DER order (first RDN first). IOS prints them in reverse. */
export type DistinguishedName = readonly NameAttribute[];

export type PublicKeyAlgorithm = 'rsa' | 'ec' | 'ed25519' | 'ed448' | 'dsa' | 'other';
export type HashName = 'md5' | 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512' | 'none' | 'unknown';

export interface PublicKeyFacts {
  readonly algorithm: PublicKeyAlgorithm;
  /** RSA modulus bits, EC field bits (256 for P-256), 0 when unknown. */
  readonly bits: number;
  /** Named curve for EC keys, e.g. `P-256`. */
  readonly curve?: string;
}

export interface SignatureAlgorithmFacts {
  readonly oid: string;
  readonly hash: HashName;
  readonly key: 'rsa' | 'rsa-pss' | 'ecdsa' | 'ed25519' | 'ed448' | 'dsa' | 'other';
}

export interface SubjectAltNames {
  readonly dns: readonly string[];
  readonly ip: readonly string[];
  readonly email: readonly string[];
  readonly uri: readonly string[];
}

export interface CertificateFacts {
  readonly der: Buffer;
  /** `-----BEGIN CERTIFICATE-----` block with 64-column base64 and a final newline. */
  readonly pem: string;
  readonly version: number;
  /** Serial as IOS prints it: upper-case hex of the DER INTEGER content bytes, sign byte kept (`00DC`, `01`). */
  readonly serialHex: string;
  /** Digests of the DER, upper-case hex without separators. */
  readonly md5: string;
  readonly sha1: string;
  readonly sha256: string;
  readonly subject: DistinguishedName;
  readonly issuer: DistinguishedName;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly publicKey: PublicKeyFacts;
  readonly signatureAlgorithm: SignatureAlgorithmFacts;
  /** Absent when the certificate has no Basic Constraints extension. */
  readonly basicConstraints?: { readonly ca: boolean; readonly pathLength?: number };
  /** Absent when the certificate has no Key Usage extension. `bits` is the IOS 32-bit map, MSB = digitalSignature. */
  readonly keyUsage?: { readonly bits: number; readonly names: readonly string[] };
  /** Key identifiers as upper-case hex without separators. */
  readonly subjectKeyId?: string;
  readonly authorityKeyId?: string;
  readonly subjectAltNames: SubjectAltNames;
  readonly crlDistributionPoints: readonly string[];
  readonly ocspUrls: readonly string[];
  readonly caIssuerUrls: readonly string[];
  /** Extended key usages as names where known (`serverAuth`, `clientAuth`, ...) else OIDs. */
  readonly extendedKeyUsage: readonly string[];
  readonly policies: readonly string[];
  /** Subject equals issuer and the signature verifies with the certificate's own key. */
  readonly selfSigned: boolean;
  /** The subject's common name, if it has one. */
  readonly commonName?: string;
}
