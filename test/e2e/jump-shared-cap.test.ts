/**
 * `jump_concurrency` holds for the whole run when one jump host sits in different chains: half the fleet reaches the
 * routers through jump host B alone, the other half through A -> B (two REAL OpenSSH servers on loopback), B capped at
 * 2. The routers themselves count their open CLI sessions (every one of them came through B), so the peak is what B
 * carried at once, measured where the sessions land, not guessed from timing.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runFleet } from '../../src/fleet/index.js';
import { resolveDesired } from '../../src/workflow/index.js';
import { startOpenSsh } from '../helpers/openssh.js';
import type { OpenSsh } from '../helpers/openssh.js';
import { RecordingReporter, startE2eLab } from './helpers.js';
import type { E2eLab } from './helpers.js';

const CAP = 2;
const DEVICES = 6;

function jumpEntry(sshd: OpenSsh, extra = ''): string {
  return `      - { host: ${sshd.host}, port: ${sshd.port}, username: ${sshd.username}, private_key: { file: ${sshd.clientKeyFile} }, host_key: "${sshd.hostKeyFingerprint}"${extra} }`;
}

function logins(sshd: OpenSsh): number {
  return (sshd.log().match(/Accepted publickey/g) ?? []).length;
}

describe('one cap per jump host across chains', () => {
  let e2e: E2eLab;
  let front: OpenSsh;
  let shared: OpenSsh;
  beforeAll(async () => {
    [e2e, front, shared] = await Promise.all([startE2eLab({ devices: DEVICES }), startOpenSsh(), startOpenSsh()]);
    const capped = jumpEntry(shared, `, jump_concurrency: ${CAP}`);
    let index = 0;
    const text = readFileSync(e2e.inventoryFile, 'utf8').replace(/^( {4}host_key: .*\n)/gm, (line: string) => {
      const chain = index++ % 2 === 0 ? [capped] : [jumpEntry(front), capped];
      return `${line}    jump_host:\n${chain.join('\n')}\n`;
    });
    expect(index).toBe(DEVICES);
    writeFileSync(e2e.inventoryFile, text);
  });
  afterAll(async () => {
    await Promise.all([e2e?.stop(), front?.stop(), shared?.stop()]);
  });

  it('never carries more than jump_concurrency device sessions through the shared jump host', async () => {
    let open = 0;
    let peak = 0;
    for (const device of e2e.lab.devices) {
      device.router.onSessionCount = (delta) => {
        open += delta;
        peak = Math.max(peak, open);
      };
    }
    const before = [logins(front), logins(shared)];
    const reporter = new RecordingReporter();
    const inventory = await e2e.inventory();
    const result = await runFleet({
      command: 'rollout',
      devices: inventory.devices,
      desired: await resolveDesired(await e2e.playbook(), { pin: 'auto' }),
      resolver: e2e.resolver(),
      reporter,
      session: { transcriptDir: mkdtempSync(join(e2e.dir, 'run-')), commandTimeoutMs: 10_000, connectTimeoutMs: 10_000 },
      retry: { retries: 2, minTimeoutMs: 100, maxTimeoutMs: 400 },
      pollIntervalMs: 50,
      concurrency: DEVICES,
    });
    expect(reporter.outcomes.map((o) => `${o.device} ${o.result} ${o.error?.message ?? ''}`).sort()).toEqual(
      e2e.lab.devices.map((d) => `${d.name} changed `).sort(),
    );
    expect(result.exitCode).toBe(0);
    // Both paths were used: the shared jump host was logged into directly and through the front one.
    expect([logins(front) - before[0]!, logins(shared) - before[1]!]).toEqual([1, 2]);
    expect(open).toBe(0);
    // Six devices wanted in at once: the cap was reached (so this test can fail), and never passed.
    expect(peak).toBe(CAP);
  });
});
