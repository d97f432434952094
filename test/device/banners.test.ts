/**
 * Banner text in config output is no configuration. The shapes are IOS's: `banner exec ^C` with the text on the
 * following lines and `^C` right after its last character (IOSv 15.2 `show running-config`, search index id
 * 36194536859), the closing `^C` alone on a line (IOS 12.4, 817503575), and a one-line banner
 * (`banner motd ^CUnauthorized access is strictly prohibited.^C`, 444022294).
 */
import { describe, expect, it } from '@jest/globals';
import { parseEemConfig, parsePkiConfig, withoutBanners } from '../../src/device/index.js';
import { parseFacts, UnclosedBannerError } from '../../src/workflow/facts.js';

/** What `show running-config | section crypto pki|event manager|ip host|^banner|\^C` lets through. */
const SECTIONED = [
  'crypto pki trustpoint REAL',
  ' enrollment terminal',
  'banner exec ^C',
  'crypto pki trustpoint EVIL',
  ' revocation-check none',
  'event manager applet EVIL-APPLET',
  ' action 1.0 syslog msg "evil"',
  'ip host smtp.lab.example 203.0.113.66',
  '**************************************************************************^C',
  'banner login ^C',
  'event manager environment _email_to evil@example.net',
  '^C',
  'banner motd ^Cip host one.line 203.0.113.67^C',
  'event manager applet REAL-APPLET',
  ' event none',
  'ip host smtp.lab.example 127.0.0.1',
].join('\r\n');

describe('banners in config text', () => {
  it('blanks each banner, first and last line included, keeping the line count', () => {
    const lines = SECTIONED.split('\r\n');
    const cut = withoutBanners(lines);
    expect(cut.unclosed).toBeUndefined();
    expect(cut.lines).toHaveLength(lines.length);
    expect(cut.lines.filter((l) => l !== '')).toEqual([
      'crypto pki trustpoint REAL',
      ' enrollment terminal',
      'event manager applet REAL-APPLET',
      ' event none',
      'ip host smtp.lab.example 127.0.0.1',
    ]);
  });

  it('keeps the parsers and the facts to the configuration', () => {
    expect(parsePkiConfig(SECTIONED).trustpoints.map((t) => t.name)).toEqual(['REAL']);
    const eem = parseEemConfig(SECTIONED);
    expect(eem.applets.map((a) => a.name)).toEqual(['REAL-APPLET']);
    expect([...eem.environment]).toEqual([]);
    const facts = parseFacts(SECTIONED);
    expect([...facts.trustpoints.keys()]).toEqual(['REAL']);
    expect([...facts.applets.keys()]).toEqual(['REAL-APPLET']);
    expect(facts.applets.get('REAL-APPLET')?.lines).toEqual(['event manager applet REAL-APPLET', ' event none']);
    expect([...facts.ipHosts]).toEqual([['smtp.lab.example', '127.0.0.1']]);
  });

  it('refuses facts where a banner never ends: its text cannot be told from configuration', () => {
    const cut = 'crypto pki trustpoint REAL\n enrollment terminal\nbanner motd ^C\ncrypto pki trustpoint EVIL\n';
    expect(withoutBanners(cut.split('\n')).unclosed).toBe('banner motd ^C');
    expect(() => parseFacts(cut)).toThrow(UnclosedBannerError);
    expect(() => parseFacts(cut)).toThrow(/shows "banner motd \^C" but not the \^C that ends that banner/);
  });
});
