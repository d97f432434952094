import { describe, expect, it } from '@jest/globals';
import { checkHost, dnsNameMatches, parseIp } from '../../src/certs/host.js';
import { parseCertificate } from '../../src/certs/x509.js';
import { issue, testKey } from '../helpers/cert-factory.js';

const key = testKey('ec', 'host');
const cert = (spec: { subject: string; dns?: string[]; ip?: string[] }) => parseCertificate(issue({ key, ...spec }).der);

describe('dnsNameMatches (RFC 6125)', () => {
  it.each([
    ['smtp.example.com', 'smtp.example.com', true],
    ['SMTP.Example.COM', 'smtp.example.com', true],
    ['smtp.example.com.', 'smtp.example.com', true],
    ['smtp.example.com', 'mail.example.com', false],
    ['*.example.com', 'smtp.example.com', true],
    ['*.example.com', 'example.com', false],
    ['*.example.com', 'a.b.example.com', false],
    ['*.example.com', '.example.com', false],
    ['*.com', 'example.com', false],
    ['w*.example.com', 'www.example.com', false],
    ['*.*.example.com', 'a.b.example.com', false],
    ['smtp.*.com', 'smtp.example.com', false],
    ['*.10.0.0', '1.10.0.0', false],
    ['', 'example.com', false],
  ])('%s vs %s → %s', (pattern, host, expected) => {
    expect(dnsNameMatches(pattern, host)).toBe(expected);
  });
});

describe('checkHost', () => {
  it('matches a DNS SAN and reports the names the certificate carries', () => {
    const r = checkHost(cert({ subject: 'smtp.gmail.com', dns: ['smtp.gmail.com', 'smtp.googlemail.com'] }), 'smtp.googlemail.com');
    expect(r).toMatchObject({ matches: true, matchedBy: 'dns-san', matchedName: 'smtp.googlemail.com', addressKind: 'dns', cnFallback: false });
    expect(r.names).toEqual({ dns: ['smtp.gmail.com', 'smtp.googlemail.com'], ip: [], cn: 'smtp.gmail.com' });
  });

  it('matches a wildcard SAN for one label only', () => {
    const c = cert({ subject: 'wild', dns: ['*.mail.example.test'] });
    expect(checkHost(c, 'smtp.mail.example.test')).toMatchObject({ matches: true, matchedBy: 'dns-san', matchedName: '*.mail.example.test' });
    expect(checkHost(c, 'mail.example.test').matches).toBe(false);
    expect(checkHost(c, 'a.smtp.mail.example.test').matches).toBe(false);
  });

  it('matches IPv4 and IPv6 addresses only against IP SANs, in any IPv6 spelling', () => {
    const c = cert({ subject: '192.0.2.25', dns: ['192.0.2.25', 'mail.example.test'], ip: ['10.48.36.215', '2001:db8::25'] });
    expect(checkHost(c, '10.48.36.215')).toMatchObject({ matches: true, matchedBy: 'ip-san', addressKind: 'ip' });
    expect(checkHost(c, '[2001:0db8:0:0:0:0:0:25]')).toMatchObject({ matches: true, matchedBy: 'ip-san', matchedName: '2001:db8::25' });
    // An IP written as a DNS SAN or as the CN does not count once SANs exist.
    expect(checkHost(c, '192.0.2.25').matches).toBe(false);
  });

  it('falls back to the CN only when the certificate has no DNS or IP SAN', () => {
    expect(checkHost(cert({ subject: 'legacy.example.test' }), 'legacy.example.test')).toMatchObject({ matches: true, matchedBy: 'cn', cnFallback: true });
    expect(checkHost(cert({ subject: '10.48.36.215' }), '10.48.36.215')).toMatchObject({ matches: true, matchedBy: 'cn' });
    const withSan = checkHost(cert({ subject: 'legacy.example.test', dns: ['other.example.test'] }), 'legacy.example.test');
    expect(withSan).toMatchObject({ matches: false, cnFallback: false });
    expect(withSan.matchedBy).toBeUndefined();
  });

  it('says no match when nothing names the address', () => {
    const r = checkHost(cert({ subject: 'a.example.test', dns: ['a.example.test'] }), '10.48.36.215');
    expect(r).toMatchObject({ matches: false, addressKind: 'ip' });
  });
});

describe('parseIp', () => {
  it.each([
    ['192.0.2.1', [192, 0, 2, 1]],
    ['::1', [...Array<number>(15).fill(0), 1]],
    ['::ffff:192.0.2.1', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1]],
  ])('%s', (text, bytes) => {
    expect(parseIp(text)).toEqual(bytes);
  });

  it.each(['256.1.1.1', 'example.com', '1::2::3', '1:2:3:4:5:6:7:8:9', '12345::'])('rejects %s', (text) => {
    expect(parseIp(text)).toBeUndefined();
  });
});
