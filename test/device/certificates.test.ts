import { describe, expect, it } from '@jest/globals';
import { parseShowCryptoPkiCertificates } from '../../src/device/parsers/certificates.js';
import { loadCapture } from '../fixtures/load.js';

describe('parseShowCryptoPkiCertificates on real captures', () => {
  it('reads the C3850 SUDI identity and CA blocks as genieparser expects', () => {
    const certs = parseShowCryptoPkiCertificates(loadCapture('genie_show_crypto_pki_certificates_c3850_1.txt'));
    expect(certs).toHaveLength(2);
    const [id, ca] = certs;
    expect(id).toMatchObject({
      kind: 'identity',
      status: 'Available',
      serialHex: '793B572700000003750B',
      usage: 'General Purpose',
      subjectName: 'WS-C3850-24P-0057D21BC800',
      subjectSerialNumber: 'PID:WS-C3850-24P SN:FCW1947C0GF',
      crlDistributionPoints: ['http://www.cisco.com/security/pki/crl/cmca2.crl'],
      startDate: '00:34:52 UTC Nov 20 2015',
      endDate: '00:44:52 UTC Nov 20 2025',
      associatedTrustpoints: ['CISCO_IDEVID_SUDI'],
      inTrustpool: false,
    });
    expect(id?.issuer).toEqual([
      { type: 'cn', value: 'Cisco Manufacturing CA SHA2' },
      { type: 'o', value: 'Cisco' },
    ]);
    expect(id?.subject.find((a) => a.type === 'cn')?.value).toBe('WS-C3850-24P-0057D21BC800');
    expect(id?.notAfter?.toISOString()).toBe('2025-11-20T00:44:52.000Z');
    expect(ca).toMatchObject({ kind: 'ca', serialHex: '02', usage: 'Signature', associatedTrustpoints: ['CISCO_IDEVID_SUDI'], inTrustpool: true });
    expect(ca?.issuer[0]).toEqual({ type: 'cn', value: 'Cisco Root CA M2' });
    expect(ca?.endDate).toBe('13:00:17 UTC Nov 12 2037');
  });

  it('reads the self-signed heading and the nvram storage (CSR1000v)', () => {
    const [cert] = parseShowCryptoPkiCertificates(loadCapture('genie_show_crypto_pki_certificates_csr1000v_2.txt'));
    expect(cert).toMatchObject({
      kind: 'self-signed',
      serialHex: '01',
      storage: 'nvram:IOS-Self-Sig#1.cer',
      associatedTrustpoints: ['TP-self-signed-4146203551'],
      endDate: '00:00:00 UTC Jan 1 2020',
    });
    expect(cert?.notAfter?.toISOString()).toBe('2020-01-01T00:00:00.000Z');
  });

  it('does not depend on indentation (IE3100 capture lost it) and skips the echoed command', () => {
    const certs = parseShowCryptoPkiCertificates(loadCapture('genie_show_crypto_pki_certificates_ie3100_3.txt'));
    expect(certs.map((c) => c.kind)).toEqual(['identity', 'ca', 'ca', 'ca']);
    expect(certs[0]?.serialHex).toBe('03612596745103596F2C');
    expect(certs[0]?.subject.map((a) => a.type)).toEqual(['cn', 'ou', 'o', 'serialNumber']);
    expect(certs[1]?.subject).toEqual([
      { type: 'o', value: 'Cisco' },
      { type: 'cn', value: 'High Assurance SUDI CA' },
    ]);
    expect(certs[2]?.associatedTrustpoints).toEqual(['CISCO_IDEVID_SUDI0']);
    expect(certs[3]?.inTrustpool).toBe(true);
    expect(certs[3]?.crlDistributionPoints).toEqual(['http://www.cisco.com/security/pki/crl/crca2099.crl']);
  });

  it('reads renew dates and multi-attribute names (ntc-templates capture)', () => {
    const certs = parseShowCryptoPkiCertificates(loadCapture('ntc_show_crypto_pki_certificates_1.txt'));
    expect(certs).toHaveLength(3);
    expect(certs[0]?.renewDate).toBe('09:19:52 UTC Apr 10 2023');
    expect(certs[0]?.issuer.map((a) => a.type)).toEqual(['e', 'cn', 'ou', 'o', 'l', 'st', 'c']);
    expect(certs[2]?.associatedTrustpoints).toEqual(['ROOT-CA']);
  });

  it('reads the verbose fields: fingerprints, key usage, key ids, basic constraints (VG400 17.14)', () => {
    const certs = parseShowCryptoPkiCertificates(loadCapture('ciscodoc_show_crypto_pki_certificates_verbose_vg400_17_14_1.txt'));
    expect(certs).toHaveLength(2);
    const [id, ca] = certs;
    expect(id).toMatchObject({
      serialHex: '00DC',
      version: 3,
      publicKeyAlgorithm: 'rsaEncryption',
      publicKey: 'RSA (4096 bit)',
      signatureAlgorithm: 'SHA256 with RSA Encryption',
      fingerprintMd5: '5C2556ED55BA2D9C47CE2668B1927DF7',
      fingerprintSha1: '42CD404B43BF7AD0AD516F90565087D404277F15',
      keyUsageHex: 'A0000000',
      keyUsage: ['Digital Signature', 'Key Encipherment'],
      keyLabel: '4k_keypair',
      installTime: '22:35:39 UTC Feb 19 2024',
    });
    expect(id?.basicConstraintsCa).toBeUndefined();
    expect(ca).toMatchObject({
      kind: 'ca',
      basicConstraintsCa: true,
      subjectKeyId: '4773C5C3A41610907442B55862713E6B744857F6',
      authorityKeyId: '4773C5C3A41610907442B55862713E6B744857F6',
      associatedTrustpoints: ['4k_keypair', 'TP_IP6', '4k'],
      storage: 'nvram:CA-4klabtest#1CA.cer',
      keyUsage: ['Digital Signature', 'Key Cert Sign', 'CRL Signature'],
    });
  });

  it('reads verbose output with SAN and the column-0 install time in nsec (genieparser subj capture)', () => {
    const certs = parseShowCryptoPkiCertificates(loadCapture('genie_show_crypto_pki_certificates_verbose_subj_3.txt'));
    expect(certs).toHaveLength(2);
    expect(certs[0]).toMatchObject({
      subjectIpAddress: '100.100.100.1',
      subjectAltNames: ['100.100.100.1'],
      fingerprintMd5: 'DE8CC8FAB9E4166531DDED4A1A2A6191',
      associatedTrustpoints: ['openssl_test'],
      keyLabel: 'openssl_test',
    });
    expect(certs[0]?.notBefore).toBeUndefined(); // IST: the offset is the device's, unknown here
    expect(certs[1]?.serialHex).toBe('55722CE2042FD3DD40C3013FF430616170845853');
  });

  it('matches genieparser on the csr8kv verbose capture', () => {
    const certs = parseShowCryptoPkiCertificates(loadCapture('genie_show_crypto_pki_certificates_verbose_csr8kv_1.txt'));
    const expected = loadCapture('genie_show_crypto_pki_certificates_verbose_csr8kv_1.expected.txt');
    for (const cert of certs) {
      expect(expected).toContain(cert.serialHex);
      expect(expected.replace(/\s/g, '')).toContain(cert.fingerprintSha1);
    }
    expect(certs.map((c) => c.kind)).toEqual(['identity', 'ca']);
  });

  it('reads the 26.x ML-DSA capture with IP Address and unstructuredname', () => {
    const [id] = parseShowCryptoPkiCertificates(loadCapture('pqc_show_crypto_pki_certificates_26x_1.txt'));
    expect(id).toMatchObject({ subjectName: 'bfl-cpoc-d14-8235-02.lab.local', subjectIpAddress: '10.0.23.1', usage: 'Signature' });
    expect(id?.subject).toEqual([
      { type: 'unstructuredname', value: 'bfl-cpoc-d14-8235-02.lab.local' },
      { type: 'cn', value: 'R2' },
    ]);
  });

  it('returns nothing for output without certificate blocks', () => {
    expect(parseShowCryptoPkiCertificates("\n% Invalid input detected at '^' marker.\n")).toEqual([]);
  });
});
