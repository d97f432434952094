/**
 * `rotate` with a live probe as the certificate source: the playbook names the mail server, not a file, so a
 * rotation at the provider is found by probing it again, and exactly the changed trustpoints are replaced.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { rotateCommand } from '../../src/cli/commands/rotate.js';
import { rolloutCommand } from '../../src/cli/commands/rollout.js';
import type { WorkflowCommandDeps } from '../../src/cli/commands/rollout.js';
import { startE2eLab } from './helpers.js';
import type { E2eLab } from './helpers.js';

describe('rotate re-probes the mail server', () => {
  let e2e: E2eLab;
  let deps: WorkflowCommandDeps;
  let out = '';
  beforeAll(async () => {
    e2e = await startE2eLab({ devices: 1 });
    // The server sends its leaf and intermediate; with chain-validation stop the intermediate is an anchor.
    const text = readFileSync(e2e.playbookFile, 'utf8').replace(
      /bundle_file: .*\n {6}select: all/,
      `probe: smtp://127.0.0.1:${e2e.lab.mail.port}\n      select: all`,
    );
    writeFileSync(e2e.playbookFile, text);
    deps = {
      secrets: { env: (n) => e2e.env[n], readFile: (p) => readFileSync(p, 'utf8'), prompt: () => Promise.reject(new Error('no prompt')) },
      stdout: { write: (t: string) => (out += t) },
      stderr: { write: () => true },
      fleet: { pollIntervalMs: 50 },
    };
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('installs what the probe shows, then after the provider rotates replaces exactly the changed certificates', async () => {
    const args = ['-i', e2e.inventoryFile, '-p', e2e.playbookFile, '--progress', 'none'];
    // On a router that never had a rollout, rotate installs the certificates only and says why it proves nothing.
    expect(await rotateCommand(deps).run(args)).toBe(0);
    expect(out).toMatch(/applet SendSecureEmailEEM is not on the device, so the mail could not be proven: run certagent rollout first/);
    expect(e2e.lab.device('lab-r001').router.runningConfig()).not.toContain('event manager');
    out = '';
    expect(await rolloutCommand(deps).run(args)).toBe(0);
    expect(out).toMatch(/lab-r001 +changed +ip host smtp\.lab\.example created, environment/);
    const router = e2e.lab.device('lab-r001').router;
    expect(router.runningConfig()).toContain('crypto pki trustpoint LAB-Lab-Root-R1-CA-1C3');
    expect(router.runningConfig()).not.toContain('crypto pki trustpoint LAB-Lab-Root-R1\n');
    const mails = e2e.lab.mail.messages().length;

    out = '';
    expect(await rotateCommand(deps).run(args)).toBe(0);
    expect(e2e.lab.mail.messages().length).toBe(mails);

    await e2e.lab.rotateMailChain();
    out = '';
    const config = router.runningConfig();
    const envBefore = config.split('\n').filter((l) => l.startsWith('event manager'));
    expect(await rotateCommand(deps).run([...args, '--renew-before', '7d'])).toBe(0);
    const after = router.runningConfig();
    expect(after).toContain('crypto pki trustpoint LAB-Lab-Root-R2-CA-1C3');
    expect(after.split('\n').filter((l) => l.startsWith('event manager'))).toEqual(envBefore);
    expect(e2e.lab.mail.messages().length).toBe(mails + 1);
    expect(out).toMatch(/lab-r001 +changed +trustpoint LAB-Lab-Root-R2-CA-1C3 created, trustpoint LAB-s/);
    expect(out).toMatch(/LAB-Lab-Root-R1-CA-1C3 is no longer part of the chain; left in place/);
  });
});
