/**
 * The EEM feature over real SSH on a lab router, mailing the real lab mail server over STARTTLS.
 * Trust anchors are installed through the PKI state (what `crypto pki authenticate` leaves behind).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import net from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCertificate } from '../../../src/certs/x509.js';
import { createChain } from '../../../src/lab/mail/chain-factory.js';
import type { GeneratedChain } from '../../../src/lab/mail/chain-factory.js';
import { LabMailServer } from '../../../src/lab/mail/mail-server.js';
import { LabRouter } from '../../../src/lab/router/index.js';
import type { RouterState } from '../../../src/lab/router/index.js';
import { TestShell } from '../router/shell.js';

const USER = 'alerts';
const PASSWORD = 'App-Pw-42';

function installCa(state: RouterState, trustpoint: string, pem: string): void {
  const der = Buffer.from(new X509Certificate(pem).raw);
  state.pki.trustpoints.set(trustpoint, {
    name: trustpoint,
    certificates: [{ role: 'ca', facts: parseCertificate(der), installedAt: state.now() }],
  });
}

function seedConfig(port: number, server = `${USER}:${PASSWORD}@smtp.lab.example`): string[] {
  return [
    'ip host smtp.lab.example 127.0.0.1',
    'event manager environment _email_from alerts@lab.example',
    'event manager environment _email_to noc@lab.example',
    `event manager environment _email_server ${server}`,
    'event manager environment _email_cc oncall@lab.example',
    'event manager applet SendSecureEmailEEM',
    ' event none',
    ` action 0010 mail server "$_email_server" to "$_email_to" from "$_email_from" cc "$_email_cc" subject "EEM test from $_none_arg1" body "Secure mail from R1" secure tls port ${port}`,
  ];
}

/** The next syslog line matching `pattern` logged from now on (earlier identical lines do not count). */
function nextLog(state: RouterState, pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`R1: no new syslog line matched ${String(pattern)} within ${timeoutMs} ms`));
    }, timeoutMs);
    const unsubscribe = state.syslog.subscribe((line) => {
      if (pattern.test(line)) {
        clearTimeout(timer);
        unsubscribe();
        resolve(line);
      }
    });
  });
}

async function configure(shell: TestShell, lines: readonly string[]): Promise<string> {
  let out = await shell.command('configure terminal');
  for (const line of lines) out += await shell.command(line);
  out += await shell.command('end');
  return out;
}

describe('EEM over SSH', () => {
  let chain: GeneratedChain;
  let mail: LabMailServer;
  let router: LabRouter;
  let stateDir: string;

  beforeAll(async () => {
    chain = await createChain({ serverName: 'smtp.lab.example', rootName: 'SSH Test Root R1' });
    mail = await LabMailServer.start({ chain, users: [{ username: USER, password: PASSWORD }] });
    stateDir = await mkdtemp(join(tmpdir(), 'eem-router-'));
    router = await LabRouter.start({
      hostname: 'R1',
      stateDir,
      users: [{ username: 'admin', password: 'cisco123', privilege: 15 }],
    });
  });

  afterAll(async () => {
    await router.stop();
    await mail.stop();
    await rm(stateDir, { recursive: true, force: true });
  });

  it('configures the seed applet without errors and renders it as IOS does', async () => {
    const shell = await TestShell.connect(router);
    try {
      await shell.expect(/R1#$/);
      const out = await configure(shell, seedConfig(mail.port));
      expect(out).not.toMatch(/%|\^/);
      expect(out).toContain('R1(config-applet)#');
      const config = router.runningConfig();
      expect(config).toContain(
        [
          'event manager environment _email_from alerts@lab.example',
          'event manager environment _email_to noc@lab.example',
          `event manager environment _email_server ${USER}:${PASSWORD}@smtp.lab.example`,
          'event manager environment _email_cc oncall@lab.example',
          'event manager applet SendSecureEmailEEM',
          ' event none',
          ` action 0010 mail server "$_email_server" to "$_email_to" from "$_email_from" cc "$_email_cc" subject "EEM test from $_none_arg1" body "Secure mail from R1" secure tls port ${mail.port}`,
          '!',
          'end',
        ].join('\n'),
      );
    } finally {
      shell.close();
    }
  });

  it('shows the registered policy and the environment in the real layouts', async () => {
    const shell = await TestShell.connect(router);
    try {
      await shell.expect(/R1#$/);
      const policies = await shell.command('show event manager policy registered');
      expect(policies).toContain('\r\nNo.  Class     Type    Event Type          Trap  Time Registered           Name\r\n');
      const row = policies.split('\r\n').find((l) => l.startsWith('1 '));
      expect(row?.slice(0, 49)).toBe(`${'1'.padEnd(5)}${'applet'.padEnd(10)}${'user'.padEnd(8)}${'none'.padEnd(20)}${'Off'.padEnd(6)}`);
      expect(row?.slice(49)).toMatch(/^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4} {2}SendSecureEmailEEM$/);
      expect(policies).toContain('SendSecureEmailEEM\r\n maxrun 20.000\r\n action 0010 mail server "$_email_server" to ');
      const env = await shell.command('sh event manager env all');
      expect(env).toContain(
        '\r\nNo.  Name                          Value                         \r\n1    _email_from                   alerts@lab.example\r\n',
      );
    } finally {
      shell.close();
    }
  });

  it('event manager run returns the prompt at once; without a trustpoint the mail fails with the real log lines', async () => {
    const shell = await TestShell.connect(router);
    try {
      await shell.expect(/R1#$/);
      const failed = router.state.syslog.waitFor(/FMPD_ERROR: Error executing applet SendSecureEmailEEM statement 0010/, 10_000);
      expect(await shell.command('event manager run SendSecureEmailEEM no-anchor')).toBe('event manager run SendSecureEmailEEM no-anchor\r\nR1#');
      await failed;
      expect(router.state.syslog.entries().join('\n')).toContain(
        `%HA_EM-3-FMPD_SMTP: Error occurred when sending mail to SMTP server: ${USER}:${PASSWORD}@smtp.lab.example : error in connecting to SMTP server`,
      );
      expect(mail.messages().some((m) => m.subject === 'EEM test from no-anchor')).toBe(false);
    } finally {
      shell.close();
    }
  });

  it('delivers the mail over STARTTLS with AUTH once the issuing CA is installed, and fails after a rotation to another root', async () => {
    installCa(router.state, 'CA-SSH-1C3', chain.intermediatePems[0] ?? '');
    const shell = await TestShell.connect(router);
    try {
      await shell.expect(/R1#$/);
      const arriving = mail.waitForMessage((m) => m.subject === 'EEM test from anchored', 10_000);
      await shell.command('event manager run SendSecureEmailEEM anchored');
      const message = await arriving;
      expect(message).toMatchObject({ tls: true, authUser: USER, envelopeTo: ['noc@lab.example', 'oncall@lab.example'] });
      expect(message.body).toBe('Secure mail from R1');

      const rotated = await createChain({ serverName: 'smtp.lab.example', rootName: 'SSH Rotated Root R9' });
      mail.rotateChain(rotated);
      const failed = nextLog(router.state, /FMPD_ERROR: Error executing applet SendSecureEmailEEM statement 0010/, 10_000);
      await shell.command('event manager run SendSecureEmailEEM rotated');
      await failed;
      expect(mail.messages().some((m) => m.subject === 'EEM test from rotated')).toBe(false);
    } finally {
      mail.rotateChain(chain);
      shell.close();
    }
  });

  it('runs asynchronously: the prompt is back before a slow server times out', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    router.state.eem.mailStepTimeoutMs = 1500;
    const shell = await TestShell.connect(router);
    try {
      await shell.expect(/R1#$/);
      await configure(shell, [
        'event manager applet SLOW',
        ' event none',
        ` action 1.0 mail server "127.0.0.1" to "a@lab.example" from "r@lab.example" subject "s" body "b" port ${(silent.address() as net.AddressInfo).port}`,
      ]);
      const timedOut = nextLog(router.state, /FMPD_SMTP: Error occurred when sending mail to SMTP server: 127\.0\.0\.1 : timeout error/, 10_000);
      expect(await shell.command('event manager run SLOW')).toBe('event manager run SLOW\r\nR1#');
      expect(router.state.syslog.entries().some((l) => l.includes('FMPD_SMTP: Error occurred when sending mail to SMTP server: 127.0.0.1'))).toBe(false);
      await timedOut;
    } finally {
      delete router.state.eem.mailStepTimeoutMs;
      shell.close();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('syslog and puts actions, an undefined variable, and an unregistered applet', async () => {
    const shell = await TestShell.connect(router);
    try {
      await shell.expect(/R1#$/);
      await configure(shell, [
        'event manager applet HELLO',
        ' event none sync yes',
        ' action 2.0 puts "hello $_none_arg1"',
        ' action 1.0 syslog msg "Interface shut down"',
        'event manager applet UNDEF',
        ' event none',
        ' action 1 syslog msg "to $_email_bcc"',
        'event manager applet NOEVENT',
        ' action 1 puts "never"',
      ]);
      expect(await shell.command('event manager run HELLO world')).toBe('event manager run HELLO world\r\nhello world\r\nR1#');
      expect(router.state.syslog.entries().join('\n')).toMatch(/%HA_EM-6-LOG: HELLO: Interface shut down/);
      const undef = nextLog(router.state, /FMPD_ERROR: Error executing applet UNDEF statement 1$/, 5000);
      await shell.command('event manager run UNDEF');
      await undef;
      expect(router.state.syslog.entries().join('\n')).toMatch(/%HA_EM-3-FMPD_UNKNOWN_ENV: fh_parse_var: could not find environment variable: _email_bcc/);
      expect(await shell.command('event manager run NOEVENT')).toBe(
        'event manager run NOEVENT\r\nEEM policy NOEVENT not registered with event none Event Detector\r\nR1#',
      );
    } finally {
      shell.close();
    }
  });

  it('an @ in the username fails as on a real router (CSCwe75439)', async () => {
    const shell = await TestShell.connect(router);
    try {
      await shell.expect(/R1#$/);
      await configure(shell, [`event manager environment _email_server alerts@lab.example:${PASSWORD}@smtp.lab.example`]);
      const failed = nextLog(router.state, /SMTP server: alerts@lab\.example:\S+@smtp\.lab\.example : error in connecting/, 10_000);
      await shell.command('event manager run SendSecureEmailEEM at-sign');
      await failed;
      await configure(shell, [`event manager environment _email_server ${USER}:${PASSWORD}@smtp.lab.example`]);
    } finally {
      shell.close();
    }
  });

  it('no action / no applet / no environment remove what they name', async () => {
    const shell = await TestShell.connect(router);
    try {
      await shell.expect(/R1#$/);
      const out = await configure(shell, [
        'event manager applet HELLO',
        ' no action 2.0',
        'no event manager applet UNDEF',
        'no event manager environment _email_cc',
      ]);
      expect(out).not.toMatch(/%/);
      const config = router.runningConfig();
      expect(config).toContain('event manager applet HELLO\n event none sync yes\n action 1.0 syslog msg "Interface shut down"\nevent manager applet');
      expect(config).not.toContain('UNDEF');
      expect(config).not.toContain('_email_cc oncall');
    } finally {
      shell.close();
    }
  });

  it('keeps applets and environment across write memory and a restart', async () => {
    const shell = await TestShell.connect(router);
    await shell.expect(/R1#$/);
    await shell.command('write memory');
    shell.close();
    const before = router.runningConfig().replace(/^! (Last configuration change|NVRAM config).*\n/gm, '');
    await router.stop();
    router = await LabRouter.start({ hostname: 'R1', stateDir, users: [{ username: 'admin', password: 'cisco123', privilege: 15 }] });
    const after = router.runningConfig().replace(/^! (Last configuration change|NVRAM config).*\n/gm, '');
    const eemPart = (text: string): string => text.slice(text.indexOf('event manager environment'));
    expect(eemPart(after)).toBe(eemPart(before));
    expect(router.state.eem.applets.get('SendSecureEmailEEM')?.actions.get('0010')).toMatchObject({ kind: 'mail', secure: 'tls', port: mail.port });
  });
});
