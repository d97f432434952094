/**
 * The whole secure-mail story on one lab router over SSH, as an operator (or the agent) lives it: authenticate the
 * provider's issuing CA with the real `crypto pki authenticate` dialog, configure the seed applet, run it and see
 * the mail arrive; the provider rotates to a new root and the mail fails; authenticating the new root fixes it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createChain } from '../../../src/lab/mail/chain-factory.js';
import type { GeneratedChain } from '../../../src/lab/mail/chain-factory.js';
import { LabMailServer } from '../../../src/lab/mail/mail-server.js';
import { LabRouter } from '../../../src/lab/router/index.js';
import { eemFeature } from '../../../src/lab/router/eem/index.js';
import { pkiFeature } from '../../../src/lab/router/pki/index.js';
import { TestShell } from '../router/shell.js';

const USER = 'alerts';
const PASSWORD = 'Rotating-Pw-7';
const FEATURES = [pkiFeature, eemFeature];

async function authenticate(shell: TestShell, trustpoint: string, pem: string): Promise<void> {
  for (const line of [`crypto pki trustpoint ${trustpoint}`, 'enrollment terminal', 'revocation-check none', 'chain-validation stop', 'exit']) {
    expect(await shell.command(line)).not.toMatch(/%/);
  }
  await shell.command(`crypto pki authenticate ${trustpoint}`, /itself\r\n\r\n$/);
  for (const line of pem.trim().split('\n')) shell.send(`${line}\r`);
  shell.send('\r');
  const shown = await shell.expect(/(?:\[yes\/no\]: |R1\(config\)#)$/);
  if (shown.endsWith('[yes/no]: ')) {
    expect(await shell.command('yes', /R1\(config\)#$/)).toContain('% Certificate successfully imported');
  } else {
    expect(shown).toContain('% Certificate successfully imported');
  }
}

/** The next syslog line matching `pattern` logged from now on. */
function nextLog(router: LabRouter, pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`R1: no new syslog line matched ${String(pattern)} within ${timeoutMs} ms`));
    }, timeoutMs);
    const unsubscribe = router.state.syslog.subscribe((line) => {
      if (pattern.test(line)) {
        clearTimeout(timer);
        unsubscribe();
        resolve(line);
      }
    });
  });
}

describe('secure mail through trustpoints authenticated over SSH', () => {
  let chain: GeneratedChain;
  let mail: LabMailServer;
  let router: LabRouter;
  let shell: TestShell;

  beforeAll(async () => {
    chain = await createChain({ serverName: 'smtp.lab.example', rootName: 'Provider Root R1' });
    mail = await LabMailServer.start({ chain, users: [{ username: USER, password: PASSWORD }] });
    router = await LabRouter.start({ hostname: 'R1', users: [{ username: 'admin', password: 'cisco123', privilege: 15 }], features: FEATURES });
    shell = await TestShell.connect(router);
    await shell.expect(/R1#$/);
    await shell.command('terminal length 0');
  });

  afterAll(async () => {
    shell.close();
    await router.stop();
    await mail.stop();
  });

  it('mails once the issuing CA is authenticated, fails after the provider rotates, works again with the new root', async () => {
    await shell.command('configure terminal');
    await authenticate(shell, 'CA-PROVIDER-1C3', chain.intermediatePems[0] ?? '');
    for (const line of [
      'ip host smtp.lab.example 127.0.0.1',
      `event manager environment _email_server ${USER}:${PASSWORD}@smtp.lab.example`,
      'event manager environment _email_to noc@lab.example',
      'event manager environment _email_from alerts@lab.example',
      'event manager environment _email_cc oncall@lab.example',
      'event manager applet SendSecureEmailEEM',
      ' event none',
      ` action 0010 mail server "$_email_server" to "$_email_to" from "$_email_from" cc "$_email_cc" subject "$_none_arg1" body "from R1" secure tls port ${mail.port}`,
      'end',
    ]) {
      expect(await shell.command(line)).not.toMatch(/%/);
    }

    const first = mail.waitForMessage((m) => m.subject === 'first', 10_000);
    expect(await shell.command('event manager run SendSecureEmailEEM first')).toBe('event manager run SendSecureEmailEEM first\r\nR1#');
    expect(await first).toMatchObject({ tls: true, authUser: USER });

    const rotated = await createChain({ serverName: 'smtp.lab.example', rootName: 'Provider Root R2', leafKey: 'rsa' });
    mail.rotateChain(rotated);
    const failure = nextLog(router, /%HA_EM-3-FMPD_ERROR: Error executing applet SendSecureEmailEEM statement 0010$/, 10_000);
    await shell.command('event manager run SendSecureEmailEEM second');
    await failure;
    expect(router.state.syslog.entries().join('\n')).toContain(
      `%HA_EM-3-FMPD_SMTP: Error occurred when sending mail to SMTP server: ${USER}:${PASSWORD}@smtp.lab.example : error in connecting to SMTP server`,
    );

    await shell.command('configure terminal');
    await authenticate(shell, 'CA-PROVIDER-R2', rotated.rootPem);
    await shell.command('end');
    const third = mail.waitForMessage((m) => m.subject === 'third', 10_000);
    await shell.command('event manager run SendSecureEmailEEM third');
    expect(await third).toMatchObject({ tls: true, envelopeTo: ['noc@lab.example', 'oncall@lab.example'] });
    expect(mail.messages().map((m) => m.subject)).toEqual(['first', 'third']);
  });
});
