import { describe, expect, it } from '@jest/globals';
import { formatPath, parseDuration, parseFingerprint, parseProbeUrl, trustpointNameFromCommonName, trustpointNameProblem } from '../../src/config/index.js';

describe('durations', () => {
  it('reads days, hours, weeks and combinations as seconds', () => {
    expect(parseDuration('30d')).toBe(2592000);
    expect(parseDuration('12h')).toBe(43200);
    expect(parseDuration('2w')).toBe(1209600);
    expect(parseDuration('1d12h')).toBe(129600);
    expect(parseDuration('90m')).toBe(5400);
  });
  it('refuses what is not a duration', () => {
    for (const text of ['', '30', 'd', '30 days', '-1d', '1.5d', '30y']) expect(parseDuration(text)).toBeUndefined();
  });
});

describe('trustpoint names', () => {
  it('accepts the names used in the field', () => {
    for (const name of ['CA-GTS-1C3', 'CA-GTS-Root-R1', 'CA-gmail-SMTP', 'CCM-cert-02', 'TP_1.backup']) {
      expect(trustpointNameProblem(name)).toBeUndefined();
    }
  });
  it('explains what IOS would not take', () => {
    expect(trustpointNameProblem('')).toBe('is empty');
    expect(trustpointNameProblem('GTS Root')).toContain('white space');
    expect(trustpointNameProblem('what?')).toContain('help request');
    expect(trustpointNameProblem('-lead')).toContain('must start with a letter or digit');
    expect(trustpointNameProblem('a'.repeat(65))).toContain('65 characters');
  });
  it('derives a name from a CN', () => {
    expect(trustpointNameFromCommonName('CA-', 'GTS Root R1')).toBe('CA-GTS-Root-R1');
    expect(trustpointNameFromCommonName('CA-', 'GlobalSign Root CA')).toBe('CA-GlobalSign-Root-CA');
    expect(trustpointNameFromCommonName('', 'Example, Inc. (Issuing)')).toBe('Example-Inc.-Issuing');
    expect(trustpointNameFromCommonName('CA-', 'x'.repeat(100))).toHaveLength(64);
  });
});

describe('fingerprints', () => {
  it('reads IOS and OpenSSL spellings', () => {
    expect(parseFingerprint('E58C1CC4 913B3863 4BE9106E E3AD8E6B 9DD9814A')).toEqual({
      algorithm: 'sha1',
      hex: 'E58C1CC4913B38634BE9106EE3AD8E6B9DD9814A',
    });
    expect(parseFingerprint('05:FE:D0:BF:71:A8:A3:76:63:DA:01:E0:D8:52:DC:40')?.algorithm).toBe('md5');
    expect(parseFingerprint('sha256:' + 'ab'.repeat(32))?.algorithm).toBe('sha256');
    expect(parseFingerprint('1234')).toBeUndefined();
    expect(parseFingerprint('zz'.repeat(20))).toBeUndefined();
  });
});

describe('probe URLs', () => {
  it('reads STARTTLS and implicit TLS endpoints with their default ports', () => {
    expect(parseProbeUrl('smtp://smtp.gmail.com:587')).toMatchObject({ protocol: 'smtp-starttls', host: 'smtp.gmail.com', port: 587 });
    expect(parseProbeUrl('smtp://mail.example.com')).toMatchObject({ port: 587 });
    expect(parseProbeUrl('smtps://smtp.gmail.com')).toMatchObject({ protocol: 'smtps', port: 465 });
  });
  it('explains what it refuses', () => {
    expect(parseProbeUrl('smtp.gmail.com:587')).toContain('scheme');
    expect(parseProbeUrl('https://x.example.com')).toContain('scheme https: is not probed');
    expect(parseProbeUrl('smtp://u:p@x.example.com')).toContain('must not carry credentials');
    expect(parseProbeUrl('not a url')).toContain('must be a URL');
  });
});

describe('paths', () => {
  it('prints paths as a reader would type them', () => {
    expect(formatPath(['devices', 3, 'port'])).toBe('devices[3].port');
    expect(formatPath(['ip_hosts', 'smtp.lab.example'])).toBe('ip_hosts["smtp.lab.example"]');
    expect(formatPath([])).toBe('(top level)');
  });
});
