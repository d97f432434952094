/**
 * The key end-to-end paths (rollout, an unchanged re-run, a rotation) while every router cuts its output into random
 * packets of a few bytes (lines, CRLF, prompts and the echo of certagent's own end-of-command lines split anywhere).
 * The outcome must be what it is with clean output: the same changes, the same proofs (#18 done-when, #11 chunking).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rotatePlanOptions } from '../../src/workflow/index.js';
import type { LabOptions } from '../../src/lab/index.js';
import { FRESH_ROUTER_CHANGES, runLabFleet, startE2eLab } from './helpers.js';
import type { E2eLab, LabFleetOverrides } from './helpers.js';

const SHAPES: readonly [string, LabOptions['output']][] = [
  ['output in random packets of 1..7 bytes', { chunkMaxBytes: 7 }],
  // A vty with `terminal monitor` and no `logging synchronous`: syslog lines land between output lines,
  // certificate hex included; the facts parsers skip whole syslog lines (#18 item 1).
  ['syslog lines interleaved into the output', { syslogEveryLines: 5 }],
];

describe.each(SHAPES)('rollout, re-run and rotate with %s', (_, output) => {
  let e2e: E2eLab;
  beforeAll(async () => {
    e2e = await startE2eLab({ devices: 2, ...(output && { output }) });
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  const run = (extra: LabFleetOverrides = {}) =>
    runLabFleet(e2e, { session: { commandTimeoutMs: 20_000, connectTimeoutMs: 10_000 }, retry: { retries: 0 }, ...extra });

  it('installs and proves the whole playbook on every router', async () => {
    const { reporter, exitCode } = await run();
    expect(reporter.lines.filter((l) => /failed|rolled-back/.test(l))).toEqual([]);
    expect(exitCode).toBe(0);
    for (const device of e2e.lab.devices) {
      expect(reporter.outcome(device.name).changes.map((c) => `${c.object} ${c.action}`)).toEqual(FRESH_ROUTER_CHANGES);
    }
    expect(e2e.lab.mail.messages()).toHaveLength(2);
  });

  it('changes nothing when run again', async () => {
    const before = e2e.lab.devices.map((d) => d.router.runningConfig());
    const { reporter, exitCode } = await run();
    expect(exitCode).toBe(0);
    expect(reporter.outcomes.map((o) => [o.device, o.result, o.changes.length]).sort()).toEqual(e2e.lab.devices.map((d) => [d.name, 'unchanged', 0]).sort());
    expect(e2e.lab.devices.map((d) => d.router.runningConfig())).toEqual(before);
  });

  it('rotates exactly the changed certificates', async () => {
    await e2e.lab.rotateMailChain();
    const { reporter, exitCode } = await run({ command: 'rotate', planOptions: rotatePlanOptions() });
    expect(reporter.lines.filter((l) => /failed|rolled-back/.test(l))).toEqual([]);
    expect(exitCode).toBe(0);
    for (const device of e2e.lab.devices) {
      expect(reporter.outcome(device.name).changes.map((c) => `${c.object} ${c.action}`)).toEqual([
        'trustpoint LAB-Lab-Root-R2 created',
        'trustpoint LAB-Lab-Root-R2-CA-1C3 created',
        'trustpoint LAB-smtp.lab.example replaced',
        'applet SendSecureEmailEEM proven',
      ]);
    }
  });
});
