import { X509Certificate, createHash } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AuthorityInfoAccessSyntax,
  AuthorityKeyIdentifier,
  BasicConstraints,
  CRLDistributionPoints,
  Certificate,
  CertificatePolicies,
  ExtendedKeyUsage,
  KeyUsage,
  SubjectAlternativeName,
  id_ad_caIssuers,
  id_ad_ocsp,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_cRLDistributionPoints,
  id_ce_certificatePolicies,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectAltName,
  id_ce_subjectKeyIdentifier,
  id_pe_authorityInfoAccess,
} from '@peculiar/asn1-x509';
import type { Extension, GeneralName, Name } from '@peculiar/asn1-x509';
import { CertificateInputError } from './errors.js';
import { splitCertificates, toPem } from './pem.js';
import type { CertificateFacts, DistinguishedName, HashName, PublicKeyFacts, SignatureAlgorithmFacts, SubjectAltNames } from './types.js';
import { errorMessage } from '../shared/error-message.js';

/** Short names as IOS prints them in `show crypto pki certificates`. */
const NAME_TYPES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'cn',
  '2.5.4.10': 'o',
  '2.5.4.11': 'ou',
  '2.5.4.7': 'l',
  '2.5.4.8': 'st',
  '2.5.4.6': 'c',
  '1.2.840.113549.1.9.1': 'e',
  '2.5.4.5': 'serialNumber',
  '1.2.840.113549.1.9.2': 'unstructuredName',
  '1.2.840.113549.1.9.8': 'unstructuredAddress',
  '0.9.2342.19200300.100.1.25': 'dc',
};

const SIGNATURES: Readonly<Record<string, Omit<SignatureAlgorithmFacts, 'oid'>>> = {
  '1.2.840.113549.1.1.2': { hash: 'unknown', key: 'rsa' }, // md2
  '1.2.840.113549.1.1.4': { hash: 'md5', key: 'rsa' },
  '1.2.840.113549.1.1.5': { hash: 'sha1', key: 'rsa' },
  '1.2.840.113549.1.1.14': { hash: 'sha224', key: 'rsa' },
  '1.2.840.113549.1.1.11': { hash: 'sha256', key: 'rsa' },
  '1.2.840.113549.1.1.12': { hash: 'sha384', key: 'rsa' },
  '1.2.840.113549.1.1.13': { hash: 'sha512', key: 'rsa' },
  '1.2.840.113549.1.1.10': { hash: 'unknown', key: 'rsa-pss' },
  '1.2.840.10045.4.1': { hash: 'sha1', key: 'ecdsa' },
  '1.2.840.10045.4.3.1': { hash: 'sha224', key: 'ecdsa' },
  '1.2.840.10045.4.3.2': { hash: 'sha256', key: 'ecdsa' },
  '1.2.840.10045.4.3.3': { hash: 'sha384', key: 'ecdsa' },
  '1.2.840.10045.4.3.4': { hash: 'sha512', key: 'ecdsa' },
  '1.3.101.112': { hash: 'none', key: 'ed25519' },
  '1.3.101.113': { hash: 'none', key: 'ed448' },
  '1.2.840.10040.4.3': { hash: 'sha1', key: 'dsa' },
  '2.16.840.1.101.3.4.3.1': { hash: 'sha224', key: 'dsa' },
  '2.16.840.1.101.3.4.3.2': { hash: 'sha256', key: 'dsa' },
};

const EKU_NAMES: Readonly<Record<string, string>> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
  '2.5.29.37.0': 'anyExtendedKeyUsage',
};

/** Key usage names in BIT STRING order (bit 0 first = IOS bitmap MSB). */
export const KEY_USAGE_NAMES = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;

const CURVES: Readonly<Record<string, { name: string; bits: number }>> = {
  prime256v1: { name: 'P-256', bits: 256 },
  secp384r1: { name: 'P-384', bits: 384 },
  secp521r1: { name: 'P-521', bits: 521 },
  secp256k1: { name: 'secp256k1', bits: 256 },
};

/** Reads every fact certagent needs from one DER certificate (RSA, ECDSA, EdDSA keys alike).
 * Throws CertificateInputError (source `DER`) when the bytes are not an X.509 certificate. */
export function parseCertificate(der: Uint8Array, source = 'DER'): CertificateFacts {
  const bytes = Buffer.from(der);
  let asn: Certificate;
  let node: X509Certificate;
  try {
    asn = AsnConvert.parse(bytes, Certificate);
    node = new X509Certificate(bytes);
  } catch (err) {
    throw new CertificateInputError(source, `not a valid X.509 certificate (${errorMessage(err)})`);
  }
  const tbs = asn.tbsCertificate;
  const exts = tbs.extensions ?? [];
  const subject = distinguishedName(tbs.subject);
  const issuer = distinguishedName(tbs.issuer);
  const keyUsage = extension(exts, id_ce_keyUsage, KeyUsage);
  const basic = extension(exts, id_ce_basicConstraints, BasicConstraints);
  const ski = extension(exts, id_ce_subjectKeyIdentifier, OctetString);
  const aki = extension(exts, id_ce_authorityKeyIdentifier, AuthorityKeyIdentifier);
  // asn1-schema arrays are Array subclasses; plain arrays keep CertificateFacts plain data.
  const aia = Array.from(extension(exts, id_pe_authorityInfoAccess, AuthorityInfoAccessSyntax) ?? []);
  const cdp = Array.from(extension(exts, id_ce_cRLDistributionPoints, CRLDistributionPoints) ?? []);
  const commonName = subject.find((a) => a.type === 'cn')?.value;
  const sameName = Buffer.from(AsnConvert.serialize(tbs.subject)).equals(Buffer.from(AsnConvert.serialize(tbs.issuer)));
  return {
    der: bytes,
    pem: toPem(bytes),
    version: tbs.version + 1,
    serialHex: hex(tbs.serialNumber),
    md5: digest('md5', bytes),
    sha1: digest('sha1', bytes),
    sha256: digest('sha256', bytes),
    subject,
    issuer,
    notBefore: tbs.validity.notBefore.getTime(),
    notAfter: tbs.validity.notAfter.getTime(),
    publicKey: publicKeyFacts(node),
    signatureAlgorithm: signatureAlgorithm(asn.signatureAlgorithm.algorithm),
    ...(basic ? { basicConstraints: { ca: basic.cA, ...(basic.pathLenConstraint === undefined ? {} : { pathLength: basic.pathLenConstraint }) } } : {}),
    ...(keyUsage ? { keyUsage: keyUsageFacts(keyUsage) } : {}),
    ...(ski ? { subjectKeyId: hex(ski.buffer) } : {}),
    ...(aki?.keyIdentifier ? { authorityKeyId: hex(aki.keyIdentifier.buffer) } : {}),
    subjectAltNames: altNames(Array.from(extension(exts, id_ce_subjectAltName, SubjectAlternativeName) ?? [])),
    crlDistributionPoints: cdp.flatMap((dp) => (dp.distributionPoint?.fullName ?? []).flatMap(uriOf)),
    ocspUrls: aia.filter((a) => a.accessMethod === id_ad_ocsp).flatMap((a) => uriOf(a.accessLocation)),
    caIssuerUrls: aia.filter((a) => a.accessMethod === id_ad_caIssuers).flatMap((a) => uriOf(a.accessLocation)),
    extendedKeyUsage: Array.from(extension(exts, id_ce_extKeyUsage, ExtendedKeyUsage) ?? [], (oid) => EKU_NAMES[oid] ?? oid),
    policies: Array.from(extension(exts, id_ce_certificatePolicies, CertificatePolicies) ?? [], (p) => p.policyIdentifier),
    selfSigned: sameName && verifiesWith(node, node),
    ...(commonName === undefined ? {} : { commonName }),
  };
}

/** Parses every certificate of a PEM file/bundle, bare base64 or DER; errors name `source` and the position. */
export function parseCertificates(input: string | Uint8Array, source: string): CertificateFacts[] {
  return splitCertificates(input, source).map((block) => {
    try {
      return parseCertificate(block.der);
    } catch (err) {
      const where = block.line > 0 ? ` (block starting at line ${block.line})` : '';
      const reason = err instanceof CertificateInputError ? err.message.replace(/^DER: /, '') : String(err);
      throw new CertificateInputError(source, `${reason}${where}`, block.position);
    }
  });
}

/** True when `issuer`'s public key verifies `cert`'s signature (false for unsupported algorithms). */
export function signatureVerifies(cert: CertificateFacts, issuer: CertificateFacts): boolean {
  try {
    return verifiesWith(new X509Certificate(cert.der), new X509Certificate(issuer.der));
  } catch {
    return false;
  }
}

function verifiesWith(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

function extension<T>(exts: readonly Extension[], oid: string, type: new () => T): T | undefined {
  const ext = exts.find((e) => e.extnID === oid);
  if (!ext) return undefined;
  return AsnConvert.parse(ext.extnValue.buffer, type);
}

function distinguishedName(name: Name): DistinguishedName {
  return Array.from(name).flatMap((rdn) =>
    Array.from(rdn, (atv, i) => ({
      type: NAME_TYPES[atv.type] ?? atv.type,
      value: atv.value.toString(),
      ...(i > 0 ? { sameRdnAsPrevious: true as const } : {}),
    })),
  );
}

function keyUsageFacts(ku: KeyUsage): { bits: number; names: string[] } {
  const raw = new Uint8Array(ku.value);
  const bits = (((raw[0] ?? 0) << 24) | ((raw[1] ?? 0) << 16)) >>> 0;
  const names = KEY_USAGE_NAMES.filter((_, i) => (bits & (0x80000000 >>> i)) !== 0);
  return { bits, names };
}

function altNames(names: readonly GeneralName[]): SubjectAltNames {
  return {
    dns: names.flatMap((n) => (n.dNSName === undefined ? [] : [n.dNSName])),
    ip: names.flatMap((n) => (n.iPAddress === undefined ? [] : [n.iPAddress])),
    email: names.flatMap((n) => (n.rfc822Name === undefined ? [] : [n.rfc822Name])),
    uri: names.flatMap((n) => (n.uniformResourceIdentifier === undefined ? [] : [n.uniformResourceIdentifier])),
  };
}

function uriOf(name: GeneralName): string[] {
  return name.uniformResourceIdentifier === undefined ? [] : [name.uniformResourceIdentifier];
}

function publicKeyFacts(cert: X509Certificate): PublicKeyFacts {
  let key;
  try {
    key = cert.publicKey;
  } catch {
    return { algorithm: 'other', bits: 0 };
  }
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
    case 'rsa-pss':
      return { algorithm: 'rsa', bits: details.modulusLength ?? 0 };
    case 'ec': {
      const curve = CURVES[details.namedCurve ?? ''];
      return { algorithm: 'ec', bits: curve?.bits ?? 0, curve: curve?.name ?? details.namedCurve ?? 'unknown' };
    }
    case 'ed25519':
      return { algorithm: 'ed25519', bits: 256 };
    case 'ed448':
      return { algorithm: 'ed448', bits: 456 };
    case 'dsa':
      return { algorithm: 'dsa', bits: details.modulusLength ?? 0 };
    default:
      return { algorithm: 'other', bits: 0 };
  }
}

function signatureAlgorithm(oid: string): SignatureAlgorithmFacts {
  const known = SIGNATURES[oid];
  return known ? { oid, ...known } : { oid, hash: 'unknown' satisfies HashName, key: 'other' };
}

function digest(algorithm: 'md5' | 'sha1' | 'sha256', der: Buffer): string {
  return createHash(algorithm).update(der).digest('hex').toUpperCase();
}

function hex(data: ArrayBuffer | ArrayBufferView): string {
  const buf = ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data);
  return buf.toString('hex').toUpperCase();
}
