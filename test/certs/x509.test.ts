import { describe, expect, it } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { toPem } from '../../src/certs/pem.js';
import { parseCertificate, parseCertificates, signatureVerifies } from '../../src/certs/x509.js';
import { issue, testChain, testKey } from '../helpers/cert-factory.js';

const debian = (name: string): string => readFileSync(`/usr/share/ca-certificates/mozilla/${name}`, 'utf8');

describe('parseCertificate', () => {
  it('reads a real RSA root (GTS Root R1) completely', () => {
    const [cert] = parseCertificates(debian('GTS_Root_R1.crt'), 'GTS_Root_R1.crt');
    expect(cert).toMatchObject({
      version: 3,
      serialHex: '0203E5936F31B01349886BA217',
      commonName: 'GTS Root R1',
      publicKey: { algorithm: 'rsa', bits: 4096 },
      signatureAlgorithm: { oid: '1.2.840.113549.1.1.12', hash: 'sha384', key: 'rsa' },
      basicConstraints: { ca: true },
      subjectKeyId: 'E4AF2B26711A2B4827852F52662CEFF08913713E',
      selfSigned: true,
    });
    expect(cert?.subject).toEqual([
      { type: 'c', value: 'US' },
      { type: 'o', value: 'Google Trust Services LLC' },
      { type: 'cn', value: 'GTS Root R1' },
    ]);
    expect(cert?.authorityKeyId).toBeUndefined();
    expect(cert?.notBefore.toISOString()).toBe('2016-06-22T00:00:00.000Z');
    expect(cert?.sha256).toBe(new X509Certificate(cert!.der).fingerprint256.replace(/:/g, ''));
  });

  it('reads ECDSA P-256 certificates (node-forge cannot) with SANs, EKU and key ids', () => {
    const chain = testChain('ec', 'smtp.example.test', { ip: ['192.0.2.25', '2001:db8::25'], label: 'x509-ec' });
    const leaf = parseCertificate(chain.leaf.der);
    expect(leaf.publicKey).toEqual({ algorithm: 'ec', bits: 256, curve: 'P-256' });
    expect(leaf.signatureAlgorithm).toEqual({ oid: '1.2.840.10045.4.3.2', hash: 'sha256', key: 'ecdsa' });
    expect(leaf.subjectAltNames.dns).toEqual(['smtp.example.test']);
    expect(leaf.subjectAltNames.ip).toEqual(['192.0.2.25', '2001:db8::25']);
    expect(leaf.extendedKeyUsage).toEqual(['serverAuth']);
    expect(leaf.basicConstraints).toEqual({ ca: false });
    expect(leaf.keyUsage).toEqual({ bits: 0xa0000000, names: ['digitalSignature', 'keyEncipherment'] });
    const intermediate = parseCertificate(chain.intermediate.der);
    expect(leaf.authorityKeyId).toBe(intermediate.subjectKeyId);
    expect(intermediate.basicConstraints).toEqual({ ca: true, pathLength: 0 });
    expect(leaf.selfSigned).toBe(false);
    expect(parseCertificate(chain.root.der).selfSigned).toBe(true);
    expect(signatureVerifies(leaf, intermediate)).toBe(true);
    expect(signatureVerifies(leaf, parseCertificate(chain.root.der))).toBe(false);
  });

  it('keeps the sign byte of a serial with the high bit set, as IOS prints it (00DC)', () => {
    const cert = parseCertificate(issue({ subject: 'serial test', key: testKey('ec', 'serial'), serial: '00DC' }).der);
    expect(cert.serialHex).toBe('00DC');
    expect(parseCertificate(issue({ subject: 'serial test', key: testKey('ec', 'serial'), serial: '01' }).der).serialHex).toBe('01');
  });

  it('reads CRL distribution points, AIA, policies and e-mail SANs of a real CA (ACCVRAIZ1, Debian ca-certificates)', () => {
    const [accv] = parseCertificates(debian('ACCVRAIZ1.crt'), 'ACCVRAIZ1.crt');
    expect(accv?.crlDistributionPoints).toEqual(['http://www.accv.es/fileadmin/Archivos/certificados/raizaccv1_der.crl']);
    expect(accv?.ocspUrls).toEqual(['http://ocsp.accv.es']);
    expect(accv?.caIssuerUrls).toEqual(['http://www.accv.es/fileadmin/Archivos/certificados/raizaccv1.crt']);
    expect(accv?.policies).toEqual(['2.5.29.32.0']);
    expect(accv?.subjectAltNames.email).toEqual(['accv@accv.es']);
    expect(accv?.authorityKeyId).toBe('D287B4E3DF37279355F656EA81E536CC8C1E3FBD');
    expect(accv?.keyUsage?.names).toEqual(['keyCertSign', 'cRLSign']);
    const [gs] = parseCertificates(debian('GlobalSign_Root_CA.crt'), 'GlobalSign_Root_CA.crt');
    expect(gs?.crlDistributionPoints).toEqual([]);
    expect(gs?.signatureAlgorithm.hash).toBe('sha1');
    expect(gs?.subject.map((a) => a.type)).toEqual(['c', 'o', 'ou', 'cn']);
  });

  it('is not self-signed when names match but the signature does not verify with its own key', () => {
    const other = issue({ subject: 'Same Name', key: testKey('ec', 'other') });
    const forged = issue({ subject: 'Same Name', key: testKey('ec', 'forged'), issuer: { cert: other } });
    expect(parseCertificate(forged.der).selfSigned).toBe(false);
  });

  it('rejects bytes that are not a certificate with a clear error', () => {
    expect(() => parseCertificate(Buffer.from('30030201', 'hex'))).toThrow(/DER: not a valid X\.509 certificate/);
  });

  it('round-trips through toPem', () => {
    const der = issue({ subject: 'pem', key: testKey('ec', 'pem') }).der;
    expect(parseCertificate(der).pem).toBe(toPem(der));
    expect(parseCertificates(toPem(der), 'x.pem')[0]?.der.equals(der)).toBe(true);
  });
});

describe('parseCertificate on every root of Debian ca-certificates', () => {
  const dir = '/usr/share/ca-certificates/mozilla';
  const files = readdirSync(dir).filter((f) => f.endsWith('.crt'));

  it('parses each one and agrees with Node on fingerprints, serial, validity and names', () => {
    expect(files.length).toBeGreaterThan(100);
    for (const file of files) {
      const [cert] = parseCertificates(readFileSync(`${dir}/${file}`, 'utf8'), file);
      const node = new X509Certificate(cert!.der);
      expect(cert!.sha1).toBe(node.fingerprint.replace(/:/g, ''));
      // Node drops the sign byte IOS keeps (and prints a zero serial as 0); the value is the same.
      expect(BigInt(`0x${cert!.serialHex}`)).toBe(BigInt(`0x${node.serialNumber}`));
      expect(cert!.serialHex).toMatch(/^(?:[0-9A-F]{2})+$/);
      expect(cert!.notAfter.getTime()).toBe(new Date(node.validTo).getTime());
      expect(Array.isArray(cert!.subject) && cert!.subject.constructor === Array).toBe(true);
      expect(cert!.subject.map((a) => a.value)).toEqual(node.subject.split('\n').map((l) => l.slice(l.indexOf('=') + 1).replace(/\\(.)/g, '$1')));
      expect(cert!.selfSigned).toBe(node.checkIssued(node) && node.verify(node.publicKey));
    }
  });
});
