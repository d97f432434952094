/**
 * Issue #7 end to end: `certagent rollout` with a CUBE playbook against lab routers over real SSH. Each router is a
 * CUBE with an enrolled identity in sip-trunk-cert; a simulated CUCM sits behind 10.72.86.74:5061 (lab-r001's
 * trusts the CUBE's CA, lab-r002's does not). The CallManager certificate is the playbook folder's example.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from '../../src/cli/command.js';
import { rolloutCommand } from '../../src/cli/commands/rollout.js';
import { rotateCommand } from '../../src/cli/commands/rotate.js';
import type { WorkflowCommandDeps } from '../../src/cli/commands/rollout.js';
import { parseCertificate, parseCertificates } from '../../src/certs/x509.js';
import { IOS_XE_CLI, parsePkiConfig } from '../../src/device/index.js';
import { IosXeSession } from '../../src/transport/ssh-cli/index.js';
import { LAB_ENV, startLab } from '../../src/lab/index.js';
import type { Lab } from '../../src/lab/index.js';
import { createChain } from '../../src/lab/mail/chain-factory.js';
import type { GeneratedChain } from '../../src/lab/mail/chain-factory.js';
import { registerCucm } from '../../src/lab/router/voice/index.js';
import type { DeviceOutcome } from '../../src/report/events.js';
import { provisionCubeIdentity } from '../lab/voice/cube-lab.js';
import { Capture } from './helpers.js';

const CUCM = '10.72.86.74';
const CALLMANAGER_PEM_FILE = resolve('playbooks/cucm/CallManager-pub.pem');

function pemDer(pem: string): Buffer {
  const [cert] = parseCertificates(pem, 'test');
  if (!cert) throw new Error('no certificate');
  return cert.der;
}

describe('rollout of the CUBE/CUCM TLS trunk playbook', () => {
  let dir: string;
  let lab: Lab;
  let inventoryFile: string;
  let playbookFile: string;
  const identities = new Map<string, GeneratedChain>();
  let stderr: Capture;
  let stdout: Capture;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'certagent-cube-'));
    lab = await startLab({ stateDir: join(dir, 'lab'), devices: 2 });
    const [r1, r2, stranger] = await Promise.all([
      createChain({ serverName: 'cube1.lab.example', rootName: 'Lab Voice Root', leafKey: 'rsa' }),
      createChain({ serverName: 'cube2.lab.example', rootName: 'Lab Voice Root 2', leafKey: 'rsa' }),
      createChain({ serverName: 'other.lab.example', rootName: 'Someone Else Root', leafKey: 'rsa' }),
    ]);
    const login = { username: lab.credentials.username, password: lab.credentials.password };
    const callManagerPem = readFileSync(CALLMANAGER_PEM_FILE, 'utf8');
    for (const [name, chain, trusted] of [
      ['lab-r001', r1, r1],
      ['lab-r002', r2, stranger],
    ] as const) {
      const router = lab.device(name).router;
      await provisionCubeIdentity(router, 'sip-trunk-cert', chain, login);
      identities.set(name, chain);
      // What an operator uploaded to CUCM's CallManager-trust: the CUBE's CA (lab-r002's CUCM got another one).
      registerCucm(router.state, { address: CUCM, callManagerPem, trustPems: [trusted.intermediatePems[0] ?? trusted.rootPem] });
    }
    inventoryFile = await lab.writeInventory(join(dir, 'inventory.yaml'));
    playbookFile = join(dir, 'cube.yaml');
    writeFileSync(
      playbookFile,
      readFileSync(resolve('playbooks/cube-cucm-tls.yaml'), 'utf8')
        .replace('./cucm/CallManager-pub.pem', CALLMANAGER_PEM_FILE)
        .replace('wait_seconds: 90', 'wait_seconds: 2'),
    );
  });

  afterAll(async () => {
    await lab?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function deps(): WorkflowCommandDeps {
    const env: Record<string, string> = { [LAB_ENV.password]: lab.credentials.password, [LAB_ENV.enableSecret]: lab.credentials.enableSecret };
    stderr = new Capture();
    stdout = new Capture();
    return {
      secrets: { env: (n) => env[n], readFile: (p) => readFileSync(p, 'utf8'), prompt: () => Promise.reject(new Error('no prompt')) },
      stdout,
      stderr,
      fleet: { retry: { retries: 0 }, pollIntervalMs: 50, session: { commandTimeoutMs: 5_000, connectTimeoutMs: 5_000 } },
    };
  }

  /** Runs `certagent rollout` on one device; returns the exit code, its outcome from the JSON report and its transcript. */
  async function rollout(device: string, ...extra: string[]): Promise<{ code: number; outcome: DeviceOutcome; transcript: string; shown: string }> {
    return runCommand(rolloutCommand, device, ...extra);
  }

  async function runCommand(
    command: (d: WorkflowCommandDeps) => Command,
    device: string,
    ...extra: string[]
  ): Promise<{ code: number; outcome: DeviceOutcome; transcript: string; shown: string }> {
    const run = mkdtempSync(join(dir, 'run-'));
    const json = join(run, 'report.jsonl');
    const code = await command(deps()).run([
      '-i',
      inventoryFile,
      '-p',
      playbookFile,
      '--limit',
      device,
      '--json',
      json,
      '--transcripts',
      run,
      '--journal',
      join(run, 'journal.jsonl'),
      '--progress',
      'none',
      ...extra,
    ]);
    const records = readFileSync(json, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string } & DeviceOutcome);
    const outcome = records.find((r) => r.type === 'device' && r.device === device);
    if (!outcome) throw new Error(`no outcome for ${device}: ${stderr.text}`);
    return { code, outcome, transcript: readFileSync(join(run, `${device}.log`), 'utf8'), shown: stdout.text + stderr.text };
  }

  const exportDir = (device: string) => resolve(dir, 'out', device);
  const startup = (device: string) => readFileSync(join(dir, 'lab', 'routers', device, 'startup-config'), 'utf8');
  const withoutChangeStamp = (config: string) => config.replace(/^! Last configuration change at .*\n/m, '');
  const lines = (o: DeviceOutcome) => o.changes.map((c) => `${c.object} ${c.action}`);

  it('a dry run shows the trustpoint, the voice lines and the files to write, and touches nothing', async () => {
    const before = lab.device('lab-r001').router.runningConfig();
    const { code, outcome, transcript } = await rollout('lab-r001', '--dry-run');
    expect(code).toBe(0);
    expect(outcome.result).toBe('planned');
    expect(outcome.commands).toEqual(
      expect.arrayContaining([
        'crypto pki authenticate CCM-cert-02',
        'crypto signaling default trustpoint sip-trunk-cert',
        'session target ipv4:10.72.86.74:5061',
      ]),
    );
    expect(lines(outcome)).toContain(`export ${exportDir('lab-r001')}/sip-trunk-cert-ca.pem to write`);
    expect(lab.device('lab-r001').router.runningConfig()).toBe(before);
    expect(existsSync(exportDir('lab-r001'))).toBe(false);
    // Not even the export: in config mode it would log a configuration session.
    expect(transcript).not.toContain('configure terminal');
  });

  it('installs CCM-cert-02, exports the identity, configures the trunk, sees it Established and saves', async () => {
    const { code, outcome, transcript, shown } = await rollout('lab-r001');
    expect(shown).toMatch(/^lab-r001 +changed +trustpoint CCM-cert-02 created/m);
    expect(shown).toContain(
      `upload ${exportDir('lab-r001')}/sip-trunk-cert-ca.pem and ${exportDir('lab-r001')}/sip-trunk-cert.pem to CUCM's CallManager-trust`,
    );
    expect(outcome.error).toBeUndefined();
    // Session set-up, facts, voice facts, export, baseline, the trustpoint, one write of the voice lines, checks, save.
    expect(outcome.roundTrips).toBeLessThanOrEqual(30);
    expect(code).toBe(0);
    expect(outcome.result).toBe('changed');
    const out = exportDir('lab-r001');
    expect(lines(outcome)).toEqual([
      'trustpoint CCM-cert-02 created',
      'sip-ua created',
      'voice service voip created',
      'dial-peer voice 100 created',
      `export ${out}/sip-trunk-cert-ca.pem written`,
      `export ${out}/sip-trunk-cert.pem written`,
      'certificates CCM-cert-02 verified',
      'certificates sip-trunk-cert verified',
      `tls trunk ${CUCM}:5061 established`,
    ]);
    expect(outcome.changes.find((c) => c.object.startsWith('tls trunk'))?.detail).toMatch(/^TLSv1\.2 ECDHE-RSA-AES256-GCM-SHA384 from /);

    // The CallManager certificate is in CCM-cert-02, with the fingerprints of the playbook's file.
    const ccm = parseCertificates(readFileSync(CALLMANAGER_PEM_FILE, 'utf8'), 'ccm')[0];
    const router = lab.device('lab-r001').router;
    const chain = parsePkiConfig(router.runningConfig()).chains.find((c) => c.trustpoint === 'CCM-cert-02');
    expect(chain?.certificates.map((c) => c.der.equals(ccm?.der ?? Buffer.alloc(0)))).toEqual([true]);
    expect(outcome.changes.find((c) => c.object === 'certificates CCM-cert-02')?.detail).toBe(`ca SHA1 ${ccm?.sha1 ?? ''}`);
    expect(transcript).toMatch(/is a subordinate CA\.\s+but certificate is not a CA certificate\./);

    // The files for CUCM are the router's own identity and its CA.
    const identity = identities.get('lab-r001') as GeneratedChain;
    const certFile = parseCertificate(pemDer(readFileSync(join(out, 'sip-trunk-cert.pem'), 'utf8')));
    const caFile = parseCertificate(pemDer(readFileSync(join(out, 'sip-trunk-cert-ca.pem'), 'utf8')));
    expect(certFile.der.equals(pemDer(identity.leafPem))).toBe(true);
    expect(caFile.der.equals(pemDer(identity.intermediatePems[0] ?? ''))).toBe(true);
    const routerChain = parsePkiConfig(router.runningConfig()).chains.find((c) => c.trustpoint === 'sip-trunk-cert');
    expect(routerChain?.certificates.some((c) => c.type === 'identity' && c.der.equals(certFile.der))).toBe(true);

    expect(router.runningConfig()).toContain('dial-peer voice 100 voip\n description CUCM publisher\n');
    expect(startup('lab-r001')).toContain(' session target ipv4:10.72.86.74:5061\n');
    expect(startup('lab-r001')).toContain('crypto pki trustpoint CCM-cert-02\n');
    expect(transcript).toContain('crypto pki export sip-trunk-cert pem terminal');
    expect(transcript).toContain('write memory');
  });

  it('changes nothing when run again, and still checks the trunk', async () => {
    const router = lab.device('lab-r001').router;
    const before = router.runningConfig();
    const saved = startup('lab-r001');
    const { code, outcome, transcript } = await rollout('lab-r001');
    expect(code).toBe(0);
    expect(outcome.result).toBe('unchanged');
    expect(outcome.commands).toEqual([]);
    expect(lines(outcome)).toEqual([
      `export ${exportDir('lab-r001')}/sip-trunk-cert-ca.pem unchanged`,
      `export ${exportDir('lab-r001')}/sip-trunk-cert.pem unchanged`,
      'certificates CCM-cert-02 verified',
      'certificates sip-trunk-cert verified',
      `tls trunk ${CUCM}:5061 established`,
    ]);
    expect(router.runningConfig()).toBe(before);
    expect(startup('lab-r001')).toBe(saved);
    expect(transcript).not.toContain('write memory');
    // The files already hold the identity: no export, so no config mode at all.
    expect(transcript).not.toContain('configure terminal');
  });

  it('rotate changes certificates only: a hand-edited dial-peer is reported, not touched, and the trunk still checked', async () => {
    const device = lab.device('lab-r001');
    const session = await IosXeSession.open({
      device: 'lab-r001',
      platform: IOS_XE_CLI,
      host: device.host,
      port: device.port,
      credentials: { username: lab.credentials.username, password: lab.credentials.password },
      hostKey: { mode: 'pinned', fingerprints: [device.hostKeyFingerprint] },
    });
    try {
      await session.sendConfig(['dial-peer voice 100 voip', 'description edited by hand', 'exit']);
    } finally {
      await session.close();
    }
    const before = device.router.runningConfig();
    const { code, outcome } = await runCommand(rotateCommand, 'lab-r001');
    expect(code).toBe(0);
    expect(outcome.result).toBe('unchanged');
    expect(outcome.diagnoses).toContain(
      'the CUBE configuration differs from the playbook (dial-peer voice 100); this command changes certificates only: run certagent rollout',
    );
    expect(lines(outcome)).toContain(`tls trunk ${CUCM}:5061 established`);
    expect(device.router.runningConfig()).toBe(before);
    expect(before).toContain(' description edited by hand\n');
  });

  it('a CUCM that does not trust the CUBE: the trunk fails, the reason is told in plain words, and the router is rolled back', async () => {
    const router = lab.device('lab-r002').router;
    const before = router.runningConfig();
    const { code, outcome, shown } = await rollout('lab-r002');
    expect(shown).toMatch(/^lab-r002 +rolled back +dial-peer voice 100 restored/m);
    expect(shown).toContain("CUCM's CallManager-trust does not hold the CUBE certificate");
    expect(code).toBe(1);
    expect(outcome.result).toBe('rolled-back');
    expect(outcome.error?.step).toBe('show sip-ua connections tcp tls detail');
    expect(outcome.error?.message).toContain(`lab-r002: the TLS trunk to ${CUCM}:5061 is not Established after 2 s`);
    expect(outcome.error?.message).toContain("CUCM's CallManager-trust does not hold the CUBE certificate (and its CA)");
    expect(outcome.error?.deviceText).toMatch(/TLS client handshake failures [1-9]/);
    expect(outcome.diagnoses).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^TLS handshake with 10\.72\.86\.74:5061 failed/),
        expect.stringMatching(/^upload .*sip-trunk-cert-ca\.pem and .*sip-trunk-cert\.pem to CUCM's CallManager-trust/),
      ]),
    );
    expect(lines(outcome)).toEqual([
      'dial-peer voice 100 restored',
      'voice service voip restored',
      'sip-ua restored',
      'trustpoint CCM-cert-02 restored',
      `export ${exportDir('lab-r002')}/sip-trunk-cert-ca.pem written`,
      `export ${exportDir('lab-r002')}/sip-trunk-cert.pem written`,
    ]);
    expect(withoutChangeStamp(router.runningConfig())).toBe(withoutChangeStamp(before));
    expect(existsSync(join(dir, 'lab', 'routers', 'lab-r002', 'startup-config'))).toBe(false);
    // The files to upload are there all the same: the next run succeeds once CUCM trusts them.
    const identity = identities.get('lab-r002') as GeneratedChain;
    expect(pemDer(readFileSync(join(exportDir('lab-r002'), 'sip-trunk-cert.pem'), 'utf8')).equals(pemDer(identity.leafPem))).toBe(true);
  });
});
