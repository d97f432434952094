/**
 * Issue #15: the CUBE to CUCM TLS trunk rehearsed from the command line alone, as the README tells a new user:
 * `certagent lab --cube 1`, a first rollout that ends exit 1 because CUCM does not trust the CUBE yet (rolled
 * back, the certificates exported), `certagent lab cucm-trust` with the exported files, a second rollout that sees
 * the trunk Established and saves, and a re-run that changes nothing. The lab and the upload are the built CLI in
 * child processes; the rollouts are the rollout command run in-process (as test/e2e/cli-fix.test.ts), which keeps
 * the test fast: a child process per command costs seconds on a loaded machine.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../src/cli/command.js';
import { labCommand } from '../../src/cli/commands/lab.js';
import { rolloutCommand } from '../../src/cli/commands/rollout.js';
import { parseEnvFile } from '../../src/lab/env-file.js';
import { runCli, startCliLab, stopAll, type CliLab } from '../helpers/cli-process.js';

interface Outcome {
  readonly type: string;
  readonly device: string;
  readonly result: string;
  readonly changes: readonly { object: string; action: string }[];
}

describe('certagent lab --cube: the CUBE sequence through the CLI', () => {
  let cwd: string;
  let lab: CliLab;
  let env: Record<string, string>;
  let started: string;
  const exported = () => ['.lab/cube-out/lab-cube001/sip-trunk-cert-ca.pem', '.lab/cube-out/lab-cube001/sip-trunk-cert.pem'];
  const startup = () => readFileSync(join(cwd, '.lab/routers/lab-cube001/startup-config'), 'utf8');

  beforeAll(async () => {
    cwd = mkdtempSync(join(tmpdir(), 'certagent-lab-cube-'));
    lab = startCliLab(['--devices', '1', '--cube', '1'], cwd);
    // A deadline, not a wait: the start generates RSA keys (mail chain, CUBE identity, CallManager), slow on busy CI.
    started = await lab.waitFor(/Press Ctrl-C/, 60_000);
    env = Object.fromEntries(parseEnvFile(readFileSync(join(cwd, '.lab/lab.env'), 'utf8')));
  }, 90_000);

  afterAll(async () => {
    try {
      if (lab) expect(await lab.stop()).toBe(0);
    } finally {
      stopAll();
      if (cwd) rmSync(cwd, { recursive: true, force: true });
    }
  });

  async function rollout(name: string): Promise<{ code: number; text: string; outcome: Outcome }> {
    let text = '';
    const sink = { write: (chunk: string) => void (text += chunk) };
    const command = rolloutCommand({
      secrets: { env: (n) => env[n], readFile: (p) => readFileSync(p, 'utf8'), prompt: () => Promise.reject(new Error('no prompt')) },
      stdout: sink,
      stderr: sink,
    });
    const report = join(cwd, `${name}.jsonl`);
    const at = (file: string) => join(cwd, file);
    const code = await command.run([
      '-i',
      at('.lab/inventory.yaml'),
      '-p',
      at('.lab/cube-playbook.yaml'),
      '--limit',
      'cube',
      '--progress',
      'lines',
      '--json',
      report,
      '--journal',
      at(`${name}.journal`),
    ]);
    const records = readFileSync(report, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Outcome);
    const outcome = records.find((o) => o.type === 'device' && o.device === 'lab-cube001');
    if (!outcome) throw new Error(`no outcome for lab-cube001: ${text}`);
    return { code, text, outcome };
  }

  it('says at start where the CUBEs, the simulated CUCM and the upload command are, and writes the files', () => {
    expect(started).toMatch(/^lab-cube001\s+127\.0\.0\.1\s+\d+\s+SHA256:\S{43}$/m);
    expect(started).toMatch(/^Simulated CUCM\s+10\.72\.86\.74:5061 behind every CUBE; CallManager certificate \.lab\/cucm\/CallManager-pub\.pem$/m);
    expect(started).toContain('certagent lab cucm-trust --state-dir .lab .lab/cube-out/*/*.pem');
    expect(started).toContain('certagent rollout --inventory .lab/inventory.yaml --playbook .lab/cube-playbook.yaml --limit cube');
    expect(readFileSync(join(cwd, '.lab/inventory.yaml'), 'utf8')).toMatch(/- name: lab-cube001\n.*\n.*\n {4}groups: \[cube\]/);
    expect(readFileSync(join(cwd, '.lab/cube-playbook.yaml'), 'utf8')).toContain('pem_file: "cucm/CallManager-pub.pem"');
    expect(readFileSync(join(cwd, '.lab/README.txt'), 'utf8')).toBe(`${started.slice(0, started.indexOf('\n\nThis summary is also in'))}\n`);
  });

  it('first rollout: exit 1, CUCM does not trust the CUBE yet, rolled back and nothing saved, the PEM files exported', async () => {
    const { code, text, outcome } = await rollout('first.jsonl');
    expect(text).toContain("CUCM's CallManager-trust does not hold the CUBE certificate");
    expect(text).toContain(`upload ${join(cwd, exported()[0] ?? '')} and ${join(cwd, exported()[1] ?? '')} to CUCM's CallManager-trust`);
    expect(code).toBe(1);
    expect(outcome.result).toBe('rolled-back');
    for (const file of exported()) expect(readFileSync(join(cwd, file), 'utf8')).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(existsSync(join(cwd, '.lab/routers/lab-cube001/startup-config'))).toBe(false);
  }, 60_000);

  it('cucm-trust refuses a file that is not a certificate (a usage error: exit 2) and uploads nothing', async () => {
    const notes = join(cwd, 'notes.txt');
    writeFileSync(notes, 'not a certificate\n');
    const run = labCommand.run(['cucm-trust', '--state-dir', join(cwd, '.lab'), join(cwd, exported()[0] ?? ''), notes]);
    await expect(run).rejects.toThrow(UsageError);
    await expect(run).rejects.toThrow(`${notes}: no certificate found`);
    await expect(run).rejects.toThrow(/nothing was uploaded$/);
    expect(readdirSync(join(cwd, '.lab/cucm/CallManager-trust'))).toEqual([]);
  });

  it('after the upload to CUCM the trunk is Established and the CUBE saved; a re-run changes nothing', async () => {
    const upload = await runCli(['lab', 'cucm-trust', '--state-dir', '.lab', ...exported()], { cwd, timeoutMs: 20_000 });
    expect(upload.stdout).toMatch(/^uploaded: lab-cube001\.lab\.example \(SHA1 [0-9A-F]{40}\) from \.lab\/cube-out\/lab-cube001\/sip-trunk-cert\.pem$/m);
    expect(upload.code).toBe(0);

    const second = await rollout('second.jsonl');
    expect(second.code).toBe(0);
    expect(second.outcome.result).toBe('changed');
    expect(second.outcome.changes.map((c) => `${c.object} ${c.action}`)).toEqual(
      expect.arrayContaining(['trustpoint CCM-cert-02 created', 'tls trunk 10.72.86.74:5061 established']),
    );
    const saved = startup();
    expect(saved).toContain(' session target ipv4:10.72.86.74:5061\n');
    expect(saved).toContain('crypto pki trustpoint CCM-cert-02\n');

    const third = await rollout('third.jsonl');
    expect(third.code).toBe(0);
    expect(third.outcome.result).toBe('unchanged');
    expect(third.outcome.changes.map((c) => `${c.object} ${c.action}`)).toContain('tls trunk 10.72.86.74:5061 established');
    // CUCM already trusts the files: no stale advice to upload them again.
    expect(third.text).not.toContain("to CUCM's CallManager-trust");
    expect(startup()).toBe(saved);
  }, 90_000);
});
