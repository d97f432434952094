import { describe, expect, it } from '@jest/globals';
import { IOS_XE_CLI } from '../../src/device/index.js';
import { Redactor, stripEchoAndPrompt } from '../../src/transport/ssh-cli/index.js';
import { loadCapture } from '../fixtures/load.js';

describe('stripEchoAndPrompt', () => {
  it('drops the echo and the trailing prompt', () => {
    expect(stripEchoAndPrompt('show clock\n*07:31:46.123 UTC Mon Nov 23 2026\nR1#', 'show clock', IOS_XE_CLI)).toBe('*07:31:46.123 UTC Mon Nov 23 2026');
    expect(stripEchoAndPrompt('terminal length 0\nR1#', 'terminal length 0', IOS_XE_CLI)).toBe('');
  });

  it('finds the echo after a syslog line and a redisplayed prompt (as IOS prints them, IOSv capture)', () => {
    const text = '\n*Dec  6 20:17:37.658: %HA_EM-3-FMPD_ERROR: Error executing applet LOOP0 statement 7.0\nR1#show logging | include HA_EM\nline one\nR1#';
    expect(stripEchoAndPrompt(text, 'show logging | include HA_EM', IOS_XE_CLI)).toBe('line one');
  });

  it('keeps output lines holding a # (startup-config nvram references)', () => {
    const capture = loadCapture('show_config_crypto_pki_ie3x00_17_3_1.txt');
    const output = stripEchoAndPrompt(`show startup-config\n${capture}\nIE3400#`, 'show startup-config', IOS_XE_CLI);
    expect(output).toContain(' certificate self-signed 01 nvram:IOS-Self-Sig#2.cer');
    expect(output).toContain(' certificate ca 01 nvram:CiscoLicensi#1CA.cer');
  });
});

describe('Redactor', () => {
  it('removes marked secrets, longest first, and user:password@ strings', () => {
    const r = new Redactor(['Adm1n-Secret!', undefined, 'ab']);
    r.add('Adm1n-Secret!-longer');
    expect(r.redact('login Adm1n-Secret!-longer then Adm1n-Secret!')).toBe('login <redacted> then <redacted>');
    expect(r.redact('event manager environment _email_server alerts:pw0rd@smtp.example.net')).toBe(
      'event manager environment _email_server alerts:<redacted>@smtp.example.net',
    );
    // Too short to redact safely; plain e-mail addresses and nvram names are not credentials.
    expect(r.redact('ab to noc@example.net nvram:R1#1.cer 20:17:37.657')).toBe('ab to noc@example.net nvram:R1#1.cer 20:17:37.657');
  });
});
