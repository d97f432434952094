/**
 * The audit's pure part on real captures and on certificates made for the case: certificate facts from the DER a
 * device holds (checked against openssl, an independent reader), mail health from real EEM failure logs, and the
 * findings (expiry, weak keys, SHA-1, drift wording, built-in trustpoints left out unless asked).
 */
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { auditedTrustpoints, mailHealth, mailFindings, soonestExpiry, trustpointFindings } from '../../src/audit/index.js';
import { parsePkiConfig } from '../../src/device/index.js';
import { loadCapture } from '../fixtures/load.js';
import { issue, testKey } from '../helpers/cert-factory.js';
import type { TestKey } from '../helpers/cert-factory.js';

const NOW = new Date('2026-12-06T10:00:00Z');
const DAY = 86_400_000;

function openssl(der: Buffer, ...args: string[]): string {
  return execFileSync('openssl', ['x509', '-inform', 'DER', '-noout', ...args], { input: der }).toString();
}

describe('certificates from the running config (genielibs 17.9.1 capture)', () => {
  const text = loadCapture('genielibs_show_running_config_crypto_pki_excerpt_17_9_1.txt');
  const pki = parsePkiConfig(text);
  const trustpoints = auditedTrustpoints(pki);

  it('lists both built-in trustpoints with their certificates, marked built-in', () => {
    expect(trustpoints.map((t) => [t.name, t.builtIn, t.certificates.map((c) => c.role)])).toEqual([
      ['TP-self-signed-1357684700', true, ['identity']],
      ['SLA-TrustPoint', true, ['ca']],
    ]);
  });

  it('gives serial, SHA1 (IOS groups), names, validity and key as openssl reads the same DER', () => {
    for (const chain of pki.chains) {
      const entry = chain.certificates[0];
      if (!entry) throw new Error(`no certificate in ${chain.trustpoint}`);
      const audited = trustpoints.find((t) => t.name === chain.trustpoint)?.certificates[0];
      const fingerprint = /=([0-9A-F:]+)/.exec(openssl(entry.der, '-fingerprint', '-sha1'))?.[1]?.replace(/:/g, '') ?? '';
      expect(audited?.sha1.replace(/ /g, '')).toBe(fingerprint);
      expect(audited?.sha1).toMatch(/^[0-9A-F]{8}( [0-9A-F]{8}){4}$/);
      const end = /notAfter=(.*)/.exec(openssl(entry.der, '-enddate'))?.[1] ?? '';
      expect(audited?.notAfter).toBe(new Date(end).toISOString());
      const serial = /serial=([0-9A-F]+)/.exec(openssl(entry.der, '-serial'))?.[1] ?? '';
      expect(audited?.serialHex.replace(/^0+/, '')).toBe(serial.replace(/^0+/, ''));
      expect(openssl(entry.der, '-text')).toContain(`Public-Key: (${audited?.keyBits ?? 0} bit)`);
    }
    const sla = trustpoints.find((t) => t.name === 'SLA-TrustPoint')?.certificates[0];
    expect(sla).toMatchObject({
      subjectCn: 'Cisco Licensing Root CA',
      issuerCn: 'Cisco Licensing Root CA',
      keyType: 'rsa',
      keyBits: 2048,
      signatureHash: 'sha256',
      selfSigned: true,
    });
  });

  it('judges built-in trustpoints only when asked', () => {
    expect(trustpointFindings(trustpoints, { now: NOW, warnBeforeSeconds: 30 * 86_400 })).toEqual([]);
    expect(soonestExpiry(trustpoints, false)).toBeUndefined();
    const all = trustpointFindings(trustpoints, { now: NOW, warnBeforeSeconds: 30 * 86_400, allTrustpoints: true });
    // The 17.9.1 device's self-signed certificate ended years before NOW.
    expect(all.map((f) => `${f.kind} ${f.trustpoint ?? ''}`)).toContain('expired TP-self-signed-1357684700');
    expect(soonestExpiry(trustpoints, true)?.trustpoint).toBe('TP-self-signed-1357684700');
  });
});

describe('mail health from the device log', () => {
  it('reads a real connect failure (IOSv capture) as failing, with its time and reason', () => {
    const health = mailHealth(loadCapture('eem_mail_failure_syslog_connect_iosv_2.txt'));
    expect(health.state).toBe('failing');
    expect(health.lastFailure).toMatchObject({ time: 'Dec  6 20:17:37.658', reason: 'error in connecting to SMTP server' });
    expect(health.lastFailure?.line).toContain('%HA_EM-3-FMPD_ERROR: Error executing applet LOOP0 statement 7.0');
    expect(mailFindings('R1', health)[0]?.message).toBe(
      "e-mail alerting failed at Dec  6 20:17:37.658: error in connecting to SMTP server, and no certagent proof since; 'certagent fix R1' diagnoses it",
    );
  });

  it('reads a real timeout without timestamps (classic IOS capture) as failing', () => {
    const health = mailHealth(loadCapture('eem_mail_failure_syslog_timeout_ios_1.txt'));
    expect(health).toMatchObject({ state: 'failing', lastFailure: { reason: 'timeout error' } });
    expect(health.lastFailure?.time).toBeUndefined();
  });

  it('a certagent proof marker after the failure means the path works again; before it, it does not', () => {
    const failure = loadCapture('eem_mail_failure_syslog_connect_iosv_2.txt');
    const marker = '*Dec  6 20:19:02.101: %HA_EM-6-LOG: SendSecureEmailEEM: certagent: SendSecureEmailEEM done 5f3a9c';
    expect(mailHealth(`${failure}\n${marker}\n`)).toMatchObject({ state: 'ok', lastSuccess: { time: 'Dec  6 20:19:02.101' } });
    expect(mailHealth(`${marker}\n${failure}`).state).toBe('failing');
    expect(mailFindings('R1', mailHealth(`${marker}\n${failure}`))[0]?.message).toContain('(last proof of success at Dec  6 20:19:02.101)');
    expect(mailHealth('*Dec  6 20:17:25.370: %HA_EM-6-LOG: LOOP0: Im in interface mode now\n')).toEqual({ state: 'unknown' });
  });

  it('never keeps the SMTP password of the server string', () => {
    const line =
      '*Dec  6 20:17:37.657: %HA_EM-3-FMPD_SMTP: Error occurred when sending mail to SMTP server: alerts:Sup3rS3cret@smtp.example.com : error in connecting to SMTP server';
    expect(JSON.stringify(mailHealth(line))).not.toContain('Sup3rS3cret');
  });
});

describe('certificate findings', () => {
  const key = testKey('rsa', 'audit');
  function tp(name: string, spec: { notAfter: Date; hash?: 'sha1' | 'sha256'; key?: TestKey }) {
    const cert = issue({
      subject: `${name} CA`,
      key: spec.key ?? key,
      ca: true,
      notBefore: new Date(NOW.getTime() - 400 * DAY),
      notAfter: spec.notAfter,
      ...(spec.hash && { hash: spec.hash }),
    });
    // Eight groups of eight hex digits a line, as IOS prints a chain (the parser reads no other layout).
    const groups =
      cert.der
        .toString('hex')
        .toUpperCase()
        .match(/.{1,8}/g) ?? [];
    const lines = [];
    for (let i = 0; i < groups.length; i += 8) lines.push(`  ${groups.slice(i, i + 8).join(' ')}`);
    return `crypto pki trustpoint ${name}\n enrollment terminal\n!\ncrypto pki certificate chain ${name}\n certificate ca 01\n${lines.join('\n')}\n  \tquit\n`;
  }

  it('names expired, expiring, SHA-1 and short keys in plain words; leaves good ones alone', () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const text = [
      tp('GOOD', { notAfter: new Date(NOW.getTime() + 400 * DAY) }),
      tp('OLD', { notAfter: new Date(NOW.getTime() - 3 * DAY) }),
      tp('SOON', { notAfter: new Date(NOW.getTime() + 10 * DAY + 3_600_000) }),
      tp('SHA1', { notAfter: new Date(NOW.getTime() + 400 * DAY), hash: 'sha1' }),
      tp('SHORT', { notAfter: new Date(NOW.getTime() + 400 * DAY), key: { kind: 'rsa', ...weak } }),
    ].join('');
    const trustpoints = auditedTrustpoints(parsePkiConfig(text));
    const findings = trustpointFindings(trustpoints, { now: NOW, warnBeforeSeconds: 30 * 86_400 });
    expect(findings.map((f) => `${f.kind} ${f.trustpoint ?? ''}`)).toEqual(['expired OLD', 'expiring SOON', 'weak-signature SHA1', 'weak-key SHORT']);
    expect(findings[0]?.message).toMatch(/^OLD: the CA certificate cn=OLD CA \(serial [0-9A-F]+\) expired on 2026-12-03 \(3 days ago\); install its successor/);
    expect(findings[1]?.message).toContain('expires on 2026-12-16, in 10 days');
    expect(findings[3]?.message).toContain('an RSA key of 1024 bits (2048 or more is needed)');
    expect(soonestExpiry(trustpoints, false)).toEqual({
      trustpoint: 'OLD',
      notAfter: new Date(NOW.getTime() - 3 * DAY).toISOString().replace(/\.\d+Z$/, '.000Z'),
    });
    expect(trustpointFindings(trustpoints, { now: NOW, warnBeforeSeconds: 5 * 86_400 }).map((f) => f.kind)).not.toContain('expiring');
  });
});
