import { describe, expect, it } from '@jest/globals';
import { diagnose } from '../../src/certs/diagnose.js';
import type { Diagnosis } from '../../src/certs/diagnose.js';
import { parseCertificate } from '../../src/certs/x509.js';
import { issue, testChain, testKey } from '../helpers/cert-factory.js';

const chain = testChain('ec', 'smtp.example.test', { ip: ['192.0.2.25'], label: 'diag' });
const [leaf, intermediate, root] = [chain.leaf, chain.intermediate, chain.root].map((c) => parseCertificate(c.der)) as [
  ReturnType<typeof parseCertificate>,
  ReturnType<typeof parseCertificate>,
  ReturnType<typeof parseCertificate>,
];
const codes = (ds: readonly Diagnosis[]) => ds.map((d) => d.code);
const expresswayLog = (d: Diagnosis | undefined) => d?.deviceLog.filter((l) => l.device === 'expressway').map((l) => l.text);

describe('diagnose', () => {
  it('finds nothing wrong with a good chain anchored on a trusted root, by name or IP', () => {
    for (const address of ['smtp.example.test', '192.0.2.25']) {
      const v = diagnose({ sent: [leaf, intermediate], address, trusted: [root] });
      expect(v.diagnoses).toEqual([]);
      expect(v.ok).toBe(true);
    }
  });

  it('self-signed server certificate not trusted (depth 0), with the device log text', () => {
    const self = parseCertificate(issue({ subject: 'selfie.example.test', key: testKey('ec', 'diag-self'), dns: ['selfie.example.test'] }).der);
    const v = diagnose({ sent: [self], address: 'selfie.example.test', trusted: [root] });
    expect(codes(v.diagnoses)).toEqual(['self-signed-untrusted']);
    expect(v.ok).toBe(false);
    expect(v.diagnoses[0]?.summary).toBe(
      "The server's certificate CN=selfie.example.test is self-signed (depth 0) and not trusted: none of the device's 1 trusted certificates is in it.",
    );
    expect(expresswayLog(v.diagnoses[0])).toEqual(['certificate verify failed', 'Error=self signed certificate', 'depth=0']);
    expect(
      v.diagnoses[0]?.deviceLog.some((l) => l.device === 'ios-xe' && l.text.startsWith('%HA_EM-3-FMPD_SMTP: Error occurred when sending mail to SMTP server:')),
    ).toBe(true);
    // Pinned (trusted) self-signed certificates are fine.
    expect(diagnose({ sent: [self], address: 'selfie.example.test', trusted: [self] }).ok).toBe(true);
  });

  it('signed by a CA that is not trusted (depth > 0), root not sent', () => {
    const v = diagnose({ sent: [leaf, intermediate], address: 'smtp.example.test', trusted: [] });
    expect(codes(v.diagnoses)).toEqual(['untrusted-ca']);
    expect(v.diagnoses[0]?.summary).toBe(
      "The server's chain is signed by CN=Test Root EC, O=certagent test, C=US (depth 1), a CA the device does not trust: the device trusts no CA yet.",
    );
    expect(expresswayLog(v.diagnoses[0])).toEqual(['certificate verify failed', 'Error=unable to get local issuer certificate', 'depth=1']);
  });

  it('signed by a CA that is not trusted, root sent by the server', () => {
    const v = diagnose({ sent: [leaf, intermediate, root], address: 'smtp.example.test', trusted: [] });
    expect(codes(v.diagnoses)).toEqual(['untrusted-ca']);
    expect(v.diagnoses[0]?.fix).toContain(`SHA1 ${root.sha1}`);
    expect(expresswayLog(v.diagnoses[0])).toEqual(['certificate verify failed', 'Error=self signed certificate in certificate chain', 'depth=2']);
  });

  it('address (FQDN or IP) not in the certificate, naming the names it does carry', () => {
    const byIp = diagnose({ sent: [leaf, intermediate], address: '10.48.36.215', trusted: [root] });
    expect(codes(byIp.diagnoses)).toEqual(['address-mismatch']);
    expect(byIp.diagnoses[0]?.summary).toBe('The server certificate does not name 10.48.36.215 (IP address): it names smtp.example.test, 192.0.2.25.');
    expect(expresswayLog(byIp.diagnoses[0])).toEqual(['SNI (10.48.36.215) not in certificate']);
    const byName = diagnose({ sent: [leaf, intermediate], address: 'mail.example.test', trusted: [root] });
    expect(byName.diagnoses[0]?.summary).toContain('does not name mail.example.test (host name)');
  });

  it('expired and not-yet-valid certificates, with dates as IOS prints them', () => {
    const now = new Date();
    const old = parseCertificate(
      issue({
        subject: 'smtp.example.test',
        key: testKey('ec', 'diag-old'),
        issuer: { cert: chain.intermediate },
        dns: ['smtp.example.test'],
        notBefore: new Date(now.getTime() - 100 * 86_400_000),
        notAfter: new Date(now.getTime() - 3 * 86_400_000 - 1000),
      }).der,
    );
    const v = diagnose({ sent: [old, intermediate], address: 'smtp.example.test', trusted: [root], now });
    expect(codes(v.diagnoses)).toEqual(['expired']);
    expect(v.diagnoses[0]?.summary).toMatch(/^CN=smtp\.example\.test \(depth 0\) expired \d\d:\d\d:\d\d UTC \w{3} \d{1,2} \d{4} \(3 days ago\)\.$/);
    expect(expresswayLog(v.diagnoses[0])).toContain('Error=certificate has expired');
    const early = parseCertificate(
      issue({
        subject: 'smtp.example.test',
        key: testKey('ec', 'diag-early'),
        issuer: { cert: chain.intermediate },
        dns: ['smtp.example.test'],
        notBefore: new Date(now.getTime() + 86_400_000),
      }).der,
    );
    const future = diagnose({ sent: [early, intermediate], address: 'smtp.example.test', trusted: [root], now });
    expect(codes(future.diagnoses)).toEqual(['not-yet-valid']);
    expect(future.diagnoses[0]?.fix).toContain('clock');
  });

  it('chain incomplete: the server sends only its own certificate', () => {
    const v = diagnose({ sent: [leaf], address: 'smtp.example.test', trusted: [root] });
    expect(codes(v.diagnoses)).toEqual(['chain-incomplete']);
    expect(v.diagnoses[0]?.summary).toContain('sent only its own certificate, not the intermediate CA CN=Test Issuing CA EC');
    // Without a trust store the gap is still reported.
    expect(codes(diagnose({ sent: [leaf], address: 'smtp.example.test' }).diagnoses)).toEqual(['chain-incomplete']);
    // Installing the intermediate itself as a trustpoint fixes it.
    expect(diagnose({ sent: [leaf], address: 'smtp.example.test', trusted: [intermediate] }).ok).toBe(true);
  });

  it('reports weak signatures and stray or out-of-order certificates as warnings', () => {
    const weak = parseCertificate(
      issue({ subject: 'smtp.example.test', key: testKey('ec', 'diag-weak'), issuer: { cert: chain.intermediate }, dns: ['smtp.example.test'], hash: 'sha1' })
        .der,
    );
    const stray = parseCertificate(issue({ subject: 'Stray', key: testKey('ec', 'diag-stray'), ca: true }).der);
    const v = diagnose({ sent: [intermediate, weak, stray], address: 'smtp.example.test', trusted: [root] });
    expect(codes(v.diagnoses)).toEqual(['weak-signature', 'unrelated-certificates', 'out-of-order']);
    expect(v.ok).toBe(true);
    expect(v.diagnoses[0]?.summary).toContain('signed with SHA1');
  });
});
