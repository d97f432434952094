import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LabRouter } from '../../../src/lab/router/index.js';
import { TestShell } from './shell.js';
import { WIDGET_FEATURE, widgetsOf } from './test-feature.js';

const dirs: string[] = [];
const FEATURES = [WIDGET_FEATURE];
const USERS = [{ username: 'admin', password: 'cisco123', privilege: 15 }];

afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('persistence across restarts', () => {
  test('same host key, saved config replayed (hexmode data too), unsaved changes lost', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'labrouter-'));
    dirs.push(dir);
    const first = await LabRouter.start({ hostname: 'P1', stateDir: dir, users: USERS, features: FEATURES });
    const fingerprint = first.hostKeyFingerprint;
    const shell = await TestShell.connect(first);
    await shell.expect(/P1#$/);
    await shell.command('conf t');
    await shell.command('hostname SAVED');
    await shell.command('ip host smtp.lab 10.1.1.25');
    await shell.command('widget KEEP');
    await shell.command('color blue');
    await shell.command('data');
    await shell.command('  0102 0304');
    shell.send('  \tquit\r');
    await shell.expect(/\(config-widget\)#$/);
    await shell.command('interface gi2');
    await shell.command('description uplink to core');
    await shell.command('no shutdown');
    await shell.command('end');
    expect(await shell.command('write memory')).toContain('[OK]');
    await shell.command('conf t');
    await shell.command('ip host unsaved.lab 10.1.1.26');
    await shell.command('end');
    shell.close();
    await first.stop();
    const saved = await readFile(join(dir, 'startup-config'), 'utf8');
    expect(saved).toContain('\nwidget KEEP\n color blue\n data\n  0102 0304\n  \tquit\n');

    const second = await LabRouter.start({ hostname: 'P1', stateDir: dir, users: USERS, features: FEATURES });
    try {
      expect(second.hostKeyFingerprint).toBe(fingerprint);
      expect(second.state.hostname).toBe('SAVED');
      expect([...second.state.ipHosts]).toEqual([['smtp.lab', '10.1.1.25']]);
      expect(widgetsOf(second.state).get('KEEP')).toEqual({ color: 'blue', data: ['0102 0304'] });
      const again = await TestShell.connect(second);
      await again.expect(/SAVED#$/);
      const run = await again.command('show running-config | section ^interface GigabitEthernet2');
      expect(run).toContain('interface GigabitEthernet2\r\n description uplink to core\r\n no ip address\r\n negotiation auto\r\n');
      again.close();
      // What was saved renders the same after the replay: a second save is byte-identical.
      const fromVersion = (text: string): string => text.slice(text.indexOf('\nversion '));
      expect(fromVersion(second.runningConfig())).toBe(fromVersion(saved));
    } finally {
      await second.stop();
    }
  });

  test('with the real features, the saved PKI and EEM config (certificate chains in hexmode) replays identically', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'labrouter-'));
    dirs.push(dir);
    const first = await LabRouter.start({ hostname: 'P2', stateDir: dir, users: USERS });
    const shell = await TestShell.connect(first);
    await shell.expect(/P2#$/);
    await shell.command('conf t');
    await shell.command('crypto pki trustpoint CA-LAB');
    await shell.command('enrollment terminal');
    await shell.command('revocation-check none');
    await shell.command('event manager applet MAILTEST');
    await shell.command('event none');
    await shell.command('end');
    await shell.command('write memory');
    shell.close();
    await first.stop();
    const saved = await readFile(join(dir, 'startup-config'), 'utf8');
    expect(saved).toMatch(/\ncrypto pki certificate chain SLA-TrustPoint\n certificate ca 01\n {2}30820321 /);
    expect(saved).toContain('\ncrypto pki trustpoint CA-LAB\n enrollment terminal\n revocation-check none\n');
    expect(saved).toContain('\nevent manager applet MAILTEST\n event none\n');

    const second = await LabRouter.start({ hostname: 'P2', stateDir: dir, users: USERS });
    try {
      const fromVersion = (text: string): string => text.slice(text.indexOf('\nversion '));
      expect(fromVersion(second.runningConfig())).toBe(fromVersion(saved));
    } finally {
      await second.stop();
    }
  });

  test('without a state folder every start is fresh', async () => {
    const a = await LabRouter.start({ hostname: 'M1', users: USERS });
    const b = await LabRouter.start({ hostname: 'M1', users: USERS });
    expect(a.hostKeyFingerprint).not.toBe(b.hostKeyFingerprint);
    await a.stop();
    await b.stop();
  });
});
