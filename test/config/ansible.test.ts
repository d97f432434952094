import { afterAll, describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { loadInventory, selectDevices } from '../../src/config/index.js';
import { byName, configError, scratch } from './helpers.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const home = '/home/ops';
const tmp = scratch();
afterAll(() => tmp.cleanup());

describe('Ansible YAML inventory', () => {
  it('reads the shipped example with nested children, group and host vars', async () => {
    const inv = await loadInventory(`${repo}inventory/ansible-example.yaml`, { home });
    expect(inv.format).toBe('ansible');
    expect(inv.devices.map((d) => d.name)).toEqual(['br1', 'br2', 'core1']);
    const br1 = byName(inv.devices, 'br1');
    expect(br1).toMatchObject({ host: '192.0.2.11', port: 22, platform: 'iosxe', transport: 'ssh' });
    expect(br1.groups).toEqual(['routers', 'branches']);
    expect(br1.vars).toEqual({ role: 'branch' });
    expect(br1.credentials.username).toBe('netops');
    expect(br1.credentials.password?.ref).toEqual({ kind: 'env', name: 'ROUTER_PASSWORD' });
    expect(br1.credentials.enableSecret?.ref).toEqual({ kind: 'env', name: 'ROUTER_ENABLE' });
    expect(br1.hostKey.mode).toBe('pinned');
    expect(byName(inv.devices, 'br2').port).toBe(2222);
    const core1 = byName(inv.devices, 'core1');
    expect(core1.credentials.username).toBe('coreops');
    expect(core1.credentials.privateKey?.path).toBe('/home/ops/.ssh/id_ed25519');
    expect(selectDevices(inv, 'routers').map((d) => d.name)).toEqual(['br1', 'br2', 'core1']);
    expect(selectDevices(inv, 'core').map((d) => d.name)).toEqual(['core1']);
  });

  it('applies Ansible precedence: all < parent < child < host, and host vars from every appearance', async () => {
    const path = tmp.write(
      'prec.yaml',
      `all:
  vars: { level: all, a: 1, ansible_user: u, ansible_password: "{{ lookup('env', 'PW') }}" }
  children:
    world:
      vars: { level: world, b: 2 }
      children:
        region:
          vars: { level: region, c: 3, ansible_port: "2022" }
          hosts:
            r1: { level: host, ansible_host: 10.1.1.1 }
    other:
      hosts:
        r1: { d: 4 }
        r2:
ungrouped_top:
  hosts:
    r3:
      ansible_password: "{{ lookup('ansible.builtin.file', 'pw/r3.txt') }}"
      ansible_connection: ansible.netcommon.netconf
    r4:
      ansible_connection: netconf
      ansible_port: 8300
      certagent_ssh_port: 2222
`,
    );
    const inv = await loadInventory(path, { home });
    const r1 = byName(inv.devices, 'r1');
    expect(r1.vars).toEqual({ level: 'host', a: 1, b: 2, c: 3, d: 4 });
    expect(r1.host).toBe('10.1.1.1');
    expect(r1.port).toBe(2022);
    expect(r1.groups).toEqual(['other', 'world', 'region']);
    const r2 = byName(inv.devices, 'r2');
    expect(r2.host).toBe('r2');
    expect(r2.vars).toEqual({ level: 'all', a: 1 });
    const r3 = byName(inv.devices, 'r3');
    expect(r3.transport).toBe('netconf');
    expect([r3.port, r3.netconfPort]).toEqual([22, 830]);
    // ansible_port is the NETCONF port under the netconf connection, as Ansible's plugin reads it.
    expect([byName(inv.devices, 'r4').port, byName(inv.devices, 'r4').netconfPort]).toEqual([2222, 8300]);
    expect(r3.credentials.password?.ref).toEqual({ kind: 'file', path: `${tmp.dir}/pw/r3.txt` });
  });

  it('refuses a clear-text password, saying how to reference it, without repeating it', async () => {
    const path = tmp.write(
      'clear.yaml',
      `all:
  children:
    core:
      vars:
        ansible_user: ops
        ansible_password: S3cr3t-Pa55
      hosts:
        c1:
          ansible_become_password: "{{ vault_enable }}"
        c2:
          ansible_password: !vault |
            $ANSIBLE_VAULT;1.1;AES256
            6231
`,
    );
    const err = await configError(() => loadInventory(path, { home }));
    expect(err.message).toContain(
      `${path}:6: all.children.core.vars.ansible_password: a clear-text password is refused; reference it instead, e.g. ansible_password: "{{ lookup('env', 'CORE_PASSWORD') }}"`,
    );
    expect(err.message).toContain(
      `all.children.core.hosts.c1.ansible_become_password: only {{ lookup('env', 'NAME') }} and {{ lookup('file', 'path') }} are understood; reference it instead, e.g. ansible_become_password: "{{ lookup('env', 'C1_ENABLE') }}"`,
    );
    expect(err.message).toContain('all.children.core.hosts.c2.ansible_password: ansible-vault values cannot be opened by certagent');
    expect(err.message).not.toContain('S3cr3t-Pa55');
    expect(err.issues).toHaveLength(3);
  });

  it('expands host ranges and names a wrong one', async () => {
    const path = tmp.write(
      'ranges.yaml',
      `all:\n  vars: { ansible_user: u, ansible_password: "{{ lookup('env', 'PW') }}" }\n  hosts:\n    r[01:03]:\n    bad[9:1]:\n`,
    );
    const err = await configError(() => loadInventory(path, { home }));
    expect(err.message).toContain('all.hosts["bad[9:1]"]: range [9:1] runs backwards');
    const ok = tmp.write('ranges-ok.yaml', `all:\n  vars: { ansible_user: u, ansible_password: "{{ lookup('env', 'PW') }}" }\n  hosts:\n    r[01:03]:\n`);
    expect((await loadInventory(ok, { home })).devices.map((d) => d.name)).toEqual(['r01', 'r02', 'r03']);
  });

  it('names wrong network OS, connection, port and group shapes by path', async () => {
    const path = tmp.write(
      'wrong.yaml',
      `all:
  vars: { ansible_user: u, ansible_password: "{{ lookup('env', 'PW') }}" }
  hosts:
    j1: { ansible_network_os: junipernetworks.junos.junos }
    j2: { ansible_connection: ssh, ansible_port: 99999 }
  children:
    g1:
      members: [x]
    g2:
      vars: { certagent_host_key: "SHA256:uOd2E+Mp4ncDc3T9dGK2mY1kJ5q6n7V8w9x0y1z2A3B" }
`,
    );
    const err = await configError(() => loadInventory(path, { home }));
    expect(err.message).toContain('all.hosts.j1.ansible_network_os: certagent drives Cisco IOS XE only');
    expect(err.message).toContain('all.hosts.j2.ansible_connection: must be ansible.netcommon.network_cli');
    expect(err.message).toContain('all.hosts.j2.ansible_port: must be a port number 1..65535');
    expect(err.message).toContain("all.children.g1.members: unknown key 'members'");
    expect(err.message).toContain('all.children.g2.vars.certagent_host_key: pin host keys per host, not per group');
  });
});
