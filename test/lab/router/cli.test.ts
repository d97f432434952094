import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import ssh2 from 'ssh2';
import { LabRouter } from '../../../src/lab/router/index.js';
import { TestShell } from './shell.js';
import { WIDGET_FEATURE } from './test-feature.js';

let router: LabRouter;
const FEATURES = [WIDGET_FEATURE];

beforeAll(async () => {
  router = await LabRouter.start({
    hostname: 'R1',
    users: [
      { username: 'admin', password: 'cisco123', privilege: 15 },
      { username: 'oper', password: 'oper123', privilege: 1 },
    ],
    enableSecret: 'enable123',
    features: FEATURES,
  });
});

afterAll(async () => {
  await router.stop();
});

async function admin(): Promise<TestShell> {
  const shell = await TestShell.connect(router);
  await shell.expect(/R1#$/);
  await shell.command('terminal length 0');
  return shell;
}

describe('prompts and modes', () => {
  test('privilege 15 lands at R1#; conf t prints the banner; end logs CONFIG_I', async () => {
    const shell = await TestShell.connect(router);
    expect(await shell.expect(/R1#$/)).toBe('R1#');
    expect(await shell.command('conf t')).toBe('conf t\r\nEnter configuration commands, one per line.  End with CNTL/Z.\r\nR1(config)#');
    expect(await shell.command('end')).toBe('end\r\nR1#');
    await router.state.syslog.waitFor(
      /^\*\w{3} [ \d]\d \d\d:\d\d:\d\d\.\d{3}: %SYS-5-CONFIG_I: Configured from console by admin on vty\d \(127\.0\.0\.1\)$/,
      2000,
    );
    shell.close();
  });

  test('config term abbreviation, submodes, exit, Ctrl-Z, do, and fall-through to config', async () => {
    const shell = await admin();
    await shell.command('config term');
    expect(await shell.command('widget W1')).toMatch(/R1\(config-widget\)#$/);
    expect(await shell.command('col green')).toMatch(/R1\(config-widget\)#$/);
    expect(await shell.command('do show widget W1')).toBe('do show widget W1\r\nwidget W1 color green data \r\nR1(config-widget)#');
    // A global command typed in the submode pops to config and runs there.
    expect(await shell.command('ip host mail.lab 10.9.9.9')).toMatch(/\r\nR1\(config\)#$/);
    expect(router.state.ipHosts.get('mail.lab')).toBe('10.9.9.9');
    await shell.command('widget W1');
    expect(await shell.command('exit')).toMatch(/R1\(config\)#$/);
    await shell.command('widget W1');
    shell.send('\x1a');
    expect(await shell.expect(/#$/)).toBe('^Z\r\nR1#');
    shell.close();
  });

  test('hexmode-like data lines are consumed raw and quit leaves', async () => {
    const shell = await admin();
    await shell.command('conf t');
    await shell.command('widget HEX');
    expect(await shell.command('data')).toMatch(/R1\(config-widget-hexmode\)#$/);
    await shell.command('  30820330 30820218');
    await shell.command('  A0030201');
    shell.send('  \tquit\r');
    expect(await shell.expect(/#$/)).toBe('  \tquit\r\nR1(config-widget)#');
    expect(await shell.command('do show widget HEX')).toContain('widget HEX color none data 30820330 30820218A0030201');
    await shell.command('end');
    shell.close();
  });

  test('long hostnames are cut to 20 characters in config prompts only', async () => {
    const shell = await admin();
    await shell.command('conf t');
    expect(await shell.command('hostname THIS.IS.A.PARTICULARLY.LONG')).toMatch(/\r\nTHIS\.IS\.A\.PARTICULAR\(config\)#$/);
    expect(await shell.command('end')).toMatch(/\r\nTHIS\.IS\.A\.PARTICULARLY\.LONG#$/);
    await shell.command('conf t');
    await shell.command('hostname R1');
    await shell.command('end');
    shell.close();
  });

  test('enable asks Password: without echo, refuses bad secrets, disable drops back', async () => {
    const shell = await TestShell.connect(router, { username: 'oper', password: 'oper123' });
    await shell.expect(/R1>$/);
    expect(await shell.command('show privilege')).toBe('show privilege\r\nCurrent privilege level is 1\r\nR1>');
    expect(await shell.command('conf t')).toContain("% Invalid input detected at '^' marker.");
    shell.send('enable\r');
    await shell.expect(/Password: $/);
    shell.send('wrong\r');
    await shell.expect(/Password: $/);
    shell.send('wrong\r');
    await shell.expect(/Password: $/);
    shell.send('wrong\r');
    expect(await shell.expect(/R1>$/)).toBe('\r\n% Bad secrets\r\n\r\nR1>');
    shell.send('enable\r');
    await shell.expect(/Password: $/);
    shell.send('enable123\r');
    expect(await shell.expect(/R1#$/)).toBe('\r\nR1#');
    expect(await shell.command('show privilege')).toContain('Current privilege level is 15');
    expect(await shell.command('disable')).toBe('disable\r\nR1>');
    shell.close();
  });
});

describe('parser errors', () => {
  test('invalid input puts the caret under the offending character, counting the prompt', async () => {
    const shell = await admin();
    expect(await shell.command('show xyz')).toBe("show xyz\r\n        ^\r\n% Invalid input detected at '^' marker.\r\n\r\nR1#");
    // Routers have no `show vlan` (Ansible learns it is talking to an L3 device from this error).
    expect(await shell.command('show vlan')).toContain("% Invalid input detected at '^' marker.");
    await shell.command('conf t');
    expect(await shell.command('ip host')).toBe('ip host\r\n% Incomplete command.\r\n\r\nR1(config)#');
    expect(await shell.command('hostname R1 extra')).toBe(
      "hostname R1 extra\r\n                       ^\r\n% Invalid input detected at '^' marker.\r\n\r\nR1(config)#",
    );
    expect(await shell.command('zzz')).toBe("zzz\r\n           ^\r\n% Invalid input detected at '^' marker.\r\n\r\nR1(config)#");
    await shell.command('end');
    shell.close();
  });

  test('ambiguous abbreviations name the whole line after two spaces, with no blank line', async () => {
    const shell = await admin();
    expect(await shell.command('c')).toBe('c\r\n% Ambiguous command:  "c"\r\nR1#');
    expect(await shell.command('sh ver | i ^Cisco IOS XE')).toBe('sh ver | i ^Cisco IOS XE\r\nCisco IOS XE Software, Version 17.09.02a\r\nR1#');
    await shell.command('conf t');
    expect(await shell.command('ip h')).toBe('ip h\r\n% Ambiguous command:  "ip h"\r\nR1(config)#');
    expect(await shell.command('no')).toBe('no\r\n% Incomplete command.\r\n\r\nR1(config)#');
    await shell.command('end');
    shell.close();
  });
});

describe('line discipline', () => {
  test('CR, LF and CRLF each end exactly one line; backspace edits; typeahead is kept', async () => {
    const shell = await admin();
    shell.send('show clock\r\n');
    const crlf = await shell.expect(/UTC .*\r\nR1#$/);
    expect(crlf).toMatch(/^show clock\r\n\*\d\d:\d\d:\d\d\.\d{3} UTC \w{3} \w{3} \d{1,2} \d{4}\r\nR1#$/);
    shell.send('show privilege\n');
    expect(await shell.expect(/R1#$/)).toBe('show privilege\r\nCurrent privilege level is 15\r\nR1#');
    shell.send('show privx\x7filege\r');
    expect(await shell.expect(/R1#$/)).toBe('show privx\b \bilege\r\nCurrent privilege level is 15\r\nR1#');
    // Three commands at once: each is echoed after its prompt, none is lost.
    shell.send('show privilege\rshow privilege\nshow privilege\r\n');
    const burst = await shell.expect(/(Current privilege level is 15\r\nR1#[\s\S]*){3}$/);
    expect(burst.match(/R1#/g)).toHaveLength(3);
    expect(burst).toBe('show privilege\r\nCurrent privilege level is 15\r\nR1#'.repeat(3));
    shell.close();
  });

  test('a failing feature command is reported as a lab error and the session goes on', async () => {
    const shell = await admin();
    expect(await shell.command('widget crash')).toBe('widget crash\r\n% Lab router error in "widget crash": widget exploded\r\nR1#');
    await router.state.syslog.waitFor(/%LAB-3-COMMAND_FAILED: "widget crash": widget exploded/, 1000);
    expect(await shell.command('show privilege')).toContain('Current privilege level is 15');
    shell.close();
  });

  test('ask() reads the next line as typed', async () => {
    const shell = await admin();
    shell.send('widget ask\r');
    await shell.expect(/Favourite color\? $/);
    shell.send('blue sky\r\n');
    expect(await shell.expect(/R1#$/)).toBe('blue sky\r\nYou said [blue sky]\r\nR1#');
    shell.close();
  });
});

describe('paging and filters', () => {
  test('default length 24 pages show version with --More-- and the backspace erase', async () => {
    const shell = await TestShell.connect(router);
    await shell.expect(/R1#$/);
    shell.send('show version\r');
    const first = await shell.expect(/ --More-- $/);
    expect(first.split('\r\n')).toHaveLength(1 + 23 + 1);
    shell.send(' ');
    const second = await shell.expect(/ --More-- $/);
    expect(second.startsWith('\b'.repeat(10) + ' '.repeat(10) + '\b'.repeat(10))).toBe(true);
    shell.send('q');
    expect(await shell.expect(/R1#$/)).toMatch(/R1#$/);
    shell.send('terminal length 0\r');
    await shell.expect(/R1#$/);
    shell.send('show version\r');
    expect(await shell.expect(/0x2102\r\n\r\nR1#$/)).not.toContain('--More--');
    shell.close();
  });

  test('terminal width 0 is accepted; bad values are refused', async () => {
    const shell = await admin();
    expect(await shell.command('terminal width 0')).toBe('terminal width 0\r\nR1#');
    expect(await shell.command('terminal width 600')).toContain('% Invalid input');
    shell.close();
  });

  test('include, exclude, section, begin, count', async () => {
    const shell = await admin();
    expect(await shell.command('show running-config | include ^hostname')).toBe('show running-config | include ^hostname\r\nhostname R1\r\nR1#');
    const section = await shell.command('show run | sec ^line vty');
    expect(section).toBe('show run | sec ^line vty\r\nline vty 0 4\r\n login local\r\n transport input ssh\r\nR1#');
    const begin = await shell.command('show run | b ^line con');
    expect(begin.split('\r\n').slice(1, 3)).toEqual(['line con 0', ' stopbits 1']);
    expect(await shell.command('show run | count ^interface')).toContain('Number of lines which match regexp = 3');
    expect(await shell.command('show run | e .')).toBe('show run | e .\r\n\r\nR1#');
    expect(await shell.command('show run | foo x')).toContain('% Invalid input');
    shell.close();
  });
});

describe('base commands', () => {
  test('show running-config has the real header, base blocks and feature blocks; write memory and copy', async () => {
    const shell = await admin();
    await shell.command('conf t');
    await shell.command('widget RC');
    await shell.command('color red');
    await shell.command('end');
    const run = await shell.command('show running-config');
    const lines = run.split('\r\n');
    expect(lines.slice(1, 5)).toEqual(['Building configuration...', '', expect.stringMatching(/^Current configuration : \d+ bytes$/), '!']);
    const body = `${lines.slice(lines.indexOf('!')).slice(0, -1).join('\n')}\n`;
    expect(Number(/Current configuration : (\d+) bytes/.exec(run)?.[1])).toBe(Buffer.byteLength(body));
    expect(run).toContain('\r\nversion 17.9\r\n');
    expect(run).toContain('\r\nhostname R1\r\n');
    expect(run).toMatch(/\r\nusername admin privilege 15 secret 9 \$9\$[./0-9A-Za-z]{14}\$[./0-9A-Za-z]{43}\r\n/);
    expect(run).toContain('\r\nwidget RC\r\n color red\r\n!\r\n');
    expect(run).toMatch(/\r\nend\r\nR1#$/);
    expect(await shell.command('write memory')).toBe('write memory\r\nBuilding configuration...\r\n[OK]\r\nR1#');
    shell.send('copy run start\r');
    expect(await shell.expect(/\? $/)).toBe('copy run start\r\nDestination filename [startup-config]? ');
    shell.send('\r');
    expect(await shell.expect(/R1#$/)).toBe('\r\nBuilding configuration...\r\n[OK]\r\nR1#');
    expect(await shell.command('show startup-config | i ^Using|^widget')).toMatch(/Using \d+ out of 33554432 bytes\r\n[\s\S]*widget RC\r\n/);
    shell.close();
  });

  test('show version matches the regexes Ansible parses', async () => {
    const shell = await admin();
    const out = (await shell.command('show version')).replace(/\r\n/g, '\n');
    expect(/Version (\S+)/.exec(out)?.[1]).toBe('17.09.02a,'.replace(',', ''));
    expect(/^(.+) uptime/m.exec(out)?.[1]).toBe('R1');
    expect(/image file is "(.+)"/.exec(out)?.[1]).toBe('bootflash:packages.conf');
    expect(/^[Cc]isco (\S+).+bytes of .*memory/m.exec(out)?.[1]).toBe('C8000V');
    shell.close();
  });

  test('show logging has the IOS XE header and the buffer', async () => {
    router.state.syslog.log('TEST', 6, 'HELLO', 'lab test line');
    const shell = await admin();
    const out = await shell.command('show logging');
    expect(out).toMatch(/^show logging\r\nSyslog logging: enabled \(0 messages dropped/);
    expect(out).toMatch(/Log Buffer \(102400 bytes\):\r\n\r\n[\s\S]*%TEST-6-HELLO: lab test line\r\n/);
    shell.close();
  });
});

describe('terminal monitor', () => {
  test('syslog lines appear at an idle prompt, which is then redrawn with what was typed', async () => {
    const shell = await admin();
    await shell.command('terminal monitor');
    shell.send('show cl');
    await shell.expect(/^show cl$/);
    router.state.syslog.log('HA_EM', 6, 'LOG', 'MON: hello');
    expect(await shell.expect(/R1#show cl$/)).toMatch(/^\r\n\*\w{3} [ \d]\d [\d:.]+: %HA_EM-6-LOG: MON: hello\r\nR1#show cl$/);
    shell.send('ock\r');
    expect(await shell.expect(/R1#$/)).toMatch(/^ock\r\n\*[\d:.]+ UTC/);
    await shell.command('terminal no monitor');
    router.state.syslog.log('HA_EM', 6, 'LOG', 'MON: unseen');
    expect(await shell.command('show privilege')).not.toContain('unseen');
    shell.close();
  });
});

describe('exec channel and keys', () => {
  test('an exec request runs one command and closes', async () => {
    const client = new ssh2.Client();
    const output = await new Promise<string>((resolve, reject) => {
      client.on('error', reject);
      client.on('ready', () => {
        client.exec('show privilege', (error, channel) => {
          if (error) return reject(error);
          let text = '';
          channel.on('data', (d: Buffer) => (text += d.toString()));
          channel.on('close', () => resolve(text));
        });
      });
      client.connect({ host: router.host, port: router.port, username: 'admin', password: 'cisco123' });
    });
    client.end();
    expect(output).toBe('Current privilege level is 15\r\n');
  });

  test('public-key login and wrong passwords', async () => {
    // ssh2's generator sometimes drops a leading zero byte and yields an unparseable key: draw again.
    let keys = ssh2.utils.generateKeyPairSync('ed25519');
    while (ssh2.utils.parseKey(keys.private) instanceof Error) keys = ssh2.utils.generateKeyPairSync('ed25519');
    const keyed = await LabRouter.start({ hostname: 'K1', users: [{ username: 'bot', publicKeys: [keys.public], privilege: 15 }] });
    try {
      const shell = await TestShell.connect(keyed, { username: 'bot', privateKey: keys.private });
      expect(await shell.expect(/K1#$/)).toBe('K1#');
      shell.close();
      await expect(TestShell.connect(router, { password: 'nope' })).rejects.toThrow(/authentication methods failed/);
      const interactive = await TestShell.connect(router, { keyboardInteractive: 'cisco123' });
      expect(await interactive.expect(/R1#$/)).toBe('R1#');
      interactive.close();
      await expect(TestShell.connect(router, { keyboardInteractive: 'nope' })).rejects.toThrow(/authentication methods failed/);
      expect(router.hostPublicKey).toMatch(/^ssh-ed25519 AAAA/);
      expect(router.hostKeyFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    } finally {
      await keyed.stop();
    }
  });
});
