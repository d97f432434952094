/** fix's plain-word findings from facts and the served chain, on generated chains (real X.509, real signatures). */
import { describe, expect, it } from '@jest/globals';
import { parseCertificate } from '../../src/certs/x509.js';
import type { CertificateFacts } from '../../src/certs/types.js';
import { diagnoseFacts, incurableFaults, parseFacts, planDevice } from '../../src/workflow/index.js';
import type { DesiredState } from '../../src/workflow/index.js';
import { issue, testChain, testKey } from '../helpers/cert-factory.js';
import { trustpointConfigText } from '../helpers/pki-text.js';

const OPTIONS = { enrollment: 'terminal', revocationCheck: 'none', chainValidation: 'stop' } as const;

describe('diagnoseFacts', () => {
  const chain = testChain('ec', 'smtp.example.net');
  const root = parseCertificate(chain.root.der);
  const intermediate = parseCertificate(chain.intermediate.der);
  const leaf = parseCertificate(chain.leaf.der);
  const desired = (served: CertificateFacts[], host: string): DesiredState => ({
    trustpoints: [
      { name: 'CA-Root', cert: root, options: OPTIONS },
      { name: 'CA-Issuing', cert: intermediate, options: OPTIONS },
    ],
    environment: new Map(),
    applets: [],
    ipHosts: new Map(),
    secrets: [],
    served: { certs: served, host },
  });

  it('names a missing intermediate and explains that the chain cannot anchor', () => {
    const want = desired([leaf, intermediate], 'smtp.example.net');
    const facts = parseFacts(trustpointConfigText('CA-Root', root));
    const findings = diagnoseFacts(facts, planDevice(facts, want), want);
    expect(findings[0]).toMatch(/^Missing chain member: trustpoint CA-Issuing \(intermediate CA cn=Test Issuing CA EC/);
    expect(findings.join('\n')).not.toMatch(/does not trust/);
  });

  it('names a trustpoint holding the wrong root, an untrusted CA, and a server name not in the certificate', () => {
    const other = parseCertificate(issue({ subject: 'Other Root', key: testKey('ec', 'other-root'), ca: true }).der);
    const want = desired([leaf, intermediate], 'mail.example.org');
    const facts = parseFacts(trustpointConfigText('CA-Root', other));
    const findings = diagnoseFacts(facts, planDevice(facts, want), want).join('\n');
    expect(findings).toMatch(/Wrong certificate: trustpoint CA-Root holds another certificate than the root CA the playbook gives \(cn=Other Root/);
    expect(findings).toMatch(/a CA the device does not trust/);
    expect(findings).toMatch(/does not name mail\.example\.org/);
  });

  it('calls a self-signed server certificate what it is', () => {
    const selfSigned = parseCertificate(issue({ subject: 'smtp.example.net', key: testKey('ec', 'self'), dns: ['smtp.example.net'], serverAuth: true }).der);
    const want: DesiredState = { ...desired([selfSigned], 'smtp.example.net'), trustpoints: [] };
    const facts = parseFacts('');
    expect(diagnoseFacts(facts, planDevice(facts, want), want).join('\n')).toMatch(/self-signed/);
  });

  it('says when a certificate of the chain has expired', () => {
    const want = desired([leaf, intermediate], 'smtp.example.net');
    const facts = parseFacts([trustpointConfigText('CA-Root', root), trustpointConfigText('CA-Issuing', intermediate)].join('\n'));
    expect(diagnoseFacts(facts, planDevice(facts, want), want, new Date(Date.now() + 400 * 86_400_000)).join('\n')).toMatch(/expired/);
  });

  it('incurableFaults: an expired chain is beyond any trustpoint; an untrusted CA or a wrong name is not', () => {
    const want = desired([leaf, intermediate], 'mail.example.org');
    expect(incurableFaults(want)).toEqual([]);
    const afterLeaf = new Date(leaf.notAfter.getTime() + 86_400_000);
    const later = incurableFaults(want, afterLeaf);
    expect(later.length).toBeGreaterThan(0);
    expect(later.every((d) => d.code === 'expired')).toBe(true);
    expect(later[0]?.summary).toMatch(/^CN=smtp\.example\.net \(depth 0\) expired /);
    // No served chain (the playbook's sources are all CA files): nothing to judge.
    expect(incurableFaults({ ...want, served: { certs: [] } }, afterLeaf)).toEqual([]);
  });
});
