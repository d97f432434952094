/** The PKI show renderings against real captures (genieparser golden outputs, Cisco VG400 17.14 guide, pqc 26.2). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from '@jest/globals';
import { parseCertificates } from '../../../src/certs/x509.js';
import { createPkiState, newTrustpoint, type PkiState } from '../../../src/lab/router/pki/state.js';
import { certificateUsage, showCertificates, showTrustpoints, showTrustpointsStatus } from '../../../src/lab/router/pki/show-text.js';

/** Real captures, copied from shared/iosxe/real-outputs with their `# source:` line (see test/fixtures/iosxe/README.md). */
const REAL = fileURLToPath(new URL('../../fixtures/iosxe', import.meta.url));
const real = (name: string): string[] => readFileSync(`${REAL}/${name}`, 'utf8').replace(/\r/g, '').split('\n').slice(1);
const GTS = parseCertificates(readFileSync('/usr/share/ca-certificates/mozilla/GTS_Root_R1.crt'), 'GTS_Root_R1.crt')[0];
const BOOT = new Date('2026-11-23T07:00:00Z');

function withGts(): PkiState {
  const pki = createPkiState({ selfSignedNumber: 1504826562, bootTime: BOOT });
  if (!GTS) throw new Error('GTS Root R1 did not parse');
  const tp = { ...newTrustpoint('CA-GTS-Root-R1'), enrollment: { kind: 'terminal' as const, pem: false } };
  tp.certificates.push({ role: 'ca', facts: GTS, installedAt: new Date('2026-11-23T07:31:20Z') });
  pki.trustpoints.set(tp.name, tp);
  return pki;
}

/** The line's field name: text before the first `:` or `=`, trimmed (values differ between devices). */
const fieldOf = (line: string): string => line.split(/[:=]/)[0]?.trim() ?? '';

describe('show crypto pki trustpoints', () => {
  test('SLA-TrustPoint prints exactly as in the genieparser capture', () => {
    const capture = real('genie_show_crypto_pki_trustpoints_1.txt');
    const lines = showTrustpoints(createPkiState({ bootTime: BOOT }), 'SLA-TrustPoint').split('\n');
    expect(lines.slice(0, 6)).toEqual(capture.slice(0, 6));
    expect(lines.slice(6)).toEqual(['', '']);
  });

  test('the self-signed trustpoint prints the persistent self-signed lines', () => {
    const capture = real('genie_show_crypto_pki_trustpoints_1.txt');
    const from = capture.indexOf('Trustpoint TP-self-signed-1504826562:');
    const text = showTrustpoints(createPkiState({ selfSignedNumber: 1504826562, bootTime: BOOT }), 'TP-self-signed-1504826562');
    expect(text.split('\n').slice(0, 6)).toEqual(capture.slice(from, from + 6));
  });

  test('trustpoints are separated by two empty lines; an empty trustpoint prints its heading only', () => {
    const pki = createPkiState({ bootTime: BOOT });
    pki.trustpoints.set('trustpoint1', newTrustpoint('trustpoint1'));
    const text = showTrustpoints(pki);
    expect(text).toContain('    Certificate configured.\n\n\nTrustpoint trustpoint1:\n');
    expect(text.endsWith('Trustpoint trustpoint1:\n\n')).toBe(true);
  });
});

describe('show crypto pki trustpoints status', () => {
  test('SLA-TrustPoint prints byte for byte as the ISR4451 capture, fingerprints and trailing blanks included', () => {
    const capture = real('genie_show_crypto_pki_trustpoints_status_1.txt');
    const text = showTrustpointsStatus(createPkiState({ bootTime: BOOT }), 'SLA-TrustPoint');
    expect(text.split('\n')).toEqual([...capture.slice(0, 10), '', '']);
  });

  test('a self-signed trustpoint shows its certificate as issuing CA and router certificate, as on the C9200L', () => {
    const text = showTrustpointsStatus(createPkiState({ selfSignedNumber: 1215158049, bootTime: BOOT }), 'TP-self-signed-1215158049');
    const fields = text.split('\n').map(fieldOf);
    const capture = real('genie_show_crypto_pki_trustpoints_status_1.txt');
    const from = capture.indexOf('Trustpoint TP-self-signed-1215158049:');
    expect(fields.slice(0, 15)).toEqual(capture.slice(from, from + 15).map(fieldOf));
    expect(text).toContain('    Keys generated ............. Yes (General Purpose, non-exportable)\n');
  });
});

describe('show crypto pki certificates', () => {
  test('a CA block has the c3850 layout: trailing blanks on Issuer, Subject, Validity Date, Associated Trustpoints', () => {
    const lines = showCertificates(withGts(), { verbose: false, trustpoint: 'CA-GTS-Root-R1' }).split('\n');
    expect(lines).toEqual([
      'CA Certificate',
      '  Status: Available',
      '  Certificate Serial Number (hex): 0203E5936F31B01349886BA217',
      '  Certificate Usage: Signature',
      '  Issuer: ',
      '    cn=GTS Root R1',
      '    o=Google Trust Services LLC',
      '    c=US',
      '  Subject: ',
      '    cn=GTS Root R1',
      '    o=Google Trust Services LLC',
      '    c=US',
      '  Validity Date: ',
      '    start date: 00:00:00 UTC Jun 22 2016',
      '    end   date: 00:00:00 UTC Jun 22 2036',
      '  Associated Trustpoints: CA-GTS-Root-R1 ',
      '  Storage: nvram:GTSRootR1#7CA.cer',
      '',
      '',
    ]);
    const capture = real('genie_show_crypto_pki_certificates_c3850_1.txt');
    const caBlock = capture.slice(capture.indexOf('CA Certificate'));
    for (const heading of ['  Issuer: ', '  Subject: ', '  Validity Date: ']) expect(caBlock).toContain(heading);
  });

  test('the router self-signed certificate keeps the csr1000v field order', () => {
    const text = showCertificates(createPkiState({ selfSignedNumber: 4146203551, bootTime: BOOT }), {
      verbose: false,
      trustpoint: 'TP-self-signed-4146203551',
    });
    const capture = real('genie_show_crypto_pki_certificates_csr1000v_2.txt').filter((l) => l.trim() !== '');
    const mine = text.split('\n').filter((l) => l.trim() !== '');
    expect(mine.map(fieldOf)).toEqual(capture.map(fieldOf));
    expect(mine).toContain('  Storage: nvram:IOS-Self-Sig#1.cer');
    expect(mine).toContain('    Name: IOS-Self-Signed-Certificate-4146203551');
  });

  test('every certificate appears once and lists every trustpoint holding it', () => {
    const pki = withGts();
    const again = newTrustpoint('CA-GTS-copy');
    if (GTS) again.certificates.push({ role: 'ca', facts: GTS, installedAt: BOOT });
    pki.trustpoints.set(again.name, again);
    const text = showCertificates(pki, { verbose: false });
    expect(text.match(/Certificate Serial Number \(hex\): 0203E5936F31B01349886BA217/g)).toHaveLength(1);
    expect(text).toContain('  Associated Trustpoints: CA-GTS-Root-R1 CA-GTS-copy \n');
    expect(text.indexOf('Router Self-Signed Certificate')).toBeLessThan(text.indexOf('cn=Cisco Licensing Root CA'));
  });

  test('verbose keeps the field order of the VG400 17.14 capture and prints the real GTS Root R1 values', () => {
    const text = showCertificates(withGts(), { verbose: true, trustpoint: 'CA-GTS-Root-R1' });
    const lines = text.split('\n');
    for (const line of [
      '  Version: 3',
      '    Public Key Algorithm: rsaEncryption',
      '    RSA Public Key: (4096 bit)',
      '  Signature Algorithm: SHA384 with RSA Encryption',
      '  Fingerprint MD5: 05FED0BF 71A8A376 63DA01E0 D852DC40 ',
      '  Fingerprint SHA1: E58C1CC4 913B3863 4BE9106E E3AD8E6B 9DD9814A ',
      '    X509v3 Key Usage: 86000000',
      '      Digital Signature',
      '      Key Cert Sign',
      '      CRL Signature',
      '        CA: TRUE',
      '  Cert install time: 07:31:20 UTC Nov 23 2026 ',
    ]) {
      expect(lines).toContain(line);
    }
    const capture = real('ciscodoc_show_crypto_pki_certificates_verbose_vg400_17_14_1.txt');
    const vgCa = capture.slice(capture.indexOf('CA Certificate')).map(fieldOf);
    const mine = lines.map(fieldOf).filter((f) => vgCa.includes(f));
    const order = vgCa.filter((f) => mine.includes(f));
    expect(mine.filter((f, i) => mine.indexOf(f) === i)).toEqual(order.filter((f, i) => order.indexOf(f) === i));
  });

  test('Key Usage drops leading zeros as the 26.2 capture does (SLA root: keyCertSign + cRLSign = 6000000)', () => {
    const text = showCertificates(createPkiState({ bootTime: BOOT }), { verbose: true, trustpoint: 'SLA-TrustPoint' });
    expect(text).toContain('    X509v3 Key Usage: 6000000\n      Key Cert Sign\n      CRL Signature\n');
    expect(text).toContain('  Fingerprint MD5: 1468DC18 250BDFCF 769C29DF E1F7E5A8 \n');
  });

  test('an unknown trustpoint prints nothing', () => {
    expect(showCertificates(withGts(), { verbose: false, trustpoint: 'NOPE' })).toBe('');
  });
});

describe('certificate usage', () => {
  test.each([
    [0x86000000, 'Signature'],
    [0x06000000, 'Signature'],
    [0x80000000, 'Signature'],
    [0xa0000000, 'General Purpose'],
    [0xb0000000, 'General Purpose'],
    [0x20000000, 'Encryption'],
  ])('key usage %s is %s', (bits, usage) => {
    if (!GTS) throw new Error('no GTS');
    expect(certificateUsage({ ...GTS, keyUsage: { bits, names: [] } })).toBe(usage);
  });
});
