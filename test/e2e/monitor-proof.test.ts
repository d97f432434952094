/**
 * The mail proof without polling: where the router streams its syslog to the session (`terminal monitor`, IOS's
 * default `logging monitor debugging`), the marker is seen as it is logged and `show logging` is read once, before
 * the run; a router configured `no logging monitor` is polled as before, and proven all the same.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { resolveCredentials } from '../../src/config/index.js';
import { openDeviceSession, resolveDesired } from '../../src/workflow/index.js';
import { runFleet } from '../../src/fleet/index.js';
import { LOG_COMMAND, MONITOR_LOG_COMMAND } from '../../src/workflow/verify.js';
import { RecordingReporter, startE2eLab } from './helpers.js';
import type { E2eLab } from './helpers.js';

describe('proof from the terminal monitor stream', () => {
  let e2e: E2eLab;
  beforeAll(async () => {
    e2e = await startE2eLab({ devices: 2 });
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('sees the marker streamed on a router that offers it and polls the one configured no logging monitor', async () => {
    const devices = (await e2e.inventory()).devices;
    const quiet = devices.find((d) => d.name === 'lab-r002');
    if (!quiet) throw new Error('no lab-r002');
    const session = await openDeviceSession(quiet, await resolveCredentials(quiet, e2e.resolver()));
    try {
      await session.sendConfig(['no logging monitor']);
      expect(await session.send(MONITOR_LOG_COMMAND)).toMatch(/Monitor logging: disabled/);
    } finally {
      await session.close();
    }
    const transcriptDir = mkdtempSync(join(e2e.dir, 'run-'));
    const reporter = new RecordingReporter();
    const result = await runFleet({
      command: 'rollout',
      devices,
      desired: await resolveDesired(await e2e.playbook()),
      resolver: e2e.resolver(),
      reporter,
      session: { transcriptDir, commandTimeoutMs: 10_000, connectTimeoutMs: 10_000 },
      pollIntervalMs: 50,
    });
    expect(result.exitCode).toBe(0);
    for (const name of ['lab-r001', 'lab-r002']) {
      expect(reporter.outcome(name).changes.find((c) => c.action === 'proven')?.detail).toMatch(/^mail sent \(run [0-9a-f]+\)$/);
    }
    const transcript = (name: string): string => {
      const file = readdirSync(transcriptDir).find((f) => f.includes(name));
      if (!file) throw new Error(`no transcript of ${name}`);
      return readFileSync(join(transcriptDir, file), 'utf8');
    };
    const afterRun = (text: string): string => text.slice(text.indexOf('#event manager run SendSecureEmailEEM'));
    const streamed = transcript('lab-r001');
    expect(streamed).toContain(`#${MONITOR_LOG_COMMAND}`);
    expect(streamed).toContain('#terminal monitor');
    expect(afterRun(streamed)).toMatch(/%HA_EM-6-LOG: SendSecureEmailEEM: certagent: SendSecureEmailEEM done [0-9a-f]+\n[^\n]*#terminal no monitor/);
    expect(afterRun(streamed)).not.toContain(`#${LOG_COMMAND}\n`);
    const polled = transcript('lab-r002');
    expect(polled).not.toContain('#terminal monitor');
    expect(afterRun(polled)).toContain(`#${LOG_COMMAND}\n`);
    // Running and startup agree after the save, the monitor setting included.
    expect(e2e.lab.device('lab-r002').router.runningConfig()).toContain('\nno logging monitor\n');
  });
});
