import { describe, expect, it } from '@jest/globals';
import { parseShowCryptoPkiTrustpoints, parseShowCryptoPkiTrustpointsStatus } from '../../src/device/parsers/trustpoints.js';
import { loadCapture } from '../fixtures/load.js';

describe('parseShowCryptoPkiTrustpoints', () => {
  it('reads every trustpoint of the genieparser capture, including the empty last one', () => {
    const tps = parseShowCryptoPkiTrustpoints(loadCapture('genie_show_crypto_pki_trustpoints_1.txt'));
    expect(tps.map((t) => t.name)).toEqual([
      'SLA-TrustPoint',
      'CISCO_IDEVID_SUDI',
      'CISCO_IDEVID_SUDI0',
      'TP-self-signed-1504826562',
      'CISCO_IDEVID_CMCA2_SUDI',
      'CISCO_IDEVID_CMCA2_SUDI0',
      'CISCO_IDEVID_CMCA_SUDI',
      'CISCO_IDEVID_CMCA_SUDI0',
      'trustpoint1',
    ]);
    expect(tps[0]).toEqual({
      name: 'SLA-TrustPoint',
      subject: [
        { type: 'cn', value: 'Cisco Licensing Root CA' },
        { type: 'o', value: 'Cisco' },
      ],
      serialHex: '01',
      certificateConfigured: true,
      persistentSelfSigned: false,
    });
    expect(tps[3]).toMatchObject({ persistentSelfSigned: true, keyLabel: 'TP-self-signed-1504826562', certificateConfigured: false });
    expect(tps[8]).toEqual({ name: 'trustpoint1', subject: [], certificateConfigured: false, persistentSelfSigned: false });
    const expected = loadCapture('genie_show_crypto_pki_trustpoints_1.expected.txt');
    for (const tp of tps) expect(expected).toContain(tp.name);
  });
});

describe('parseShowCryptoPkiTrustpointsStatus', () => {
  it('reads the ISR4451 capture: CA and router certificates, fingerprints, state', () => {
    const tps = parseShowCryptoPkiTrustpointsStatus(loadCapture('genie_show_crypto_pki_trustpoints_status_1.txt'));
    expect(tps).toHaveLength(6);
    expect(tps[0]).toEqual({
      name: 'SLA-TrustPoint',
      issuingCa: {
        subject: [
          { type: 'cn', value: 'Cisco Licensing Root CA' },
          { type: 'o', value: 'Cisco' },
        ],
        fingerprintMd5: '1468DC18250BDFCF769C29DFE1F7E5A8',
        fingerprintSha1: '5CA95FB6E2980EC15AFB681BBB7E62B5AD3FA8B8',
      },
      keysGenerated: 'No',
      issuingCaAuthenticated: true,
      certificateRequests: 'None',
    });
    expect(tps[1]?.routerCertificate?.subject.map((a) => a.type)).toEqual(['cn', 'ou', 'o', 'serialNumber']);
    expect(tps[1]?.routerCertificate?.subject[3]?.value).toBe('PID:ISR4451-X/K9 SN:FOC23231DPE');
    expect(tps[4]?.lastEnrollmentStatus).toBe('Granted');
    expect(tps[5]?.issuingCa?.subject.filter((a) => a.type === 'dc')).toHaveLength(3);
    const expected = loadCapture('genie_show_crypto_pki_trustpoints_status_1.expected.txt');
    expect(expected).toContain('542F6E73 28DA2611 8E50685D EB4B7194');
  });

  it('reads the C9200L capture with the echoed command line before it', () => {
    const [tp] = parseShowCryptoPkiTrustpointsStatus(loadCapture('show_crypto_pki_trustpoints_status_c9200l_2.txt'));
    expect(tp).toMatchObject({
      name: 'TEST',
      keysGenerated: 'Yes (General Purpose, non-exportable)',
      issuingCaAuthenticated: true,
      certificateRequests: 'Yes',
    });
    expect(tp?.routerCertificate?.fingerprintSha1).toBe('E09655FB63A8F216F50C1F429263665A563075BD');
  });
});
