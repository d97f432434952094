/**
 * The commands as an operator runs them (flags, reporters, exit codes) against the lab, and `fix` repairing two
 * routers broken in different ways: a missing intermediate, a trustpoint holding the wrong root.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../src/cli/command.js';
import { fixCommand } from '../../src/cli/commands/fix.js';
import { planCommand } from '../../src/cli/commands/plan.js';
import { rolloutCommand } from '../../src/cli/commands/rollout.js';
import type { WorkflowCommandDeps } from '../../src/cli/commands/rollout.js';
import { parseCertificates } from '../../src/certs/x509.js';
import { authenticateDialog, IOS_XE_CLI, removeTrustpointDialog, trustpointConfigLines } from '../../src/device/index.js';
import { IosXeSession } from '../../src/transport/ssh-cli/index.js';
import { Capture, labCommandDeps, startE2eLab } from './helpers.js';
import type { E2eLab } from './helpers.js';

describe('rollout, plan and fix from the command line', () => {
  let e2e: E2eLab;
  let out: Capture;
  let err: Capture;
  let deps: WorkflowCommandDeps;
  beforeAll(async () => {
    e2e = await startE2eLab();
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  function fresh(): WorkflowCommandDeps {
    out = new Capture();
    err = new Capture();
    deps = labCommandDeps(e2e, out, err);
    return deps;
  }

  async function onRouter(name: string, work: (session: IosXeSession) => Promise<void>): Promise<void> {
    const device = e2e.lab.device(name);
    const session = await IosXeSession.open({
      device: name,
      platform: IOS_XE_CLI,
      host: device.host,
      port: device.port,
      credentials: { username: e2e.lab.credentials.username, password: e2e.lab.credentials.password },
      hostKey: { mode: 'pinned', fingerprints: [device.hostKeyFingerprint] },
    });
    try {
      await work(session);
    } finally {
      await session.close();
    }
  }

  it('refuses bad usage with exit 2 and a clear message', async () => {
    const args = ['-i', e2e.inventoryFile, '-p', e2e.playbookFile];
    await expect(rolloutCommand(fresh()).run(['-p', e2e.playbookFile])).rejects.toThrow(new UsageError('give the inventory with -i INVENTORY'));
    await expect(rolloutCommand(fresh()).run([...args, '--concurrency', '0'])).rejects.toThrow(/--concurrency must be a whole number/);
    await expect(rolloutCommand(fresh()).run([...args, '--bogus'])).rejects.toThrow(UsageError);
    await expect(fixCommand(fresh()).run(args)).rejects.toThrow(/name the device to fix/);
    expect(await fixCommand(fresh()).run(['lab-r999', ...args])).toBe(2);
    expect(err.text).toMatch(/--limit 'lab-r999' matches no device or group/);
    expect(await rolloutCommand(fresh()).run(['-i', e2e.inventoryFile, '-p', join(e2e.dir, 'missing.yaml')])).toBe(2);
    expect(err.text).toMatch(/missing\.yaml.*cannot read the file/);
    // EEM's limits are checked before any device is contacted: IOS cannot send a user name with '@' (CSCwe75439).
    const atUser = fresh();
    const env: Record<string, string> = { ...e2e.env, LAB_SMTP_USER: 'alerts@lab.example' };
    const configBefore = e2e.lab.device('lab-r001').router.runningConfig();
    const secrets = { env: (n: string) => env[n], readFile: (p: string) => readFileSync(p, 'utf8'), prompt: () => Promise.reject(new Error('no prompt')) };
    expect(await rolloutCommand({ ...atUser, secrets }).run(args)).toBe(2);
    expect(err.text).toMatch(/_email_server\.user.*contains '@'.*CSCwe75439/);
    expect(e2e.lab.device('lab-r001').router.runningConfig()).toBe(configBefore);
  });

  it('plans, rolls out (exit 0) and writes a JSON report, a log and transcripts without secrets', async () => {
    expect(await planCommand(fresh()).run(['-i', e2e.inventoryFile, '-p', e2e.playbookFile, '--progress', 'none'])).toBe(0);
    expect(out.text).toContain('crypto pki authenticate LAB-Lab-Root-R1');
    const dir = mkdtempSync(join(e2e.dir, 'json-'));
    const json = join(dir, 'report.jsonl');
    const log = join(dir, 'run.log');
    const transcripts = join(dir, 'transcripts');
    expect(
      await rolloutCommand(fresh()).run([
        '-i',
        e2e.inventoryFile,
        '-p',
        e2e.playbookFile,
        '--json',
        json,
        '--log-file',
        log,
        '--transcripts',
        transcripts,
        '--progress',
        'lines',
        '-v',
        '-v',
      ]),
    ).toBe(0);
    const report = readFileSync(json, 'utf8') + readFileSync(log, 'utf8') + readFileSync(join(transcripts, 'lab-r001.log'), 'utf8');
    expect(report).toContain('event manager environment _email_server');
    expect(report).toContain('"lab-r003"');
    expect(report).toContain('"changed"');
    const c = e2e.lab.credentials;
    for (const secret of [c.password, c.enableSecret, c.smtpPassword]) expect(report + out.text + err.text).not.toContain(secret);
  });

  it('fix names a missing intermediate and a wrong root in plain words, repairs both routers and proves mail goes out', async () => {
    await onRouter('lab-r001', async (s) => {
      await s.interact([{ send: 'configure terminal', expect: [] }, ...removeTrustpointDialog('LAB-Lab-Root-R1-CA-1C3'), { send: 'end', expect: [] }]);
    });
    const [wrongRoot] = parseCertificates(readFileSync('/usr/share/ca-certificates/mozilla/GlobalSign_Root_CA.crt', 'utf8'), 'globalsign');
    await onRouter('lab-r002', async (s) => {
      await s.interact([{ send: 'configure terminal', expect: [] }, ...removeTrustpointDialog('LAB-Lab-Root-R1'), { send: 'end', expect: [] }]);
      await s.sendConfig(trustpointConfigLines({ name: 'LAB-Lab-Root-R1', chainValidation: 'stop' }));
      await s.interact([
        { send: 'configure terminal', expect: [] },
        ...authenticateDialog('LAB-Lab-Root-R1', wrongRoot?.der ?? Buffer.alloc(0), () => true),
        { send: 'end', expect: [] },
      ]);
    });
    const mailsBefore = e2e.lab.mail.messages().length;

    // A dry run diagnoses and shows the repair without touching the router.
    const broken = e2e.lab.device('lab-r001').router.runningConfig();
    const dry = join(mkdtempSync(join(e2e.dir, 'fix-')), 'dry.jsonl');
    expect(await fixCommand(fresh()).run(['lab-r001', '-i', e2e.inventoryFile, '-p', e2e.playbookFile, '--dry-run', '--json', dry, '--progress', 'none'])).toBe(
      0,
    );
    expect(out.text).toContain('crypto pki authenticate LAB-Lab-Root-R1-CA-1C3');
    expect(readFileSync(dry, 'utf8')).toMatch(/Missing chain member: trustpoint LAB-Lab-Root-R1-CA-1C3/);
    expect(e2e.lab.device('lab-r001').router.runningConfig()).toBe(broken);

    const json1 = join(mkdtempSync(join(e2e.dir, 'fix-')), 'r1.jsonl');
    expect(await fixCommand(fresh()).run(['lab-r001', '-i', e2e.inventoryFile, '-p', e2e.playbookFile, '--json', json1, '--progress', 'none'])).toBe(0);
    const r1 = readFileSync(json1, 'utf8');
    expect(r1).toMatch(/Missing chain member: trustpoint LAB-Lab-Root-R1-CA-1C3 \(intermediate CA/);
    expect(e2e.lab.device('lab-r001').router.runningConfig()).toContain('crypto pki trustpoint LAB-Lab-Root-R1-CA-1C3');

    const json2 = join(mkdtempSync(join(e2e.dir, 'fix-')), 'r2.jsonl');
    expect(await fixCommand(fresh()).run(['lab-r002', '-i', e2e.inventoryFile, '-p', e2e.playbookFile, '--json', json2, '--progress', 'none'])).toBe(0);
    const r2 = readFileSync(json2, 'utf8');
    expect(r2).toMatch(/Wrong certificate: trustpoint LAB-Lab-Root-R1 holds another certificate than the root CA the playbook gives \(cn=GlobalSign Root CA/);
    expect(r2).toContain('"proven"');
    expect(e2e.lab.mail.messages().length).toBe(mailsBefore + 2);
  });
});
