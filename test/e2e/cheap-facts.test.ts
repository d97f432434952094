/**
 * The cheap read over real SSH against lab routers: an unchanged `rotate` decides from the fingerprints alone
 * (no running-config read, at most 40 output lines per router on the lab playbook), and after the mail server's
 * chain rotates, only the trustpoints that change have their certificate hex read, and the identical ones are
 * never touched.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { countLabLines, takeLabLineCounts } from '../../src/bench/lab-counters.js';
import { resolveDesired, rotatePlanOptions } from '../../src/workflow/index.js';
import { runFleet } from '../../src/fleet/index.js';
import type { DesiredState } from '../../src/workflow/index.js';
import type { FleetOptions } from '../../src/fleet/index.js';
import { chainsCommand, FINGERPRINTS_COMMAND } from '../../src/workflow/cheap-facts.js';
import { parseCertificate } from '../../src/certs/x509.js';
import { issue, testKey } from '../helpers/cert-factory.js';
import { RecordingReporter, startE2eLab } from './helpers.js';
import type { E2eLab } from './helpers.js';

describe('facts from fingerprints when nothing changed', () => {
  let e2e: E2eLab;
  beforeAll(async () => {
    countLabLines();
    e2e = await startE2eLab({ devices: 2 });
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  async function run(command: 'rollout' | 'rotate', desired: DesiredState, extra: Partial<FleetOptions> = {}) {
    const inventory = await e2e.inventory();
    const reporter = new RecordingReporter();
    const transcriptDir = mkdtempSync(join(e2e.dir, `${command}-`));
    takeLabLineCounts();
    const result = await runFleet({
      command,
      devices: inventory.devices,
      desired,
      resolver: e2e.resolver(),
      reporter,
      session: { transcriptDir, commandTimeoutMs: 10_000, connectTimeoutMs: 10_000 },
      pollIntervalMs: 50,
      ...(command === 'rotate' && { planOptions: rotatePlanOptions() }),
      ...extra,
    });
    const lines = takeLabLineCounts();
    const transcripts = readdirSync(transcriptDir).map((f) => readFileSync(join(transcriptDir, f), 'utf8'));
    return { reporter, exitCode: result.exitCode, transcripts, lines };
  }

  it('rotates nothing from the fingerprints alone, in at most 40 output lines per router', async () => {
    const desired = await resolveDesired(await e2e.playbook());
    expect((await run('rollout', desired)).exitCode).toBe(0);
    const configs = e2e.lab.devices.map((d) => d.router.runningConfig());
    const { reporter, exitCode, transcripts, lines } = await run('rotate', desired);
    expect(exitCode).toBe(0);
    expect(reporter.outcomes.map((o) => o.result)).toEqual(['unchanged', 'unchanged']);
    for (const t of transcripts) {
      expect(t).toContain(FINGERPRINTS_COMMAND);
      expect(t).not.toContain('show running-config');
    }
    expect(lines.outputLines / 2).toBeLessThanOrEqual(40);
    expect(e2e.lab.devices.map((d) => d.router.runningConfig())).toEqual(configs);
  });

  it('when one certificate changes, reads the hex of that trustpoint only and never touches the identical ones', async () => {
    const current = await resolveDesired(await e2e.playbook());
    const swapped = 'LAB-smtp.lab.example';
    const other = parseCertificate(
      issue({
        subject: [
          ['o', 'certagent test'],
          ['cn', 'Swapped Mail CA'],
        ],
        key: testKey('ec', 'cheap-facts-swap'),
        ca: true,
      }).der,
    );
    // No proof: this is about what is read and touched, and the mail server keeps serving the old chain.
    const { verify: _proof, ...rest } = current;
    const desired: DesiredState = { ...rest, trustpoints: current.trustpoints.map((t) => (t.name === swapped ? { ...t, cert: other } : t)) };
    const identical = desired.trustpoints.filter((t) => t.name !== swapped).map((t) => t.name);
    expect(identical.length).toBeGreaterThan(0);
    const router = e2e.lab.device('lab-r001').router;
    const stanzas = (name: string) =>
      router
        .runningConfig()
        .split(/\n(?=\S)/)
        .filter((s) => s.startsWith(`crypto pki trustpoint ${name}\n`) || s.startsWith(`crypto pki certificate chain ${name}\n`));
    const before = identical.map(stanzas);
    expect(before.every((s) => s.length === 2)).toBe(true);
    const { reporter, exitCode, transcripts } = await run('rotate', desired);
    expect(exitCode).toBe(0);
    expect(reporter.outcomes.map((o) => o.result)).toEqual(['changed', 'changed']);
    for (const t of transcripts) {
      const chainReads = t.split('\n').filter((l) => l.includes('#show running-config | section crypto pki certificate chain'));
      expect(chainReads.map((l) => l.replace(/^.*#/, '').trim())).toEqual([chainsCommand([swapped])]);
      expect(t).toContain(`crypto pki authenticate ${swapped}`);
      for (const name of identical) {
        expect(t).not.toContain(`crypto pki authenticate ${name}\r`);
        expect(t).not.toContain(`no crypto pki trustpoint ${name}\r`);
      }
    }
    expect(identical.map(stanzas)).toEqual(before);
    expect(router.runningConfig()).toContain(`crypto pki certificate chain ${swapped}\n certificate ca ${other.serialHex}`);
  });
});
