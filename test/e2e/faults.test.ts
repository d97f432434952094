/**
 * Faults injected mid-change leave each router as it was (rolled back, not saved) with a clear per-device error;
 * connection failures before any change are retried only when transient.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SecretResolver } from '../../src/config/index.js';
import { LAB_ENV } from '../../src/lab/index.js';
import { resolveDesired } from '../../src/workflow/index.js';
import { runFleet } from '../../src/fleet/index.js';
import type { FleetOptions } from '../../src/fleet/index.js';
import { RecordingReporter, startE2eLab } from './helpers.js';
import type { E2eLab } from './helpers.js';

/** The running config without IOS's `! Last configuration change` stamp, which any config session updates. */
function config(router: { runningConfig(): string }): string {
  return router.runningConfig().replace(/^! Last configuration change.*\n!\n/m, '');
}

describe('faults during a rollout', () => {
  let e2e: E2eLab;
  beforeAll(async () => {
    e2e = await startE2eLab({
      faults: {
        'lab-r001': { dropAtCommand: 'crypto pki authenticate LAB-Lab-Root-R1-CA-1C3' },
        'lab-r002': { hangAtCommand: 'crypto pki authenticate LAB-smtp' },
        'lab-r003': { rejectCertificate: ['LAB-Lab-Root-R1-CA-1C3'] },
      },
    });
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  async function run(extra: Partial<FleetOptions> = {}, names?: readonly string[]) {
    const inventory = await e2e.inventory();
    const desired = await resolveDesired(await e2e.playbook());
    const reporter = new RecordingReporter();
    const transcriptDir = mkdtempSync(join(e2e.dir, 'run-'));
    const result = await runFleet({
      command: 'rollout',
      devices: inventory.devices.filter((d) => names === undefined || names.includes(d.name)),
      desired,
      resolver: e2e.resolver(),
      reporter,
      session: { transcriptDir, commandTimeoutMs: 2_000, connectTimeoutMs: 3_000 },
      retry: { retries: 2, minTimeoutMs: 20, maxTimeoutMs: 50 },
      pollIntervalMs: 50,
      ...extra,
    });
    const transcripts = Object.fromEntries(readdirSync(transcriptDir).map((f) => [f.replace(/\.log$/, ''), readFileSync(join(transcriptDir, f), 'utf8')]));
    return { reporter, exitCode: result.exitCode, transcripts };
  }

  it('rolls each router back when the session drops, hangs, or the device refuses the certificate', async () => {
    const before = e2e.lab.devices.map((d) => config(d.router));
    const { reporter, exitCode, transcripts } = await run();
    expect(exitCode).toBe(1);
    expect(e2e.lab.devices.map((d) => config(d.router))).toEqual(before);

    const dropped = reporter.outcome('lab-r001');
    expect(dropped.result).toBe('rolled-back');
    expect(dropped.error?.message).toMatch(/lab-r001: the session closed during 'crypto pki authenticate LAB-Lab-Root-R1-CA-1C3'/);
    // Every opening config block went out first, in one write, so every change is undone, last first.
    expect(dropped.changes.map((c) => `${c.object} ${c.action}`)).toEqual([
      'applet SendSecureEmailEEM restored',
      'environment _email_to restored',
      'environment _email_from restored',
      'environment _email_server restored',
      'trustpoint LAB-smtp.lab.example restored',
      'trustpoint LAB-Lab-Root-R1-CA-1C3 restored',
      'trustpoint LAB-Lab-Root-R1 restored',
      'ip host smtp.lab.example restored',
    ]);

    const hung = reporter.outcome('lab-r002');
    expect(hung.result).toBe('rolled-back');
    // The device printed its answer to the paste but never its prompt again.
    expect(hung.error?.step).toBe('authenticate LAB-smtp.lab.example');
    expect(hung.error?.message).toMatch(/^lab-r002: no question within 2000 ms after '-----BEGIN CERTIFICATE-----'; last seen: .*successfully imported/);

    const refused = reporter.outcome('lab-r003');
    expect(refused.result).toBe('rolled-back');
    expect(refused.error?.step).toBe('crypto pki authenticate LAB-Lab-Root-R1-CA-1C3');
    expect(refused.error?.deviceText).toBe(
      'Trustpoint fingerprint must be supplied.\nTrustpoint CA certificate is rejected. Abort.\n% Error in saving certificate: status = FAIL',
    );
    expect(refused.error?.hint).toMatch(/--pin-fingerprints/);
    for (const name of ['lab-r001', 'lab-r002', 'lab-r003']) expect(transcripts[name]).not.toContain('write memory');
  });

  it('rolls back and does not save when write memory fails after a verified change', async () => {
    const router = e2e.lab.device('lab-r003').router;
    router.setFaults({ failWriteMemory: true });
    const before = config(router);
    const { reporter, exitCode } = await run({}, ['lab-r003']);
    expect(exitCode).toBe(1);
    const outcome = reporter.outcome('lab-r003');
    expect(outcome.result).toBe('rolled-back');
    expect(outcome.error?.step).toBe('write memory');
    expect(outcome.error?.deviceText).toMatch(/nvram/i);
    expect(config(router)).toBe(before);
    router.setFaults({});
  });

  it('fails a wrong password at once, without retries', async () => {
    const env: Record<string, string> = { ...e2e.env, [LAB_ENV.password]: 'not-the-password' };
    const resolver = new SecretResolver({ env: (n) => env[n], readFile: (p) => readFileSync(p, 'utf8'), prompt: () => Promise.reject(new Error('no prompt')) });
    const { reporter, exitCode } = await run({ resolver }, ['lab-r001']);
    expect(exitCode).toBe(1);
    const outcome = reporter.outcome('lab-r001');
    expect(outcome.result).toBe('failed');
    expect(outcome.error?.message).toMatch(/authentication failed for user 'admin'/);
    expect(reporter.lines.filter((l) => l.includes('retrying'))).toEqual([]);
    expect(JSON.stringify(reporter.outcomes)).not.toContain('not-the-password');
  });

  it('retries a refused connection with backoff, then reports it', async () => {
    const router = e2e.lab.device('lab-r002').router;
    router.setFaults({ refuseConnections: true });
    try {
      const { reporter, exitCode } = await run({}, ['lab-r002']);
      expect(exitCode).toBe(1);
      expect(reporter.outcome('lab-r002')).toMatchObject({ result: 'failed', changes: [] });
      expect(reporter.lines.filter((l) => l.startsWith('lab-r002: connection failed') && l.endsWith('retrying'))).toHaveLength(2);
    } finally {
      router.setFaults({});
    }
  });
});
