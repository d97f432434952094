/** Jump hosts in both inventory formats: chains, inherited levels, what is refused, and `validate`'s path line. */
import { afterAll, describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { SecretResolver, describePath, formatIssue, loadInventory, resolveCredentials } from '../../src/config/index.js';
import { shellWords } from '../../src/config/jump-hosts.js';
import { byName, configError, scratch, sources } from './helpers.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const home = '/home/ops';
const tmp = scratch();
afterAll(() => tmp.cleanup());
const PIN = 'SHA256:uOd2E+Mp4ncDc3T9dGK2mY1kJ5q6n7V8w9x0y1z2A3B';

describe('jump hosts in certagent YAML', () => {
  it('reads the shipped example: a group bastion, a two-hop chain, a direct device, and ssh_algorithms', async () => {
    const inv = await loadInventory(`${repo}inventory/jump-hosts.yaml`, { home });
    const dc = byName(inv.devices, 'dc-r1');
    expect(dc.jumpHosts).toEqual([
      {
        name: 'jump@bastion.example.net:22',
        host: 'bastion.example.net',
        port: 22,
        username: 'jump',
        privateKey: { path: '/home/ops/.ssh/id_bastion' },
        hostKey: { mode: 'pinned', fingerprints: [PIN] },
        concurrency: 10,
      },
    ]);
    const plant = byName(inv.devices, 'plant-r1');
    expect((plant.jumpHosts ?? []).map((j) => [j.name, j.concurrency, j.hostKey.mode])).toEqual([
      ['jump@bastion.example.net:22', 10, 'pinned'],
      ['plantjump@10.20.0.5:2222', 4, 'strict'],
    ]);
    // Without a pin the second hop is checked against the device's known_hosts.
    expect(plant.jumpHosts?.[1]?.hostKey).toEqual({ mode: 'strict', knownHosts: '/home/ops/.ssh/known_hosts' });
    expect(plant.sshAlgorithms).toEqual({ kex: ['diffie-hellman-group14-sha1'], serverHostKey: ['ssh-rsa'] });
    expect(describePath(plant.jumpHosts ?? [], plant)).toBe('jump@bastion.example.net:22 -> plantjump@10.20.0.5:2222 -> plant-r1 (10.30.0.1:22)');
    expect(byName(inv.devices, 'lab-r1').jumpHosts).toEqual([]);
    const creds = await resolveCredentials(plant, new SecretResolver(sources({ ROUTER_PASSWORD: 'r', PLANT_JUMP_PASSWORD: 'plant-secret' })));
    expect((creds.jumpHosts ?? []).map((j) => j.password?.reveal())).toEqual([undefined, 'plant-secret']);
  });

  it('lets a device replace its group chain and names a jump host without credentials or user by path', async () => {
    const path = tmp.write(
      'jumps.yaml',
      `all: { username: u, password: {env: PW}, jump_host: { host: b1, username: j, password: {env: J} } }
devices:
  - { name: r1, host: 10.0.0.1 }
  - { name: r2, host: 10.0.0.2, jump_host: [{ host: b2, username: j, password: {env: J} }, { host: b3, port: 2022, username: k, private_key: {file: k} }] }
`,
    );
    const inv = await loadInventory(path, { home });
    expect((byName(inv.devices, 'r1').jumpHosts ?? []).map((j) => j.name)).toEqual(['j@b1:22']);
    expect((byName(inv.devices, 'r2').jumpHosts ?? []).map((j) => j.name)).toEqual(['j@b2:22', 'k@b3:2022']);
    const bad = tmp.write(
      'bad-jumps.yaml',
      `all: { username: u, password: {env: PW} }
devices:
  - { name: r1, host: 10.0.0.1, jump_host: { host: b1, username: j } }
  - { name: r2, host: 10.0.0.2, jump_host: { host: b1, password: {env: J} } }
  - { name: r3, host: 10.0.0.3, jump_host: { host: b1, username: j, password: hunter2 } }
  - { name: r4, host: 10.0.0.4, ssh_algorithms: { kex: [diffie-hellman-group99] } }
`,
    );
    const err = await configError(() => loadInventory(bad, { home }));
    const text = err.issues.map(formatIssue).join('\n');
    expect(text).toContain(`${bad}:3: devices[0].jump_host: device 'r1': jump host b1 has neither password nor private_key`);
    expect(text).toContain(`${bad}:4: devices[1].jump_host: device 'r2': jump host b1 has no username`);
    expect(text).toMatch(/devices\[2\]\.jump_host\[0\]\.password: must be a secret reference/);
    expect(text).not.toContain('hunter2');
    expect(text).toMatch(/devices\[3\]\.ssh_algorithms\.kex\[0\]: must be one of curve25519-sha256/);
  });
});

describe('jump hosts in Ansible inventories', () => {
  it('reads ProxyJump chains and the safe ProxyCommand form from the shipped example', async () => {
    const inv = await loadInventory(`${repo}inventory/ansible-jump-hosts.yaml`, { home });
    expect(byName(inv.devices, 'dc-r1').jumpHosts).toEqual([
      {
        name: 'jump@bastion.example.net:22',
        host: 'bastion.example.net',
        port: 22,
        username: 'jump',
        privateKey: { path: '/home/ops/.ssh/id_bastion' },
        hostKey: { mode: 'pinned', fingerprints: [PIN] },
        concurrency: 10,
      },
    ]);
    expect((byName(inv.devices, 'plant-r1').jumpHosts ?? []).map((j) => j.name)).toEqual(['jump@bastion.example.net:22', 'plantjump@10.20.0.5:2222']);
    const legacy = byName(inv.devices, 'legacy-r1').jumpHosts;
    expect(legacy).toMatchObject([{ name: 'old@gw.example.net:2200', privateKey: { path: '/home/ops/.ssh/id_old' } }]);
  });

  it('refuses what it cannot map, naming the host and the variable', async () => {
    const path = tmp.write(
      'ansible-bad.yaml',
      `all:
  vars: { ansible_user: u, ansible_password: "{{ lookup('env', 'PW') }}", certagent_jump_password: "{{ lookup('env', 'J') }}" }
  hosts:
    a1: { ansible_host: 10.0.0.1, ansible_ssh_common_args: '-o StrictHostKeyChecking=no' }
    a2: { ansible_host: 10.0.0.2, ansible_ssh_extra_args: '-o ProxyCommand="nc -x proxy:1080 %h %p"' }
    a3: { ansible_host: 10.0.0.3, ansible_ssh_common_args: '-o ProxyJump=bastion' }
    a4: { ansible_host: 10.0.0.4, ansible_ssh_common_args: '-J j@b1:70000' }
    a5: { ansible_host: 10.0.0.5, ansible_ssh_common_args: '-J j@b1 -o ProxyCommand="ssh -W %h:%p j@b2' }
    ok: { ansible_host: 10.0.0.6, ansible_ssh_common_args: '-J j@b1' }
`,
    );
    const err = await configError(() => loadInventory(path, { home }));
    const text = err.issues.map(formatIssue).join('\n');
    expect(text).toMatch(
      /a1\.ansible_ssh_common_args: a1: ansible_ssh_common_args cannot be used by certagent: ssh option StrictHostKeyChecking has no certagent equivalent/,
    );
    expect(text).toMatch(/a2\.ansible_ssh_extra_args: a2: ansible_ssh_extra_args cannot be used by certagent: only ProxyCommand="ssh -W %h:%p/);
    expect(text).toMatch(/a3\.ansible_ssh_common_args\[0\]: device 'a3': jump host bastion has no username: write user@bastion/);
    expect(text).toMatch(/a4: ansible_ssh_common_args cannot be used by certagent: port 70000 of 'j@b1:70000' is not 1\.\.65535/);
    expect(text).toMatch(/a5: ansible_ssh_common_args cannot be used by certagent: it has an unclosed " quote/);
    expect(text).not.toMatch(/\bok\b/);
  });

  it('splits ssh option strings as a shell does', () => {
    expect(shellWords(`-o 'ProxyCommand=ssh -W %h:%p j@b' -J "a b"\\ c`)).toEqual(['-o', 'ProxyCommand=ssh -W %h:%p j@b', '-J', 'a b c']);
    expect(shellWords(`-o "x`)).toBe('an unclosed " quote');
  });
});
