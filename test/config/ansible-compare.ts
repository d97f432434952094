/** Ansible itself as the reference: what `ansible-inventory -i SRC --list` says of each host, against what certagent
 * read of the same source (hosts, addresses, ports, users, own variables, groups). */
import { expect } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { loadInventory } from '../../src/config/index.js';

export interface AnsibleList {
  _meta: { hostvars: Record<string, Record<string, unknown>> };
  [group: string]: { hosts?: string[]; children?: string[] } | AnsibleList['_meta'];
}

export function ansibleList(path: string, localTemp: string): AnsibleList {
  const r = spawnSync('ansible-inventory', ['-i', path, '--list'], {
    encoding: 'utf8',
    timeout: 60000,
    env: { ...process.env, ANSIBLE_LOCAL_TEMP: localTemp, ANSIBLE_INVENTORY_UNPARSED_FAILED: 'true' },
  });
  if (r.status !== 0) throw new Error(`ansible-inventory failed (${r.status ?? r.signal}): ${r.stderr}`);
  return JSON.parse(r.stdout) as AnsibleList;
}

export function groupsOf(list: AnsibleList, host: string): string[] {
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

export async function compareWithAnsible(path: string, localTemp: string): Promise<void> {
  const list = ansibleList(path, localTemp);
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
