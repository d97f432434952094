/**
 * certagent over real SSH against three lab routers and the lab's TLS mail server: a dry run that touches nothing,
 * a rollout whose proof is each router's own mail, a re-run that sends no config, and a rotation of the mail
 * server's chain that replaces exactly the changed certificates.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { rotatePlanOptions } from '../../src/workflow/index.js';
import { CONFIG_COMMAND, FINGERPRINTS_COMMAND } from '../../src/workflow/cheap-facts.js';
import { FRESH_ROUTER_CHANGES, RecordingReporter, runLabFleet, startE2eLab } from './helpers.js';
import type { E2eLab, LabFleetOverrides } from './helpers.js';

describe('rollout, re-run and rotate across the lab', () => {
  let e2e: E2eLab;
  beforeAll(async () => {
    e2e = await startE2eLab();
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  async function run(extra: LabFleetOverrides = {}, transcriptDir = mkdtempSync(join(e2e.dir, 'run-'))) {
    const { reporter, exitCode } = await runLabFleet(e2e, {
      session: { transcriptDir, commandTimeoutMs: 5_000, connectTimeoutMs: 5_000 },
      retry: { retries: 1, minTimeoutMs: 50 },
      ...extra,
    });
    const transcripts = readdirSync(transcriptDir).map((f) => readFileSync(join(transcriptDir, f), 'utf8'));
    return { reporter, exitCode, transcripts };
  }

  function proofNonce(detail: string | undefined): string {
    const nonce = /run ([0-9a-f]+)/.exec(detail ?? '')?.[1];
    if (nonce === undefined) throw new Error(`no proof in ${detail ?? 'nothing'}`);
    return nonce;
  }

  it('plans without touching anything: exact commands, secrets hidden, running config and log unchanged', async () => {
    const before = e2e.lab.devices.map((d) => [d.router.runningConfig(), d.router.state.syslog.entries().join('\n')]);
    const { reporter, exitCode, transcripts } = await run({ dryRun: true });
    expect(exitCode).toBe(0);
    expect(reporter.summary?.command).toBe('plan');
    const outcome = reporter.outcome('lab-r001');
    expect(outcome.result).toBe('planned');
    const commands = outcome.commands ?? [];
    expect(commands[0]).toBe('configure terminal');
    expect(commands).toContain('ip host smtp.lab.example 127.0.0.1');
    expect(commands).toContain('crypto pki trustpoint LAB-Lab-Root-R1');
    expect(commands.indexOf('crypto pki authenticate LAB-Lab-Root-R1')).toBeLessThan(commands.indexOf('crypto pki authenticate LAB-Lab-Root-R1-CA-1C3'));
    expect(commands).toContain('event manager environment _email_server <secret>');
    expect(commands).toContain('action 9999 syslog msg "certagent: SendSecureEmailEEM done $_none_arg1"');
    expect(e2e.lab.devices.map((d) => [d.router.runningConfig(), d.router.state.syslog.entries().join('\n')])).toEqual(before);
    for (const t of transcripts) {
      expect(t).not.toContain('configure terminal');
      expect(t).toContain(FINGERPRINTS_COMMAND);
      expect(t).toContain(CONFIG_COMMAND);
    }
    expect(e2e.lab.mail.messages()).toHaveLength(0);
  });

  it('installs the chain, proves each router mails through its own applet run, and saves', async () => {
    const { reporter, exitCode } = await run();
    expect(reporter.lines.filter((l) => /failed|rolled-back/.test(l))).toEqual([]);
    expect(exitCode).toBe(0);
    for (const device of e2e.lab.devices) {
      const outcome = reporter.outcome(device.name);
      expect(outcome.result).toBe('changed');
      expect(outcome.changes.map((c) => `${c.object} ${c.action}`)).toEqual(FRESH_ROUTER_CHANGES);
      const nonce = proofNonce(outcome.changes.find((c) => c.action === 'proven')?.detail);
      expect(e2e.lab.mail.messages().filter((m) => m.subject === `certagent proof ${nonce}`)).toHaveLength(1);
      expect(device.router.state.syslog.entries().join('\n')).toContain(`certagent: SendSecureEmailEEM done ${nonce}`);
      // 1 session set-up, 2 facts (fingerprints, then the config without certificate hex), then one config mode
      // span: configure terminal, the config block, 9 for three authenticate dialogs, end; 3 checks (fingerprints,
      // config, certificates), 1 save, and the proof (log before, run, a few polls): about 21.
      expect(outcome.roundTrips).toBeLessThanOrEqual(25);
    }
    expect(e2e.lab.mail.messages()).toHaveLength(3);
  });

  it('changes nothing and sends no configuration when run again', async () => {
    const before = e2e.lab.devices.map((d) => d.router.runningConfig());
    const { reporter, exitCode, transcripts } = await run({ concurrency: 1 });
    expect(exitCode).toBe(0);
    // One device at a time: each finishes before the next starts.
    expect(reporter.lines.filter((l) => /: (started|unchanged)$/.test(l))).toEqual(
      e2e.lab.devices.flatMap((d) => [`${d.name}: started`, `${d.name}: unchanged`]),
    );
    expect(reporter.outcomes.map((o) => [o.device, o.result, o.changes.length]).sort()).toEqual(e2e.lab.devices.map((d) => [d.name, 'unchanged', 0]).sort());
    for (const t of transcripts) expect(t).not.toContain('configure terminal');
    expect(e2e.lab.devices.map((d) => d.router.runningConfig())).toEqual(before);
    expect(e2e.lab.mail.messages()).toHaveLength(3);
  });

  it('starts no more devices once stopped, and says so', async () => {
    const stop = new AbortController();
    const reporter = new (class extends RecordingReporter {
      override deviceFinished(outcome: Parameters<RecordingReporter['deviceFinished']>[0]): void {
        super.deviceFinished(outcome);
        stop.abort('SIGTERM received');
      }
    })();
    const { result } = await runLabFleet(e2e, { reporter, concurrency: 1, signal: stop.signal });
    expect(reporter.outcomes.map((o) => o.result)).toEqual(['unchanged', 'skipped', 'skipped']);
    expect(reporter.outcomes[1]?.error?.message).toBe('lab-r002: not started: the run was stopped (SIGTERM received)');
    expect(result.summary.stoppedEarly).toBe('SIGTERM received');
    expect(result.exitCode).toBe(1);
  });

  it('rotates exactly the changed certificates after the mail server changes its chain, and mail flows again', async () => {
    await e2e.lab.rotateMailChain();
    const { reporter, exitCode } = await run({ command: 'rotate', planOptions: rotatePlanOptions() });
    expect(reporter.lines.filter((l) => /failed|rolled-back/.test(l))).toEqual([]);
    expect(exitCode).toBe(0);
    for (const device of e2e.lab.devices) {
      const outcome = reporter.outcome(device.name);
      expect(outcome.result).toBe('changed');
      expect(outcome.changes.map((c) => `${c.object} ${c.action}`)).toEqual([
        'trustpoint LAB-Lab-Root-R2 created',
        'trustpoint LAB-Lab-Root-R2-CA-1C3 created',
        'trustpoint LAB-smtp.lab.example replaced',
        'applet SendSecureEmailEEM proven',
      ]);
      expect(outcome.diagnoses?.join('\n')).toMatch(/LAB-Lab-Root-R1 is no longer part of the chain; left in place/);
      const nonce = proofNonce(outcome.changes.find((c) => c.action === 'proven')?.detail);
      expect(e2e.lab.mail.messages().filter((m) => m.subject === `certagent proof ${nonce}`)).toHaveLength(1);
      expect(device.router.runningConfig()).toContain('crypto pki trustpoint LAB-Lab-Root-R1\n');
    }
  });

  it('never lets a secret reach a transcript, a report or an event', async () => {
    const { reporter, transcripts } = await run({ dryRun: true });
    const c = e2e.lab.credentials;
    const everything = [
      ...transcripts,
      ...readdirSync(e2e.dir)
        .filter((f) => f.endsWith('.log'))
        .map((f) => readFileSync(join(e2e.dir, f), 'utf8')),
      JSON.stringify(reporter.outcomes),
      reporter.lines.join('\n'),
    ].join('\n');
    for (const secret of [c.password, c.enableSecret, c.smtpPassword]) expect(everything).not.toContain(secret);
    expect(everything).toContain('show running-config');
  });
});
