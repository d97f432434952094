/**
 * `rotate` fails a device that keeps a managed trustpoint holding an expired CA certificate (issue 10, item 7), the
 * same over the SSH CLI and over NETCONF: both device runs end through the shared rotate check. Against the lab: a
 * router of each transport holds an expired root under the playbook's chain prefix, left over from an earlier chain.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rotateCommand } from '../../src/cli/commands/rotate.js';
import { parseJsonReport } from '../../src/report/json-report.js';
import { issue, testKey } from '../helpers/cert-factory.js';
import { startE2eLab } from './helpers.js';
import type { E2eLab } from './helpers.js';

const DAY = 86_400_000;

describe('rotate and an expired trust anchor left on the device', () => {
  let e2e: E2eLab;
  const expiredOn = new Date(Date.now() - 3 * DAY);
  beforeAll(async () => {
    e2e = await startE2eLab({ devices: 2, netconf: true });
    const old = issue({
      subject: 'Lab Old Root',
      key: testKey('rsa', 'rotate-old-root'),
      ca: true,
      notBefore: new Date(Date.now() - 400 * DAY),
      notAfter: expiredOn,
    });
    for (const device of e2e.lab.devices) device.router.seedCertificate('LAB-Lab-Old-Root', old.der);
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('fails it over SSH and over NETCONF alike, naming the trustpoint and the way out, after installing the chain', async () => {
    let out = '';
    let runs = 0;
    const run = async (device: string, transport: 'ssh' | 'netconf') => {
      const json = join(e2e.dir, `rotate-${transport}-${++runs}.jsonl`);
      const code = await rotateCommand({
        secrets: { env: (n) => e2e.env[n], readFile: (p) => readFileSync(p, 'utf8'), prompt: () => Promise.reject(new Error('no prompt')) },
        stdout: { write: (t: string) => (out += t) },
        stderr: { write: () => true },
        fleet: { retry: { retries: 0 }, pollIntervalMs: 50, session: { commandTimeoutMs: 5_000, connectTimeoutMs: 5_000 } },
      }).run(['-i', e2e.inventoryFile, '-p', e2e.playbookFile, '--limit', device, '--transport', transport, '--progress', 'none', '--json', json]);
      const [outcome] = parseJsonReport(readFileSync(json, 'utf8')).devices;
      return { code, outcome };
    };
    const message = (device: string) => `${device}: trustpoint LAB-Lab-Old-Root holds cn=Lab Old Root, serial ${''}`;
    const ssh = await run('lab-r001', 'ssh');
    const netconf = await run('lab-r002', 'netconf');
    for (const [device, ran] of [
      ['lab-r001', ssh],
      ['lab-r002', netconf],
    ] as const) {
      expect(ran.code).toBe(1);
      expect(ran.outcome?.result).toBe('failed');
      expect(ran.outcome?.error?.step).toBe('rotate');
      expect(ran.outcome?.error?.message).toMatch(
        new RegExp(
          `^${message(device)}[0-9A-F]+, which expired ${expiredOn.toISOString().slice(0, 10)}; it is no longer part of the chain: remove it \\(no crypto pki trustpoint LAB-Lab-Old-Root\\)$`,
        ),
      );
      // The rotation itself went through: the current chain is installed and saved, the old root left for the operator.
      const router = e2e.lab.device(device).router;
      expect(router.runningConfig()).toContain('crypto pki trustpoint LAB-Lab-Root-R1-CA-1C3\n');
      expect(router.runningConfig()).toContain('crypto pki trustpoint LAB-Lab-Old-Root\n');
      expect(await router.startupConfig()).toContain('crypto pki trustpoint LAB-Lab-Root-R1-CA-1C3\n');
    }
    expect(netconf.outcome?.error?.message.replace('lab-r002', 'lab-r001')).toBe(ssh.outcome?.error?.message);
    expect(out).toContain('lab-r002: trustpoint LAB-Lab-Old-Root holds cn=Lab Old Root');
    // Again with every wanted certificate in place, where SSH reads fingerprints only: the expired member still counts.
    for (const [device, transport] of [
      ['lab-r001', 'ssh'],
      ['lab-r002', 'netconf'],
    ] as const) {
      const again = await run(device, transport);
      expect([again.code, again.outcome?.result, again.outcome?.changes]).toEqual([1, 'failed', []]);
      expect(again.outcome?.error?.message).toBe(transport === 'ssh' ? ssh.outcome?.error?.message : netconf.outcome?.error?.message);
    }
  });
});
