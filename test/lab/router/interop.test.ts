/**
 * The lab router driven by the third-party clients it must serve unchanged: Netmiko 2.4.2 and Ansible's
 * cisco.ios network_cli (Debian packages, run with /usr/bin/python3 as shared/iosxe/clients.md measured them).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { LabRouter } from '../../../src/lab/router/index.js';

const run = promisify(execFile);
const INTEROP = join(import.meta.dirname, 'interop');
let router: LabRouter;
let work: string;

beforeAll(async () => {
  router = await LabRouter.start({
    hostname: 'R1',
    users: [{ username: 'admin', password: 'cisco123', privilege: 15 }],
    enableSecret: 'enable123',
  });
  work = await mkdtemp(join(tmpdir(), 'labrouter-interop-'));
});

afterAll(async () => {
  await router.stop();
  await rm(work, { recursive: true, force: true });
});

describe('interop', () => {
  test('OpenSSH: key login, an exec request and an interactive shell', async () => {
    const key = join(work, 'id_ed25519');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    const keyed = await LabRouter.start({
      hostname: 'OS1',
      users: [{ username: 'admin', publicKeys: [await readFile(`${key}.pub`, 'utf8')], privilege: 15 }],
    });
    try {
      const args = [
        '-i',
        key,
        '-o',
        'StrictHostKeyChecking=no',
        '-o',
        'UserKnownHostsFile=/dev/null',
        '-o',
        'LogLevel=ERROR',
        '-p',
        String(keyed.port),
        `admin@${keyed.host}`,
      ];
      expect((await run('ssh', [...args, 'show privilege'], { timeout: 20000 })).stdout).toBe('Current privilege level is 15\r\n');
      const shell = execFile('ssh', ['-tt', ...args], { timeout: 20000 });
      let output = '';
      shell.stdout?.on('data', (d: Buffer) => {
        output += d.toString();
        if (output.endsWith('OS1#') && !output.includes('exit')) shell.stdin?.write(output.includes('UTC') ? 'exit\n' : 'show clock\n');
      });
      const code = await new Promise((resolve) => shell.on('close', resolve));
      expect(code).toBe(0);
      expect(output).toMatch(/^OS1#show clock\r\n\*[\d:.]+ UTC .*\r\nOS1#exit\r\n$/);
    } finally {
      await keyed.stop();
    }
  }, 60000);

  test.each([
    ['', {}],
    [' (output in random packets of 1..5 bytes)', { chunkMaxBytes: 5 }],
  ])(
    'Netmiko 2.4.2: find_prompt, send_command, send_config_set with config term, a banner through its dialog%s',
    async (_, faults) => {
      router.setFaults(faults);
      const { stdout } = await run('/usr/bin/python3', [join(INTEROP, 'netmiko_session.py'), router.host, String(router.port), 'admin', 'cisco123'], {
        timeout: 55000,
      }).finally(() => router.setFaults({}));
      const result = JSON.parse(stdout) as Record<string, string>;
      expect(result['prompt']).toBe('R1#');
      expect(result['show_version']).toMatch(/^Cisco IOS XE Software, Version 17\.09\.02a\n/);
      expect(result['show_version']).toContain('Configuration register is 0x2102');
      expect(result['config']).toContain('config term\nEnter configuration commands, one per line.  End with CNTL/Z.\nR1(config)#');
      expect(result['config']).not.toContain('% Invalid');
      expect(result['config']).toContain('R1(config-if)#');
      expect(result['after']).toBe(' description by netmiko\nip host netmiko.lab 10.7.7.7');
      expect(result['banner_config']).toContain(
        "banner motd ^\nEnter TEXT message.  End with the character '^'.\nAuthorized access only\nDisconnect now ^\nR1(config)#",
      );
      expect(result['banner']).toBe('banner motd ^C\nAuthorized access only\nDisconnect now ^C');
      expect(result['prompt_after']).toBe('R1#');
      expect(router.state.ipHosts.get('netmiko.lab')).toBe('10.7.7.7');
    },
    60000,
  );

  test('Ansible cisco.ios network_cli: ios_command and ios_config, the second run changes nothing', async () => {
    const inventory = join(work, 'inventory.ini');
    await writeFile(
      inventory,
      `[lab]\nr1 ansible_host=${router.host} ansible_port=${router.port} ansible_user=admin ansible_password=cisco123 ` +
        'ansible_connection=ansible.netcommon.network_cli ansible_network_os=cisco.ios.ios ansible_become=true ' +
        'ansible_become_method=enable ansible_become_password=enable123 ansible_python_interpreter=/usr/bin/python3\n',
    );
    const env = {
      ...process.env,
      ANSIBLE_HOST_KEY_CHECKING: 'False',
      ANSIBLE_LOCAL_TEMP: join(work, 'tmp'),
      ANSIBLE_PERSISTENT_CONTROL_PATH_DIR: join(work, 'pc'),
      ANSIBLE_NOCOLOR: '1',
      ANSIBLE_RETRY_FILES_ENABLED: 'False',
    };
    const play = async (): Promise<string> => (await run('ansible-playbook', ['-i', inventory, join(INTEROP, 'playbook.yml')], { env, timeout: 55000 })).stdout;
    const first = await play();
    expect(first).toMatch(/r1\s+: ok=4\s+changed=2\s+unreachable=0\s+failed=0/);
    expect(router.state.ipHosts.get('ansible.lab')).toBe('10.8.8.8');
    expect(router.runningConfig()).toContain('interface GigabitEthernet3\n description managed by ansible\n');
    const second = await play();
    expect(second).toMatch(/r1\s+: ok=4\s+changed=0\s+unreachable=0\s+failed=0/);
  }, 120000);
});
