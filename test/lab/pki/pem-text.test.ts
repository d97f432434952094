/** PEM output of the trustpoints against the IOSv export capture and the genieparser `show ... pem` layout. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from '@jest/globals';
import { parseCertificates } from '../../../src/certs/x509.js';
import { exportPem, showCertificatesPem } from '../../../src/lab/router/pki/pem-text.js';
import { createPkiState, newTrustpoint } from '../../../src/lab/router/pki/state.js';

/** Real captures, copied from shared/iosxe/real-outputs with their `# source:` line (see test/fixtures/iosxe/README.md). */
const REAL = fileURLToPath(new URL('../../fixtures/iosxe', import.meta.url));

describe('crypto pki export pem terminal', () => {
  test('a CA-only trustpoint prints exactly what the IOSv capture shows', () => {
    const capture = readFileSync(`${REAL}/transcript_crypto_pki_export_pem_terminal_iosv_1.txt`, 'utf8').split('\n');
    const begin = capture.indexOf('-----BEGIN CERTIFICATE-----');
    const end = capture.indexOf('-----END CERTIFICATE-----');
    const ca = parseCertificates(capture.slice(begin, end + 1).join('\n'), 'IOSv capture')[0];
    if (!ca) throw new Error('the capture holds no certificate');
    const tp = newTrustpoint('PKI_SERVER');
    tp.certificates.push({ role: 'ca', facts: ca, installedAt: new Date() });
    expect(exportPem(tp).split('\n')).toEqual([...capture.slice(2, end + 1), '', '']);
  });
});

describe('show crypto pki certificates pem', () => {
  test('a self-signed trustpoint shows its certificate under both headings, as the C9300 captures do', () => {
    const pki = createPkiState({ selfSignedNumber: 4032138694 });
    const lines = showCertificatesPem(pki, 'TP-self-signed-4032138694').split('\n');
    expect(lines[0]).toBe('------Trustpoint: TP-self-signed-4032138694------');
    expect(lines[1]).toBe('% Self-signed CA certificate:');
    expect(lines[2]).toBe('-----BEGIN CERTIFICATE-----');
    const general = lines.indexOf('% General Purpose Certificate:');
    expect(lines[general - 1]).toBe('');
    expect(lines.slice(2, general - 1)).toEqual(lines.slice(general + 1, general + 1 + (general - 3)));
    const capture = readFileSync(`${REAL}/genie_show_crypto_pki_certificates_pem_server_1.txt`, 'utf8').split('\n').slice(1);
    const headings = (l: readonly string[]): string[] => l.filter((x) => x.startsWith('%') || x.startsWith('------'));
    expect(headings(lines).map((h) => h.replace(/Trustpoint: .*------/, 'Trustpoint: X------'))).toEqual(
      headings(capture).map((h) => h.replace(/Trustpoint: .*------/, 'Trustpoint: X------')),
    );
  });

  test('trustpoints without certificates are left out', () => {
    const pki = createPkiState();
    pki.trustpoints.set('EMPTY', newTrustpoint('EMPTY'));
    expect(showCertificatesPem(pki)).not.toContain('EMPTY');
    expect(showCertificatesPem(pki, 'EMPTY')).toBe('');
  });
});
