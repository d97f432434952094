/**
 * `banner motd|login|exec` in the lab's config mode, over SSH, against real IOS text. Sources (search index ids, the
 * way /work/shared/iosxe/dossier.md cites them; the full list is in src/lab/router/banners.ts):
 * - the dialog, two blanks after the full stop: `R3(config)#banner motd ^` / `Enter TEXT message.  End with the
 *   character '^'.` (IOS 15.x transcript, 124250014); `R1(config)#banner motd "` / `NO ENTRY"` (44682162228);
 * - the running config: `banner exec ^C` / the text / `****^C`, after `control-plane` and before `line con 0`
 *   (IOSv 15.2, 36194536859), the closing `^C` alone on its line when typed alone (IOS 12.4, 817503575);
 *   Ansible's cisco.ios ios_banner module (plugins/modules/ios_banner.py, tested against IOS XE 17.3) reads a banner
 *   back by splitting the running config on `banner <kind> ^C\n` and `^C\n`.
 * The banner text holds config-looking lines and prompts: the lab's `section` filter lets them through as IOS's
 * textual filter would, and certagent's parsers must not take them for configuration.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { BANNER_SECTION, parseEemConfig, parsePkiConfig } from '../../../src/device/index.js';
import { bannerLine, bannerStart } from '../../../src/lab/router/banners.js';
import { LabRouter } from '../../../src/lab/router/index.js';
import { TestShell } from './shell.js';

const USERS = [{ username: 'admin', password: 'cisco123', privilege: 15 }];

/** The motd typed line by line: prompts, a dialog question and configuration, all of it banner text. */
const MOTD = [
  'B1#',
  'crypto pki trustpoint EVIL',
  ' enrollment terminal',
  'event manager applet EVIL-APPLET',
  ' action 1.0 syslog msg "x"',
  'Continue? [yes/no]',
];

describe('banners in config mode', () => {
  let dir: string;
  let router: LabRouter;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lab-banner-'));
    router = await LabRouter.start({ hostname: 'B1', stateDir: dir, users: USERS });
  });
  afterAll(async () => {
    await router?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the delimiter the user chose, asks for the rest as IOS does, and shows every banner with ^C', async () => {
    const shell = await TestShell.connect(router);
    await shell.expect(/B1#$/);
    await shell.command('terminal length 0');
    await shell.command('configure terminal');
    shell.send('banner motd ^\r');
    expect(await shell.expect(/'\^'\.\r\n$/)).toBe("banner motd ^\r\nEnter TEXT message.  End with the character '^'.\r\n");
    // No prompt while the text is typed: every line, `B1#` and the question included, is banner text.
    for (const line of MOTD) {
      shell.send(`${line}\r`);
      await shell.expect(new RegExp(`${line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\r\\n$`));
    }
    expect(await shell.command('^', /\(config\)#$/)).toBe('^\r\nB1(config)#');
    expect(await shell.command('banner exec ^CWelcome^C trailing words', /\(config\)#$/)).toMatch(/\r\nB1\(config\)#$/);
    shell.send('ban l "\r');
    await shell.expect(/End with the character '"'\.\r\n$/);
    expect(await shell.command('NO ENTRY"', /\(config\)#$/)).toBe('NO ENTRY"\r\nB1(config)#');
    expect(await shell.command('banner motd', /\(config\)#$/)).toContain('% Incomplete command.');
    await shell.command('end');
    const run = await shell.command('show running-config', /\r\nend\r\nB1#$/);
    expect(run).toContain(
      ['control-plane', '!', 'banner exec ^CWelcome^C', 'banner login ^C', 'NO ENTRY^C', 'banner motd ^C', ...MOTD, '^C', '!', 'line con 0'].join('\r\n'),
    );
    shell.close();
  });

  it("lets banner text through a section filter, as IOS's textual filter does, and certagent's parsers ignore it", async () => {
    const shell = await TestShell.connect(router);
    await shell.expect(/Welcome\r\nB1#$/);
    await shell.command('terminal length 0');
    const plain = await shell.command('show running-config | section crypto pki|event manager');
    expect(plain).toContain('crypto pki trustpoint EVIL\r\n enrollment terminal\r\n');
    const read = await shell.command(`show running-config | section crypto pki|event manager|${BANNER_SECTION}`);
    expect(read).toContain('banner motd ^C\r\ncrypto pki trustpoint EVIL\r\n enrollment terminal\r\nevent manager applet EVIL-APPLET');
    expect(parsePkiConfig(read).trustpoints.map((t) => t.name)).not.toContain('EVIL');
    expect(parseEemConfig(read).applets.map((a) => a.name)).not.toContain('EVIL-APPLET');
    shell.close();
  });

  it('shows the banners at login: login before authentication, then motd and exec before the first prompt', async () => {
    const seen: string[] = [];
    const client = new ssh2.Client();
    const greeting = await new Promise<string>((resolve, reject) => {
      client.on('error', reject);
      client.on('banner', (text) => seen.push(text));
      client.on('ready', () =>
        client.shell({ term: 'vt100', rows: 24, cols: 80 }, (error, channel) => {
          if (error) {
            reject(error);
            return;
          }
          let text = '';
          channel.on('data', (d: Buffer) => {
            text += d.toString();
            if (text.endsWith('Welcome\r\nB1#')) resolve(text);
          });
        }),
      );
      client.connect({ host: router.host, port: router.port, username: 'admin', password: 'cisco123', readyTimeout: 5000 });
    });
    client.end();
    expect(seen).toEqual(['\r\nNO ENTRY\r\n']);
    expect(greeting).toBe(`\r\n${MOTD.join('\r\n')}\r\n\r\nWelcome\r\nB1#`);
  });

  it('reads the banners back from the startup-config after a restart, and `no banner` removes one', async () => {
    const shell = await TestShell.connect(router);
    await shell.expect(/Welcome\r\nB1#$/);
    expect(await shell.command('write memory')).toContain('[OK]');
    shell.close();
    const before = router.runningConfig();
    await router.stop();
    router = await LabRouter.start({ hostname: 'B1', stateDir: dir, users: USERS });
    const fromVersion = (text: string): string => text.slice(text.indexOf('\nversion '));
    expect(fromVersion(router.runningConfig())).toBe(fromVersion(before));
    const again = await TestShell.connect(router);
    expect(await again.expect(/Welcome\r\nB1#$/)).toContain('crypto pki trustpoint EVIL\r\n');
    await again.command('conf t');
    await again.command('no banner motd');
    await again.command('end');
    again.close();
    expect(router.runningConfig()).not.toContain('banner motd');
    expect(router.runningConfig()).toContain('banner exec ^CWelcome^C\n');
  });
});

describe('banner text reading', () => {
  it('takes ^C as one delimiter, text closed on the first line, and later lines up to the delimiter', () => {
    expect(bannerStart(' ^CHello^C')).toEqual({ kind: 'closed', text: 'Hello' });
    expect(bannerStart(' ^C')).toEqual({ kind: 'open', delimiter: '^C', text: '' });
    expect(bannerStart(' # first ')).toEqual({ kind: 'open', delimiter: '#', text: ' first ' });
    expect(bannerStart('  ')).toEqual({ kind: 'missing' });
    expect(bannerLine('#', 'last line # ignored')).toEqual({ text: 'last line ', closed: true });
    expect(bannerLine('#', 'more')).toEqual({ text: 'more', closed: false });
  });
});
