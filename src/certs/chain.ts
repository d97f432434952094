/** Chain building the way Expressway and CUCM do it: Authority Key Identifier → Subject Key Identifier first,
 * names only when a key identifier is missing (two CA certificates may share a subject after a re-key). */
import { sameName } from './names.js';
import type { CertificateFacts, HashName } from './types.js';
import { signatureVerifies } from './x509.js';

export type CertificateRole = 'leaf' | 'intermediate' | 'root' | 'self-signed-leaf';

/** How a member was tied to the certificate before it. */
export type IssuerLink = 'key-id' | 'name';

export interface ChainMember {
  readonly cert: CertificateFacts;
  readonly role: CertificateRole;
  /** 1-based position in the input; absent for a certificate taken from the trust store. */
  readonly position?: number;
  readonly fromTrustStore: boolean;
  /** How this member's issuer (the next member) was found; absent for the last member. */
  readonly issuerLink?: IssuerLink;
}

export type ChainProblem =
  /** The last member is not self-signed and its issuer is neither in the input nor in the trust store. */
  | { readonly kind: 'incomplete'; readonly index: number }
  | { readonly kind: 'loop'; readonly index: number }
  | { readonly kind: 'expired'; readonly index: number }
  | { readonly kind: 'not-yet-valid'; readonly index: number }
  /** Signed with MD5/SHA-1 (or unknown hash); roots' self-signatures are not counted. */
  | { readonly kind: 'weak-signature'; readonly index: number; readonly hash: HashName }
  /** RSA key under 2048 bits. */
  | { readonly kind: 'weak-key'; readonly index: number; readonly bits: number }
  /** The issuer found by key id or name does not verify the signature. */
  | { readonly kind: 'bad-signature'; readonly index: number }
  /** An issuing member without Basic Constraints CA:TRUE. */
  | { readonly kind: 'not-a-ca'; readonly index: number }
  /** Input certificates that are not part of the chain (1-based positions). */
  | { readonly kind: 'unrelated'; readonly positions: readonly number[] }
  /** The input was not in leaf → root order. */
  | { readonly kind: 'out-of-order' }
  | { readonly kind: 'duplicate'; readonly positions: readonly number[] };

export interface Chain {
  /** Leaf first, root (or last found issuer) last. */
  readonly members: readonly ChainMember[];
  readonly problems: readonly ChainProblem[];
  /** The chain ends in a self-signed certificate. */
  readonly complete: boolean;
  /** Some member is in the trust store (by SHA-256), i.e. a verifier holding that store anchors the chain. */
  readonly anchored: boolean;
}

export interface ChainOptions {
  readonly now?: Date;
  /** Trusted certificates (trustpoints, a CA bundle): used to finish the chain and to decide `anchored`. */
  readonly trusted?: readonly CertificateFacts[];
}

/** A certificate that may issue another one, with its 1-based input position when it came from the input. */
export interface Candidate {
  readonly cert: CertificateFacts;
  readonly position?: number;
}

/** Orders `certs` leaf → root, names each one's role and lists what a verifier would object to. */
export function buildChain(certs: readonly CertificateFacts[], options: ChainOptions = {}): Chain {
  if (certs.length === 0) throw new Error('buildChain: no certificates given');
  const now = options.now ?? new Date();
  const trusted = options.trusted ?? [];
  const problems: ChainProblem[] = [];

  const seen = new Map<string, number>();
  const duplicates: number[] = [];
  const input: Candidate[] = [];
  certs.forEach((cert, i) => {
    if (seen.has(cert.sha256)) duplicates.push(i + 1);
    else {
      seen.set(cert.sha256, i + 1);
      input.push({ cert, position: i + 1 });
    }
  });

  const leaf = pickLeaf(input);
  const walked: { candidate: Candidate; fromTrustStore: boolean; link?: IssuerLink }[] = [{ candidate: leaf, fromTrustStore: false }];
  const visited = new Set([leaf.cert.sha256]);
  const trustPool: Candidate[] = trusted.map((cert) => ({ cert }));
  for (;;) {
    const current = walked[walked.length - 1];
    if (!current || current.candidate.cert.selfSigned) break;
    // Trusted first, as OpenSSL (1.1.0+) and so IOS and Expressway do: a sent cross-signed copy of a
    // trusted root is not followed up to its other issuer.
    const fromTrust = findIssuer(current.candidate.cert, trustPool);
    const sentCopy = fromTrust && input.find((c) => c.cert.sha256 === fromTrust.candidate.cert.sha256);
    const fromInput = fromTrust ? (sentCopy ? { ...fromTrust, candidate: sentCopy } : undefined) : findIssuer(current.candidate.cert, input);
    const found = fromInput ?? fromTrust;
    if (!found) {
      problems.push({ kind: 'incomplete', index: walked.length - 1 });
      break;
    }
    if (visited.has(found.candidate.cert.sha256)) {
      problems.push({ kind: 'loop', index: walked.length - 1 });
      break;
    }
    current.link = found.link;
    if (!found.verifies) problems.push({ kind: 'bad-signature', index: walked.length - 1 });
    visited.add(found.candidate.cert.sha256);
    walked.push({ candidate: found.candidate, fromTrustStore: fromInput === undefined });
  }

  const members: ChainMember[] = walked.map((w, index) => ({
    cert: w.candidate.cert,
    role: roleOf(w.candidate.cert, index),
    ...(w.candidate.position === undefined ? {} : { position: w.candidate.position }),
    fromTrustStore: w.fromTrustStore,
    ...(w.link === undefined ? {} : { issuerLink: w.link }),
  }));

  members.forEach((m, index) => {
    if (m.cert.notAfter.getTime() < now.getTime()) problems.push({ kind: 'expired', index });
    if (m.cert.notBefore.getTime() > now.getTime()) problems.push({ kind: 'not-yet-valid', index });
    const hash = m.cert.signatureAlgorithm.hash;
    if (!m.cert.selfSigned && (hash === 'md5' || hash === 'sha1' || hash === 'unknown')) problems.push({ kind: 'weak-signature', index, hash });
    if (m.cert.publicKey.algorithm === 'rsa' && m.cert.publicKey.bits < 2048) problems.push({ kind: 'weak-key', index, bits: m.cert.publicKey.bits });
    if (index > 0 && m.cert.version >= 3 && m.cert.basicConstraints?.ca !== true) problems.push({ kind: 'not-a-ca', index });
  });

  const inChain = new Set(members.map((m) => m.cert.sha256));
  // A sent certificate with the subject and key id of a member (a cross-signed root) is an alternative, not a stray.
  const alternative = (c: CertificateFacts): boolean =>
    c.subjectKeyId !== undefined && members.some((m) => m.cert.subjectKeyId === c.subjectKeyId && sameName(m.cert.subject, c.subject));
  const unrelated = input.filter((c) => !inChain.has(c.cert.sha256) && !alternative(c.cert)).map((c) => c.position ?? 0);
  if (unrelated.length > 0) problems.push({ kind: 'unrelated', positions: unrelated });
  const sentOrder = members.flatMap((m) => (m.position === undefined ? [] : [m.position]));
  if (sentOrder.some((p, i) => i > 0 && p < (sentOrder[i - 1] ?? 0))) problems.push({ kind: 'out-of-order' });
  if (duplicates.length > 0) problems.push({ kind: 'duplicate', positions: duplicates });

  const trustedIds = new Set(trusted.map((t) => t.sha256));
  const last = members[members.length - 1];
  return {
    members,
    problems,
    complete: last?.cert.selfSigned === true,
    anchored: members.some((m) => trustedIds.has(m.cert.sha256)),
  };
}

/** The issuer of `cert` among `candidates`: by AKI = SKI, else by name when a key id is missing;
 * a candidate whose key verifies the signature wins over one that does not. */
export function findIssuer(
  cert: CertificateFacts,
  candidates: readonly Candidate[],
): { candidate: Candidate; link: IssuerLink; verifies: boolean } | undefined {
  const matches: { candidate: Candidate; link: IssuerLink }[] = [];
  for (const candidate of candidates) {
    if (candidate.cert.sha256 === cert.sha256) continue;
    const link = issuerLink(cert, candidate.cert);
    if (link) matches.push({ candidate, link });
  }
  const verified = matches.find((m) => signatureVerifies(cert, m.candidate.cert));
  if (verified) return { ...verified, verifies: true };
  const first = matches[0];
  return first ? { ...first, verifies: false } : undefined;
}

function issuerLink(cert: CertificateFacts, issuer: CertificateFacts): IssuerLink | undefined {
  if (cert.authorityKeyId !== undefined && issuer.subjectKeyId !== undefined) {
    return cert.authorityKeyId === issuer.subjectKeyId ? 'key-id' : undefined;
  }
  return sameName(cert.issuer, issuer.subject) ? 'name' : undefined;
}

/** The leaf is the certificate that issues no other one; among several, a non-CA one, then the first sent. */
function pickLeaf(input: readonly Candidate[]): Candidate {
  const issuesAnother = (c: Candidate): boolean =>
    input.some((other) => other.cert.sha256 !== c.cert.sha256 && !other.cert.selfSigned && issuerLink(other.cert, c.cert) !== undefined);
  const ends = input.filter((c) => !issuesAnother(c));
  const pool = ends.length > 0 ? ends : input;
  const first = pool.find((c) => c.cert.basicConstraints?.ca !== true) ?? pool[0];
  if (!first) throw new Error('buildChain: no certificates given');
  return first;
}

function roleOf(cert: CertificateFacts, index: number): CertificateRole {
  const ca = cert.basicConstraints?.ca === true;
  if (cert.selfSigned) return index === 0 && !ca ? 'self-signed-leaf' : 'root';
  return index === 0 && !ca ? 'leaf' : 'intermediate';
}
