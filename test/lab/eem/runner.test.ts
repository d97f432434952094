/**
 * The applet executor against the real lab mail server (real TLS, real SMTP, real X.509 checks), on a router
 * state built here the way the engine builds it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import net from 'node:net';
import { X509Certificate } from 'node:crypto';
import { parseCertificate } from '../../../src/certs/x509.js';
import { createChain } from '../../../src/lab/mail/chain-factory.js';
import type { GeneratedChain } from '../../../src/lab/mail/chain-factory.js';
import { LabMailServer } from '../../../src/lab/mail/mail-server.js';
import { NO_FAULTS } from '../../../src/lab/router/faults.js';
import { createEemState, newApplet } from '../../../src/lab/router/eem/state.js';
import type { EemAction, EemApplet } from '../../../src/lab/router/eem/state.js';
import { runApplet } from '../../../src/lab/router/eem/runner.js';
import { createPkiState } from '../../../src/lab/router/pki/state.js';
import type { RouterState } from '../../../src/lab/router/state.js';
import { SyslogBuffer } from '../../../src/lab/router/syslog.js';
import { CommandLog } from '../../../src/lab/router/command-log.js';
import { PROFILES } from '../../../src/lab/router/profiles/index.js';

const USER = 'alerts';
const PASSWORD = 'Secr3t-app-pw';

function routerState(): RouterState {
  const now = (): Date => new Date();
  return {
    hostname: 'R1',
    ipHosts: new Map([['smtp.lab.example', '127.0.0.1']]),
    pki: createPkiState(),
    eem: createEemState(),
    syslog: new SyslogBuffer(now),
    commands: new CommandLog(),
    profile: PROFILES['iosxe-17'],
    faults: NO_FAULTS,
    now,
  };
}

function installCa(router: RouterState, trustpoint: string, pem: string): void {
  const der = Buffer.from(new X509Certificate(pem).raw);
  router.pki.trustpoints.set(trustpoint, {
    name: trustpoint,
    certificates: [{ role: 'ca', facts: parseCertificate(der), installedAt: router.now() }],
  });
}

function applet(name: string, actions: Record<string, EemAction>): EemApplet {
  const a = newApplet(name);
  a.event = { kind: 'none' };
  for (const [label, action] of Object.entries(actions)) a.actions.set(label, action);
  return a;
}

function secureMailApplet(port: number): EemApplet {
  return applet('SendSecureEmailEEM', {
    '0010': {
      kind: 'mail',
      server: '$_email_server',
      to: '$_email_to',
      from: '$_email_from',
      cc: '$_email_cc',
      subject: 'Test from $_none_arg1',
      body: 'EEM secure mail works',
      secure: 'tls',
      port,
    },
  });
}

function setMailEnvironment(router: RouterState, server = `${USER}:${PASSWORD}@smtp.lab.example`): void {
  router.eem.environment.set('_email_server', server);
  router.eem.environment.set('_email_to', 'noc@lab.example');
  router.eem.environment.set('_email_from', 'alerts@lab.example');
  router.eem.environment.set('_email_cc', 'oncall@lab.example');
}

describe('EEM mail action against the lab mail server', () => {
  let chain: GeneratedChain;
  let server: LabMailServer;

  beforeAll(async () => {
    chain = await createChain({ serverName: 'smtp.lab.example', rootName: 'EEM Test Root R1' });
    server = await LabMailServer.start({ chain, users: [{ username: USER, password: PASSWORD }] });
  });

  afterAll(async () => {
    await server.stop();
  });

  it('delivers over STARTTLS with AUTH when the issuing CA is in a trustpoint (no root needed)', async () => {
    const router = routerState();
    setMailEnvironment(router);
    installCa(router, 'CA-LAB-1C3', chain.intermediatePems[0] ?? '');
    const waiting = server.waitForMessage((m) => m.subject === 'Test from R1-run1', 10_000);
    const result = await runApplet(router, secureMailApplet(server.port), { args: ['R1-run1'] });
    expect(result).toEqual({ ok: true });
    const message = await waiting;
    expect(message).toMatchObject({
      tls: true,
      authUser: USER,
      envelopeFrom: 'alerts@lab.example',
      envelopeTo: ['noc@lab.example', 'oncall@lab.example'],
      body: 'EEM secure mail works',
    });
    expect(message.headers['cc']).toBe('oncall@lab.example');
    expect(router.syslog.entries().filter((l) => l.includes('HA_EM'))).toEqual([]);
  });

  it('delivers when only the root is installed', async () => {
    const router = routerState();
    setMailEnvironment(router);
    installCa(router, 'CA-LAB-ROOT', chain.rootPem);
    const waiting = server.waitForMessage((m) => m.subject === 'Test from root-only', 10_000);
    expect(await runApplet(router, secureMailApplet(server.port), { args: ['root-only'] })).toEqual({ ok: true });
    await waiting;
  });

  it('refuses the chain with a bad_certificate alert and logs the real lines when no trustpoint anchors it', async () => {
    const router = routerState();
    setMailEnvironment(router);
    const errorsBefore = server.errors().length;
    const result = await runApplet(router, secureMailApplet(server.port), { args: ['untrusted'] });
    expect(result).toMatchObject({ ok: false, label: '0010' });
    expect(result.ok === false && result.reason).toMatch(/certificate verify failed: unable to get local issuer certificate/);
    const lines = router.syslog.entries();
    expect(lines[0]).toMatch(
      /^\*\w{3} [ \d]\d \d\d:\d\d:\d\d\.\d{3}: %HA_EM-3-FMPD_SMTP: Error occurred when sending mail to SMTP server: alerts:Secr3t-app-pw@smtp\.lab\.example : error in connecting to SMTP server$/,
    );
    expect(lines[1]).toMatch(/: %HA_EM-3-FMPD_ERROR: Error executing applet SendSecureEmailEEM statement 0010$/);
    expect(server.messages().some((m) => m.subject === 'Test from untrusted')).toBe(false);
    // The server saw the client's fatal alert (OpenSSL: "alert bad certificate", alert number 42).
    await expect(server.waitForError(/bad certificate|alert number 42/, 5000, errorsBefore)).resolves.toBeTruthy();
  });

  it('fails again after the provider rotates to a chain under a different root', async () => {
    const router = routerState();
    setMailEnvironment(router);
    installCa(router, 'CA-LAB-ROOT', chain.rootPem);
    const rotated = await createChain({ serverName: 'smtp.lab.example', rootName: 'EEM Rotated Root R2', intermediates: 2 });
    server.rotateChain(rotated);
    try {
      const result = await runApplet(router, secureMailApplet(server.port), { args: ['rotated'] });
      expect(result).toMatchObject({ ok: false, label: '0010' });
      expect(router.syslog.entries().join('\n')).toMatch(/FMPD_SMTP: .* : error in connecting to SMTP server/);
      installCa(router, 'CA-LAB-R2', rotated.rootPem);
      const waiting = server.waitForMessage((m) => m.subject === 'Test from rotated-trusted', 10_000);
      expect(await runApplet(router, secureMailApplet(server.port), { args: ['rotated-trusted'] })).toEqual({ ok: true });
      await waiting;
    } finally {
      server.rotateChain(chain);
    }
  });

  it('cannot log in with an @ in the username: the host is cut at the first @ (CSCwe75439)', async () => {
    const router = routerState();
    setMailEnvironment(router, `alerts@lab.example:${PASSWORD}@smtp.lab.example`);
    installCa(router, 'CA-LAB-ROOT', chain.rootPem);
    const result = await runApplet(router, secureMailApplet(server.port), { args: ['at-sign'] });
    expect(result).toMatchObject({ ok: false, label: '0010' });
    expect(result.ok === false && result.reason).toMatch(/cannot resolve "lab\.example:Secr3t-app-pw@smtp\.lab\.example"/);
    expect(router.syslog.entries()[0]).toContain(`SMTP server: alerts@lab.example:${PASSWORD}@smtp.lab.example : error in connecting to SMTP server`);
  });

  it('reports a wrong password as an SMTP reply error', async () => {
    const router = routerState();
    setMailEnvironment(router, `${USER}:wrong@smtp.lab.example`);
    installCa(router, 'CA-LAB-ROOT', chain.rootPem);
    const result = await runApplet(router, secureMailApplet(server.port), { args: ['wrong-pw'] });
    expect(result.ok === false && result.reason).toMatch(/^reply: AUTH LOGIN password: 535/);
    expect(router.syslog.entries()[0]).toMatch(/: error in reply from SMTP server$/);
  });

  it('refuses an expired leaf even with the CA installed', async () => {
    const expired = await createChain({ serverName: 'smtp.lab.example', rootName: 'EEM Test Root R1', expiredLeaf: true });
    const other = await LabMailServer.start({ chain: expired, users: [{ username: USER, password: PASSWORD }] });
    try {
      const router = routerState();
      setMailEnvironment(router);
      installCa(router, 'CA-LAB-ROOT', expired.rootPem);
      const result = await runApplet(router, secureMailApplet(other.port), { args: ['expired'] });
      expect(result.ok === false && result.reason).toMatch(/certificate has expired/);
    } finally {
      await other.stop();
    }
  });
});

describe('EEM mail action: network failures', () => {
  it('logs "error in connecting to SMTP server" when the port refuses', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const router = routerState();
    const a = applet('LOOP0', {
      '7.0': { kind: 'mail', server: '127.0.0.1', to: 'marius@test.com', from: 'router1@test.com', subject: 's', body: 'b', port },
    });
    const result = await runApplet(router, a);
    expect(result).toMatchObject({ ok: false, label: '7.0' });
    expect(router.syslog.entries()[0]).toMatch(
      /%HA_EM-3-FMPD_SMTP: Error occurred when sending mail to SMTP server: 127\.0\.0\.1 : error in connecting to SMTP server$/,
    );
    expect(router.syslog.entries()[1]).toMatch(/%HA_EM-3-FMPD_ERROR: Error executing applet LOOP0 statement 7\.0$/);
  });

  it('logs "timeout error" when the server never greets', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const router = routerState();
      const a = applet('OSPF_DOWN', {
        '3.0': {
          kind: 'mail',
          server: 'smtp.lab.example',
          to: 'a@b.c',
          from: 'r@b.c',
          subject: 'OSPF IS DOWN',
          body: 'Please fix OSPF',
          port: (silent.address() as net.AddressInfo).port,
        },
      });
      const result = await runApplet(router, a, { mailStepTimeoutMs: 300 });
      expect(result.ok === false && result.reason).toMatch(/no reply to greeting within 300 ms/);
      expect(router.syslog.entries()[0]).toMatch(/SMTP server: smtp\.lab\.example : timeout error$/);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

describe('EEM applet execution', () => {
  it('stops at an undefined variable with FMPD_UNKNOWN_ENV then FMPD_ERROR', async () => {
    const router = routerState();
    const printed: string[] = [];
    const a = applet('CC', {
      '0005': { kind: 'puts', text: 'before' },
      '0010': { kind: 'syslog', msg: 'cc is $_email_cc' },
      '0020': { kind: 'puts', text: 'after' },
    });
    const result = await runApplet(router, a, { print: (t) => printed.push(t) });
    expect(result).toMatchObject({ ok: false, label: '0010' });
    expect(printed).toEqual(['before\n']);
    expect(router.syslog.entries()[0]).toMatch(/%HA_EM-3-FMPD_UNKNOWN_ENV: fh_parse_var: could not find environment variable: _email_cc$/);
    expect(router.syslog.entries()[1]).toMatch(/%HA_EM-3-FMPD_ERROR: Error executing applet CC statement 0010$/);
  });

  it('runs syslog, puts and set in label string order with environment and argument variables', async () => {
    const router = routerState();
    router.eem.environment.set('site', 'Zurich');
    const printed: string[] = [];
    const a = applet('LOG', {
      '2.0': { kind: 'syslog', msg: 'second ${greeting} from $site' },
      '10.0': { kind: 'puts', text: 'third $_none_arg1 ($_none_argc)' },
      '1.0': { kind: 'set', variable: 'greeting', value: 'hello' },
      '1.5': { kind: 'syslog', priority: 'warnings', msg: 'first' },
    });
    expect(await runApplet(router, a, { args: ['x'], print: (t) => printed.push(t) })).toEqual({ ok: true });
    const lines = router.syslog.entries();
    expect(lines[0]).toMatch(/: %HA_EM-4-LOG: LOG: first$/);
    expect(printed).toEqual(['third x (1)\n']);
    expect(lines[1]).toMatch(/: %HA_EM-6-LOG: LOG: second hello from Zurich$/);
  });

  it('records $_cli_result through the engine hook, empty without one', async () => {
    const router = routerState();
    const printed: string[] = [];
    const a = applet('CLI', {
      '1.0': { kind: 'cli', command: 'show clock' },
      '1.1': { kind: 'puts', text: '[$_cli_result]' },
    });
    await runApplet(router, a, { print: (t) => printed.push(t) });
    router.eem.runCli = (command) => Promise.resolve(`ran ${command}`);
    await runApplet(router, a, { print: (t) => printed.push(t) });
    expect(printed).toEqual(['[]\n', '[ran show clock]\n']);
  });
});
