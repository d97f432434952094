import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { buildChain } from '../../src/certs/chain.js';
import type { ChainProblem } from '../../src/certs/chain.js';
import { parseCertificate, parseCertificates } from '../../src/certs/x509.js';
import { issue, keyId, pseudoIssuer, testChain, testKey } from '../helpers/cert-factory.js';

const parse = (der: Buffer) => parseCertificate(der);
const kinds = (problems: readonly ChainProblem[]) => problems.map((p) => p.kind);
const DAY = 86_400_000;

describe.each(['rsa', 'ec'] as const)('buildChain with %s keys', (kind) => {
  const chain = testChain(kind, 'mail.example.test', { label: `chain-${kind}` });
  const [leaf, intermediate, root] = [chain.leaf, chain.intermediate, chain.root].map((c) => parse(c.der)) as [
    ReturnType<typeof parse>,
    ReturnType<typeof parse>,
    ReturnType<typeof parse>,
  ];

  it('orders a complete bundle leaf → root, names roles and links by key id', () => {
    const built = buildChain([leaf, intermediate, root]);
    expect(built.members.map((m) => m.role)).toEqual(['leaf', 'intermediate', 'root']);
    expect(built.members.map((m) => m.issuerLink)).toEqual(['key-id', 'key-id', undefined]);
    expect(built.complete).toBe(true);
    expect(built.problems).toEqual([]);
  });

  it('reorders a shuffled bundle and says it was out of order', () => {
    const built = buildChain([root, leaf, intermediate]);
    expect(built.members.map((m) => m.position)).toEqual([2, 3, 1]);
    expect(kinds(built.problems)).toEqual(['out-of-order']);
  });

  it('detects a gap: leaf and root without the intermediate', () => {
    const built = buildChain([leaf, root]);
    expect(built.members.map((m) => m.cert.commonName)).toEqual(['mail.example.test']);
    expect(built.problems).toEqual([
      { kind: 'incomplete', index: 0 },
      { kind: 'unrelated', positions: [2] },
    ]);
    expect(built.complete).toBe(false);
  });

  it('finishes a leaf + intermediate chain (what servers send) from the trust store and says it is anchored', () => {
    const untrusted = buildChain([leaf, intermediate]);
    expect(untrusted.problems).toEqual([{ kind: 'incomplete', index: 1 }]);
    expect(untrusted.anchored).toBe(false);
    const built = buildChain([leaf, intermediate], { trusted: [root] });
    expect(built.members.map((m) => m.fromTrustStore)).toEqual([false, false, true]);
    expect(built.members[2]?.position).toBeUndefined();
    expect(built.complete).toBe(true);
    expect(built.anchored).toBe(true);
  });

  it('names a lone self-signed server certificate a self-signed leaf and a lone CA a root', () => {
    const self = parse(issue({ subject: 'selfie.example.test', key: testKey(kind, 'selfie'), ca: false, dns: ['selfie.example.test'] }).der);
    expect(buildChain([self]).members.map((m) => m.role)).toEqual(['self-signed-leaf']);
    expect(buildChain([root]).members.map((m) => m.role)).toEqual(['root']);
    expect(buildChain([intermediate, root]).members.map((m) => m.role)).toEqual(['intermediate', 'root']);
  });
});

describe('buildChain edge cases', () => {
  const rootKey = testKey('ec', 'edge-root');
  const intKey = testKey('ec', 'edge-int');
  const root = issue({ subject: 'Edge Root', key: rootKey, ca: true });

  it('falls back to names when the certificates carry no key identifiers', () => {
    const r = issue({ subject: 'Named Root', key: testKey('ec', 'named-root'), ca: true, omitKeyIds: true });
    const l = issue({ subject: 'named.example.test', key: testKey('ec', 'named-leaf'), issuer: { cert: r }, omitKeyIds: true });
    const built = buildChain([parse(l.der), parse(r.der)]);
    expect(built.members.map((m) => m.issuerLink)).toEqual(['name', undefined]);
    expect(built.problems).toEqual([]);
  });

  it('picks the CA whose key id matches when two CAs share a subject (re-keyed CA)', () => {
    const oldCa = issue({ subject: 'Same Name CA', key: testKey('ec', 'same-old'), issuer: { cert: root }, ca: true });
    const newCa = issue({ subject: 'Same Name CA', key: testKey('ec', 'same-new'), issuer: { cert: root }, ca: true });
    const l = issue({ subject: 'rekey.example.test', key: testKey('ec', 'rekey-leaf'), issuer: { cert: newCa } });
    const built = buildChain([parse(l.der), parse(oldCa.der), parse(newCa.der), parse(root.der)]);
    expect(built.members.map((m) => m.position)).toEqual([1, 3, 4]);
    expect(built.problems).toEqual([{ kind: 'unrelated', positions: [2] }]);
  });

  it('detects a loop of two CAs that name each other as issuer', () => {
    const aKey = testKey('ec', 'loop-a');
    const bKey = testKey('ec', 'loop-b');
    const a = issue({ subject: 'Loop A', key: aKey, issuer: { cert: pseudoIssuer('Loop B', bKey) }, ca: true });
    const b = issue({ subject: 'Loop B', key: bKey, issuer: { cert: pseudoIssuer('Loop A', aKey) }, ca: true });
    const built = buildChain([parse(a.der), parse(b.der)]);
    expect(built.members).toHaveLength(2);
    expect(kinds(built.problems)).toContain('loop');
    expect(built.complete).toBe(false);
  });

  it('flags expired and not-yet-valid members against the given time', () => {
    const now = new Date();
    const expiredCa = issue({
      subject: 'Expired CA',
      key: intKey,
      issuer: { cert: root },
      ca: true,
      notBefore: new Date(now.getTime() - 400 * DAY),
      notAfter: new Date(now.getTime() - DAY),
    });
    const futureLeaf = issue({
      subject: 'future.example.test',
      key: testKey('ec', 'future'),
      issuer: { cert: expiredCa },
      notBefore: new Date(now.getTime() + DAY),
    });
    const built = buildChain([parse(futureLeaf.der), parse(expiredCa.der), parse(root.der)], { now });
    expect(built.problems).toEqual([
      { kind: 'not-yet-valid', index: 0 },
      { kind: 'expired', index: 1 },
    ]);
  });

  it('flags weak signatures (SHA-1, MD5) and short RSA keys but not a root self-signature', () => {
    const rsaRoot = issue({ subject: 'RSA Root', key: testKey('rsa', 'weak-root'), ca: true, hash: 'sha1' });
    const md5Ca = issue({ subject: 'MD5 CA', key: testKey('rsa', 'weak-int'), issuer: { cert: rsaRoot }, ca: true, hash: 'md5' });
    const sha1Leaf = issue({ subject: 'sha1.example.test', key: testKey('ec', 'weak-leaf'), issuer: { cert: md5Ca }, hash: 'sha1' });
    const built = buildChain([parse(sha1Leaf.der), parse(md5Ca.der), parse(rsaRoot.der)]);
    expect(built.problems).toEqual([
      { kind: 'weak-signature', index: 0, hash: 'sha1' },
      { kind: 'weak-signature', index: 1, hash: 'md5' },
    ]);
    const [globalSign] = parseCertificates(readFileSync('/usr/share/ca-certificates/mozilla/GlobalSign_Root_CA.crt', 'utf8'), 'GlobalSign_Root_CA.crt');
    expect(buildChain([globalSign!]).problems).toEqual([]);
    const iosv = parseCertificates(
      readFileSync(new URL('../fixtures/certs/transcript_crypto_pki_authenticate_pem_iosv_1.txt', import.meta.url), 'utf8'),
      'iosv',
    );
    expect(buildChain(iosv).problems).toEqual([]);
  });

  it('flags a member whose named issuer does not verify its signature', () => {
    const realCa = issue({ subject: 'Real CA', key: intKey, issuer: { cert: root }, ca: true });
    const forged = issue({
      subject: 'forged.example.test',
      key: testKey('ec', 'forged'),
      issuer: { cert: pseudoIssuer('Real CA', testKey('ec', 'attacker'), keyId(intKey)) },
    });
    const built = buildChain([parse(forged.der), parse(realCa.der), parse(root.der)]);
    expect(built.problems).toEqual([{ kind: 'bad-signature', index: 0 }]);
  });

  it('flags an issuer that is not a CA and duplicate certificates', () => {
    const notCa = issue({ subject: 'Not A CA', key: intKey, issuer: { cert: root }, ca: false });
    const l = issue({ subject: 'child.example.test', key: testKey('ec', 'child'), issuer: { cert: notCa } });
    const built = buildChain([parse(l.der), parse(notCa.der), parse(notCa.der), parse(root.der)]);
    expect(built.problems).toEqual([
      { kind: 'not-a-ca', index: 1 },
      { kind: 'duplicate', positions: [3] },
    ]);
  });

  it('refuses an empty input', () => {
    expect(() => buildChain([])).toThrow('no certificates');
  });
});
