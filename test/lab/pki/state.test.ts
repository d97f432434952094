/** The PKI defaults a lab router boots with, and the trust anchors it hands to EEM's TLS client. */
import { X509Certificate } from 'node:crypto';
import { describe, expect, test } from '@jest/globals';
import { trustAnchors } from '../../../src/lab/router/pki/anchors.js';
import { createPkiState, emptyPkiState, routerCertificate, slaCertificate } from '../../../src/lab/router/pki/state.js';

const BOOT = new Date('2026-11-23T07:00:00Z');

describe('defaults', () => {
  test('TP-self-signed-N then SLA-TrustPoint, with the options of the 17.9.8 capture', () => {
    const pki = createPkiState({ selfSignedNumber: 1357684700, bootTime: BOOT });
    expect([...pki.trustpoints.keys()]).toEqual(['TP-self-signed-1357684700', 'SLA-TrustPoint']);
    expect(pki.trustpoints.get('SLA-TrustPoint')).toMatchObject({ enrollment: { kind: 'pkcs12' }, revocationCheck: ['crl'], hash: 'sha256' });
    expect(emptyPkiState().trustpoints.size).toBe(0);
  });

  test('the self-signed certificate looks like IOS XE 17.9 makes it and really is self-signed', () => {
    const tp = createPkiState({ selfSignedNumber: 42, bootTime: BOOT }).trustpoints.get('TP-self-signed-42');
    const cert = tp && routerCertificate(tp);
    expect(cert?.role).toBe('self-signed');
    const f = cert?.facts;
    expect(f?.serialHex).toBe('01');
    expect(f?.commonName).toBe('IOS-Self-Signed-Certificate-42');
    expect(f?.selfSigned).toBe(true);
    expect(f?.basicConstraints?.ca).toBe(true);
    expect(f?.publicKey).toMatchObject({ algorithm: 'rsa', bits: 2048 });
    expect(f?.signatureAlgorithm.hash).toBe('sha256');
    expect(f?.notBefore.toISOString()).toBe('2026-11-23T07:00:00.000Z');
    expect(f?.notAfter.toISOString()).toBe('2036-11-22T07:00:00.000Z');
    expect(f?.subjectKeyId).toBe(f?.authorityKeyId);
    const x509 = new X509Certificate(f?.der ?? Buffer.alloc(0));
    expect(x509.verify(x509.publicKey)).toBe(true);
  });

  test('every router gets its own self-signed number, as devices do', () => {
    const names = new Set(Array.from({ length: 20 }, () => [...createPkiState().trustpoints.keys()][0]));
    expect(names.size).toBe(20);
  });

  test('the SLA root is the Cisco Licensing Root CA with the fingerprint the ISR4451 prints', () => {
    expect(slaCertificate().md5).toBe('1468DC18250BDFCF769C29DFE1F7E5A8');
    expect(slaCertificate().sha1).toBe('5CA95FB6E2980EC15AFB681BBB7E62B5AD3FA8B8');
  });
});

describe('trust anchors', () => {
  test('every CA certificate of every trustpoint, the router certificate excluded', () => {
    const pki = createPkiState({ bootTime: BOOT });
    const anchors = trustAnchors(pki);
    expect(anchors.map((a) => a.trustpoint)).toEqual(['SLA-TrustPoint']);
    expect(anchors[0]?.certificate.commonName).toBe('Cisco Licensing Root CA');
  });
});
