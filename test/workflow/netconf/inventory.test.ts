/**
 * The NETCONF inventory examples shipped in inventory/: both ports of every device, in certagent's format and in
 * Ansible's, where `ansible-inventory` itself confirms which port Ansible's netconf connection gets.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadInventory } from '../../../src/config/index.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'certagent-netconf-inventory-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function ports(devices: readonly { name: string; transport: string; port: number; netconfPort: number }[]): string[] {
  return devices.map((d) => `${d.name} ${d.transport} ssh:${d.port} netconf:${d.netconfPort}`);
}

describe('NETCONF inventories', () => {
  it('certagent format: transport netconf with netconf_port beside the SSH port', async () => {
    const inv = await loadInventory(`${repo}inventory/netconf-example.yaml`, { home: '/home/ops' });
    expect(ports(inv.devices)).toEqual(['edge1 netconf ssh:22 netconf:830', 'edge2 netconf ssh:2222 netconf:8300', 'legacy1 ssh ssh:22 netconf:830']);
  });

  it('Ansible format: ansible_port is the NETCONF port under the netconf connection, as ansible-inventory gives it', async () => {
    const file = `${repo}inventory/ansible-netconf-example.yaml`;
    const inv = await loadInventory(file, { home: '/home/ops' });
    expect(ports(inv.devices)).toEqual(['edge1 netconf ssh:22 netconf:830', 'edge2 netconf ssh:2222 netconf:8300', 'legacy1 ssh ssh:22 netconf:8830']);
    const listed = spawnSync('ansible-inventory', ['-i', file, '--list'], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, ANSIBLE_LOCAL_TEMP: join(tmp, 'ansible-tmp') },
    });
    expect(listed.status).toBe(0);
    const hostvars = (JSON.parse(listed.stdout) as { _meta: { hostvars: Record<string, Record<string, unknown>> } })._meta.hostvars;
    expect([hostvars['edge2']?.['ansible_connection'], hostvars['edge2']?.['ansible_port']]).toEqual(['ansible.netcommon.netconf', 8300]);
    expect(inv.devices.find((d) => d.name === 'edge2')?.netconfPort).toBe(hostvars['edge2']?.['ansible_port']);
  });
});
