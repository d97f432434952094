/**
 * Fleet stages over real SSH against lab routers: a failure budget that stops starting devices while those under
 * way finish, a canary whose failure leaves the rest untouched, waves that start only when the previous wave has
 * finished, a run deadline, a device deadline that stops a slow device and rolls its changes back, and a journal write failure
 * that stops the run.
 */
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { parseFailureBudget } from '../../src/fleet/index.js';
import type { LabOptions } from '../../src/lab/index.js';
import { CommandCounter } from './fleet-helpers.js';
import { runLabFleet, startE2eLab } from './helpers.js';
import type { E2eLab, LabFleetOverrides, RecordingReporter } from './helpers.js';

const counter = new CommandCounter();
afterAll(() => counter.restore());

function fleet(e2e: E2eLab, extra: LabFleetOverrides) {
  return runLabFleet(e2e, { session: { commandTimeoutMs: 10_000, connectTimeoutMs: 5_000 }, retry: { retries: 0 }, ...extra });
}

function started(reporter: RecordingReporter): string[] {
  return reporter.lines.flatMap((l) => (l.endsWith(': started') ? [l.slice(0, -': started'.length)] : []));
}

describe('fleet stages', () => {
  let e2e: E2eLab | undefined;
  const lab = async (options: Partial<LabOptions>): Promise<E2eLab> => {
    e2e = await startE2eLab(options);
    counter.reset();
    return e2e;
  };
  afterEach(async () => {
    await e2e?.stop();
    e2e = undefined;
  });

  it('the failure budget stops starting devices once exceeded; devices under way finish and untouched ones are skipped', async () => {
    const refuse = { rejectCertificate: true } as const;
    const e = await lab({ devices: 8, faults: { 'lab-r002': refuse, 'lab-r003': refuse, 'lab-r004': refuse, 'lab-r005': refuse } });
    const { reporter, result } = await fleet(e, { concurrency: 2, maxFailures: parseFailureBudget('1') });
    const summary = result.summary;
    expect(summary.stoppedEarly).toMatch(/^failure budget exceeded: 2 devices failed or rolled back, --max-failures 1 allows 1 of 8$/);
    expect(result.exitCode).toBe(1);
    // Every device has exactly one outcome; every started one finished (none left half-way), the rest were skipped.
    expect(reporter.outcomes.map((o) => o.device).sort()).toEqual(e.lab.devices.map((d) => d.name));
    const begun = started(reporter);
    for (const o of reporter.outcomes) expect(o.result === 'skipped').toBe(!begun.includes(o.device));
    expect(summary.byResult.skipped).toBeGreaterThanOrEqual(3);
    // Devices start in inventory order, so the skipped ones are the tail; their routers saw not one command.
    const skipped = reporter.outcomes.filter((o) => o.result === 'skipped').map((o) => o.device);
    expect(skipped).toEqual(e.lab.devices.map((d) => d.name).slice(8 - skipped.length));
    for (const name of skipped) expect(counter.of(name)).toBe(0);
    expect(reporter.outcome(skipped[0] ?? '').error?.message).toMatch(/not started: the run was stopped \(failure budget exceeded/);
    // The refused devices rolled back cleanly: no trustpoint of the playbook is left on them.
    for (const o of reporter.outcomes.filter((x) => x.result === 'rolled-back')) {
      expect(e.lab.device(o.device).router.runningConfig()).not.toContain('crypto pki trustpoint LAB-');
    }
    expect(reporter.outcome('lab-r001').result).toBe('changed');
  });

  it('a failing canary stops the run before any other device is touched', async () => {
    const e = await lab({ devices: 5, faults: { 'lab-r002': { rejectCertificate: true } } });
    const { reporter, result } = await fleet(e, { concurrency: 4, canary: 2 });
    expect(result.summary.stoppedEarly).toBe('the canary (2 devices) failed on lab-r002 (rolled-back): no other device was started');
    expect(reporter.outcome('lab-r001').result).toBe('changed');
    expect(reporter.outcome('lab-r002').result).toBe('rolled-back');
    for (const name of ['lab-r003', 'lab-r004', 'lab-r005']) {
      expect(reporter.outcome(name).result).toBe('skipped');
      expect(counter.of(name)).toBe(0);
    }
    expect(result.exitCode).toBe(1);
  });

  it('a good canary, then waves: each wave starts only when the one before has finished', async () => {
    const e = await lab({ devices: 5 });
    const { reporter, result } = await fleet(e, { concurrency: 4, canary: 1, waveSize: 2 });
    expect(result.exitCode).toBe(0);
    expect(result.summary.stoppedEarly).toBeUndefined();
    const position = (line: string): number => reporter.lines.indexOf(line);
    const waves = [['lab-r001'], ['lab-r002', 'lab-r003'], ['lab-r004', 'lab-r005']];
    for (let i = 1; i < waves.length; i++) {
      const lastFinished = Math.max(...(waves[i - 1] ?? []).map((d) => position(`${d}: changed`)));
      const firstStarted = Math.min(...(waves[i] ?? []).map((d) => position(`${d}: started`)));
      expect(lastFinished).toBeGreaterThanOrEqual(0);
      expect(firstStarted).toBeGreaterThan(lastFinished);
    }
    // Within a wave both devices run at once: the second starts before the first finishes.
    expect(position('lab-r003: started')).toBeLessThan(position('lab-r002: changed'));
  });

  it('a journal that cannot be written stops the run: no device starts that a later --resume could not account for', async () => {
    const e = await lab({ devices: 3 });
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const journal = { deviceStarted: () => Promise.resolve(), deviceFinished: () => Promise.reject(full), runFinished: () => Promise.reject(full) };
    const { reporter, result } = await fleet(e, { concurrency: 1, journal });
    expect(result.summary.stoppedEarly).toBe('the journal cannot be written (ENOSPC: no space left on device, write)');
    expect(reporter.outcomes.map((o) => o.result)).toEqual(['changed', 'skipped', 'skipped']);
    expect(counter.of('lab-r002') + counter.of('lab-r003')).toBe(0);
  });

  it('once the run deadline has passed no device starts; the one under way finishes', async () => {
    const e = await lab({ devices: 3 });
    const { reporter, result } = await fleet(e, { concurrency: 1, deadlineMs: 1 });
    expect(reporter.outcomes.map((o) => o.result)).toEqual(['changed', 'skipped', 'skipped']);
    expect(result.summary.stoppedEarly).toBe('the run deadline of 0.001 s passed');
    expect(counter.of('lab-r002') + counter.of('lab-r003')).toBe(0);
  });

  it('a device past its deadline starts no further step and leaves nothing of the playbook behind', async () => {
    // 40 ms per command line: the paste of each certificate alone takes over a second.
    const e = await lab({ devices: 1, latency: { commandMs: 40 } });
    const { reporter, result } = await fleet(e, { deviceTimeoutMs: 1_500 });
    const outcome = reporter.outcome('lab-r001');
    expect(['failed', 'rolled-back']).toContain(outcome.result);
    // Passed between two steps, or during one (whose wait then ends at once).
    expect(outcome.error?.message).toMatch(
      /^lab-r001: (?:stopped waiting for '[^']*': lab-r001: )?the device deadline of 1\.5 s passed; no further step was started/,
    );
    expect(e.lab.device('lab-r001').router.runningConfig()).not.toContain('crypto pki trustpoint LAB-');
    expect(result.exitCode).toBe(1);
  });
});
