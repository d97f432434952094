/**
 * Inventory sources certagent does not read itself go through `ansible-inventory` (Debian's ansible): an INI file
 * with groups, children and vars; a directory with group_vars/ and host_vars/; an executable inventory script. Each
 * is compared with what `ansible-inventory --list` itself says of every host. The same rules as for YAML hold
 * (clear-text and vault passwords refused with the line to write), and a missing ansible-inventory is bad input.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { ConfigError, loadInventory } from '../../src/config/index.js';
import { inventoryFromAnsibleList } from '../../src/config/ansible-inventory-source.js';
import { compareWithAnsible } from './ansible-compare.js';
import { scratch } from './helpers.js';

const tmp = scratch();
afterAll(() => tmp.cleanup());
const compare = (path: string): Promise<void> => compareWithAnsible(path, `${tmp.dir}/ansible-tmp`);

async function configError(path: string, options = {}): Promise<string> {
  try {
    await loadInventory(path, { home: '/home/ops', ...options });
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error(`${path} loaded without an error`);
}

describe('Ansible inventory sources through ansible-inventory', () => {
  it('reads an INI inventory with groups, children, ranges and vars as Ansible does', async () => {
    const path = tmp.write(
      'hosts.ini',
      `[paris]
p[1:3]
p4 ansible_host=10.0.1.4 ansible_port=2222 site_code=PAR4

[lyon]
l1 ansible_host=10.0.2.1 ansible_user=lyonops

[france:children]
paris
lyon

[france:vars]
ansible_user=netops
ansible_password="{{ lookup('env', 'FR_PASSWORD') }}"
ansible_network_os=cisco.ios.ios
region=emea

[paris:vars]
region=paris
`,
    );
    await compare(path);
    const inventory = await loadInventory(path, { home: '/home/ops' });
    expect(inventory.format).toBe('ansible');
    const p4 = inventory.devices.find((d) => d.name === 'p4');
    expect(p4).toMatchObject({
      host: '10.0.1.4',
      port: 2222,
      vars: { site_code: 'PAR4', region: 'paris' },
      credentials: { username: 'netops', password: { ref: { kind: 'env', name: 'FR_PASSWORD' } } },
    });
    expect(inventory.groups.france).toEqual(expect.arrayContaining(['p1', 'p2', 'p3', 'p4', 'l1']));
  });

  it('reads a directory with hosts, group_vars and host_vars as Ansible does', async () => {
    tmp.write('site/hosts', '[core]\nc1\nc2\n\n[edge]\ne1\n\n[wan:children]\ncore\nedge\n');
    tmp.write('site/group_vars/all.yml', "ansible_user: ops\nansible_password: \"{{ lookup('env', 'NET_PASSWORD') }}\"\nowner: noc\n");
    tmp.write('site/group_vars/core.yml', 'ansible_port: 2201\ntier: core\n');
    tmp.write('site/host_vars/c2.yml', 'ansible_host: 192.0.2.22\ntier: core-standby\n');
    tmp.write('site/host_vars/e1.yml', 'ansible_host: 192.0.2.31\nansible_connection: ansible.netcommon.netconf\nansible_port: 8300\n');
    const dir = `${tmp.dir}/site`;
    await compare(dir);
    const inventory = await loadInventory(dir, { home: '/home/ops' });
    expect(inventory.devices.find((d) => d.name === 'e1')).toMatchObject({ transport: 'netconf', netconfPort: 8300, host: '192.0.2.31' });
    expect(inventory.devices.find((d) => d.name === 'c2')).toMatchObject({ port: 2201, vars: { owner: 'noc', tier: 'core-standby' } });
  });

  it('runs an executable inventory script and reads its JSON as Ansible does', async () => {
    const path = tmp.write(
      'netbox.py',
      `#!/usr/bin/env python3
import json, sys
inventory = {
    "_meta": {"hostvars": {
        "nb-r1": {"ansible_host": "198.51.100.1", "site": "ams1"},
        "nb-r2": {"ansible_host": "198.51.100.2", "ansible_port": 2022, "site": "fra1"},
    }},
    "all": {"children": ["routers"], "vars": {"ansible_user": "svc-certagent", "ansible_password": "{{ lookup('file', '~/.secrets/netbox-routers') }}"}},
    "routers": {"hosts": ["nb-r1", "nb-r2"], "vars": {"role": "edge"}},
}
print(json.dumps(inventory if "--list" in sys.argv else {}))
`,
    );
    chmodSync(path, 0o755);
    await compare(path);
    const inventory = await loadInventory(path, { home: '/home/ops' });
    expect(inventory.devices.map((d) => [d.name, d.host, d.port, d.vars.role, d.credentials.password?.ref])).toEqual([
      ['nb-r1', '198.51.100.1', 22, 'edge', { kind: 'file', path: '/home/ops/.secrets/netbox-routers' }],
      ['nb-r2', '198.51.100.2', 2022, 'edge', { kind: 'file', path: '/home/ops/.secrets/netbox-routers' }],
    ]);
  });

  it('refuses clear-text and vault passwords with the reference to write instead', async () => {
    const clear = tmp.write('clear.ini', '[r]\nr1 ansible_host=10.9.9.1 ansible_user=ops ansible_password=hunter22\n');
    const said = await configError(clear);
    expect(said).toContain('a clear-text password is refused');
    expect(said).toContain(`ansible_password: "{{ lookup('env', 'R1_PASSWORD') }}"`);
    expect(said).not.toContain('hunter22');

    tmp.write('vault/hosts', '[r]\nr1 ansible_host=10.9.9.1\n');
    const passwordFile = tmp.write('vault-password', 'vault-pass-1234\n');
    const encrypted = execFileSync('ansible-vault', ['encrypt_string', '--vault-password-file', passwordFile, 'S3cretPw', '--name', 'ansible_password'], {
      encoding: 'utf8',
      env: { ...process.env, ANSIBLE_LOCAL_TEMP: `${tmp.dir}/ansible-tmp` },
    });
    tmp.write('vault/group_vars/r.yml', `ansible_user: ops\n${encrypted}`);
    const vault = await configError(`${tmp.dir}/vault`);
    expect(vault).toContain('ansible-vault values cannot be opened by certagent');
    expect(vault).toContain(`ansible_password: "{{ lookup('env', 'R_PASSWORD') }}"`);
  });

  it('says what to install when ansible-inventory is missing, and names a source Ansible cannot read', async () => {
    const path = tmp.write('other.ini', '[r]\nr1\n');
    const missing = await configError(path, { ansibleInventory: { command: `${tmp.dir}/no-such/ansible-inventory` } });
    expect(missing).toContain(path);
    expect(missing).toContain('install Ansible (Debian: apt-get install ansible-core');
    const broken = tmp.write('broken.ini', '[r]\nr1 ansible_host\n');
    expect(await configError(broken)).toMatch(/broken\.ini.*could not read it: .*broken\.ini:2/);
  });

  it('keeps a YAML file that is no inventory with certagent, and a plugin config with Ansible', async () => {
    expect(await configError(tmp.write('not.yaml', 'just: [a, list]\n'))).toContain('is neither a certagent inventory');
    // An inventory plugin that is not installed: Ansible's own refusal comes back, naming the file.
    expect(await configError(tmp.write('nb.yml', 'plugin: netbox.netbox.nb_inventory\napi_endpoint: https://netbox.invalid\n'))).toContain('could not read it');
  });
});

describe('the JSON of ansible-inventory --list --export in the YAML shape', () => {
  it('puts groups under all, children by name, host vars on hosts and vault values as markers', () => {
    const shaped = inventoryFromAnsibleList(
      {
        _meta: { hostvars: { a: { x: 1 }, b: { ansible_password: { __ansible_vault: '$ANSIBLE_VAULT;1.1;AES256\n61' } }, loose: {} } },
        all: { children: ['ungrouped', 'g'], vars: { v: 1 } },
        g: { hosts: ['a', 'b'], children: ['h'] },
        h: { vars: { y: 2 } },
        ungrouped: { hosts: ['loose'] },
      },
      'src',
    ) as { all: { children: Record<string, { hosts?: Record<string, unknown>; children?: Record<string, null> }>; vars: unknown } };
    expect(Object.keys(shaped.all.children)).toEqual(['g', 'h', 'ungrouped']);
    expect(shaped.all.children.g?.children).toEqual({ h: null });
    expect(shaped.all.children.g?.hosts?.a).toEqual({ x: 1 });
    expect(String((shaped.all.children.g?.hosts?.b as { ansible_password: unknown }).ansible_password)).toBe('[ansible-vault value]');
    expect(shaped.all.vars).toEqual({ v: 1 });
  });
});
