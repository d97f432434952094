/**
 * The field in one fleet: routers playing IOS XE 16.9 (SHA-1 key exchange, ssh-rsa key), 17.x with login banners
 * that look like prompts, and 26.x (authenticate needs a pin) with AAA in-band Username:/Password:, all behind a
 * two-hop chain of REAL OpenSSH jump hosts (two private sshd on loopback), every router streaming its output in
 * random packets of 1..7 bytes (#11 done-when). `validate` shows each path; the first jump
 * host killed under a device's change rolls that device back once the jump host is back while the others are done
 * through a fresh connection; a rollout with one login per jump host, a re-run that changes nothing, and a rotate.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateCommand } from '../../src/cli/commands/validate.js';
import type { FaultPlan } from '../../src/lab/router/index.js';
import { resolveDesired, rotatePlanOptions } from '../../src/workflow/index.js';
import { runFleet } from '../../src/fleet/index.js';
import type { FleetOptions } from '../../src/fleet/index.js';
import { startOpenSsh } from '../helpers/openssh.js';
import type { OpenSsh } from '../helpers/openssh.js';
import { RecordingReporter, startE2eLab } from './helpers.js';
import type { E2eLab } from './helpers.js';

function config(router: { runningConfig(): string }): string {
  return router.runningConfig().replace(/^! Last configuration change.*\n!\n/m, '');
}

function jumpEntry(sshd: OpenSsh): string {
  return `    - { host: ${sshd.host}, port: ${sshd.port}, username: ${sshd.username}, private_key: { file: ${sshd.clientKeyFile} }, host_key: "${sshd.hostKeyFingerprint}" }`;
}

function logins(sshd: OpenSsh): number {
  return (sshd.log().match(/Accepted publickey/g) ?? []).length;
}

const BANNERS = { motd: 'lab-r002#\nAuthorized access only [yes/no]\nRouter>', exec: 'lab-r002(config)#\nPassword:' };
const FLEET: Record<string, FaultPlan> = {
  'lab-r001': { profile: 'iosxe-16.9' },
  'lab-r002': { banners: BANNERS },
  'lab-r003': { profile: 'iosxe-26', inBandLogin: true, banners: { login: 'TACACS+ controlled device' } },
};

describe('rollout through a two-hop chain of OpenSSH jump hosts', () => {
  let e2e: E2eLab;
  let first: OpenSsh;
  let second: OpenSsh;
  beforeAll(async () => {
    [e2e, first, second] = await Promise.all([startE2eLab({ faults: FLEET, output: { chunkMaxBytes: 7 } }), startOpenSsh(), startOpenSsh()]);
    const text = readFileSync(e2e.inventoryFile, 'utf8');
    writeFileSync(e2e.inventoryFile, text.replace(/^all:\n/m, `all:\n  jump_host:\n${jumpEntry(first)}\n${jumpEntry(second)}\n`));
  });
  afterAll(async () => {
    await Promise.all([e2e?.stop(), first?.stop(), second?.stop()]);
  });

  async function run(extra: Partial<FleetOptions> = {}, reporter = new RecordingReporter()) {
    const inventory = await e2e.inventory();
    const transcriptDir = mkdtempSync(join(e2e.dir, 'run-'));
    const result = await runFleet({
      command: 'rollout',
      devices: inventory.devices,
      desired: await resolveDesired(await e2e.playbook(), { pin: 'auto' }),
      resolver: e2e.resolver(),
      reporter,
      session: { transcriptDir, commandTimeoutMs: 5_000, connectTimeoutMs: 5_000 },
      retry: { retries: 6, minTimeoutMs: 100, maxTimeoutMs: 400 },
      pollIntervalMs: 50,
      ...extra,
    });
    const transcript = (device: string): string => readFileSync(join(transcriptDir, `${device}.log`), 'utf8');
    return { reporter, exitCode: result.exitCode, transcript };
  }

  it('validate shows each device path through the chain', async () => {
    const logged: string[] = [];
    const spy = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void logged.push(args.join(' ')));
    try {
      const code = await validateCommand().run(['-i', e2e.inventoryFile]);
      expect(code).toBe(0);
    } finally {
      spy.mockRestore();
    }
    const u = first.username;
    expect(logged.join('\n')).toContain(
      `path: ${u}@127.0.0.1:${first.port} -> ${u}@127.0.0.1:${second.port} -> lab-r001 (127.0.0.1:${e2e.lab.devices[0]?.port})`,
    );
  });

  it('rolls back the device under way when the first jump host dies, and finishes the rest once it is back', async () => {
    // Each command slowed a little, so the kill lands while lab-r001 is changing.
    for (const d of e2e.lab.devices) d.router.setFaults({ ...FLEET[d.name], commandLatencyMs: 30 });
    const before = e2e.lab.devices.map((d) => config(d.router));
    const reporter = new RecordingReporter();
    let restarted: Promise<OpenSsh> | undefined;
    const step = reporter.deviceStep.bind(reporter);
    reporter.deviceStep = (device: string, name: string): void => {
      step(device, name);
      if (restarted === undefined && device === 'lab-r001' && name.startsWith('authenticate ')) {
        restarted = first.kill().then(() => startOpenSsh({ port: first.port, dir: first.dir }));
      }
    };
    const { exitCode } = await run({ concurrency: 1 }, reporter);
    for (const d of e2e.lab.devices) d.router.setFaults(FLEET[d.name] ?? {});
    expect(restarted).toBeDefined();
    first = await (restarted as Promise<OpenSsh>);
    const r1 = reporter.outcome('lab-r001');
    expect(r1.result).toBe('rolled-back');
    expect(r1.error?.message).toMatch(/lab-r001: the session closed during/);
    // Rolled back through the jump host once it was back: running as before, nothing saved.
    expect(config(e2e.lab.devices[0]!.router)).toBe(before[0]);
    expect(e2e.lab.devices[0]!.router.runningConfig()).not.toContain('LAB-');
    expect(['lab-r002', 'lab-r003'].map((n) => reporter.outcome(n).result)).toEqual(['changed', 'changed']);
    expect(exitCode).toBe(1);
    expect(logins(first)).toBeGreaterThanOrEqual(1);
  });

  it('rolls out the rest with one login per jump host, then finds nothing to change', async () => {
    const before = [logins(first), logins(second)];
    const { reporter, exitCode, transcript } = await run({ concurrency: 3 });
    expect(reporter.outcomes.map((o) => `${o.device} ${o.result} ${o.error?.message ?? ''}`).sort()).toEqual([
      'lab-r001 changed ',
      'lab-r002 unchanged ',
      'lab-r003 unchanged ',
    ]);
    // lab-r003 asked for the account in the shell; lab-r002's banners went by without being taken for prompts.
    expect(transcript('lab-r003')).toMatch(/User Access Verification\n\nUsername: admin\nPassword: /);
    expect(transcript('lab-r003')).not.toContain(e2e.lab.credentials.password);
    expect(transcript('lab-r002')).toContain('Authorized access only [yes/no]');
    expect(exitCode).toBe(0);
    expect([logins(first) - before[0]!, logins(second) - before[1]!]).toEqual([1, 1]);
    // The 16.9 router is reported as reached with SHA-1; only the 26.x one got fingerprint pins (auto).
    expect(reporter.outcome('lab-r001').diagnoses?.join('\n')).toMatch(/SSH reached only with SHA-1 key exchange/);
    expect(reporter.outcome('lab-r003').diagnoses?.join('\n') ?? '').not.toMatch(/SSH reached/);
    const pins = e2e.lab.devices.map((d) => (d.router.runningConfig().match(/^ fingerprint [0-9A-F]{40}$/gm) ?? []).length);
    expect(pins[0]).toBe(0);
    expect(pins[1]).toBe(0);
    expect(pins[2]).toBeGreaterThan(0);
    const again = await run({ concurrency: 3 });
    expect(again.exitCode).toBe(0);
    expect(again.reporter.outcomes.map((o) => o.result)).toEqual(['unchanged', 'unchanged', 'unchanged']);
  });

  it('rotates every release after the mail server changes its chain, the 26.x router pinning the new CAs', async () => {
    await e2e.lab.rotateMailChain();
    const { reporter, exitCode } = await run({ command: 'rotate', planOptions: rotatePlanOptions(), concurrency: 3 });
    expect(reporter.outcomes.map((o) => `${o.device} ${o.result} ${o.error?.message ?? ''}`).sort()).toEqual([
      'lab-r001 changed ',
      'lab-r002 changed ',
      'lab-r003 changed ',
    ]);
    expect(exitCode).toBe(0);
    expect(e2e.lab.devices[2]!.router.runningConfig()).toMatch(/crypto pki trustpoint LAB-Lab-Root-R2\n(?: .*\n)* fingerprint [0-9A-F]{40}\n/);
    expect(e2e.lab.devices[1]!.router.runningConfig()).not.toMatch(/^ fingerprint /m);
  });
});
