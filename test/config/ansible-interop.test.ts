/** Ansible itself is the reference for how an Ansible inventory reads: the same files go through
 * `ansible-inventory --list`, and certagent must agree on hosts, groups, addresses and variables. */
import { afterAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadInventory } from '../../src/config/index.js';
import { scratch } from './helpers.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const tmp = scratch();
afterAll(() => tmp.cleanup());

interface AnsibleList {
  _meta: { hostvars: Record<string, Record<string, unknown>> };
  [group: string]: { hosts?: string[]; children?: string[] } | AnsibleList['_meta'];
}

function ansibleList(path: string): AnsibleList {
  const r = spawnSync('ansible-inventory', ['-i', path, '--list'], {
    encoding: 'utf8',
    timeout: 60000,
    env: { ...process.env, ANSIBLE_LOCAL_TEMP: `${tmp.dir}/ansible-tmp`, ANSIBLE_INVENTORY_UNPARSED_FAILED: 'true' },
  });
  if (r.status !== 0) throw new Error(`ansible-inventory failed (${r.status ?? r.signal}): ${r.stderr}`);
  return JSON.parse(r.stdout) as AnsibleList;
}

function groupsOf(list: AnsibleList, host: string): string[] {
  const members = (group: string): Set<string> => {
    const g = list[group] as { hosts?: string[]; children?: string[] } | undefined;
    const out = new Set(g?.hosts ?? []);
    for (const child of g?.children ?? []) for (const h of members(child)) out.add(h);
    return out;
  };
  return Object.keys(list)
    .filter((g) => g !== '_meta' && g !== 'all' && g !== 'ungrouped' && members(g).has(host))
    .sort();
}

async function compare(path: string): Promise<void> {
  const list = ansibleList(path);
  const inventory = await loadInventory(path, { home: '/home/ops' });
  expect(inventory.devices.map((d) => d.name).sort()).toEqual(Object.keys(list._meta.hostvars).sort());
  for (const device of inventory.devices) {
    const vars = list._meta.hostvars[device.name] ?? {};
    expect([device.name, device.host]).toEqual([device.name, vars.ansible_host ?? device.name]);
    // ansible_port is the port of the host's connection: NETCONF's under the netconf connection plugin.
    const netconf = String(vars.ansible_connection ?? '').endsWith('netconf');
    expect([device.name, netconf ? device.netconfPort : device.port]).toEqual([device.name, Number(vars.ansible_port ?? (netconf ? 830 : 22))]);
    expect([device.name, device.credentials.username]).toEqual([device.name, vars.ansible_user]);
    const own = Object.fromEntries(Object.entries(vars).filter(([k]) => !k.startsWith('ansible_') && !k.startsWith('certagent_')));
    expect([device.name, device.vars]).toEqual([device.name, own]);
    expect([device.name, [...device.groups].sort()]).toEqual([device.name, groupsOf(list, device.name)]);
  }
}

describe('Ansible inventories, read by certagent as ansible-inventory reads them', () => {
  it('agrees on the shipped example', async () => {
    await compare(`${repo}inventory/ansible-example.yaml`);
  });

  it('agrees on precedence across nested groups, siblings at one depth, repeated hosts and host ranges', async () => {
    const path = tmp.write(
      'precedence.yaml',
      `all:
  vars: { ansible_user: base, ansible_password: "{{ lookup('env', 'PW') }}", level: all, shared: all }
  children:
    emea:
      vars: { level: emea, region: emea, ansible_port: 2200 }
      children:
        paris:
          vars: { level: paris, site: paris }
          hosts:
            p1: { ansible_host: 10.0.1.1, level: host }
            p2: { ansible_host: 10.0.1.2 }
        core:
          vars: { level: core, tier: core, ansible_user: coreops }
          hosts:
            p1: { extra: yes }
    amer:
      vars: { region: amer }
      hosts:
        ny[01:03]:
        edge-[a:c]-[1:4:3]:
          role: edge
        n1:
          ansible_host: 10.1.0.1
          ansible_port: 22
`,
    );
    await compare(path);
  });
});
