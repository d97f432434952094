/**
 * The cheap read's rule, on real captures only: a certificate is identical when the device's fingerprints of its
 * issuing CA equal the MD5 and SHA1 of the DER certagent would install, and never on anything weaker.
 *
 * Captures (test/fixtures/iosxe, each naming its source in its first line):
 * - genie_show_crypto_pki_trustpoints_status_1: `show crypto pki trustpoints status` of an ISR4451 (genieparser golden
 *   output), with a CA-only trustpoint (SLA-TrustPoint), one with a CA and a router certificate (CISCO_IDEVID_SUDI),
 *   and a self-signed one (TP-self-signed-1215158049).
 * - genielibs_show_running_config_crypto_pki_excerpt_17_9_1: the running config of another router (17.9.1), whose
 *   SLA-TrustPoint chain holds the hex of the same Cisco Licensing Root CA.
 * - show_crypto_pki_trustpoints_status_c9200l_2: a C9200L trustpoint from an imported self-signed PKCS#12 bundle.
 * - ntc_show_crypto_pki_certificates_1 (ntc-templates tests/cisco_ios/show_crypto_pki_certificates): two different
 *   CA certificates with the same subject, so a subject says nothing about identity.
 */
import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { parseCertificate } from '../../src/certs/x509.js';
import { parsePkiConfig, parseShowCryptoPkiCertificates, parseShowCryptoPkiTrustpointsStatus } from '../../src/device/index.js';
import { chainsCommand, FINGERPRINTS_COMMAND, provenIdentical } from '../../src/workflow/cheap-facts.js';
import { loadCapture } from '../fixtures/load.js';
import { issue, testKey } from '../helpers/cert-factory.js';

const status = parseShowCryptoPkiTrustpointsStatus(loadCapture('genie_show_crypto_pki_trustpoints_status_1.txt'));

/** The Cisco Licensing Root CA as a 17.9.1 router's running config holds it. */
function slaRootDer(): Buffer {
  const chain = parsePkiConfig(loadCapture('genielibs_show_running_config_crypto_pki_excerpt_17_9_1.txt')).chains.find(
    (c) => c.trustpoint === 'SLA-TrustPoint',
  );
  const der = chain?.certificates.find((c) => c.type === 'ca')?.der;
  if (!der) throw new Error('the running-config capture holds no SLA-TrustPoint CA certificate');
  return der;
}

function fingerprints(name: string, der: Buffer): { name: string; md5: string; sha1: string } {
  const digest = (a: string) => createHash(a).update(der).digest('hex').toUpperCase();
  return { name, md5: digest('md5'), sha1: digest('sha1') };
}

/** What IOS sends for `| include REGEX`: the lines the regular expression matches. */
function included(text: string, command: string): string {
  const regex = new RegExp(command.replace(/^.*\| include /, ''));
  return text
    .split('\n')
    .filter((l) => regex.test(l))
    .join('\n');
}

describe('provenIdentical on real captures', () => {
  it('proves the SLA root identical: another router hashes the DER its running config keeps to the fingerprints this one prints', () => {
    const sla = fingerprints('SLA-TrustPoint', slaRootDer());
    expect(sla.sha1).toBe('5CA95FB6E2980EC15AFB681BBB7E62B5AD3FA8B8');
    expect([...provenIdentical(status, [sla])]).toEqual(['SLA-TrustPoint']);
  });

  it('decides the same from the filtered output IOS sends for FINGERPRINTS_COMMAND, in 4 lines per CA trustpoint', () => {
    const full = loadCapture('genie_show_crypto_pki_trustpoints_status_1.txt');
    const filtered = included(full, FINGERPRINTS_COMMAND);
    const cheap = parseShowCryptoPkiTrustpointsStatus(filtered);
    expect(cheap.map((t) => [t.name, t.issuingCa?.fingerprintSha1, t.routerCertificate?.fingerprintSha1])).toEqual(
      status.map((t) => [t.name, t.issuingCa?.fingerprintSha1, t.routerCertificate?.fingerprintSha1]),
    );
    expect(filtered.split('\n').filter((l) => l.startsWith('Trustpoint SLA-TrustPoint') || l.includes('1468DC18') || l.includes('5CA95FB6')).length).toBe(3);
    // Three CA-only trustpoints (4 lines each) and three with a router certificate too (7 lines each).
    expect(filtered.split('\n')).toHaveLength(3 * 4 + 3 * 7);
    const sla = fingerprints('SLA-TrustPoint', slaRootDer());
    expect([...provenIdentical(cheap, [sla])]).toEqual(['SLA-TrustPoint']);
  });

  it('does not call a different certificate with the same subject and serial identical', () => {
    // The status shows `cn=Cisco Licensing Root CA,o=Cisco` for SLA-TrustPoint, and the real one has serial 01.
    const real = parseCertificate(slaRootDer());
    expect(real.serialHex).toBe('01');
    expect(status.find((t) => t.name === 'SLA-TrustPoint')?.issuingCa?.subject.map((a) => `${a.type}=${a.value}`)).toEqual([
      'cn=Cisco Licensing Root CA',
      'o=Cisco',
    ]);
    const lookalike = issue({
      subject: [
        ['o', 'Cisco'],
        ['cn', 'Cisco Licensing Root CA'],
      ],
      serial: '01',
      key: testKey('rsa', 'sla-lookalike'),
      ca: true,
    });
    const facts = parseCertificate(lookalike.der);
    expect([facts.commonName, facts.serialHex]).toEqual([real.commonName, real.serialHex]);
    expect(provenIdentical(status, [fingerprints('SLA-TrustPoint', lookalike.der)]).size).toBe(0);
  });

  it('needs both fingerprints: the right MD5 with another SHA1, or the other way round, is not identical', () => {
    const sla = fingerprints('SLA-TrustPoint', slaRootDer());
    const other = fingerprints('x', Buffer.from('another certificate'));
    expect(provenIdentical(status, [{ ...sla, sha1: other.sha1 }]).size).toBe(0);
    expect(provenIdentical(status, [{ ...sla, md5: other.md5 }]).size).toBe(0);
  });

  it('reads only the issuing CA: the router certificate of CISCO_IDEVID_SUDI is not its CA', () => {
    const sudi = status.find((t) => t.name === 'CISCO_IDEVID_SUDI');
    const router = sudi?.routerCertificate;
    expect(router?.fingerprintSha1).toBe('3AA661E0BAEE254D538639020321BE1243989526');
    expect(provenIdentical(status, [{ name: 'CISCO_IDEVID_SUDI', md5: router?.fingerprintMd5 ?? '', sha1: router?.fingerprintSha1 ?? '' }]).size).toBe(0);
    const ca = sudi?.issuingCa;
    expect([...provenIdentical(status, [{ name: 'CISCO_IDEVID_SUDI', md5: ca?.fingerprintMd5 ?? '', sha1: ca?.fingerprintSha1 ?? '' }])]).toEqual([
      'CISCO_IDEVID_SUDI',
    ]);
  });

  it('reads in full a trustpoint that is not proven: another trustpoint with the same CA, a self-signed one, one shown twice or cut', () => {
    const sla = fingerprints('SLA-TrustPoint', slaRootDer());
    // The right certificate under another name is not the wanted trustpoint.
    expect(provenIdentical(status, [{ ...sla, name: 'PROXY-SIGNING-ROOT-CA' }]).size).toBe(0);
    const selfSigned = status.find((t) => t.name === 'TP-self-signed-1215158049')?.issuingCa;
    expect(
      provenIdentical(status, [{ name: 'TP-self-signed-1215158049', md5: selfSigned?.fingerprintMd5 ?? '', sha1: selfSigned?.fingerprintSha1 ?? '' }]).size,
    ).toBe(0);
    const c9200 = parseShowCryptoPkiTrustpointsStatus(loadCapture('show_crypto_pki_trustpoints_status_c9200l_2.txt'));
    const test = c9200.find((t) => t.name === 'TEST')?.issuingCa;
    expect(test?.fingerprintSha1).toBe('E09655FB63A8F216F50C1F429263665A563075BD');
    expect(provenIdentical(c9200, [{ name: 'TEST', md5: test?.fingerprintMd5 ?? '', sha1: test?.fingerprintSha1 ?? '' }]).size).toBe(0);
    const text = loadCapture('genie_show_crypto_pki_trustpoints_status_1.txt');
    const twice = parseShowCryptoPkiTrustpointsStatus(`${text}\n${text}`);
    expect(provenIdentical(twice, [sla]).size).toBe(0);
    const cut = parseShowCryptoPkiTrustpointsStatus(
      text
        .split('\n')
        .filter((l) => !l.includes('Fingerprint SHA1'))
        .join('\n'),
    );
    expect(provenIdentical(cut, [sla]).size).toBe(0);
  });

  it('a subject says nothing about identity: two different CA certificates of one subject in an ntc-templates capture', () => {
    const cas = parseShowCryptoPkiCertificates(loadCapture('ntc_show_crypto_pki_certificates_1.txt')).filter((c) => c.kind === 'ca');
    expect(cas).toHaveLength(2);
    expect(cas[0]?.subject).toEqual(cas[1]?.subject);
    expect(cas[0]?.serialHex).not.toBe(cas[1]?.serialHex);
  });

  it('reads the chains of the named trustpoints only, each by its full heading, and the banners around any text that reads like one', () => {
    expect(chainsCommand(['LAB-Lab-Root-R1', 'LAB-smtp.lab.example'])).toBe(
      'show running-config | section crypto pki certificate chain LAB-Lab-Root-R1|crypto pki certificate chain LAB-smtp.lab.example|^banner|\\^C',
    );
  });
});
