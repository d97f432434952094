import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { buildChain } from '../../src/certs/chain.js';
import { TRUSTPOINT_NAME_MAX, planTrustpoints, trustpointName } from '../../src/certs/trustpoints.js';
import { parseCertificate, parseCertificates } from '../../src/certs/x509.js';
import { issue, testChain, testKey } from '../helpers/cert-factory.js';

const chain = testChain('rsa', 'smtp.example.test', { label: 'plan' });
const [leaf, intermediate, root] = [chain.leaf, chain.intermediate, chain.root].map((c) => parseCertificate(c.der)) as [
  ReturnType<typeof parseCertificate>,
  ReturnType<typeof parseCertificate>,
  ReturnType<typeof parseCertificate>,
];
const gts = parseCertificates(readFileSync('/usr/share/ca-certificates/mozilla/GTS_Root_R1.crt', 'utf8'), 'GTS_Root_R1.crt')[0]!;
const globalSign = parseCertificates(readFileSync('/usr/share/ca-certificates/mozilla/GlobalSign_Root_CA.crt', 'utf8'), 'GlobalSign_Root_CA.crt')[0]!;

describe('trustpointName', () => {
  it('derives stable names from the CN as the field configs do (CA-GTS-Root-R1)', () => {
    expect(trustpointName(gts)).toBe('CA-GTS-Root-R1');
    expect(trustpointName(globalSign)).toBe('CA-GlobalSign-Root-CA');
    expect(trustpointName(gts)).toBe(trustpointName(gts));
  });

  it('keeps within the length limit, IOS-safe characters, and avoids taken names', () => {
    const long = parseCertificate(issue({ subject: 'Très Long Name: Issuing CA for (all) the e-mail servers / EU', key: testKey('ec', 'long'), ca: true }).der);
    const name = trustpointName(long);
    expect(name.length).toBeLessThanOrEqual(TRUSTPOINT_NAME_MAX);
    expect(name).toMatch(/^CA-[A-Za-z0-9._-]+$/);
    expect(name).not.toMatch(/[-.]$/);
    expect(trustpointName(gts, new Set(['CA-GTS-Root-R1']))).toBe('CA-GTS-Root-R1-2');
    expect(trustpointName(long, new Set([name])).length).toBeLessThanOrEqual(TRUSTPOINT_NAME_MAX);
  });
});

describe('planTrustpoints', () => {
  it('installs root then intermediate by default, not the leaf', () => {
    const plan = planTrustpoints(buildChain([leaf, intermediate], { trusted: [root] }));
    expect(plan.trustpoints.map((t) => [t.name, t.role])).toEqual([
      ['CA-Test-Root-RSA', 'root'],
      ['CA-Test-Issuing-CA-RSA', 'intermediate'],
    ]);
    expect(plan.trustpoints[0]?.reason).toContain('taken from the trust store');
    expect(plan.warnings).toEqual([]);
  });

  it('pins the leaf only on request, with a renewal warning', () => {
    const plan = planTrustpoints(buildChain([leaf, intermediate, root]), { pinLeaf: true });
    expect(plan.trustpoints.map((t) => t.name)).toEqual(['CA-Test-Root-RSA', 'CA-Test-Issuing-CA-RSA', 'SRV-smtp.example.test']);
    expect(plan.warnings).toHaveLength(1);
    expect(plan.warnings[0]).toMatch(/breaks at its next renewal: it expires .* \(in \d+ days\)/);
  });

  it('warns when the root is missing and anchors on the top intermediate', () => {
    const plan = planTrustpoints(buildChain([leaf, intermediate]));
    expect(plan.trustpoints.map((t) => t.name)).toEqual(['CA-Test-Issuing-CA-RSA']);
    expect(plan.warnings[0]).toContain('The root CA (CN=Test Root RSA, O=certagent test, C=US) is not in the chain');
  });

  it('says a self-signed server certificate can only be pinned', () => {
    const self = parseCertificate(issue({ subject: 'selfie.example.test', key: testKey('ec', 'plan-self') }).der);
    expect(planTrustpoints(buildChain([self])).trustpoints).toEqual([]);
    expect(planTrustpoints(buildChain([self])).warnings[0]).toContain('self-signed');
    expect(planTrustpoints(buildChain([self]), { pinLeaf: true }).trustpoints.map((t) => t.name)).toEqual(['SRV-selfie.example.test']);
  });

  it('reuses a trustpoint that already holds the certificate and avoids names held by others', () => {
    const existing = new Map([
      ['MY-ROOT', root.sha1],
      ['CA-Test-Issuing-CA-RSA', 'DEADBEEF'],
    ]);
    const plan = planTrustpoints(buildChain([leaf, intermediate, root]), { existing });
    expect(plan.trustpoints.map((t) => [t.name, t.alreadyInstalled])).toEqual([
      ['MY-ROOT', true],
      ['CA-Test-Issuing-CA-RSA-2', false],
    ]);
  });
});
