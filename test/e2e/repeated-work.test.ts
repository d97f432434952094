/**
 * No repeated work across devices (issue 14): when the same trustpoints change on every router, the agent reads
 * the same old CA certificates from each (it needs them for rollback) and parses each distinct DER once per run.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { certificateParseCache } from '../../src/certs/parse-cache.js';
import { parseCertificate } from '../../src/certs/x509.js';
import { parsePkiConfig } from '../../src/device/index.js';
import { resolveDesired, rotatePlanOptions } from '../../src/workflow/index.js';
import { runFleet } from '../../src/fleet/index.js';
import type { DesiredState } from '../../src/workflow/index.js';
import type { FleetOptions } from '../../src/fleet/index.js';
import { issue, testKey } from '../helpers/cert-factory.js';
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

  async function run(command: 'rollout' | 'rotate', desired: DesiredState, extra: Partial<FleetOptions> = {}) {
    const reporter = new RecordingReporter();
    const result = await runFleet({
      command,
      devices: (await e2e.inventory()).devices,
      desired,
      resolver: e2e.resolver(),
      reporter,
      session: { transcriptDir: mkdtempSync(join(e2e.dir, 'run-')), commandTimeoutMs: 10_000, connectTimeoutMs: 10_000 },
      pollIntervalMs: 50,
      ...extra,
    });
    return { results: reporter.outcomes.map((o) => o.result), exitCode: result.exitCode };
  }

  it('parses each distinct certificate read from three routers once', async () => {
    const current = await resolveDesired(await e2e.playbook());
    expect((await run('rollout', current)).exitCode).toBe(0);
    const swapped = ['LAB-smtp.lab.example', 'LAB-Lab-Root-R1-CA-1C3'];
    const replacement = new Map(
      swapped.map((name) => [
        name,
        parseCertificate(
          issue({
            subject: [
              ['o', 'certagent test'],
              ['cn', `Replacement for ${name}`],
            ],
            key: testKey('ec', `repeated-${name}`),
            ca: true,
          }).der,
        ),
      ]),
    );
    // No proof: the mail server keeps serving the old chain; this is about what is parsed.
    const { verify: _proof, ...rest } = current;
    const desired: DesiredState = { ...rest, trustpoints: current.trustpoints.map((t) => ({ ...t, cert: replacement.get(t.name) ?? t.cert })) };
    // What the agent has to read for rollback: the old CA certificates of the swapped trustpoints, the same on all three.
    const held = e2e.lab.devices.map((d) =>
      parsePkiConfig(d.router.runningConfig())
        .chains.filter((c) => swapped.includes(c.trustpoint))
        .flatMap((c) => c.certificates.map((x) => x.der.toString('hex'))),
    );
    const distinct = new Set(held.flat());
    expect(distinct.size).toBe(swapped.length);
    for (const one of held) expect(new Set(one)).toEqual(distinct);

    const before = certificateParseCache.stats();
    const { results, exitCode } = await run('rotate', desired, { planOptions: rotatePlanOptions() });
    expect(results).toEqual(['changed', 'changed', 'changed']);
    expect(exitCode).toBe(0);
    const after = certificateParseCache.stats();
    expect(after.parsed - before.parsed).toBe(distinct.size);
    // The two other routers were answered from the cache.
    expect(after.hits - before.hits).toBeGreaterThanOrEqual(2 * distinct.size);
  });
});
