/** IOS renderings checked against real IOS output for the same certificates (sources named per fixture). */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import {
  derFromIosHex,
  hexGroups,
  iosDate,
  iosDnLines,
  iosDnOneLine,
  iosFingerprint,
  iosHexLines,
  iosKeyId,
  iosKeyUsageHex,
  iosKeyUsageLabels,
  iosPublicKeyLines,
  iosSignatureAlgorithm,
} from '../../src/certs/ios-format.js';
import { parseCertificate, parseCertificates } from '../../src/certs/x509.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/certs/${name}`, import.meta.url), 'utf8');
const debian = (name: string): string => readFileSync(`/usr/share/ca-certificates/mozilla/${name}`, 'utf8');

/** The running-config chain `name` of the 17.9.8 capture: the certificate line and the hex lines, CRLF kept. */
function runningConfigChain(name: string): { certLine: string; hexLines: string[]; quitLine: string } {
  const lines = fixture('genielibs_show_running_config_crypto_pki_excerpt_17_9_1.txt').split('\n');
  const start = lines.indexOf(`crypto pki certificate chain ${name}\r`);
  expect(start).toBeGreaterThan(0);
  const end = lines.findIndex((l, i) => i > start && l.endsWith('quit\r'));
  return {
    certLine: (lines[start + 1] ?? '').replace(/\r$/, ''),
    hexLines: lines.slice(start + 2, end).map((l) => l.replace(/\r$/, '')),
    quitLine: (lines[end] ?? '').replace(/\r$/, ''),
  };
}

describe('fingerprints as IOS prints them', () => {
  it('GTS Root R1 and GlobalSign Root CA (Debian ca-certificates) match the fingerprints IOS printed', () => {
    const gts = parseCertificates(debian('GTS_Root_R1.crt'), 'GTS_Root_R1.crt')[0]!;
    expect(iosFingerprint(gts.der, 'md5')).toBe('05FED0BF 71A8A376 63DA01E0 D852DC40');
    expect(iosFingerprint(gts.der, 'sha1')).toBe('E58C1CC4 913B3863 4BE9106E E3AD8E6B 9DD9814A');
    const gs = parseCertificates(debian('GlobalSign_Root_CA.crt'), 'GlobalSign_Root_CA.crt')[0]!;
    expect(iosFingerprint(gs.der, 'md5')).toBe('3E455215 095192E1 B75D379F B187298A');
    expect(iosFingerprint(gs.der, 'sha1')).toBe('B1BC968B D4F49D62 2AA89A81 F2150152 A41D829C');
  });

  it('reproduces the fingerprint lines of the IOSv authenticate transcript from the PEM pasted in it', () => {
    const transcript = fixture('transcript_crypto_pki_authenticate_pem_iosv_1.txt');
    const [cert] = parseCertificates(transcript, 'transcript_crypto_pki_authenticate_pem_iosv_1.txt');
    expect(cert).toBeDefined();
    // The dialog's alignment (7 and 6 spaces) and the trailing space are the caller's; the value is ours.
    expect(transcript).toContain(`\n       Fingerprint MD5: ${iosFingerprint(cert!.der, 'md5')} \n`);
    expect(transcript).toContain(`\n      Fingerprint SHA1: ${iosFingerprint(cert!.der, 'sha1')} \n`);
    expect(hexGroups(cert!.md5)).toBe('0813A2CD A3577F5B B8444C8F 093BDB2E');
  });
});

describe('running-config certificate hex', () => {
  it.each(['SLA-TrustPoint', 'TP-self-signed-1357684700'])('reproduces the %s chain of a 17.9.8 running config byte for byte', (name) => {
    const chain = runningConfigChain(name);
    const der = derFromIosHex(chain.hexLines);
    const cert = parseCertificate(der);
    expect(iosHexLines(cert.der).map((l) => `  ${l}`)).toEqual(chain.hexLines);
    expect(chain.certLine).toMatch(new RegExp(`^ certificate (ca|self-signed) ${cert.serialHex}$`));
    expect(chain.quitLine).toBe('  \tquit');
  });

  it('the SLA-TrustPoint from the running config has the fingerprints, serial and names IOS shows for it', () => {
    const cert = parseCertificate(derFromIosHex(runningConfigChain('SLA-TrustPoint').hexLines));
    const status = fixture('genie_show_crypto_pki_trustpoints_status_1.txt');
    const block = status.slice(status.indexOf('Trustpoint SLA-TrustPoint:'), status.indexOf('Trustpoint', status.indexOf('Trustpoint SLA-TrustPoint:') + 1));
    expect(block).toContain(`\n     ${iosDnOneLine(cert.subject)}\n`);
    expect(block).toContain(`    Fingerprint MD5: ${iosFingerprint(cert.der, 'md5')} \n`);
    expect(block).toContain(`    Fingerprint SHA1: ${iosFingerprint(cert.der, 'sha1')} \n`);
    const trustpoints = fixture('genie_show_crypto_pki_trustpoints_1.txt');
    const expected = [
      'Trustpoint SLA-TrustPoint:',
      '    Subject Name:',
      ...iosDnLines(cert.subject).map((l) => `    ${l}`),
      `          Serial Number (hex): ${cert.serialHex}`,
    ].join('\n');
    expect(trustpoints).toContain(expected);
    expect(cert.serialHex).toBe('01');
  });

  it('GTS Root R1: serial and first/last hex lines as in a real running config', () => {
    const cert = parseCertificates(debian('GTS_Root_R1.crt'), 'GTS_Root_R1.crt')[0]!;
    const lines = iosHexLines(cert.der);
    expect(cert.serialHex).toBe('0203E5936F31B01349886BA217');
    expect(lines[0]).toBe('30820557 3082033F A0030201 02020D02 03E5936F 31B01349 886BA217 300D0609 ');
    expect(lines[1]).toBe('2A864886 F70D0101 0C050030 47310B30 09060355 04061302 55533122 30200603 ');
    expect(lines.at(-1)).toBe('6CFE8CBC F270350C DC991935 DCD7C846 63D53671 AE57FBB7 826DDC');
    const gs = parseCertificates(debian('GlobalSign_Root_CA.crt'), 'GlobalSign_Root_CA.crt')[0]!;
    expect(gs.serialHex).toBe('040000000001154B5AC394');
  });

  it('ends a DER whose length is a multiple of 32 bytes with a full line and no trailing space', () => {
    const lines = iosHexLines(Buffer.alloc(64, 0xab));
    expect(lines).toEqual([`${'ABABABAB '.repeat(8)}`, 'ABABABAB '.repeat(8).trimEnd()]);
  });

  it('rejects hex that is not whole bytes', () => {
    expect(() => derFromIosHex(['30820321 3082020'])).toThrow(/hex digit pairs/);
  });
});

describe('show crypto pki certificates fields', () => {
  it('prints DN lines last RDN first with IOS short names', () => {
    const gts = parseCertificates(debian('GTS_Root_R1.crt'), 'GTS_Root_R1.crt')[0]!;
    expect(iosDnLines(gts.subject)).toEqual(['cn=GTS Root R1', 'o=Google Trust Services LLC', 'c=US']);
    const gs = parseCertificates(debian('GlobalSign_Root_CA.crt'), 'GlobalSign_Root_CA.crt')[0]!;
    expect(iosDnLines(gs.issuer)).toEqual(['cn=GlobalSign Root CA', 'ou=Root CA', 'o=GlobalSign nv-sa', 'c=BE']);
  });

  it('joins a multi-valued RDN with + and labels unstructuredName per release (genieparser csr / pqc 26.x captures)', () => {
    const dn = [
      { type: 'serialNumber', value: '9HI3W7WA3K8' },
      { type: 'unstructuredName', value: 'pki-reg7', sameRdnAsPrevious: true as const },
    ];
    const capture = fixture('genie_show_crypto_pki_certificates_verbose_csr_2.txt');
    expect(capture).toContain(`\n    ${iosDnLines(dn)[0] ?? ''}\n`);
    expect(iosDnLines([{ type: 'unstructuredName', value: 'bfl-cpoc-d14-8235-02.lab.local' }], { unstructuredName: 'unstructuredname' })).toEqual([
      'unstructuredname=bfl-cpoc-d14-8235-02.lab.local',
    ]);
    expect(
      iosDnOneLine([
        { type: 'o', value: 'Cisco' },
        { type: 'cn', value: 'ACT2 SUDI CA' },
      ]),
    ).toBe('cn=ACT2 SUDI CA,o=Cisco');
  });

  it('prints validity dates as HH:MM:SS UTC Mon D YYYY with the day unpadded', () => {
    const gts = parseCertificates(debian('GTS_Root_R1.crt'), 'GTS_Root_R1.crt')[0]!;
    expect(iosDate(gts.notBefore)).toBe('00:00:00 UTC Jun 22 2016');
    expect(iosDate(gts.notAfter)).toBe('00:00:00 UTC Jun 22 2036');
    // Values seen in real captures (dossier 3.1/3.2).
    expect(iosDate(new Date('2020-08-13T00:00:42Z'))).toBe('00:00:42 UTC Aug 13 2020');
    expect(iosDate(new Date('2024-02-06T13:56:18Z'))).toBe('13:56:18 UTC Feb 6 2024');
  });

  it('prints key usage as the 32-bit map without leading zeros, and its labels', () => {
    const gts = parseCertificates(debian('GTS_Root_R1.crt'), 'GTS_Root_R1.crt')[0]!;
    expect(gts.keyUsage?.bits).toBe(0x86000000);
    expect(gts.keyUsage?.names).toEqual(['digitalSignature', 'keyCertSign', 'cRLSign']);
    expect(iosKeyUsageHex(gts.keyUsage?.bits ?? 0)).toBe('86000000');
    // keyCertSign + cRLSign prints without its leading zero (pqc 26.2 capture, dossier 3.2).
    expect(iosKeyUsageHex(0x06000000)).toBe('6000000');
    const iosv = parseCertificates(fixture('transcript_crypto_pki_authenticate_pem_iosv_1.txt'), 'iosv')[0]!;
    expect(iosKeyUsageHex(iosv.keyUsage?.bits ?? 0)).toBe('86000000');
    expect(iosKeyUsageLabels(iosv.keyUsage?.bits ?? 0)).toEqual(['Digital Signature', 'Key Cert Sign', 'CRL Signature']);
    expect(iosKeyUsageHex(0xa0000000)).toBe('A0000000');
  });

  it('prints key ids in groups of 8, signature and key algorithms in IOS words', () => {
    const gts = parseCertificates(debian('GTS_Root_R1.crt'), 'GTS_Root_R1.crt')[0]!;
    // GTS CA 1C3's Authority Key ID on IOS XE 17.x is GTS Root R1's Subject Key ID (dossier 3.2 seed capture).
    expect(iosKeyId(gts.subjectKeyId ?? '')).toBe('E4AF2B26 711A2B48 27852F52 662CEFF0 8913713E');
    expect(iosSignatureAlgorithm(gts.signatureAlgorithm)).toBe('SHA384 with RSA Encryption');
    expect(iosPublicKeyLines(gts.publicKey)).toEqual(['Public Key Algorithm: rsaEncryption', 'RSA Public Key: (4096 bit)']);
    const gs = parseCertificates(debian('GlobalSign_Root_CA.crt'), 'GlobalSign_Root_CA.crt')[0]!;
    expect(iosSignatureAlgorithm(gs.signatureAlgorithm)).toBe('SHA1 with RSA Encryption');
  });
});
