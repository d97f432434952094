/**
 * A router whose running config holds a multi-line `banner motd` typed in config mode, and whose banner text is a copy
 * of everything certagent would configure: the trustpoint stanzas, the EEM environment and applet, the `ip host`
 * line (taken from a router certagent configured), and a line that looks like the prompt. IOS's `section` filter
 * reads output as text, so those lines come out of certagent's `show running-config | section ...` reads at column
 * 0; taken for configuration they would make the router look done already. Rollout, re-run and rotate must see
 * through them: the router really gets the configuration, and the banner is left as it was. Without the banner
 * handling in certagent's parsers this rollout is rolled back: the trustpoint named in the banner looks configured,
 * so it is never created, and `crypto pki authenticate` finds no such trustpoint.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { runFleet } from '../../src/fleet/index.js';
import type { FleetOptions } from '../../src/fleet/index.js';
import { resolveDesired, rotatePlanOptions } from '../../src/workflow/index.js';
import { TestShell } from '../lab/router/shell.js';
import { RecordingReporter, startE2eLab } from './helpers.js';
import type { E2eLab } from './helpers.js';

const CONFIGURED = /^(?:crypto pki trustpoint LAB-|event manager |ip host )/;

/** The running config's blocks certagent writes (headings and their indented lines), certificate chains left out. */
function configuredBlocks(config: string): string[] {
  const out: string[] = [];
  let keep = false;
  for (const line of config.split('\n')) {
    if (!/^\s/.test(line)) keep = CONFIGURED.test(line);
    if (keep) out.push(line);
  }
  return out;
}

function bannerOf(config: string): string {
  return /^banner motd \^C\n[\s\S]*?\^C$/m.exec(config)?.[0] ?? '(no banner)';
}

describe('a router with a multi-line banner that reads like configuration', () => {
  let e2e: E2eLab;
  beforeAll(async () => {
    e2e = await startE2eLab({ devices: 2 });
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  async function run(device: string, extra: Partial<FleetOptions> = {}) {
    const inventory = await e2e.inventory();
    const reporter = new RecordingReporter();
    const result = await runFleet({
      command: 'rollout',
      devices: inventory.devices.filter((d) => d.name === device),
      desired: await resolveDesired(await e2e.playbook(), { pin: 'auto' }),
      resolver: e2e.resolver(),
      reporter,
      session: { transcriptDir: mkdtempSync(join(e2e.dir, 'run-')), commandTimeoutMs: 10_000, connectTimeoutMs: 10_000 },
      retry: { retries: 0 },
      pollIntervalMs: 50,
      ...extra,
    });
    return { exitCode: result.exitCode, outcome: reporter.outcome(device), lines: reporter.lines.join('\n') };
  }

  it('rolls out, finds nothing to change on a re-run, and rotates, taking none of the banner for configuration', async () => {
    const [r1, r2] = e2e.lab.devices;
    if (!r1 || !r2) throw new Error('the lab has two routers');
    // What certagent writes, as the router shows it: the banner's text.
    expect((await run(r2.name)).outcome.result).toBe('changed');
    const copied = configuredBlocks(r2.router.runningConfig());
    expect(copied.some((l) => l.startsWith('event manager applet '))).toBe(true);
    expect(copied.some((l) => l.startsWith('ip host '))).toBe(true);

    const { username, password } = e2e.lab.credentials;
    const shell = await TestShell.connect(r1.router, { username, password });
    await shell.expect(/#$/);
    await shell.command('configure terminal');
    shell.send('banner motd ^\r');
    await shell.expect(/End with the character '\^'\.\r\n$/);
    for (const line of [`${r1.name}#`, ...copied]) shell.send(`${line}\r`);
    await shell.command('^', /\(config\)#$/);
    await shell.command('end');
    shell.close();
    const banner = bannerOf(r1.router.runningConfig());
    expect(banner.split('\n')).toEqual(['banner motd ^C', `${r1.name}#`, ...copied, '^C']);
    expect(r1.router.state.eem.applets.size).toBe(0);

    const rollout = await run(r1.name);
    expect(`${rollout.outcome.result} ${rollout.outcome.error?.message ?? ''}`).toBe('changed ');
    expect(rollout.exitCode).toBe(0);
    // The configuration is really there now, outside the banner, as on the router configured without one.
    const after = r1.router.runningConfig();
    expect(configuredBlocks(after.replace(banner, ''))).toEqual(configuredBlocks(r2.router.runningConfig()));
    expect(bannerOf(after)).toBe(banner);
    expect(r1.router.state.eem.applets.size).toBeGreaterThan(0);

    const again = await run(r1.name);
    expect(`${again.outcome.result} ${again.outcome.error?.message ?? ''}`).toBe('unchanged ');

    await e2e.lab.rotateMailChain();
    const rotate = await run(r1.name, { command: 'rotate', planOptions: rotatePlanOptions() });
    expect(`${rotate.outcome.result} ${rotate.outcome.error?.message ?? ''}`).toBe('changed ');
    const rotated = r1.router.runningConfig();
    expect(bannerOf(rotated)).toBe(banner);
    // Every trustpoint outside the banner holds its CA: none was skipped for a banner line that named it.
    const names = [...rotated.replace(banner, '').matchAll(/^crypto pki trustpoint (LAB-\S+)$/gm)].map((m) => m[1] ?? '');
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(rotated).toMatch(new RegExp(`^crypto pki certificate chain ${name}\\n certificate ca `, 'm'));
    // Saved as it runs, banner included.
    expect(await r1.router.startupConfig()).toContain(banner);
  });
});
