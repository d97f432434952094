/**
 * The authenticate dialog as the workflow runs it against a lab router: `no` and a failure when the device shows
 * other fingerprints than those computed locally, the pinned variant (`--pin-fingerprints`) where the device
 * validates by itself, and a failing mail proven by the device's own log lines, redacted.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Socket } from 'node:net';
import { parseCertificates } from '../../src/certs/x509.js';
import { FingerprintMismatchError, openDeviceSession, resolveDesired, runStep } from '../../src/workflow/index.js';
import { runFleet } from '../../src/fleet/index.js';
import { loadPlaybook, resolveCredentials } from '../../src/config/index.js';
import { RecordingReporter, startE2eLab } from './helpers.js';
import type { E2eLab } from './helpers.js';

describe('authenticate and proof against a lab router', () => {
  let e2e: E2eLab;
  beforeAll(async () => {
    e2e = await startE2eLab({ devices: 2 });
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('answers no and fails when the device shows other fingerprints than the certificate has, whatever the device replies to no', async () => {
    const [device] = (await e2e.inventory()).devices;
    if (!device) throw new Error('no device');
    const [root, other] = parseCertificates(
      readFileSync('/usr/share/ca-certificates/mozilla/GTS_Root_R1.crt', 'utf8') +
        readFileSync('/usr/share/ca-certificates/mozilla/GlobalSign_Root_CA.crt', 'utf8'),
      'mozilla',
    );
    if (!root || !other) throw new Error('certificates missing');
    const router = e2e.lab.device(device.name).router;
    // With quiet-decline the device prints no error after `no`: the mismatch must still be reported as one.
    for (const quietDecline of [false, true]) {
      router.setFaults({ quietDecline });
      const session = await openDeviceSession(device, await resolveCredentials(device, e2e.resolver()));
      try {
        await runStep(session, {
          kind: 'config',
          lines: [{ parts: ['crypto pki trustpoint CA-CHECK'] }, { parts: ['enrollment terminal'] }, { parts: ['exit'] }],
        });
        // The DER pasted is GTS Root R1, the fingerprints expected are GlobalSign's: as if the paste were altered.
        const error = await runStep(session, {
          kind: 'authenticate',
          trustpoint: 'CA-CHECK',
          der: root.der,
          md5: other.md5,
          sha1: other.sha1,
          serialHex: other.serialHex,
          label: 'cn=GTS Root R1',
        }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(FingerprintMismatchError);
        expect((error as Error).message).toMatch(
          /the device computed MD5 05FED0BF 71A8A376 63DA01E0 D852DC40 SHA1 E58C1CC4 .* certagent computed MD5 3E455215 .*; answered no/,
        );
        expect(session.level).toBe('exec');
        expect(await session.send('show running-config | section crypto pki certificate chain CA-CHECK')).not.toMatch(/certificate ca/);
      } finally {
        await session.close();
        router.setFaults({});
      }
    }
  });

  it('pins every fingerprint when asked; the device validates the pin and asks nothing', async () => {
    const inventory = await e2e.inventory();
    const desired = await resolveDesired(await e2e.playbook(), { pin: 'always' });
    const reporter = new RecordingReporter();
    const result = await runFleet({
      command: 'rollout',
      devices: inventory.devices.filter((d) => d.name === 'lab-r001'),
      desired,
      resolver: e2e.resolver(),
      reporter,
      pollIntervalMs: 50,
    });
    expect(reporter.lines.filter((l) => /failed|rolled-back/.test(l))).toEqual([]);
    expect(result.exitCode).toBe(0);
    const root = desired.trustpoints.find((t) => t.name === 'LAB-Lab-Root-R1');
    expect(e2e.lab.device('lab-r001').router.runningConfig()).toContain(` fingerprint ${root?.cert.sha1 ?? 'none'}`);
  });

  it('gives up at the deadline when the mail server never answers, naming the command and what was seen', async () => {
    // A server that accepts the connection and says nothing: the router's SMTP client waits for its greeting.
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const text = readFileSync(e2e.playbookFile, 'utf8')
        .replace(/port: \d+/, `port: ${port}`)
        .replace(/wait_for_log_seconds: \d+/, 'wait_for_log_seconds: 2');
      const file = e2e.playbookFile.replace(/\.yaml$/, '-silent.yaml');
      writeFileSync(file, text);
      const playbook = await loadPlaybook(file, {
        secrets: { env: (n) => e2e.env[n], readFile: (p) => readFileSync(p, 'utf8'), prompt: () => Promise.reject(new Error('no prompt')) },
      });
      const reporter = new RecordingReporter();
      const started = Date.now();
      const result = await runFleet({
        command: 'fix',
        alwaysProve: true,
        devices: (await e2e.inventory()).devices.filter((d) => d.name === 'lab-r001'),
        desired: await resolveDesired(playbook),
        resolver: e2e.resolver(),
        reporter,
        pollIntervalMs: 50,
      });
      expect(result.exitCode).toBe(1);
      const outcome = reporter.outcome('lab-r001');
      expect(outcome.result).toBe('rolled-back');
      expect(outcome.error?.message).toMatch(
        /^lab-r001: no result of 'event manager run SendSecureEmailEEM [0-9a-f]{8}' within 2 s: 'show logging \| include %HA_EM' showed neither 'certagent: SendSecureEmailEEM done [0-9a-f]{8}' nor a failure; new lines seen: none$/,
      );
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('reports a failing mail in the device words, password redacted, and rolls back', async () => {
    const text = readFileSync(e2e.playbookFile, 'utf8');
    const broken = e2e.playbookFile.replace(/\.yaml$/, '-wrong-port.yaml');
    // Nothing listens on port 9: the router's SMTP connection is refused.
    writeFileSync(broken, text.replace(/port: \d+/, 'port: 9'));
    const inventory = await e2e.inventory();
    const playbook = await loadPlaybook(broken, {
      secrets: { env: (n) => e2e.env[n], readFile: (p) => readFileSync(p, 'utf8'), prompt: () => Promise.reject(new Error('no prompt')) },
    });
    const reporter = new RecordingReporter();
    const router = e2e.lab.device('lab-r002').router;
    const before = router.runningConfig().replace(/^! Last configuration change.*\n!\n/m, '');
    const result = await runFleet({
      command: 'rollout',
      devices: inventory.devices.filter((d) => d.name === 'lab-r002'),
      desired: await resolveDesired(playbook),
      resolver: e2e.resolver(),
      reporter,
      pollIntervalMs: 50,
    });
    expect(result.exitCode).toBe(1);
    const outcome = reporter.outcome('lab-r002');
    expect(outcome.result).toBe('rolled-back');
    expect(outcome.error?.message).toMatch(
      /^lab-r002: applet SendSecureEmailEEM failed: error in connecting to SMTP server \(the device logged it after 'event manager run SendSecureEmailEEM [0-9a-f]{8}'\)$/,
    );
    expect(outcome.error?.deviceText).toContain(
      `%HA_EM-3-FMPD_SMTP: Error occurred when sending mail to SMTP server: ${e2e.lab.credentials.smtpUser}:<redacted>@smtp.lab.example : error in connecting to SMTP server`,
    );
    expect(outcome.error?.deviceText).toContain('%HA_EM-3-FMPD_ERROR: Error executing applet SendSecureEmailEEM statement 0010');
    expect(JSON.stringify(outcome)).not.toContain(e2e.lab.credentials.smtpPassword);
    expect(router.runningConfig().replace(/^! Last configuration change.*\n!\n/m, '')).toBe(before);
  });
});
