/**
 * Another operator's session holds the configuration lock (`configure terminal lock` on a second vty): rollout
 * waits it out with backoff when it is released, and otherwise fails the device at once with the lock's holder,
 * nothing changed, instead of waiting for a config prompt that never comes.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IOS_XE_CLI } from '../../src/device/index.js';
import { IosXeSession } from '../../src/transport/ssh-cli/index.js';
import { RecordingReporter, runLabFleet, startE2eLab } from './helpers.js';
import type { E2eLab, LabFleetOverrides } from './helpers.js';

function config(router: { runningConfig(): string }): string {
  return router.runningConfig().replace(/^! Last configuration change.*\n!\n/m, '');
}

describe('a configuration lock held by another session', () => {
  let e2e: E2eLab;
  let holder: IosXeSession | undefined;
  beforeAll(async () => {
    e2e = await startE2eLab({ devices: 1 });
  });
  afterEach(async () => {
    await holder?.close();
    holder = undefined;
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  async function lockFromAnotherVty(): Promise<IosXeSession> {
    const router = e2e.lab.devices[0]?.router;
    if (!router) throw new Error('no lab router');
    const c = e2e.lab.credentials;
    const session = await IosXeSession.open({
      device: 'operator',
      platform: IOS_XE_CLI,
      host: router.host,
      port: router.port,
      credentials: { username: c.username, password: c.password },
      hostKey: { mode: 'pinned', fingerprints: [router.hostKeyFingerprint] },
      enableSecret: c.enableSecret,
    });
    await session.send('configure terminal lock');
    expect(session.level).toBe('config');
    return session;
  }

  const rollout = (extra: LabFleetOverrides = {}) =>
    runLabFleet(e2e, { session: { commandTimeoutMs: 30_000, connectTimeoutMs: 5_000 }, retry: { retries: 2, minTimeoutMs: 20, maxTimeoutMs: 50 }, ...extra });

  it('fails the device with the holder named, nothing changed, long before the command timeout', async () => {
    const router = e2e.lab.devices[0]?.router;
    const before = router ? config(router) : '';
    holder = await lockFromAnotherVty();
    const { reporter, exitCode } = await rollout();
    expect(exitCode).toBe(1);
    const outcome = reporter.outcome('lab-r001');
    expect(outcome.result).toBe('failed');
    expect(outcome.error?.message).toMatch(
      /lab-r001: configuration locked: Configuration mode is locked by process '\d+' user '[^']+' from terminal '\d+'\. Please try later\.; retry later/,
    );
    expect(outcome.changes).toEqual([]);
    expect(router ? config(router) : '').toBe(before);
  });

  it('goes on once the other session leaves config mode during the backoff', async () => {
    holder = await lockFromAnotherVty();
    const session = holder;
    // The first config step is where the lock refuses; the operator's `end` soon after frees it while certagent backs off.
    const reporter = new (class extends RecordingReporter {
      override deviceStep(device: string, step: string): void {
        super.deviceStep(device, step);
        if (step.startsWith('configure ') && session.level === 'config') setTimeout(() => void session.ensureExec(), 100);
      }
    })();
    const { exitCode } = await rollout({
      reporter,
      session: { commandTimeoutMs: 30_000, connectTimeoutMs: 5_000, transcriptDir: e2e.dir },
      retry: { retries: 6, minTimeoutMs: 300, maxTimeoutMs: 1_000 },
    });
    expect(reporter.outcome('lab-r001').result).toBe('changed');
    expect(exitCode).toBe(0);
    // Refused first, then let in after the backoff.
    const transcript = readFileSync(join(e2e.dir, 'lab-r001.log'), 'utf8');
    expect(transcript).toContain('Configuration mode is locked by process');
  });
});
