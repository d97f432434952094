/** A real public chain (GTS CA 1C3, GTS Root R1 cross-signed by GlobalSign Root CA, both Debian roots) against
 * what IOS XE 17.x printed for GTS CA 1C3 in `show crypto pki certificates verbose` (shared/iosxe/README.md seed
 * capture, line breaks restored in dossier 3.2) and against the provider-rotation case the lab reproduces. */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { buildChain } from '../../src/certs/chain.js';
import { diagnose } from '../../src/certs/diagnose.js';
import {
  iosDate,
  iosDnLines,
  iosExtendedKeyUsageLabels,
  iosFingerprint,
  iosKeyId,
  iosKeyUsageHex,
  iosKeyUsageLabels,
  iosPublicKeyLines,
  iosSignatureAlgorithm,
} from '../../src/certs/ios-format.js';
import { planTrustpoints } from '../../src/certs/trustpoints.js';
import { parseCertificates } from '../../src/certs/x509.js';

const [gts1c3, gtsR1Cross] = parseCertificates(
  readFileSync(new URL('../fixtures/certs/gts_ca_1c3_and_r1_cross.pem', import.meta.url), 'utf8'),
  'gts_ca_1c3_and_r1_cross.pem',
);
const debian = (name: string) => parseCertificates(readFileSync(`/usr/share/ca-certificates/mozilla/${name}`, 'utf8'), name)[0]!;
const gtsR1 = debian('GTS_Root_R1.crt');
const globalSign = debian('GlobalSign_Root_CA.crt');
const when = new Date('2024-06-01T00:00:00Z');

describe('GTS CA 1C3 as IOS XE 17.x shows it', () => {
  it('renders every verbose field with the values IOS printed', () => {
    const c = gts1c3!;
    expect(c.serialHex).toBe('0203BC53596B34C718F5015066');
    expect(iosDnLines(c.issuer)).toEqual(['cn=GTS Root R1', 'o=Google Trust Services LLC', 'c=US']);
    expect(iosDnLines(c.subject)).toEqual(['cn=GTS CA 1C3', 'o=Google Trust Services LLC', 'c=US']);
    expect(c.crlDistributionPoints).toEqual(['http://crl.pki.goog/gtsr1/gtsr1.crl']);
    expect(`start date: ${iosDate(c.notBefore)}`).toBe('start date: 00:00:42 UTC Aug 13 2020');
    expect(`end   date: ${iosDate(c.notAfter)}`).toBe('end   date: 00:00:42 UTC Sep 30 2027');
    expect(iosPublicKeyLines(c.publicKey)).toEqual(['Public Key Algorithm: rsaEncryption', 'RSA Public Key: (2048 bit)']);
    expect(iosSignatureAlgorithm(c.signatureAlgorithm)).toBe('SHA256 with RSA Encryption');
    expect(iosFingerprint(c.der, 'md5')).toBe('178EF183 43CCC9E0 ECB0E38D 9DEA03D8');
    expect(iosFingerprint(c.der, 'sha1')).toBe('1E7EF647 CBA15028 1C608972 57102878 C4BD8CDC');
    expect(iosKeyUsageHex(c.keyUsage?.bits ?? 0)).toBe('86000000');
    expect(iosKeyUsageLabels(c.keyUsage?.bits ?? 0)).toEqual(['Digital Signature', 'Key Cert Sign', 'CRL Signature']);
    expect(iosKeyId(c.subjectKeyId ?? '')).toBe('8A747FAF 85CDEE95 CD3D9CD0 E24614F3 71351D27');
    expect(c.basicConstraints).toEqual({ ca: true, pathLength: 0 });
    expect(iosKeyId(c.authorityKeyId ?? '')).toBe('E4AF2B26 711A2B48 27852F52 662CEFF0 8913713E');
    expect(c.ocspUrls).toEqual(['http://ocsp.pki.goog/gtsr1']);
    expect(c.caIssuerUrls).toEqual(['http://pki.goog/repo/certs/gtsr1.der']);
    expect(c.policies).toContain('2.23.140.1.2.2');
    // IOS printed Client Auth before Server Auth; the certificate lists serverAuth first, so IOS does not keep DER order here.
    expect(iosExtendedKeyUsageLabels(c.extendedKeyUsage).sort()).toEqual(['Client Auth', 'Server Auth']);
  });
});

describe('the real GTS chain', () => {
  it('links 1C3 to GTS Root R1 by key id; the cross-signed R1 leads to GlobalSign Root CA', () => {
    const built = buildChain([gts1c3!, gtsR1Cross!], { trusted: [globalSign], now: when });
    expect(built.members.map((m) => [m.cert.commonName, m.role, m.issuerLink ?? null, m.fromTrustStore])).toEqual([
      ['GTS CA 1C3', 'intermediate', 'key-id', false],
      ['GTS Root R1', 'intermediate', 'key-id', false],
      ['GlobalSign Root CA', 'root', null, true],
    ]);
    expect(built.anchored).toBe(true);
    expect(built.problems).toEqual([]);
  });

  it('anchors on the trusted self-signed GTS Root R1 first, not on the cross-signed copy the server sent', () => {
    const built = buildChain([gts1c3!, gtsR1Cross!], { trusted: [gtsR1], now: when });
    expect(built.members.map((m) => [m.cert.commonName, m.role, m.fromTrustStore])).toEqual([
      ['GTS CA 1C3', 'intermediate', false],
      ['GTS Root R1', 'root', true],
    ]);
    expect(built.anchored).toBe(true);
    expect(built.problems).toEqual([]);
  });

  it('diagnoses a router that trusts only GlobalSign Root CA once the server stops sending the cross-signed R1', () => {
    const v = diagnose({ sent: [gts1c3!], address: 'smtp.gmail.com', trusted: [globalSign], now: when });
    const untrusted = v.diagnoses.find((d) => d.code === 'untrusted-ca');
    expect(untrusted?.summary).toBe(
      "The server's chain is signed by CN=GTS Root R1, O=Google Trust Services LLC, C=US (depth 0), a CA the device does not trust: none of the device's 1 trusted certificates is in it.",
    );
    const plan = planTrustpoints(buildChain([gts1c3!], { trusted: [gtsR1], now: when }));
    expect(plan.trustpoints.map((t) => t.name)).toEqual(['CA-GTS-Root-R1', 'CA-GTS-CA-1C3']);
  });
});
