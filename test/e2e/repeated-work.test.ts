/**
 * No repeated work across devices (issue 14): over a rollout of three lab routers the agent reads the same CA
 * certificates from every router, and parses each distinct DER once for the whole run.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { certificateParseCache } from '../../src/certs/parse-cache.js';
import { parsePkiConfig } from '../../src/device/index.js';
import { resolveDesired, runFleet } from '../../src/workflow/index.js';
import { RecordingReporter, startE2eLab } from './helpers.js';
import type { E2eLab } from './helpers.js';

describe('work done once per run, not once per device', () => {
  let e2e: E2eLab;
  beforeAll(async () => {
    e2e = await startE2eLab({ devices: 3 });
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('parses each distinct certificate the routers hold once over a three-router rollout', async () => {
    const inventory = await e2e.inventory();
    const desired = await resolveDesired(await e2e.playbook());
    const before = certificateParseCache.stats();
    const reporter = new RecordingReporter();
    const result = await runFleet({
      command: 'rollout',
      devices: inventory.devices,
      desired,
      resolver: e2e.resolver(),
      reporter,
      session: { transcriptDir: mkdtempSync(join(e2e.dir, 'run-')), commandTimeoutMs: 10_000, connectTimeoutMs: 10_000 },
      pollIntervalMs: 50,
    });
    expect(reporter.outcomes.map((o) => o.result)).toEqual(['changed', 'changed', 'changed']);
    expect(result.exitCode).toBe(0);
    // What the agent read back to verify: every CA certificate of every router's chains, the same on all three.
    const held = e2e.lab.devices.map((d) => parsePkiConfig(d.router.runningConfig()).chains.flatMap((c) => c.certificates.filter((x) => x.type === 'ca').map((x) => x.der.toString('hex'))));
    const distinct = new Set(held.flat());
    expect(distinct.size).toBeGreaterThanOrEqual(desired.trustpoints.length);
    for (const one of held) expect(new Set(one)).toEqual(distinct);
    const after = certificateParseCache.stats();
    expect(after.parsed - before.parsed).toBe(distinct.size);
    // The two other routers were answered from the cache.
    expect(after.hits - before.hits).toBeGreaterThanOrEqual(2 * distinct.size);
  });
});
