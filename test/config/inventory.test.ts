import { afterAll, describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { SecretResolver, loadInventory, resolveCredentials, selectDevices } from '../../src/config/index.js';
import { byName, configError, scratch, sources } from './helpers.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const home = '/home/ops';
const tmp = scratch();
afterAll(() => tmp.cleanup());

describe('certagent inventory', () => {
  it('loads the shipped example, merging all → group → device', async () => {
    const inv = await loadInventory(`${repo}inventory/example.yaml`, { home });
    expect(inv.format).toBe('certagent');
    expect(inv.devices.map((d) => d.name)).toEqual(['br1', 'br2', 'core1', 'lab1']);
    const br1 = byName(inv.devices, 'br1');
    expect(br1).toMatchObject({ host: '192.0.2.11', port: 22, platform: 'iosxe', transport: 'ssh', groups: ['branch'] });
    expect(br1.vars).toEqual({ site_contact: 'noc@example.com', role: 'branch' });
    expect(br1.credentials.username).toBe('netops');
    expect(br1.credentials.password?.ref).toEqual({ kind: 'env', name: 'ROUTER_PASSWORD' });
    expect(br1.hostKey).toEqual({ mode: 'pinned', fingerprints: ['SHA256:uOd2E+Mp4ncDc3T9dGK2mY1kJ5q6n7V8w9x0y1z2A3B'] });
    expect(byName(inv.devices, 'br2').port).toBe(2222);
    expect(byName(inv.devices, 'br2').hostKey).toEqual({ mode: 'strict', knownHosts: '/home/ops/.ssh/known_hosts' });
    const core1 = byName(inv.devices, 'core1');
    expect(core1.credentials.username).toBe('coreops');
    expect(core1.credentials.password?.ref).toEqual({ kind: 'file', path: '/home/ops/.config/certagent/core-password' });
    expect(core1.credentials.privateKey?.path).toBe('/home/ops/.ssh/id_ed25519');
    expect(core1.vars).toEqual({ site_contact: 'noc@example.com', role: 'core-primary' });
    const lab1 = byName(inv.devices, 'lab1');
    expect(lab1.credentials.password?.ref).toEqual({ kind: 'prompt' });
    expect(lab1.hostKey.mode).toBe('tofu');
    expect(inv.groups).toEqual({ branch: ['br1', 'br2'], core: ['core1'] });
  });

  it('gives a NETCONF device port 22 for its SSH CLI and 830 for NETCONF, and resolves relative paths against the inventory file', async () => {
    const path = tmp.write(
      'sub/netconf.yaml',
      `devices:
  - name: n1
    host: 10.0.0.1
    transport: netconf
    username: u
    password: {file: secrets/n1.txt}
    known_hosts: ./kh
  - name: n2
    host: 10.0.0.2
    transport: netconf
    port: 2222
    netconf_port: 8300
    username: u
    password: {file: secrets/n1.txt}
`,
    );
    const inv = await loadInventory(path, { home });
    const n1 = byName(inv.devices, 'n1');
    expect([n1.port, n1.netconfPort]).toEqual([22, 830]);
    const n2 = byName(inv.devices, 'n2');
    expect([n2.port, n2.netconfPort]).toEqual([2222, 8300]);
    expect(n1.credentials.password?.ref).toEqual({ kind: 'file', path: `${tmp.dir}/sub/secrets/n1.txt` });
    expect(n1.hostKey).toEqual({ mode: 'strict', knownHosts: `${tmp.dir}/sub/kh` });
  });

  it('resolves credentials into Secrets and reports missing ones by file and path', async () => {
    const inv = await loadInventory(`${repo}inventory/example.yaml`, { home });
    const resolver = new SecretResolver(sources({ ROUTER_PASSWORD: 'pw-1', ROUTER_ENABLE: 'en-1' }));
    const creds = await resolveCredentials(byName(inv.devices, 'br1'), resolver);
    expect(creds.password?.reveal()).toBe('pw-1');
    expect(creds.enableSecret?.reveal()).toBe('en-1');
    expect(JSON.stringify(creds)).not.toContain('pw-1');
    const err = await configError(() => resolveCredentials(byName(inv.devices, 'core1'), resolver));
    expect(err.message).toContain('example.yaml: groups.core.password: cannot read password for group core from /home/ops/.config/certagent/core-password');
  });

  it('reports every schema problem of a file together, with path and line', async () => {
    const path = tmp.write(
      'bad.yaml',
      `all:
  username: ops
  password: hunter2-clear
devices:
  - name: r1
    host: 10.0.0.1
  - name: r2
    host: 10.0.0.2
    port: 70000
  - name: "bad name"
    host: 10.0.0.3
    platform: junos
  - name: r4
    host: 10.0.0.4
    transport: telnet
    colour: blue
  - name: r5
    host_key: MD5:aa
`,
    );
    const err = await configError(() => loadInventory(path, { home }));
    const text = err.message;
    expect(text).toContain(
      `${path}:3: all.password: must be a secret reference: write {env: VARIABLE}, {file: path} or {prompt: true}; clear-text secrets are refused`,
    );
    expect(text).toContain(`${path}:9: devices[1].port: must be a port number 1..65535`);
    expect(text).toContain(`${path}:10: devices[2].name: must start with a letter or digit`);
    expect(text).toContain(`devices[2].platform: must be 'iosxe'`);
    expect(text).toContain(`devices[3].transport: must be one of "ssh", "netconf"`);
    expect(text).toContain(`${path}:16: devices[3].colour: unknown key 'colour'`);
    expect(text).toContain(`devices[4].host: is required`);
    expect(text).toContain(`devices[4].host_key: must be an OpenSSH fingerprint`);
    expect(text).not.toContain('hunter2-clear');
    expect(err.issues.length).toBe(8);
  });

  it('requires a username and a password or key, and refuses a pinned key with tofu', async () => {
    const path = tmp.write(
      'semantics.yaml',
      `devices:
  - name: r1
    host: a
  - name: r2
    host: b
    username: u
    password: {env: P}
    host_key: SHA256:uOd2E+Mp4ncDc3T9dGK2mY1kJ5q6n7V8w9x0y1z2A3B
    host_key_policy: tofu
  - name: r2
    host: c
    username: u
    password: {env: P}
`,
    );
    const err = await configError(() => loadInventory(path, { home }));
    expect(err.message).toContain("devices[0]: device 'r1' has no username");
    expect(err.message).toContain("devices[0]: device 'r1' has neither password nor private_key");
    expect(err.message).toContain("devices[1].host_key: device 'r2' pins host_key but host_key_policy tofu is set");
    expect(err.message).toContain("devices[2]: device name 'r2' is already used");
  });

  it('names YAML syntax errors with their line', async () => {
    const path = tmp.write('syntax.yaml', 'devices:\n  - name: r1\n    host: [oops\n');
    const err = await configError(() => loadInventory(path, { home }));
    expect(err.message).toMatch(new RegExp(`${path}:\\d+: \\(top level\\): YAML syntax`));
  });

  it('names a file it cannot read', async () => {
    const err = await configError(() => loadInventory(`${tmp.dir}/absent.yaml`, { home }));
    expect(err.message).toContain(`${tmp.dir}/absent.yaml: (top level): cannot read the file (ENOENT)`);
  });

  it('says which formats it understands when given something else', async () => {
    const path = tmp.write('other.yaml', 'routers: [a, b]\n');
    const err = await configError(() => loadInventory(path, { home }));
    expect(err.message).toContain('is neither a certagent inventory');
  });
});

describe('--limit', () => {
  it('selects by name, group, glob and exclusion, in inventory order', async () => {
    const inv = await loadInventory(`${repo}inventory/example.yaml`, { home });
    const names = (limit?: string) => selectDevices(inv, limit).map((d) => d.name);
    expect(names()).toEqual(['br1', 'br2', 'core1', 'lab1']);
    expect(names('core1,branch')).toEqual(['br1', 'br2', 'core1']);
    expect(names('br*')).toEqual(['br1', 'br2']);
    expect(names('all,!branch')).toEqual(['core1', 'lab1']);
    expect(names('!lab1')).toEqual(['br1', 'br2', 'core1']);
  });

  it('names an unknown device or group and lists what exists', async () => {
    const inv = await loadInventory(`${repo}inventory/example.yaml`, { home });
    expect(() => selectDevices(inv, 'br1,brnach')).toThrow("--limit 'brnach' matches no device or group; devices: br1, br2, core1, lab1; groups: branch, core");
  });
});
