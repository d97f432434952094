/**
 * `--pin-fingerprints auto` on a router that refuses unpinned CAs although its `show version` names 17.x: the first
 * attempt is refused at `crypto pki authenticate` and rolled back cleanly, the second pins every CA and goes through.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { resolveDesired } from '../../src/workflow/index.js';
import { runFleet } from '../../src/fleet/index.js';
import { RecordingReporter, startE2eLab } from './helpers.js';
import type { E2eLab } from './helpers.js';

describe('automatic fingerprint pins', () => {
  let e2e: E2eLab;
  beforeAll(async () => {
    e2e = await startE2eLab({ devices: 2, faults: { 'lab-r001': { requireFingerprintPin: true } } });
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('runs a refusing device again with every CA pinned, and pins nothing on the others', async () => {
    const reporter = new RecordingReporter();
    const result = await runFleet({
      command: 'rollout',
      devices: (await e2e.inventory()).devices,
      desired: await resolveDesired(await e2e.playbook(), { pin: 'auto' }),
      resolver: e2e.resolver(),
      reporter,
      session: { commandTimeoutMs: 5_000, connectTimeoutMs: 5_000 },
      retry: { retries: 1, minTimeoutMs: 50 },
      pollIntervalMs: 50,
    });
    expect(reporter.outcomes.map((o) => `${o.device} ${o.result} ${o.error?.message ?? ''}`).sort()).toEqual(['lab-r001 changed ', 'lab-r002 changed ']);
    expect(result.exitCode).toBe(0);
    expect(reporter.lines).toContain('lab-r001: authenticate refused an unpinned CA: running again with every CA pinned');
    expect(reporter.lines.filter((l) => l === 'lab-r001: started')).toHaveLength(1);
    const [pinned, plain] = e2e.lab.devices.map((d) => (d.router.runningConfig().match(/^ fingerprint [0-9A-F]{40}$/gm) ?? []).length);
    expect(pinned).toBeGreaterThanOrEqual(3);
    expect(plain).toBe(0);
  });
});
