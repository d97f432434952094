/**
 * `--device-timeout` bounds the step under way, not only the start of the next one, and a `write memory` that
 * printed [OK] and then hung does not leave startup-config ahead of the rolled-back running-config (#18 item 6,
 * #17 deadlines, #10 item 4). What is judged is read from the lab routers' own state.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { resolveDesired } from '../../src/workflow/index.js';
import { runFleet } from '../../src/fleet/index.js';
import type { FleetOptions } from '../../src/fleet/index.js';
import { RecordingReporter, startE2eLab } from './helpers.js';
import type { E2eLab } from './helpers.js';

/** The configuration without IOS's change and save stamps, which any config session or save updates. */
function config(text: string | undefined): string {
  return (text ?? '')
    .split('\n')
    .filter((l) => !/^! (?:Last configuration change|NVRAM config last updated)/.test(l))
    .join('\n')
    .replace(/^(?:!\n)+/, '!\n');
}

describe('device deadlines and an interrupted write memory', () => {
  let e2e: E2eLab;
  beforeAll(async () => {
    e2e = await startE2eLab({
      devices: 3,
      faults: {
        // Prints its output, never the prompt: the gather step hangs.
        'lab-r001': { hangAtCommand: 'show running-config' },
        // Saves, prints [OK], then never the prompt.
        'lab-r002': { hangAtCommand: 'write memory' },
        // Hangs in the middle of the change, after the first config block went in.
        'lab-r003': { hangAtCommand: 'crypto pki authenticate' },
      },
    });
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  async function run(names: readonly string[], extra: Partial<FleetOptions>, onStep?: (device: string, step: string) => void) {
    const reporter = new RecordingReporter();
    const recordStep = reporter.deviceStep.bind(reporter);
    reporter.deviceStep = (device, step) => {
      recordStep(device, step);
      onStep?.(device, step);
    };
    const result = await runFleet({
      command: 'rollout',
      devices: (await e2e.inventory()).devices.filter((d) => names.includes(d.name)),
      desired: await resolveDesired(await e2e.playbook()),
      resolver: e2e.resolver(),
      reporter,
      retry: { retries: 5, minTimeoutMs: 20, maxTimeoutMs: 50 },
      pollIntervalMs: 50,
      ...extra,
    });
    return { reporter, exitCode: result.exitCode };
  }

  it('ends a hanging step at the device deadline, not at the (much longer) command timeout, and retries no further', async () => {
    const { reporter, exitCode } = await run(['lab-r001'], { session: { commandTimeoutMs: 600_000, connectTimeoutMs: 5_000 }, deviceTimeoutMs: 1_500 });
    expect(exitCode).toBe(1);
    const outcome = reporter.outcome('lab-r001');
    expect(outcome.result).toBe('failed');
    expect(outcome.error?.message).toMatch(/lab-r001: stopped waiting for '.*show running-config.*': lab-r001: the device deadline of 1\.5 s passed/);
    // Timed out by the deadline, it is not retried (five retries were allowed).
    expect(reporter.lines.filter((l) => l.includes('retrying'))).toEqual([]);
  });

  it('rolls back within the rollback allowance when the deadline passes in the middle of the change', async () => {
    const router = e2e.lab.device('lab-r003').router;
    const before = config(router.runningConfig());
    const { reporter, exitCode } = await run(['lab-r003'], { session: { commandTimeoutMs: 600_000, connectTimeoutMs: 5_000 }, deviceTimeoutMs: 3_000 });
    expect(exitCode).toBe(1);
    const outcome = reporter.outcome('lab-r003');
    expect(outcome.result).toBe('rolled-back');
    // The hang comes at the end of the authenticate dialog, after its last answer.
    expect(outcome.error?.message).toMatch(/lab-r003: stopped waiting for 'yes': lab-r003: the device deadline of 3 s passed/);
    expect(outcome.changes.length).toBeGreaterThan(0);
    expect(outcome.changes.every((c) => c.action === 'restored')).toBe(true);
    expect(config(router.runningConfig())).toBe(before);
  });

  it('after a write memory that printed [OK] and hung, rolls back and saves again, so startup-config agrees with running-config', async () => {
    const router = e2e.lab.device('lab-r002').router;
    const before = config(router.runningConfig());
    // The hang happens once: the router answers again by the time certagent rolls back.
    const recover = { deviceStep: (_: string, step: string) => step.startsWith('roll back') && router.setFaults({}) };
    const { reporter, exitCode } = await run(['lab-r002'], { session: { commandTimeoutMs: 1_500, connectTimeoutMs: 5_000 } }, recover.deviceStep);
    expect(exitCode).toBe(1);
    const outcome = reporter.outcome('lab-r002');
    expect(outcome.result).toBe('rolled-back');
    expect(outcome.error?.message).toMatch(/no prompt within 6000 ms after 'write memory'/);
    expect(outcome.changes).toContainEqual(expect.objectContaining({ object: 'startup-config', action: 'saved' }));
    expect(config(router.runningConfig())).toBe(before);
    expect(config(await router.startupConfig())).toBe(before);
  });
});
