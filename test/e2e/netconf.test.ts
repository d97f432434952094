/**
 * The rollout over NETCONF against lab routers serving NETCONF and SSH: the same end state, mail and report as
 * over SSH; a re-run that sends no edit; a datastore locked by another session; a failure after the commits that
 * is undone over NETCONF and the CLI. Real SSH, real NETCONF framing, the lab's YANG validation, real SMTP/TLS.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parseCertificates } from '../../src/certs/x509.js';
import type { Device } from '../../src/config/index.js';
import type { DeviceOutcome } from '../../src/report/events.js';
import {
  FACTS_FILTER,
  caChainLines,
  configIosCliRpc,
  createTrustpointFragment,
  environmentFragment,
  ipHostFragment,
  nativeConfig,
  parseCliRpcReply,
  parseNativeConfig,
  removeTrustpointFragment,
  updateTrustpointFragment,
} from '../../src/device/netconf/index.js';
import { NetconfClient } from '../../src/transport/netconf/index.js';
import { resolveDesired } from '../../src/workflow/index.js';
import { labDevice, runLabFleet, runNetconfLabDevice, startE2eLab } from './helpers.js';
import type { E2eLab } from './helpers.js';

/** The top-level blocks certagent touches, as the running config shows them (without each router's own self-signed trustpoint). */
function touched(runningConfig: string): string {
  const out: string[] = [];
  let keep = false;
  for (const line of runningConfig.split(/\r?\n/)) {
    if (!/^[ \t]/.test(line)) keep = /^(crypto pki|event manager|ip host)/.test(line) && !/TP-self-signed-/.test(line);
    if (keep) out.push(line);
  }
  return out.join('\n');
}

/** touched() as a sorted list of blocks, for when only the order of the config may differ. */
function blocks(text: string): string[] {
  return text.split(/\n(?=\S)/).sort();
}

/** The report without what differs from run to run (the proof's nonce). */
function report(outcome: DeviceOutcome): string[] {
  return outcome.changes.map((c) => `${c.object} | ${c.action} | ${(c.detail ?? '').replace(/run [0-9a-f]+/, 'run N')}`);
}

describe('rollout over NETCONF', () => {
  let e2e: E2eLab;
  beforeAll(async () => {
    e2e = await startE2eLab({ netconf: true });
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  const device = (name: string): Promise<Device> => labDevice(e2e, name);
  const overNetconf = (name: string, options: { dryRun?: boolean } = {}) =>
    runNetconfLabDevice(e2e, name, { ...options, session: { lockRetries: 1, lockRetryMs: 50 } });

  /** Another NETCONF client on a lab router, as a second operator or tool would hold one. */
  async function otherClient(client: string, name: string): Promise<NetconfClient> {
    const d = await device(name);
    const { username, password } = e2e.lab.credentials;
    return NetconfClient.connect({
      device: client,
      host: d.host,
      port: d.netconfPort,
      credentials: { username, password },
      hostKey: { mode: 'pinned', fingerprints: [e2e.lab.device(name).hostKeyFingerprint] },
    });
  }

  let overSsh: DeviceOutcome;

  it('ends with the same running config, mail and report as the SSH rollout', async () => {
    const { reporter } = await runLabFleet(e2e, { devices: [await device('lab-r001')], session: { commandTimeoutMs: 5_000, connectTimeoutMs: 5_000 } });
    overSsh = reporter.outcome('lab-r001');
    expect(overSsh.result).toBe('changed');

    const r2 = e2e.lab.device('lab-r002').router;
    const { outcome, reporter: steps } = await overNetconf('lab-r002');
    expect(outcome.error).toBeUndefined();
    expect(outcome.result).toBe('changed');
    expect(report(outcome)).toEqual(report(overSsh));
    expect(outcome.commands).toEqual(overSsh.commands);
    expect(touched(r2.runningConfig())).toEqual(touched(e2e.lab.device('lab-r001').router.runningConfig()));
    // The modelled part went over NETCONF (IOS XE logs its DMI changes), the certificates over the CLI.
    expect(r2.state.syslog.entries().join('\n')).toMatch(/DMI-5-CONFIG_I.*Configured from NETCONF\/RESTCONF/);
    expect(steps.lines).toContain('lab-r002: authenticate LAB-Lab-Root-R1');
    const nonce = /run ([0-9a-f]+)/.exec(outcome.changes.find((c) => c.action === 'proven')?.detail ?? '')?.[1] ?? 'none';
    expect(e2e.lab.mail.messages().some((m) => m.subject === `certagent proof ${nonce}`)).toBe(true);
    expect(outcome.roundTrips).toBeGreaterThan(0);
  });

  it('changes nothing when run again', async () => {
    const r2 = e2e.lab.device('lab-r002').router;
    const config = r2.runningConfig();
    const dmi = r2.state.syslog.entries().filter((l) => l.includes('DMI-5-CONFIG_I')).length;
    const { outcome } = await overNetconf('lab-r002');
    expect(outcome.result).toBe('unchanged');
    expect(outcome.changes).toEqual([]);
    expect(r2.runningConfig()).toEqual(config);
    expect(r2.state.syslog.entries().filter((l) => l.includes('DMI-5-CONFIG_I'))).toHaveLength(dmi);
    // One get-config and the CLI read: facts only.
    expect(outcome.roundTrips).toBeLessThanOrEqual(4);
  });

  it('after the mail provider changes its chain, changes the same objects the same way as SSH', async () => {
    await e2e.lab.rotateMailChain();
    const { reporter } = await runLabFleet(e2e, { devices: [await device('lab-r001')], session: { commandTimeoutMs: 5_000, connectTimeoutMs: 5_000 } });
    const ssh = reporter.outcome('lab-r001');
    expect(ssh.result).toBe('changed');
    const { outcome } = await overNetconf('lab-r002');
    expect(outcome.error).toBeUndefined();
    expect(report(outcome)).toEqual(report(ssh));
    expect(outcome.diagnoses).toEqual(ssh.diagnoses);
    expect(touched(e2e.lab.device('lab-r002').router.runningConfig())).toEqual(touched(e2e.lab.device('lab-r001').router.runningConfig()));
  });

  it('puts back a trustpoint option and an applet changed behind its back: options updated in place, applet replaced with its mail line', async () => {
    const r2 = e2e.lab.device('lab-r002').router;
    const good = touched(r2.runningConfig());
    const desired = await resolveDesired(await e2e.playbook());
    const rootName = desired.trustpoints.find((t) => t.cert.selfSigned)?.name ?? '';
    const tamper = await otherClient('tamper', 'lab-r002');
    const root = parseNativeConfig((await tamper.getConfig('running', FACTS_FILTER)).xml).trustpoints.get(rootName);
    if (!root) throw new Error(`no ${rootName} on lab-r002`);
    await tamper.editConfig({
      target: 'running',
      config: nativeConfig([
        updateTrustpointFragment(root.element, { revocationCheck: ['crl'], chainValidation: 'stop' }),
        { branch: 'eem', xml: '<applet><name>SendSecureEmailEEM</name><description>changed by hand</description></applet>' },
      ]),
    });
    await tamper.close();
    expect(r2.runningConfig()).toContain(' description changed by hand');

    const { outcome } = await overNetconf('lab-r002');
    expect(outcome.error).toBeUndefined();
    expect(outcome.changes.map((c) => `${c.object} ${c.action}`)).toEqual([
      `trustpoint ${rootName} updated`,
      'applet SendSecureEmailEEM replaced',
      'applet SendSecureEmailEEM proven',
    ]);
    expect(touched(r2.runningConfig())).toEqual(good);
  });

  it('fails cleanly, changing nothing, while another session holds the lock', async () => {
    const r3 = e2e.lab.device('lab-r003').router;
    const before = r3.runningConfig();
    const holder = await otherClient('holder', 'lab-r003');
    try {
      await holder.lock('running');
      const { outcome } = await overNetconf('lab-r003');
      expect(outcome.result).toBe('failed');
      expect(outcome.error?.message).toContain(`locked by session ${holder.sessionId}`);
      expect(outcome.error?.message).toContain('nothing was changed');
      expect(outcome.changes).toEqual([]);
      expect(r3.runningConfig()).toEqual(before);
    } finally {
      await holder.close();
    }
  });

  it('undoes the committed edits and the CLI steps when a certificate is refused mid-change, putting back what was there', async () => {
    const r3 = e2e.lab.device('lab-r003').router;
    // What the run will change rather than create: an old mail recipient and an old address of the mail server.
    const other = await otherClient('other', 'lab-r003');
    await other.editConfig({
      target: 'running',
      config: nativeConfig([ipHostFragment('smtp.lab.example', '10.9.9.9'), environmentFragment('_email_to', 'old-noc@lab.example')]),
    });
    await other.close();
    const before = touched(r3.runningConfig());
    expect(before).toContain('ip host smtp.lab.example 10.9.9.9');
    const planned = await overNetconf('lab-r003', { dryRun: true });
    expect(planned.outcome.result).toBe('planned');
    expect(planned.outcome.changes.map((c) => `${c.object} ${c.action}`)).toContain('environment _email_to changed');
    const mails = e2e.lab.mail.messages().length;
    r3.setFaults({ rejectCertificate: true });
    try {
      const { outcome, reporter } = await overNetconf('lab-r003');
      expect(outcome.result).toBe('rolled-back');
      expect(outcome.error?.step).toMatch(/^crypto pki authenticate LAB-/);
      expect(outcome.changes.every((c) => c.action === 'restored')).toBe(true);
      expect(outcome.changes.map((c) => c.object)).toEqual(planned.outcome.changes.map((c) => c.object).reverse());
      expect(reporter.lines).toContain('lab-r003: roll back over NETCONF');
      expect(touched(r3.runningConfig())).toEqual(before);
      expect(e2e.lab.mail.messages()).toHaveLength(mails);
    } finally {
      r3.setFaults({});
    }
  });

  it('replaces a trustpoint holding another CA (removal committed first), and undoes a failed replacement by re-authenticating the old CA', async () => {
    const r3 = e2e.lab.device('lab-r003').router;
    const desired = await resolveDesired(await e2e.playbook());
    const rootName = desired.trustpoints.find((t) => t.cert.selfSigned)?.name ?? '';
    const leafName = desired.trustpoints.find((t) => t.cert.basicConstraints?.ca !== true)?.name ?? '';
    expect([rootName, leafName]).not.toContain('');
    const [other] = parseCertificates(readFileSync('/usr/share/ca-certificates/mozilla/GlobalSign_Root_CA.crt', 'utf8'), 'globalsign');
    if (!other) throw new Error('no GlobalSign root on this system');
    // Someone else's CA under the playbook's root trustpoint name, installed as a device would hold it.
    const planter = await otherClient('planter', 'lab-r003');
    await planter.editConfig({
      target: 'running',
      config: nativeConfig([createTrustpointFragment(rootName, { revocationCheck: ['none'], chainValidation: 'stop' })]),
    });
    expect(parseCliRpcReply((await planter.rpc(configIosCliRpc(caChainLines(rootName, other.serialHex, other.der)))).root).ok).toBe(true);
    await planter.close();
    const before = touched(r3.runningConfig());
    expect(before).toContain(`crypto pki certificate chain ${rootName}\n certificate ca ${other.serialHex}`);

    r3.setFaults({ rejectCertificate: [leafName] });
    try {
      const { outcome } = await overNetconf('lab-r003');
      expect(outcome.result).toBe('rolled-back');
      expect(outcome.changes).toContainEqual({ object: `trustpoint ${rootName}`, action: 'restored' });
      expect(touched(r3.runningConfig())).toEqual(before);
    } finally {
      r3.setFaults({});
    }

    const { outcome } = await overNetconf('lab-r003');
    expect(outcome.error).toBeUndefined();
    expect(outcome.changes.find((c) => c.object === `trustpoint ${rootName}`)?.action).toBe('replaced');
    const rootCert = desired.trustpoints.find((t) => t.name === rootName)?.cert;
    expect(touched(r3.runningConfig())).toContain(`crypto pki certificate chain ${rootName}\n certificate ca ${rootCert?.serialHex ?? '?'}`);
    expect(touched(r3.runningConfig())).not.toContain(other.serialHex);
  });

  it('authenticates a trustpoint that exists without its certificate: no edit needed, only the CLI dialog', async () => {
    const r3 = e2e.lab.device('lab-r003').router;
    const good = touched(r3.runningConfig());
    const desired = await resolveDesired(await e2e.playbook());
    const intermediate = desired.trustpoints.find((t) => !t.cert.selfSigned && t.cert.basicConstraints?.ca === true);
    if (!intermediate) throw new Error('the lab chain has no intermediate');
    const planter = await otherClient('planter', 'lab-r003');
    // Removed with its certificate, then made again empty, with the playbook's options.
    await planter.editConfig({ target: 'running', config: nativeConfig([removeTrustpointFragment(intermediate.name)]) });
    await planter.editConfig({
      target: 'running',
      config: nativeConfig([createTrustpointFragment(intermediate.name, { revocationCheck: ['none'], chainValidation: 'stop' })]),
    });
    await planter.close();
    // IOS shows an empty chain for a trustpoint without certificates.
    expect(r3.runningConfig()).toMatch(new RegExp(`crypto pki certificate chain ${intermediate.name}\\r?\\n[^ ]`));

    const { outcome, reporter } = await overNetconf('lab-r003');
    expect(outcome.error).toBeUndefined();
    expect(outcome.changes.map((c) => `${c.object} ${c.action}`)).toEqual([
      `trustpoint ${intermediate.name} authenticated`,
      'applet SendSecureEmailEEM proven',
    ]);
    expect(reporter.lines.filter((l) => l.includes('NETCONF edit') || l.includes('NETCONF remove'))).toEqual([]);
    // The trustpoint made again comes last in the config, as on IOS; otherwise the device is as before.
    expect(blocks(touched(r3.runningConfig()))).toEqual(blocks(good));
  });
});
