import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { CertificateInputError } from '../../src/certs/errors.js';
import { splitCertificates, toPem, toPemBundle } from '../../src/certs/pem.js';
import { parseCertificates } from '../../src/certs/x509.js';
import { issue, testKey } from '../helpers/cert-factory.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/certs/${name}`, import.meta.url), 'utf8');
const a = issue({ subject: 'PEM A', key: testKey('ec', 'pem-a') }).der;
const b = issue({ subject: 'PEM B', key: testKey('ec', 'pem-b') }).der;
/** Lines of one PEM block of `a` (the next block starts on the line after). */
const aLines = toPem(a).split('\n').length - 1;

function thrown(fn: () => unknown): CertificateInputError {
  try {
    fn();
  } catch (err) {
    if (err instanceof CertificateInputError) return err;
    throw err;
  }
  throw new Error('expected a CertificateInputError');
}

describe('splitCertificates', () => {
  it('finds every certificate of a bundle with stray text between blocks, in order', () => {
    const bundle = `subject=CN = PEM A\nissuer=CN = PEM A\n${toPem(a)}\nsome note\n${toPem(b)}trailing words\n`;
    const blocks = splitCertificates(bundle, 'bundle.pem');
    expect(blocks.map((x) => x.position)).toEqual([1, 2]);
    expect(blocks[0]?.der.equals(a)).toBe(true);
    expect(blocks[1]?.der.equals(b)).toBe(true);
    expect(blocks[0]?.line).toBe(3);
  });

  it('accepts CRLF line ends and skips private-key blocks', () => {
    const key = testKey('ec', 'pem-a').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const text = (key + toPemBundle([a, b])).replace(/\n/g, '\r\n');
    expect(parseCertificates(text, 'crlf.pem').map((c) => c.commonName)).toEqual(['PEM A', 'PEM B']);
  });

  it('reads the PEM pasted in a real IOSv authenticate transcript among the dialog text', () => {
    const certs = parseCertificates(fixture('transcript_crypto_pki_authenticate_pem_iosv_1.txt'), 'transcript');
    expect(certs).toHaveLength(1);
    expect(certs[0]?.commonName).toBe('CA.lab.lcl');
    expect(certs[0]?.signatureAlgorithm.hash).toBe('md5');
  });

  it('accepts bare base64 as pasted into IOS and binary DER', () => {
    const bare = toPem(a)
      .split('\n')
      .filter((l) => !l.startsWith('-----'))
      .join('\n');
    expect(splitCertificates(bare, 'bare.txt')[0]?.der.equals(a)).toBe(true);
    expect(splitCertificates(a, 'cert.der')[0]?.der.equals(a)).toBe(true);
    expect(splitCertificates(new Uint8Array(Buffer.from(toPem(a))), 'bytes.pem')[0]?.der.equals(a)).toBe(true);
  });

  it('names the file and position of a certificate without END line', () => {
    const truncated = toPem(a) + toPem(b).split('\n').slice(0, 5).join('\n');
    const err = thrown(() => splitCertificates(truncated, 'chain.pem'));
    expect(err.message).toBe(
      `chain.pem: certificate 2: the certificate starting at line ${aLines + 1} has no -----END CERTIFICATE----- line (file truncated?)`,
    );
    expect(err.position).toBe(2);
    expect(err.source).toBe('chain.pem');
  });

  it('names a BEGIN inside an unfinished block', () => {
    const broken = toPem(a).replace('-----END CERTIFICATE-----\n', '') + toPem(b);
    expect(() => splitCertificates(broken, 'x.pem')).toThrow(
      `x.pem: certificate 1: the certificate starting at line 1 has no END line before the next BEGIN at line ${aLines}`,
    );
  });

  it('names invalid base64 inside a block (real genieparser capture with corrupted PEM)', () => {
    expect(() => parseCertificates(fixture('genie_show_crypto_pki_certificates_pem_server_1.txt'), 'pem_server_1.txt')).toThrow(
      /pem_server_1\.txt: certificate 1: (invalid base64|not a valid X\.509 certificate)/,
    );
  });

  it('names a block whose base64 is well formed but not a certificate', () => {
    const junk = `-----BEGIN CERTIFICATE-----\n${Buffer.from('hello world, not a certificate').toString('base64')}\n-----END CERTIFICATE-----\n`;
    expect(() => parseCertificates(toPem(a) + junk, 'mixed.pem')).toThrow(
      new RegExp(`^mixed\\.pem: certificate 2: not a valid X\\.509 certificate .* \\(block starting at line ${aLines + 1}\\)$`),
    );
  });

  it('says when there is no certificate at all, or only other PEM blocks', () => {
    expect(() => splitCertificates('', 'empty.pem')).toThrow('empty.pem: no certificate found');
    expect(() => splitCertificates('hello\nworld\n', 'words.txt')).toThrow('words.txt: no certificate found');
    const key = testKey('ec', 'pem-a').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => splitCertificates(key, 'key.pem')).toThrow('key.pem: contains PEM blocks but no CERTIFICATE block');
  });

  it('rejects an END without BEGIN and mismatched labels', () => {
    expect(() => splitCertificates('-----END CERTIFICATE-----\n', 'e.pem')).toThrow('e.pem: certificate 1: END line at line 1 without a BEGIN line');
    const mismatched = toPem(a).replace('-----END CERTIFICATE-----', '-----END PRIVATE KEY-----');
    expect(() => splitCertificates(mismatched, 'm.pem')).toThrow(/BEGIN CERTIFICATE at line 1 is closed by END PRIVATE KEY/);
  });
});

describe('toPem', () => {
  it('writes 64-column base64 and a final newline', () => {
    const pem = toPem(a);
    const body = pem.split('\n').slice(1, -2);
    expect(pem.startsWith('-----BEGIN CERTIFICATE-----\n')).toBe(true);
    expect(pem.endsWith('-----END CERTIFICATE-----\n')).toBe(true);
    expect(body.slice(0, -1).every((l) => l.length === 64)).toBe(true);
  });
});
