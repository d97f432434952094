/**
 * A router whose `show running-config` comes back with a log message in the middle of a certificate's hex (the
 * lab's garble-hex fault) is left exactly as it was by `rollout` and by `rotate`, the unattended job: unchanged
 * when its fingerprints say so, and with a per-device error naming the trustpoint, before any change, when a
 * replacement would need the unreadable certificate.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { rotatePlanOptions } from '../../src/workflow/index.js';
import { runLabFleet, startE2eLab } from './helpers.js';
import type { E2eLab, LabFleetOverrides } from './helpers.js';

/** The running config without IOS's `! Last configuration change` stamp, which any config session updates. */
function config(router: { runningConfig(): string }): string {
  return router.runningConfig().replace(/^! Last configuration change.*\n!\n/m, '');
}

describe('garbled facts never change a router', () => {
  let e2e: E2eLab;
  beforeAll(async () => {
    e2e = await startE2eLab({ devices: 2 });
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  const run = (extra: LabFleetOverrides = {}) =>
    runLabFleet(e2e, {
      session: { transcriptDir: mkdtempSync(join(e2e.dir, 'run-')), commandTimeoutMs: 5_000, connectTimeoutMs: 5_000 },
      retry: { retries: 1, minTimeoutMs: 20, maxTimeoutMs: 50 },
      ...extra,
    });

  it('leaves a garbled router alone: unchanged from its fingerprints, and no replacement planned from unreadable hex', async () => {
    const first = await run();
    expect(first.exitCode).toBe(0);
    const garbled = e2e.lab.device('lab-r001').router;
    garbled.setFaults({ garbleHex: true });
    const before = config(garbled);

    // Nothing to change: the fingerprints IOS prints decide it (#14), and the garbled hex is never read.
    const unchanged = await run({ command: 'rotate', planOptions: rotatePlanOptions() });
    expect(unchanged.exitCode).toBe(0);
    expect(unchanged.reporter.outcome('lab-r001').result).toBe('unchanged');
    expect(config(garbled)).toBe(before);

    // The provider rotates: replacing the leaf trustpoint needs its old certificate (for the rollback), which
    // the device prints with a log message inside its hex. The device fails before any change.
    await e2e.lab.rotateMailChain();
    for (const extra of [{ command: 'rotate' as const, planOptions: rotatePlanOptions() }, {}]) {
      const { reporter, exitCode } = await run(extra);
      expect(exitCode).toBe(1);
      const outcome = reporter.outcome('lab-r001');
      expect(outcome.result).toBe('failed');
      expect(outcome.changes).toEqual([]);
      expect(outcome.error?.step).toBe('plan');
      expect(outcome.error?.message).toMatch(
        /^lab-r001: could not read trustpoint \S+'s certificate from the device: certificate \w+: line \d+ " {2}[0-9A-F ]+\*\w{3} [ \d]\d [\d:.]+: %.*" is not certificate hex$/,
      );
      expect(outcome.error?.hint).toMatch(/nothing was changed/);
      expect(reporter.lines.filter((l) => l.startsWith('lab-r001: ') && /configure|remove|authenticate|roll back/.test(l))).toEqual([]);
      expect(config(garbled)).toBe(before);
    }
    expect(garbled.runningConfig()).toContain('crypto pki trustpoint LAB-Lab-Root-R1\n');
    garbled.setFaults({});
  });
});
