import { describe, expect, test } from '@jest/globals';
import { SECRET_PATTERNS, SECRET_WORDS, SecretRedactor, redactPatterns } from '../../src/report/redaction.js';

describe('redactPatterns', () => {
  // The words let text without any of them skip the patterns: each pattern must require one of them.
  test.each(SECRET_PATTERNS.map((p) => [p.what, p.pattern.source]))('the pattern for %s names one of the secret words', (_what, source) => {
    expect(SECRET_WORDS.test(source)).toBe(true);
  });

  test.each([
    ['enable secret 9 $9$abcDEF', 'enable secret 9 <redacted>'],
    ['enable secret cisco123', 'enable secret <redacted>'],
    ['enable password 7 0822455D0A16', 'enable password 7 <redacted>'],
    ['R1(config)#enable secret level 15 5 $1$xyzw', 'R1(config)#enable secret level 15 5 <redacted>'],
    ['username admin privilege 15 secret 9 $9$qqq', 'username admin privilege 15 secret 9 <redacted>'],
    ['username bob password plaintext', 'username bob password <redacted>'],
    ['line vty 0 4\n password 7 0822455D0A16\n login', 'line vty 0 4\n password 7 <redacted>\n login'],
    ['line vty 0 4\n password cisco\n login', 'line vty 0 4\n password <redacted>\n login'],
    ['R1(config-line)#password cisco', 'R1(config-line)#password <redacted>'],
    ['crypto pki import TP pkcs12 tftp://10.0.0.1/tp.p12 password s3cr3t', 'crypto pki import TP pkcs12 tftp://10.0.0.1/tp.p12 password <redacted>'],
    // Real C9300 17.2.1 line (shared/iosxe/real-outputs/transcript_crypto_pki_import_pem_terminal_c9300_17_2_1.txt).
    [
      'C9300(config)#crypto pki import gnmitrustpoint1 pem terminal password Cisco12345',
      'C9300(config)#crypto pki import gnmitrustpoint1 pem terminal password <redacted>',
    ],
    ['enable algorithm-type scrypt secret Typed-In-1', 'enable algorithm-type scrypt secret <redacted>'],
    ['username admin privilege 15 algorithm-type scrypt secret Typed-In-2', 'username admin privilege 15 algorithm-type scrypt secret <redacted>'],
    ['enable secret 5', 'enable secret <redacted>'],
    [' action 1.0 cli command "enable secret Quoted-3"', ' action 1.0 cli command "enable secret <redacted>"'],
    ['snmp-server community s3cr3t RO', 'snmp-server community <redacted> RO'],
    ['crypto isakmp key MyPsk address 10.0.0.1', 'crypto isakmp key <redacted> address 10.0.0.1'],
    ['key config-key password-encrypt Cfg-Key-4', 'key config-key password-encrypt <redacted>'],
    [
      'key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nIBAAK\n-----END RSA PRIVATE KEY-----\nafter',
      'key:\n-----BEGIN RSA PRIVATE KEY----- <redacted> -----END RSA PRIVATE KEY-----\nafter',
    ],
    ['cut short -----BEGIN PRIVATE KEY-----\nMIIEvQ', 'cut short -----BEGIN PRIVATE KEY----- <redacted> -----END PRIVATE KEY-----'],
  ])('%j', (input, expected) => {
    expect(redactPatterns(input)).toBe(expected);
  });

  test.each([
    'service password-encryption',
    'username viewer nopassword',
    'the enable secret was refused',
    'no enable secret was given',
    'password for netops@R1',
    'secret from env SMTP_PASSWORD',
    'enable secret 9 <redacted>',
  ])('leaves prose and already redacted text alone: %j', (input) => {
    expect(redactPatterns(input)).toBe(input);
  });
});

describe('SecretRedactor', () => {
  test('masks registered values, revealables and server credentials', () => {
    const r = new SecretRedactor(['hunter22']);
    r.add({ reveal: () => 'Sm7p-Pa55' });
    expect(r.redact('login hunter22 then Sm7p-Pa55')).toBe('login <redacted> then <redacted>');
    expect(r.redact('event manager environment _email_server alerts:pw@smtp.example.com')).toBe(
      'event manager environment _email_server alerts:<redacted>@smtp.example.com',
    );
  });

  test('walks nested objects, arrays and errors (message, stack, cause) and cuts cycles', () => {
    const r = new SecretRedactor(['hunter22']);
    const cause = new Error('inner hunter22');
    const err = Object.assign(new Error('outer hunter22', { cause }), { command: 'enable secret hunter22' });
    const cyclic: Record<string, unknown> = { list: ['a hunter22'], nested: { deeper: { err } } };
    cyclic.self = cyclic;
    const out = JSON.stringify(r.redactDeep(cyclic));
    expect(out).not.toContain('hunter22');
    expect(out).toContain('outer <redacted>');
    expect(out).toContain('inner <redacted>');
    expect(out).toContain('"self":"[circular]"');
  });

  test('a value with toJSON (config Secret) is serialised, never walked for its value', () => {
    const r = new SecretRedactor();
    const secret = { reveal: () => 'topsecret', toJSON: () => '[secret from env X]' };
    expect(r.redactDeep({ secret })).toEqual({ secret: '[secret from env X]' });
  });
});
