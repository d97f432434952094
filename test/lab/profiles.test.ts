/** Router profiles as data and how they are chosen, the release read for `--pin-fingerprints auto`, and its flag. */
import { describe, expect, it } from '@jest/globals';
import { parseLabArgs } from '../../src/cli/commands/lab.js';
import { takePinMode } from '../../src/cli/pin-mode.js';
import { iosXeMajorRelease } from '../../src/device/index.js';
import { parseFaultSpec } from '../../src/lab/fault-spec.js';
import { PROFILES } from '../../src/lab/router/profiles/index.js';

describe('lab router profiles', () => {
  it('are chosen for all routers with --profile and for one with --fault DEVICE:profile=NAME', () => {
    const parsed = parseLabArgs(['--profile', 'iosxe-16.9', '--fault', 'lab-r002:profile=iosxe-26']);
    expect(parsed).not.toBe('help');
    if (parsed === 'help') return;
    expect(parsed.lab.profile).toBe('iosxe-16.9');
    expect(parsed.lab.faults?.['lab-r002']).toEqual({ profile: 'iosxe-26' });
    expect(() => parseLabArgs(['--profile', 'iosxe-15'])).toThrow(/--profile iosxe-15: unknown; known: iosxe-16\.9, iosxe-17, iosxe-26/);
    expect(() => parseFaultSpec('2:profile=ios-12')).toThrow(/unknown profile; known: iosxe-16\.9/);
  });

  it('take login behaviour from --fault: banners (\\n for new lines), AAA in-band, command authorization, pins', () => {
    const parsed = parseLabArgs([
      '--fault',
      '1:banner-motd=R1#\\nAuthorized only [yes/no]',
      '--fault',
      '1:banner-exec=Router>',
      '--fault',
      '1:aaa-in-band',
      '--fault',
      '2:deny-config',
      '--fault',
      '2:require-pin',
    ]);
    if (parsed === 'help') throw new Error('help');
    expect(parsed.lab.faults?.['lab-r001']).toEqual({ banners: { motd: 'R1#\nAuthorized only [yes/no]', exec: 'Router>' }, inBandLogin: true });
    expect(parsed.lab.faults?.['lab-r002']).toEqual({ denyConfigCommands: true, requireFingerprintPin: true });
  });

  it('give each release its own show version, read back by the agent for pinning', () => {
    const texts = Object.values(PROFILES).map((p) => p.showVersion('R1', 60_000));
    expect(texts.map(iosXeMajorRelease)).toEqual([16, 17, 26]);
    expect(PROFILES['iosxe-26'].requiresFingerprintPin).toBe(true);
    expect(PROFILES['iosxe-17'].requiresFingerprintPin).toBe(false);
  });

  it('reads the release from real show version first lines', () => {
    // CSR1000V 16.9.3 (pyATS_Community_Solutions parse_from_static.py) and C8000V 17.9.2a (the lab's 17.x capture).
    expect(iosXeMajorRelease('Cisco IOS XE Software, Version 16.09.03\n')).toBe(16);
    expect(iosXeMajorRelease('Cisco IOS XE Software, Version 17.09.02a\n')).toBe(17);
    expect(iosXeMajorRelease('Cisco IOS Software, C3750E Software (C3750E-UNIVERSALK9-M), Version 15.2(4)E10')).toBeUndefined();
  });
});

describe('--pin-fingerprints', () => {
  it('defaults to auto, takes auto/always/never, and alone still means always', () => {
    expect(takePinMode(['-i', 'inv.yaml']).pin).toBe('auto');
    expect(takePinMode(['--pin-fingerprints', 'never', '-i', 'x']).pin).toBe('playbook');
    expect(takePinMode(['--pin-fingerprints=always']).pin).toBe('always');
    expect(takePinMode(['--pin-fingerprints', '-i', 'x'])).toEqual({ argv: ['-i', 'x'], pin: 'always' });
    expect(() => takePinMode(['--pin-fingerprints', 'sometimes'])).toThrow(/must be auto, always or never, not 'sometimes'/);
  });
});
