/**
 * Certificate chains shaped like a public mail provider's (smtp.gmail.com: GTS Root R1 → GTS CA 1C3 → ECDSA leaf),
 * generated for the lab mail server and the tests. Certificates carry what real ones carry and what IOS and the
 * agent look at: AKI/SKI (chains are built by key identifiers), key usage, basic constraints, CRL DP and AIA URLs,
 * DNS and IP SANs.
 *
 * Key generation is the only slow part, so key pairs are cached per process by (role, common name, algorithm):
 * the same CA name always has the same key, as a CA that re-issues its certificate keeps its key. A chain with a
 * *different* root therefore needs a different root name (option `rootName`), else its certificates would verify
 * under the old root's key.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export type KeyKind = 'rsa' | 'ecdsa';

export interface ChainOptions {
  /** DNS name the leaf is issued for (also its CN). */
  readonly serverName: string;
  /** Leaf key: Gmail's leaf is ECDSA P-256 (the default); RSA 2048 otherwise. */
  readonly leafKey?: KeyKind;
  /** CA keys (root and intermediates); RSA 2048 by default, as GTS Root R1 / GTS CA 1C3 are RSA. */
  readonly caKey?: KeyKind;
  /** Root CN; a different name gives a different root key (a real change of trust anchor). */
  readonly rootName?: string;
  /** Organisation written into every subject. */
  readonly organization?: string;
  /** 1 (default) or 2 intermediates between root and leaf. */
  readonly intermediates?: 1 | 2;
  /** The leaf signs itself: no CA at all (what a misconfigured server presents). */
  readonly selfSignedLeaf?: boolean;
  /** The leaf's validity ended yesterday. */
  readonly expiredLeaf?: boolean;
  /** Issue the leaf for this name instead of `serverName` (SAN and CN). */
  readonly wrongName?: string;
  /** The leaf's subject alternative names (default: its name and 127.0.0.1); both empty: no SAN extension at
   * all, a CN-only certificate as old servers still present. */
  readonly leafNames?: { readonly dns: readonly string[]; readonly ip: readonly string[] };
  /** Reference time for validity periods (default now). */
  readonly now?: Date;
}

export interface GeneratedChain {
  /** Leaf certificate PEM. */
  readonly leafPem: string;
  /** PKCS#8 PEM of the leaf's private key. */
  readonly leafKeyPem: string;
  /** Intermediates, the one that issued the leaf first. Empty for a self-signed leaf. */
  readonly intermediatePems: readonly string[];
  /** Root PEM; for a self-signed leaf, the leaf itself. */
  readonly rootPem: string;
  /** What a server sends: leaf then intermediates, concatenated. */
  readonly servedChainPem: string;
  /** Common names, root first, for readable test assertions. */
  readonly names: { readonly root: string; readonly intermediates: readonly string[]; readonly leaf: string };
}

const DAY_MS = 86_400_000;
const keyCache = new Map<string, Promise<webcrypto.CryptoKeyPair>>();

function keyAlgorithm(kind: KeyKind): webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams {
  return kind === 'rsa'
    ? { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }
    : { name: 'ECDSA', namedCurve: 'P-256' };
}

function signingAlgorithm(kind: KeyKind): webcrypto.Algorithm | webcrypto.EcdsaParams {
  return kind === 'rsa' ? { name: 'RSASSA-PKCS1-v1_5' } : { name: 'ECDSA', hash: 'SHA-256' };
}

function keyPair(role: string, commonName: string, kind: KeyKind): Promise<webcrypto.CryptoKeyPair> {
  const cacheKey = `${role}|${commonName}|${kind}`;
  let pending = keyCache.get(cacheKey);
  if (!pending) {
    pending = webcrypto.subtle.generateKey(keyAlgorithm(kind), true, ['sign', 'verify']) as Promise<webcrypto.CryptoKeyPair>;
    keyCache.set(cacheKey, pending);
  }
  return pending;
}

function randomSerial(): string {
  // Positive, non-zero first byte, 16 bytes like public CAs' serials.
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = ((bytes[0] ?? 1) & 0x7f) | 0x01;
  return Buffer.from(bytes).toString('hex');
}

/** Escape a value for @peculiar/x509's RFC 4514 name strings. */
function rdn(value: string): string {
  return value.replace(/[\\,+"<>;=]/g, (c) => `\\${c}`);
}

function dn(commonName: string, organization: string): string {
  return `CN=${rdn(commonName)}, O=${rdn(organization)}, C=US`;
}

interface Issuer {
  readonly cert: x509.X509Certificate;
  readonly keys: webcrypto.CryptoKeyPair;
  readonly kind: KeyKind;
}

function urlSlug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '');
}

/** Where a relying party finds the issuer's CRL (one for the CAs it signed, one for leaves), OCSP responder
 * and certificate, as public CAs publish them. */
function issuerLinks(issuer: Issuer, signed: 'ca' | 'leaf'): x509.Extension[] {
  const slug = urlSlug(issuer.cert.subjectName.getField('CN')[0] ?? 'ca');
  const crl = signed === 'leaf' ? 'leaf.crl' : `${slug}.crl`;
  return [
    new x509.CRLDistributionPointsExtension([`http://crl.lab.invalid/${slug}/${crl}`]),
    new x509.AuthorityInfoAccessExtension({
      ocsp: [new x509.GeneralName('url', `http://ocsp.lab.invalid/${slug}`)],
      caIssuers: [new x509.GeneralName('url', `http://pki.lab.invalid/repo/certs/${slug}.der`)],
    }),
  ];
}

async function caCertificate(
  commonName: string,
  organization: string,
  kind: KeyKind,
  issuer: Issuer | undefined,
  pathLength: number | undefined,
  now: Date,
): Promise<Issuer> {
  const keys = await keyPair('ca', commonName, kind);
  const signer = issuer ?? { keys, kind, cert: undefined };
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(true, pathLength, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(signer.keys.publicKey),
  ];
  if (issuer) {
    extensions.push(...issuerLinks(issuer, 'ca'), new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]));
  }
  const subject = dn(commonName, organization);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject,
    issuer: issuer ? issuer.cert.subject : subject,
    notBefore: new Date(now.getTime() - 365 * DAY_MS),
    notAfter: new Date(now.getTime() + 5 * 365 * DAY_MS),
    signingAlgorithm: signingAlgorithm(signer.kind),
    publicKey: keys.publicKey,
    signingKey: signer.keys.privateKey,
    extensions,
  });
  return { cert, keys, kind };
}

async function leafCertificate(
  name: string,
  organization: string,
  kind: KeyKind,
  issuer: Issuer | undefined,
  expired: boolean,
  now: Date,
  names: { readonly dns: readonly string[]; readonly ip: readonly string[] } = { dns: [name], ip: ['127.0.0.1'] },
): Promise<{ cert: x509.X509Certificate; keys: webcrypto.CryptoKeyPair }> {
  const keys = await keyPair('leaf', name, kind);
  const signer = issuer ?? { keys, kind };
  const usage = kind === 'rsa' ? x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment : x509.KeyUsageFlags.digitalSignature;
  const extensions: x509.Extension[] = [
    new x509.KeyUsagesExtension(usage, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    new x509.BasicConstraintsExtension(false, undefined, true),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(signer.keys.publicKey),
  ];
  const sans = [...names.dns.map((value) => ({ type: 'dns' as const, value })), ...names.ip.map((value) => ({ type: 'ip' as const, value }))];
  if (sans.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(sans));
  if (issuer) extensions.push(...issuerLinks(issuer, 'leaf'));
  const notBefore = expired ? new Date(now.getTime() - 91 * DAY_MS) : new Date(now.getTime() - DAY_MS);
  const notAfter = expired ? new Date(now.getTime() - DAY_MS) : new Date(now.getTime() + 84 * DAY_MS);
  const subject = `CN=${rdn(name)}`;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject,
    issuer: issuer ? issuer.cert.subject : subject,
    notBefore,
    notAfter,
    signingAlgorithm: signingAlgorithm(signer.kind),
    publicKey: keys.publicKey,
    signingKey: signer.keys.privateKey,
    extensions,
  });
  return { cert, keys };
}

async function privateKeyPem(key: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  const body =
    der
      .toString('base64')
      .match(/.{1,64}/g)
      ?.join('\n') ?? '';
  return `-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----\n`;
}

function pem(cert: x509.X509Certificate): string {
  return `${cert.toString('pem').replace(/\r\n/g, '\n').trimEnd()}\n`;
}

function commonName(cert: x509.X509Certificate): string {
  return cert.subjectName.getField('CN')[0] ?? '';
}

/** Builds root → intermediate(s) → leaf for `serverName` (or a self-signed leaf). */
export async function createChain(options: ChainOptions): Promise<GeneratedChain> {
  if (!/^[A-Za-z0-9.-]+$/.test(options.serverName)) {
    throw new Error(`createChain: serverName "${options.serverName}" is not a DNS name`);
  }
  const now = options.now ?? new Date();
  const organization = options.organization ?? 'Lab Trust Services LLC';
  const leafKind = options.leafKey ?? 'ecdsa';
  const caKind = options.caKey ?? 'rsa';
  const leafName = options.wrongName ?? options.serverName;

  if (options.selfSignedLeaf) {
    const leaf = await leafCertificate(leafName, organization, leafKind, undefined, options.expiredLeaf ?? false, now, options.leafNames);
    const leafPem = pem(leaf.cert);
    return {
      leafPem,
      leafKeyPem: await privateKeyPem(leaf.keys.privateKey),
      intermediatePems: [],
      rootPem: leafPem,
      servedChainPem: leafPem,
      names: { root: leafName, intermediates: [], leaf: leafName },
    };
  }

  const rootName = options.rootName ?? 'Lab Root R1';
  const root = await caCertificate(rootName, organization, caKind, undefined, undefined, now);
  const count = options.intermediates ?? 1;
  const intermediates: Issuer[] = [];
  let parent = root;
  for (let i = count; i >= 1; i -= 1) {
    // Name intermediates after their root so chains under different roots never share a CA key.
    const name = i === 1 ? `${rootName} CA 1C3` : `${rootName} Policy CA ${i}`;
    const ca = await caCertificate(name, organization, caKind, parent, i - 1, now);
    intermediates.unshift(ca);
    parent = ca;
  }
  const leaf = await leafCertificate(leafName, organization, leafKind, parent, options.expiredLeaf ?? false, now, options.leafNames);
  const intermediatePems = intermediates.map((ca) => pem(ca.cert));
  const leafPem = pem(leaf.cert);
  return {
    leafPem,
    leafKeyPem: await privateKeyPem(leaf.keys.privateKey),
    intermediatePems,
    rootPem: pem(root.cert),
    servedChainPem: [leafPem, ...intermediatePems].join(''),
    names: { root: rootName, intermediates: intermediates.map((ca) => commonName(ca.cert)), leaf: leafName },
  };
}
