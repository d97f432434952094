import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { parsePkiConfig } from '../../src/device/parsers/pki-config.js';
import { parseCertificate } from '../../src/certs/x509.js';
import { loadCapture } from '../fixtures/load.js';

describe('parsePkiConfig', () => {
  it('reads the 17.9.8 running config: stanzas, chains and DER that parses as X.509', () => {
    const config = parsePkiConfig(loadCapture('genielibs_show_running_config_crypto_pki_excerpt_17_9_1.txt'));
    expect(config.trustpoints.map((t) => t.name)).toEqual(['TP-self-signed-1357684700', 'SLA-TrustPoint']);
    expect(config.trustpoints[0]).toMatchObject({
      enrollment: 'selfsigned',
      revocationCheck: 'none',
      rsakeypair: 'TP-self-signed-1357684700',
      hash: 'sha256',
      subjectName: 'cn=IOS-Self-Signed-Certificate-1357684700',
    });
    expect(config.trustpoints[1]).toMatchObject({
      enrollment: 'pkcs12',
      revocationCheck: 'crl',
      lines: ['enrollment pkcs12', 'revocation-check crl', 'hash sha256'],
    });
    expect(config.chains).toHaveLength(2);
    const sla = config.chains[1];
    expect(sla?.trustpoint).toBe('SLA-TrustPoint');
    expect(sla?.certificates).toHaveLength(1);
    const cert = sla?.certificates[0];
    expect(cert).toMatchObject({ type: 'ca', serialHex: '01' });
    expect(cert?.der.length).toBe(805);
    // The dossier recomputed this MD5 from the same hex; show crypto pki trustpoints status prints it too.
    expect(
      createHash('md5')
        .update(cert?.der ?? Buffer.alloc(0))
        .digest('hex')
        .toUpperCase(),
    ).toBe('1468DC18250BDFCF769C29DFE1F7E5A8');
    const facts = parseCertificate(cert?.der ?? Buffer.alloc(0));
    expect(facts.commonName).toBe('Cisco Licensing Root CA');
    const selfSigned = config.chains[0]?.certificates[0];
    expect(selfSigned?.type).toBe('self-signed');
    expect(parseCertificate(selfSigned?.der ?? Buffer.alloc(0)).commonName).toBe('IOS-Self-Signed-Certificate-1357684700');
  });

  it('reads the startup-config form whose certificates live in nvram files (the # is no prompt)', () => {
    const config = parsePkiConfig(loadCapture('show_config_crypto_pki_ie3x00_17_3_1.txt'));
    expect(config.chains.map((c) => c.certificates[0])).toEqual([
      { type: 'self-signed', serialHex: '01', der: Buffer.alloc(0), nvramFile: 'nvram:IOS-Self-Sig#2.cer' },
      { type: 'ca', serialHex: '01', der: Buffer.alloc(0), nvramFile: 'nvram:CiscoLicensi#1CA.cer' },
    ]);
  });

  it('reads pinned fingerprints, chain-validation and identity certificates', () => {
    const config = parsePkiConfig(
      [
        'crypto pki trustpoint CA-GTS-1C3',
        ' enrollment terminal',
        ' fingerprint 4E5658EA99300A9A5AFF2EB9C8114485',
        ' revocation-check none',
        ' chain-validation stop',
        '!',
        'crypto pki certificate chain CA-GTS-1C3',
        'crypto pki certificate chain R1-ID',
        ' certificate 0A',
        '  3003 0201 01',
        '  \tquit',
      ].join('\n'),
    );
    expect(config.trustpoints[0]).toMatchObject({ fingerprint: '4E5658EA99300A9A5AFF2EB9C8114485', chainValidation: 'stop', enrollment: 'terminal' });
    expect(config.chains[0]).toEqual({ trustpoint: 'CA-GTS-1C3', certificates: [] });
    expect(config.chains[1]?.certificates[0]).toEqual({ type: 'identity', serialHex: '0A', der: Buffer.from('3003020101', 'hex') });
  });

  it('marks a certificate with an odd number of hex digits unreadable instead of throwing', () => {
    const cert = parsePkiConfig('crypto pki certificate chain X\n certificate ca 01\n  ABC\n  quit\n').chains[0]?.certificates[0];
    expect(cert).toEqual({ type: 'ca', serialHex: '01', der: Buffer.alloc(0), unreadable: 'certificate 01: its hex has an odd number of digits (3)' });
  });
});

/** The 17.9.8 capture with one line changed or added inside the SLA-TrustPoint CA certificate's hex. */
function interruptedCapture(edit: (lines: string[], at: number) => void): string {
  const lines = loadCapture('genielibs_show_running_config_crypto_pki_excerpt_17_9_1.txt').split('\n');
  const head = lines.findIndex((l) => l.trim() === 'certificate ca 01');
  const at = head + 10;
  expect(lines[at]).toMatch(/^ {2}[0-9A-F]{8} /);
  edit(lines, at);
  return lines.join('\n');
}

/** Real IOS XE syslog text (genieparser iosxe ShowLogging golden output), as a vty with terminal monitor prints it. */
const SYSLOG = '*Jun  5 05:10:59.519: %SYS-5-CONFIG_I: Configured from console by cisco on console';

describe('parsePkiConfig on interrupted output', () => {
  const clean = parsePkiConfig(loadCapture('genielibs_show_running_config_crypto_pki_excerpt_17_9_1.txt')).chains[1]?.certificates[0];

  it('skips a syslog line printed between two hex lines: the DER is the same', () => {
    for (const line of [
      SYSLOG,
      'Jun  5 05:10:59.519 EST: %SYS-5-CONFIG_I: Configured from console by cisco on console',
      '000123: *Jun  5 05:10:59.519: %LINK-3-UPDOWN: Interface GigabitEthernet1, changed state to up',
    ]) {
      const cert = parsePkiConfig(interruptedCapture((l, at) => l.splice(at, 0, line))).chains[1]?.certificates[0];
      expect(cert?.unreadable).toBeUndefined();
      expect(cert?.der.equals(clean?.der ?? Buffer.alloc(1))).toBe(true);
    }
  });

  it('marks unreadable a hex line the log message broke, naming the line', () => {
    const text = interruptedCapture((l, at) => l.splice(at, 1, `  ${(l[at] ?? '').trim().slice(0, 13)}${SYSLOG}`));
    const config = parsePkiConfig(text);
    const cert = config.chains[1]?.certificates[0];
    expect(cert?.der.length).toBe(0);
    expect(cert?.unreadable).toMatch(/^certificate 01: line \d+ ".*%SYS-5-CONFIG_I: Config\.\.\." is not certificate hex$/);
    // The other chain is untouched.
    expect(config.chains[0]?.certificates[0]?.unreadable).toBeUndefined();
  });

  it('marks unreadable a certificate cut by a line at column 0 or by the end of the output', () => {
    const cut = parsePkiConfig(interruptedCapture((l, at) => l.splice(at, 0, '30820122 300D0609'))).chains[1]?.certificates[0];
    expect(cut?.unreadable).toMatch(/^certificate 01: interrupted before its quit by line \d+ "30820122 300D0609"$/);
    const truncated = interruptedCapture((l, at) => l.splice(at + 1));
    expect(parsePkiConfig(truncated).chains[1]?.certificates[0]?.unreadable).toBe('certificate 01: the output ended before its quit');
  });
});
