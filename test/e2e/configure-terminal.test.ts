/**
 * A session lost or stuck at the very first `configure terminal` (issue 10, item 9): no configuration line went
 * out, so the device is reported `failed` with "nothing applied" and no restore records, and the router is as it
 * was. Faults injected by the lab at that command.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runLabFleet, startE2eLab } from './helpers.js';
import type { E2eLab } from './helpers.js';

describe('failure at configure terminal', () => {
  let e2e: E2eLab;
  beforeAll(async () => {
    e2e = await startE2eLab({
      devices: 2,
      faults: { 'lab-r001': { dropAtCommand: 'configure terminal' }, 'lab-r002': { hangAtCommand: 'configure terminal' } },
    });
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('reports nothing applied, restores nothing, and leaves the routers as they were', async () => {
    const before = e2e.lab.devices.map((d) => d.router.runningConfig());
    const { reporter, exitCode } = await runLabFleet(e2e, { session: { commandTimeoutMs: 1_500, connectTimeoutMs: 3_000 }, retry: { retries: 0 } });
    expect(exitCode).toBe(1);
    for (const [name, how] of [
      ['lab-r001', /the session closed during 'configure terminal'/],
      ['lab-r002', /'configure terminal'/],
    ] as const) {
      const outcome = reporter.outcome(name);
      expect(outcome.result).toBe('failed');
      expect(outcome.error?.message).toMatch(how);
      expect(outcome.error?.message).toMatch(/; nothing was applied: the device never took a configuration line$/);
      expect(outcome.changes).toEqual([]);
    }
    expect(e2e.lab.devices.map((d) => d.router.runningConfig())).toEqual(before);
  });
});
