/**
 * Test helpers for a lab CUBE: give a trustpoint an identity certificate issued by a lab CA (as an enrolled CUBE
 * has), by CLI over SSH: trustpoint, `crypto pki authenticate` of the issuing CA, `crypto pki import TP certificate`.
 * The workflow's end-to-end tests can use it to prepare routers before running the CUBE playbook.
 */
import type { GeneratedChain } from '../../../src/lab/mail/chain-factory.js';
import type { LabRouter } from '../../../src/lab/router/index.js';
import { TestShell, type ShellOptions } from '../router/shell.js';

async function paste(shell: TestShell, pem: string, until: RegExp): Promise<string> {
  for (const line of pem.trim().split('\n')) shell.send(`${line}\r`);
  shell.send('\r');
  return shell.expect(until);
}

/** Puts `chain`'s issuing CA and leaf into `trustpoint`; throws with the device's words if any step fails. */
export async function provisionCubeIdentity(router: LabRouter, trustpoint: string, chain: GeneratedChain, login: ShellOptions = {}): Promise<void> {
  const host = router.state.hostname;
  const config = new RegExp(`${host.slice(0, 20)}\\(config\\)#$`);
  const shell = await TestShell.connect(router, login);
  try {
    await shell.expect(new RegExp(`${host}#$`));
    await shell.command('configure terminal', config);
    await shell.command(`crypto pki trustpoint ${trustpoint}`);
    await shell.command('enrollment terminal');
    await shell.command('revocation-check none');
    await shell.command('exit', config);
    await shell.command(`crypto pki authenticate ${trustpoint}`, /itself\r\n\r\n$/);
    const asked = await paste(shell, chain.intermediatePems[0] ?? chain.rootPem, /\[yes\/no\]: $/);
    if (!/Certificate has the following attributes/.test(asked)) throw new Error(`${host}: authenticate ${trustpoint} said:\n${asked}`);
    const accepted = await shell.command('yes', config);
    if (!accepted.includes('Trustpoint CA certificate accepted.')) throw new Error(`${host}: authenticate ${trustpoint} said:\n${accepted}`);
    await shell.command(`crypto pki import ${trustpoint} certificate`, /itself\r\n\r\n$/);
    const imported = await paste(shell, chain.leafPem, config);
    if (!imported.includes('% Router Certificate successfully imported')) throw new Error(`${host}: import into ${trustpoint} said:\n${imported}`);
    await shell.command('end');
  } finally {
    shell.close();
  }
}
