/** Real X.509 certificates for tests, signed with Node crypto (RSA and ECDSA P-256).
 * Built from @peculiar/asn1-x509 structures so a test can control every byte that matters:
 * serial bytes, name order, key identifiers (or their absence), validity, signature hash. */
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  ExtendedKeyUsage,
  Extension,
  Extensions,
  GeneralName,
  KeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  Name,
  RelativeDistinguishedName,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
} from '@peculiar/asn1-x509';

export type KeyKind = 'rsa' | 'ec';

export interface TestKey {
  readonly kind: KeyKind;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

const keyCache = new Map<string, TestKey>();

/** A key pair; `label` lets tests reuse one key (RSA generation is slow) or force distinct ones. */
export function testKey(kind: KeyKind, label = 'default'): TestKey {
  const id = `${kind}:${label}`;
  const cached = keyCache.get(id);
  if (cached) return cached;
  const pair = kind === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const key = { kind, ...pair };
  keyCache.set(id, key);
  return key;
}

const ATTR_OIDS: Readonly<Record<string, string>> = { c: '2.5.4.6', o: '2.5.4.10', ou: '2.5.4.11', cn: '2.5.4.3', l: '2.5.4.7', st: '2.5.4.8' };

export interface CertSpec {
  /** Subject RDNs in DER order, e.g. [['c','US'],['o','Lab'],['cn','Lab Root']]; a string is a lone CN. */
  readonly subject: string | ReadonlyArray<readonly [string, string]>;
  readonly key: TestKey;
  /** Absent: self-signed with `key`. */
  readonly issuer?: { readonly cert: IssuedCert };
  /** Serial DER INTEGER content bytes as hex, as IOS prints them (`00DC`). */
  readonly serial?: string;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  readonly ca?: boolean;
  readonly pathLength?: number;
  readonly keyUsage?: readonly (keyof typeof KeyUsageFlags)[];
  readonly dns?: readonly string[];
  readonly ip?: readonly string[];
  readonly serverAuth?: boolean;
  readonly hash?: 'sha256' | 'sha384' | 'sha1' | 'md5';
  /** Leave out SKI/AKI so chain building must fall back to names. */
  readonly omitKeyIds?: boolean;
  /** Override the AKI (to simulate an issuer whose key id does not match). */
  readonly authorityKeyId?: string;
}

export interface IssuedCert {
  readonly der: Buffer;
  readonly key: TestKey;
  readonly subject: Name;
  readonly subjectKeyId: Buffer;
}

let serialCounter = 0x1000;

/** Issues one certificate per `spec`. */
export function issue(spec: CertSpec): IssuedCert {
  const subject = toName(spec.subject);
  const signer = spec.issuer?.cert.key ?? spec.key;
  const issuerName = spec.issuer?.cert.subject ?? subject;
  const spkiDer = spec.key.publicKey.export({ type: 'spki', format: 'der' });
  const spki = AsnConvert.parse(spkiDer, SubjectPublicKeyInfo);
  const ski = keyId(spec.key);
  const akid = spec.authorityKeyId ? Buffer.from(spec.authorityKeyId, 'hex') : (spec.issuer?.cert.subjectKeyId ?? ski);
  const hash = spec.hash ?? 'sha256';
  const sigAlg = signatureAlgorithm(signer.kind, hash);
  const now = Date.now();
  const extensions: Extension[] = [];
  if (spec.ca !== undefined) {
    extensions.push(
      ext('2.5.29.19', true, new BasicConstraints({ cA: spec.ca, ...(spec.pathLength === undefined ? {} : { pathLenConstraint: spec.pathLength }) })),
    );
  }
  const usage = spec.keyUsage ?? (spec.ca ? ['digitalSignature', 'keyCertSign', 'cRLSign'] : ['digitalSignature', 'keyEncipherment']);
  extensions.push(ext('2.5.29.15', true, new KeyUsage(usage.reduce((acc, u) => acc | KeyUsageFlags[u], 0))));
  if (!spec.omitKeyIds) {
    extensions.push(ext('2.5.29.14', false, new SubjectKeyIdentifier(ski)));
    extensions.push(ext('2.5.29.35', false, new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(akid) })));
  }
  const names = [...(spec.dns ?? []).map((d) => new GeneralName({ dNSName: d })), ...(spec.ip ?? []).map((i) => new GeneralName({ iPAddress: i }))];
  if (names.length > 0) extensions.push(ext('2.5.29.17', false, new SubjectAlternativeName(names)));
  if (spec.serverAuth) extensions.push(ext('2.5.29.37', false, new ExtendedKeyUsage(['1.3.6.1.5.5.7.3.1'])));
  serialCounter += 1;
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: new Uint8Array(Buffer.from(spec.serial ?? serialCounter.toString(16).padStart(4, '0'), 'hex')).buffer,
    signature: sigAlg,
    issuer: issuerName,
    validity: new Validity({ notBefore: spec.notBefore ?? new Date(now - 86_400_000), notAfter: spec.notAfter ?? new Date(now + 90 * 86_400_000) }),
    subject,
    subjectPublicKeyInfo: spki,
    extensions: new Extensions(extensions),
  });
  const tbsDer = Buffer.from(AsnConvert.serialize(tbs));
  const signature = sign(hash, tbsDer, signer.privateKey);
  const cert = new Certificate({ tbsCertificate: tbs, signatureAlgorithm: sigAlg, signatureValue: new Uint8Array(signature).buffer });
  return { der: Buffer.from(AsnConvert.serialize(cert)), key: spec.key, subject, subjectKeyId: ski };
}

export interface TestChain {
  readonly root: IssuedCert;
  readonly intermediate: IssuedCert;
  readonly leaf: IssuedCert;
}

/** Root → intermediate → leaf for `host`, all with keys of `kind`. */
export function testChain(kind: KeyKind, host: string, options: { readonly ip?: readonly string[]; readonly label?: string } = {}): TestChain {
  const label = options.label ?? 'chain';
  const root = issue({
    subject: [
      ['c', 'US'],
      ['o', 'certagent test'],
      ['cn', `Test Root ${kind.toUpperCase()}`],
    ],
    key: testKey(kind, `${label}-root`),
    ca: true,
  });
  const intermediate = issue({
    subject: [
      ['c', 'US'],
      ['o', 'certagent test'],
      ['cn', `Test Issuing CA ${kind.toUpperCase()}`],
    ],
    key: testKey(kind, `${label}-int`),
    issuer: { cert: root },
    ca: true,
    pathLength: 0,
  });
  const leaf = issue({
    subject: host,
    key: testKey(kind, `${label}-leaf`),
    issuer: { cert: intermediate },
    ca: false,
    dns: [host],
    ip: options.ip ?? [],
    serverAuth: true,
  });
  return { root, intermediate, leaf };
}

/** The RFC 5280 method-1 key identifier (SHA-1 of the public key bits) that `issue` writes as SKI. */
export function keyId(key: TestKey): Buffer {
  const spki = AsnConvert.parse(key.publicKey.export({ type: 'spki', format: 'der' }), SubjectPublicKeyInfo);
  return createHash('sha1').update(Buffer.from(spki.subjectPublicKey)).digest();
}

/** Stands in as the issuer of a certificate without a real issuer certificate (loops, forged signatures). */
export function pseudoIssuer(subject: string, key: TestKey, subjectKeyId: Buffer = keyId(key)): IssuedCert {
  return { der: Buffer.alloc(0), key, subject: toName(subject), subjectKeyId };
}

/** PEM of a private key, for TLS servers in tests. */
export function keyPem(key: TestKey): string {
  return key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

function toName(subject: CertSpec['subject']): Name {
  const rdns = typeof subject === 'string' ? [['cn', subject] as const] : subject;
  return new Name(
    rdns.map(([type, value]) => {
      const oid = ATTR_OIDS[type];
      if (!oid) throw new Error(`test cert factory: unknown name type ${type}`);
      const v = type === 'c' ? new AttributeValue({ printableString: value }) : new AttributeValue({ utf8String: value });
      return new RelativeDistinguishedName([new AttributeTypeAndValue({ type: oid, value: v })]);
    }),
  );
}

function signatureAlgorithm(kind: KeyKind, hash: NonNullable<CertSpec['hash']>): AlgorithmIdentifier {
  if (kind === 'ec') {
    const oids = { sha256: '1.2.840.10045.4.3.2', sha384: '1.2.840.10045.4.3.3', sha1: '1.2.840.10045.4.1', md5: '' };
    if (!oids[hash]) throw new Error('test cert factory: ECDSA with MD5 does not exist');
    return new AlgorithmIdentifier({ algorithm: oids[hash] });
  }
  const oids = { sha256: '1.2.840.113549.1.1.11', sha384: '1.2.840.113549.1.1.12', sha1: '1.2.840.113549.1.1.5', md5: '1.2.840.113549.1.1.4' };
  return new AlgorithmIdentifier({ algorithm: oids[hash], parameters: null });
}

function ext(oid: string, critical: boolean, value: object): Extension {
  return new Extension({ extnID: oid, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}
