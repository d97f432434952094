/**
 * The PKI feature over real SSH through the engine: the authenticate dialog and its variants, trustpoint removal,
 * show outputs against real captures, the running config's hex, and persistence through write memory + reload.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { LabRouter } from '../../../src/lab/router/index.js';
import { pkiFeature } from '../../../src/lab/router/pki/index.js';
import { caCertificate } from '../../../src/lab/router/pki/state.js';
import { TestShell } from '../router/shell.js';

const FEATURES = [pkiFeature];
const USERS = [{ username: 'admin', password: 'cisco123', privilege: 15 }];
const MOZILLA = '/usr/share/ca-certificates/mozilla';
const GTS_PEM = readFileSync(`${MOZILLA}/GTS_Root_R1.crt`, 'utf8');
const GLOBALSIGN_PEM = readFileSync(`${MOZILLA}/GlobalSign_Root_CA.crt`, 'utf8');
/** Real captures, copied from shared/iosxe/real-outputs with their `# source:` line (see test/fixtures/iosxe/README.md). */
const REAL = fileURLToPath(new URL('../../fixtures/iosxe', import.meta.url));

const work = mkdtempSync(join(tmpdir(), 'pki-ssh-'));
let router: LabRouter;

/** A private CA and a server certificate it signed, made by OpenSSL (real X.509, not our own encoder). */
function labChain(): { root: string; leaf: string } {
  const run = (args: string[]): void => void execFileSync('openssl', args, { cwd: work, stdio: 'pipe' });
  run([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'root.key',
    '-out',
    'root.pem',
    '-days',
    '3650',
    '-subj',
    '/O=Lab/CN=Lab Root CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  run(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=smtp.lab.example']);
  execFileSync('sh', ['-c', 'printf "basicConstraints=CA:FALSE\\nsubjectAltName=DNS:smtp.lab.example\\nextendedKeyUsage=serverAuth\\n" > leaf.ext'], {
    cwd: work,
  });
  run([
    'x509',
    '-req',
    '-in',
    'leaf.csr',
    '-CA',
    'root.pem',
    '-CAkey',
    'root.key',
    '-CAcreateserial',
    '-out',
    'leaf.pem',
    '-days',
    '365',
    '-extfile',
    'leaf.ext',
  ]);
  return { root: readFileSync(join(work, 'root.pem'), 'utf8'), leaf: readFileSync(join(work, 'leaf.pem'), 'utf8') };
}

const chain = labChain();

async function configShell(): Promise<TestShell> {
  const shell = await TestShell.connect(router);
  await shell.expect(/R1#$/);
  await shell.command('terminal length 0');
  await shell.command('configure terminal');
  return shell;
}

async function trustpoint(shell: TestShell, name: string, ...options: string[]): Promise<void> {
  expect(await shell.command(`crypto pki trustpoint ${name}`)).toMatch(/R1\(ca-trustpoint\)#$/);
  for (const option of options) expect(await shell.command(option)).toBe(`${option}\r\nR1(ca-trustpoint)#`);
  await shell.command('exit');
}

/** Types `crypto pki authenticate`, checks the real paste prompt, pastes `pem` line by line and a blank line. */
async function paste(shell: TestShell, name: string, pem: string): Promise<string> {
  const prompt = await shell.command(`crypto pki authenticate ${name}`, /itself\r\n\r\n$/);
  expect(prompt).toBe(
    `crypto pki authenticate ${name}\r\n\r\nEnter the base 64 encoded CA certificate.\r\nEnd with a blank line or the word "quit" on a line by itself\r\n\r\n`,
  );
  for (const line of pem.trim().split('\n')) shell.send(`${line}\r`);
  shell.send('\r');
  return shell.expect(/(?:\[yes\/no\]: |R1\(config\)#)$/);
}

beforeAll(async () => {
  router = await LabRouter.start({ hostname: 'R1', users: USERS, features: FEATURES, stateDir: join(work, 'state') });
});

afterAll(async () => {
  await router.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('crypto pki authenticate over SSH', () => {
  test('the classic dialog with a real root: exact fingerprint block, question, acceptance', async () => {
    const shell = await configShell();
    await trustpoint(shell, 'CA-GTS-Root-R1', 'enrollment terminal', 'revocation-check none');
    const shown = await paste(shell, 'CA-GTS-Root-R1', GTS_PEM);
    expect(
      shown.endsWith(
        '-----END CERTIFICATE-----\r\n\r\n' +
          'Certificate has the following attributes:\r\n' +
          '       Fingerprint MD5: 05FED0BF 71A8A376 63DA01E0 D852DC40 \r\n' +
          '      Fingerprint SHA1: E58C1CC4 913B3863 4BE9106E E3AD8E6B 9DD9814A \r\n' +
          '\r\n% Do you accept this certificate? [yes/no]: ',
      ),
    ).toBe(true);
    expect(await shell.command('yes', /R1\(config\)#$/)).toBe(
      'yes\r\nTrustpoint CA certificate accepted.\r\n% Certificate successfully imported\r\n\r\nR1(config)#',
    );
    const tp = router.state.pki.trustpoints.get('CA-GTS-Root-R1');
    expect(tp && caCertificate(tp)?.facts.sha1).toBe('E58C1CC4913B38634BE9106EE3AD8E6B9DD9814A');
    await router.state.syslog.waitFor(/%PKI-6-TRUSTPOINT_CREATE: Trustpoint: CA-GTS-Root-R1 created succesfully$/, 2000);
    shell.close();
  });

  test('a second authenticate of the same trustpoint is refused with the genielibs texts', async () => {
    const shell = await configShell();
    expect(await shell.command('crypto pki authenticate CA-GTS-Root-R1', /R1\(config\)#$/)).toBe(
      'crypto pki authenticate CA-GTS-Root-R1\r\n% Please delete your existing CA certificate first.\r\n' +
        "% You must use 'no crypto pki trustpoint <trustpoint-name>' to delete the CA certificate\r\nR1(config)#",
    );
    shell.close();
  });

  test('an unknown trustpoint is refused before any paste', async () => {
    const shell = await configShell();
    expect(await shell.command('crypto pki auth NOPE', /R1\(config\)#$/)).toBe(
      "crypto pki auth NOPE\r\n% Certificate Authority (trustpoint) 'NOPE' is unknown\r\nR1(config)#",
    );
    shell.close();
  });

  test('other answers re-ask, "no" installs nothing', async () => {
    const shell = await configShell();
    await trustpoint(shell, 'CA-GlobalSign', 'enrollment terminal pem');
    await paste(shell, 'CA-GlobalSign', GLOBALSIGN_PEM);
    expect(await shell.command('maybe', /\[yes\/no\]: $/)).toBe("maybe\r\n% Please answer 'yes' or 'no'.\r\n% Do you accept this certificate? [yes/no]: ");
    expect(await shell.command('no', /R1\(config\)#$/)).toBe('no\r\n% Certificate not accepted\r\n\r\nR1(config)#');
    expect(router.state.pki.trustpoints.get('CA-GlobalSign')?.certificates).toHaveLength(0);
    shell.close();
  });

  test('a matching fingerprint pin accepts without a question; a wrong pin is refused', async () => {
    const shell = await configShell();
    await trustpoint(shell, 'CA-Pinned', 'enrollment terminal', 'fingerprint b1bc968b D4F49D62 2AA89A81 F2150152 A41D829C');
    expect(router.runningConfig()).toContain('crypto pki trustpoint CA-Pinned\n enrollment terminal\n fingerprint B1BC968BD4F49D622AA89A81F2150152A41D829C\n');
    expect(await paste(shell, 'CA-Pinned', GLOBALSIGN_PEM)).toMatch(
      /-----END CERTIFICATE-----\r\n\r\nTrustpoint Fingerprint: B1BC968B D4F49D62 2AA89A81 F2150152 A41D829C\r\nCertificate validated - fingerprints matched\.\r\nTrustpoint CA certificate accepted\.\r\n% Certificate successfully imported\r\n\r\nR1\(config\)#$/,
    );
    await trustpoint(shell, 'CA-WrongPin', 'enrollment terminal', 'fingerprint 0123456789ABCDEF0123456789ABCDEF');
    expect(await paste(shell, 'CA-WrongPin', GLOBALSIGN_PEM)).toMatch(
      /-----END CERTIFICATE-----\r\n\r\nTrustpoint fingerprint must be supplied\.\r\nTrustpoint CA certificate is rejected\. Abort\.\r\n% Error in saving certificate: status = FAIL\r\nR1\(config\)#$/,
    );
    expect(router.state.pki.trustpoints.get('CA-WrongPin')?.certificates).toHaveLength(0);
    shell.close();
  });

  test('a leaf certificate gets the subordinate-CA warning; once its issuer is trusted it validates silently', async () => {
    const shell = await configShell();
    await trustpoint(shell, 'CA-Leaf', 'enrollment terminal');
    const warned = await paste(shell, 'CA-Leaf', chain.leaf);
    expect(warned).toMatch(
      /-----END CERTIFICATE-----\r\n\r\nTrustpoint 'CA-Leaf' is a subordinate CA\.\r\nbut certificate is not a CA certificate\.\r\nManual verification required\r\nCertificate has the following attributes:\r\n {7}Fingerprint MD5: (?:[0-9A-F]{8} ){4}\r\n {6}Fingerprint SHA1: (?:[0-9A-F]{8} ){5}\r\n% Do you accept this certificate\? \[yes\/no\]: $/,
    );
    await shell.command('y', /R1\(config\)#$/);
    await trustpoint(shell, 'CA-Lab-Root', 'enrollment terminal');
    await paste(shell, 'CA-Lab-Root', chain.root);
    await shell.command('yes', /R1\(config\)#$/);
    await trustpoint(shell, 'CA-Lab-Server', 'enrollment terminal');
    expect(await paste(shell, 'CA-Lab-Server', chain.leaf)).toMatch(
      /-----END CERTIFICATE-----\r\n\r\nCertificate validated - Signed by existing trustpoint CA certificate\.\r\nTrustpoint CA certificate accepted\.\r\n% Certificate successfully imported\r\n\r\nR1\(config\)#$/,
    );
    shell.close();
  });

  test('crypto pki import certificate installs the router certificate under its CA and logs CERT_INSTALL', async () => {
    const shell = await configShell();
    await trustpoint(shell, 'CA-Lab-Id', 'enrollment terminal');
    await paste(shell, 'CA-Lab-Id', chain.root);
    await shell.command('yes', /R1\(config\)#$/);
    expect(await shell.command('crypto pki import CA-Lab-Id certificate', /itself\r\n\r\n$/)).toBe(
      'crypto pki import CA-Lab-Id certificate\r\n\r\nEnter the base 64 encoded certificate.\r\nEnd with a blank line or the word "quit" on a line by itself\r\n\r\n',
    );
    for (const line of chain.leaf
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('-----')))
      shell.send(`${line}\r`);
    shell.send('\r');
    expect(await shell.expect(/R1\(config\)#$/)).toMatch(/[A-Za-z0-9+/=]\r\n\r\n% Router Certificate successfully imported\r\n\r\nR1\(config\)#$/);
    await router.state.syslog.waitFor(/%PKI-6-CERT_INSTALL: An ID certificate has been installed under\n {22}Trustpoint {3}: CA-Lab-Id\n/, 2000);
    const config = router.runningConfig();
    expect(config).toMatch(/crypto pki certificate chain CA-Lab-Id\n certificate [0-9A-F]+\n[\s\S]*\tquit\n certificate ca [0-9A-F]+\n/);
    const shown = await shell.command('do show crypto pki certificates CA-Lab-Id', /R1\(config\)#$/);
    expect(shown).toMatch(/^do show crypto pki certificates CA-Lab-Id\r\nCertificate\r\n {2}Status: Available\r\n[\s\S]*\r\n\r\nCA Certificate\r\n/);
    expect(await shell.command('crypto pki import CA-Lab-Root certificate', /itself\r\n\r\n$/)).toContain('Enter the base 64 encoded certificate.');
    for (const line of GTS_PEM.trim().split('\n')) shell.send(`${line}\r`);
    shell.send('\r');
    expect(await shell.expect(/R1\(config\)#$/)).toMatch(/% Error in saving certificate: status = FAIL\r\nR1\(config\)#$/);
    shell.close();
  });

  test('garbage is refused; bare base64 ended by "quit" is accepted', async () => {
    const shell = await configShell();
    await trustpoint(shell, 'CA-Garbage', 'enrollment terminal');
    expect(await paste(shell, 'CA-Garbage', 'this is not a certificate')).toMatch(/% Error in saving certificate: status = FAIL\r\nR1\(config\)#$/);
    await shell.command('crypto pki authenticate CA-Garbage', /itself\r\n\r\n$/);
    for (const line of GLOBALSIGN_PEM.trim()
      .split('\n')
      .filter((l) => !l.startsWith('-----')))
      shell.send(`${line}\r`);
    shell.send('quit\r');
    expect(await shell.expect(/\[yes\/no\]: $/)).toContain(
      'quit\r\nCertificate has the following attributes:\r\n       Fingerprint MD5: 3E455215 095192E1 B75D379F B187298A \r\n',
    );
    await shell.command('yes', /R1\(config\)#$/);
    shell.close();
  });

  test('the rejectCertificate fault gives the 26.x refusal', async () => {
    router.setFaults({ rejectCertificate: ['CA-26x'] });
    try {
      const shell = await configShell();
      await trustpoint(shell, 'CA-26x', 'enrollment terminal');
      expect(await paste(shell, 'CA-26x', GLOBALSIGN_PEM)).toMatch(
        /-----END CERTIFICATE-----\r\n\r\nTrustpoint fingerprint must be supplied\.\r\nTrustpoint CA certificate is rejected\. Abort\.\r\n% Error in saving certificate: status = FAIL\r\nR1\(config\)#$/,
      );
      shell.close();
    } finally {
      router.setFaults({});
    }
  });
});

describe('trustpoint sub-commands over SSH', () => {
  test('abbreviations as in FN74135 and the VG400 guide; no forms; incomplete and ambiguous lines', async () => {
    const shell = await configShell();
    await trustpoint(
      shell,
      'TEST',
      'enrollment term pem',
      'subject-name CN=TEST',
      'revocation-check n',
      'rsakeypair TEST',
      'serial-number none',
      'fqdn none',
      'ip-address none',
      'hash sha256',
      'chain-validation stop',
      'fingerprint 3f520c4c0f3236c9ca3d5c209c9948ec',
    );
    await shell.command('crypto pki trustpoint TEST');
    expect(await shell.command('enrollment')).toBe('enrollment\r\n% Incomplete command.\r\n\r\nR1(ca-trustpoint)#');
    expect(await shell.command('e')).toBe('e\r\n% Ambiguous command:  "e"\r\nR1(ca-trustpoint)#');
    expect(await shell.command('no hash')).toBe('no hash\r\nR1(ca-trustpoint)#');
    await shell.command('end');
    const out = await shell.command('show running-config | section crypto pki trustpoint TEST', /R1#$/);
    expect(out).toContain(
      'crypto pki trustpoint TEST\r\n enrollment terminal pem\r\n serial-number none\r\n fqdn none\r\n ip-address none\r\n' +
        ' fingerprint 3F520C4C0F3236C9CA3D5C209C9948EC\r\n subject-name CN=TEST\r\n revocation-check none\r\n chain-validation stop\r\n' +
        ' rsakeypair TEST\r\n',
    );
    expect(out).not.toContain(' hash sha256');
    shell.close();
  });
});

describe('trustpoint removal and show outputs over SSH', () => {
  test('an output filter after the optional trustpoint filters instead of being taken for a trustpoint name', async () => {
    const shell = await TestShell.connect(router);
    await shell.expect(/R1#$/);
    await shell.command('terminal length 0');
    const out = await shell.command('show crypto pki certificates verbose | include ^  Fingerprint');
    const lines = out.split('\r\n').slice(1, -1);
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(line).toMatch(/^ {2}Fingerprint (MD5|SHA1): /);
    shell.close();
  });

  test('no crypto pki trustpoint asks the real question and removes the chain', async () => {
    const shell = await configShell();
    expect(await shell.command('no crypto pki trustpoint CA-Leaf', /\[yes\/no\]: $/)).toBe(
      'no crypto pki trustpoint CA-Leaf\r\n% Removing an enrolled trustpoint will destroy all certificates\r\n received from the related Certificate Authority.\r\n\r\nAre you sure you want to do this? [yes/no]: ',
    );
    expect(await shell.command('yes', /R1\(config\)#$/)).toBe('yes\r\n% Be sure to ask the CA administrator to revoke your certificates.\r\nR1(config)#');
    expect(router.state.pki.trustpoints.has('CA-Leaf')).toBe(false);
    expect(router.runningConfig()).not.toContain('CA-Leaf');
    shell.close();
  });

  test('certificates leave a chain one by one or all at once; the trustpoint stays', async () => {
    const shell = await configShell();
    await trustpoint(shell, 'CA-Chain', 'enrollment terminal');
    await paste(shell, 'CA-Chain', GLOBALSIGN_PEM);
    await shell.command('yes', /R1\(config\)#$/);
    expect(await shell.command('crypto pki certificate chain CA-Chain')).toMatch(/R1\(config-cert-chain\)#$/);
    expect(await shell.command('no certificate ca 040000000001154B5AC394', /\[yes\/no\]: $/)).toContain(
      '% Are you sure you want to remove the certificate [yes/no]: ',
    );
    await shell.command('yes', /R1\(config-cert-chain\)#$/);
    expect(router.state.pki.trustpoints.get('CA-Chain')?.certificates).toHaveLength(0);
    await shell.command('exit');
    await paste(shell, 'CA-Chain', GLOBALSIGN_PEM);
    await shell.command('yes', /R1\(config\)#$/);
    expect(await shell.command('no crypto pki certificate chain CA-Chain', /\[yes\/no\]: $/)).toBe(
      'no crypto pki certificate chain CA-Chain\r\nThis will remove all certificates for trustpoint CA-Chain\r\nAre you sure you want to do this? [yes/no]: ',
    );
    await shell.command('yes', /R1\(config\)#$/);
    expect(router.state.pki.trustpoints.get('CA-Chain')?.certificates).toHaveLength(0);
    expect(router.runningConfig()).toMatch(/\ncrypto pki trustpoint CA-Chain\n[\s\S]*\ncrypto pki certificate chain CA-Chain\n(?:crypto|!)/);
    shell.close();
  });

  test('show crypto pki trustpoints SLA-TrustPoint status is the ISR4451 capture', async () => {
    const shell = await TestShell.connect(router);
    await shell.expect(/R1#$/);
    const out = await shell.command('show crypto pki trustpoints SLA-TrustPoint status', /R1#$/);
    const capture = readFileSync(`${REAL}/genie_show_crypto_pki_trustpoints_status_1.txt`, 'utf8').split('\n').slice(1, 11);
    expect(out).toBe(`show crypto pki trustpoints SLA-TrustPoint status\r\n${capture.join('\r\n')}\r\n\r\nR1#`);
    expect(await shell.command('sh cry pki trustpoints status | include ^Trustpoint', /R1#$/)).toContain('Trustpoint CA-GTS-Root-R1:\r\n');
    shell.close();
  });

  test('show crypto pki certificates verbose lists the authenticated root with its real values', async () => {
    const shell = await TestShell.connect(router);
    await shell.expect(/R1#$/);
    await shell.command('terminal length 0');
    const out = await shell.command('show crypto pki certificates verbose CA-GTS-Root-R1', /R1#$/);
    expect(out).toContain('CA Certificate\r\n  Status: Available\r\n  Version: 3\r\n  Certificate Serial Number (hex): 0203E5936F31B01349886BA217\r\n');
    expect(out).toContain('  Fingerprint SHA1: E58C1CC4 913B3863 4BE9106E E3AD8E6B 9DD9814A \r\n');
    expect(out).toContain('  Associated Trustpoints: CA-GTS-Root-R1 \r\n');
    shell.close();
  });

  test('show crypto pki certificates pem and crypto pki export give back the PEM that was pasted', async () => {
    const shell = await configShell();
    const shown = await shell.command('do show crypto pki certificates pem CA-GTS-Root-R1', /R1\(config\)#$/);
    expect(shown).toBe(
      `do show crypto pki certificates pem CA-GTS-Root-R1\r\n------Trustpoint: CA-GTS-Root-R1------\r\n% CA certificate:\r\n${GTS_PEM.trim().split('\n').join('\r\n')}\r\n\r\nR1(config)#`,
    );
    const exported = await shell.command('crypto pki export CA-GTS-Root-R1 pem terminal', /R1\(config\)#$/);
    expect(exported).toContain(
      '% The specified trustpoint is not enrolled (CA-GTS-Root-R1).\r\n% Only export the CA certificate in PEM format.\r\n% CA certificate:\r\n-----BEGIN CERTIFICATE-----\r\n',
    );
    shell.close();
  });

  test('show running-config carries the SLA-TrustPoint chain exactly as the 17.9.8 capture', async () => {
    const shell = await TestShell.connect(router);
    await shell.expect(/R1#$/);
    await shell.command('terminal length 0');
    const out = await shell.command('show running-config', /\r\nend\r\n\r?\nR1#$|\r\nend\r\nR1#$/, 10000);
    const capture = readFileSync(`${REAL}/genielibs_show_running_config_crypto_pki_excerpt_17_9_1.txt`, 'utf8');
    const sla = capture.slice(capture.indexOf('crypto pki certificate chain SLA-TrustPoint'));
    expect(out).toContain(sla.trimEnd());
    expect(out).toMatch(
      /!\r\ncrypto pki trustpoint SLA-TrustPoint\r\n enrollment pkcs12\r\n revocation-check crl\r\n hash sha256\r\n!\r\ncrypto pki trustpoint CA-GTS-Root-R1\r\n/,
    );
    expect(out).toContain('!\r\n!\r\ncrypto pki certificate chain TP-self-signed-');
    shell.close();
  });
});

describe('persistence', () => {
  test('write memory and a reload keep the authenticated chain and the same self-signed trustpoint', async () => {
    const before = router.runningConfig();
    const selfSigned = [...router.state.pki.trustpoints.keys()].filter((n) => n.startsWith('TP-self-signed-'));
    const shell = await TestShell.connect(router);
    await shell.expect(/R1#$/);
    expect(await shell.command('write memory', /R1#$/)).toContain('[OK]');
    shell.close();
    await router.stop();
    router = await LabRouter.start({ hostname: 'R1', users: USERS, features: FEATURES, stateDir: join(work, 'state') });
    const pki = router.state.pki;
    expect([...pki.trustpoints.keys()].filter((n) => n.startsWith('TP-self-signed-'))).toEqual(selfSigned);
    const gts = pki.trustpoints.get('CA-GTS-Root-R1');
    expect(gts && caCertificate(gts)?.facts.md5).toBe('05FED0BF71A8A37663DA01E0D852DC40');
    const pkiPart = (config: string): string => config.slice(config.indexOf('crypto pki'), config.lastIndexOf('\tquit'));
    expect(pkiPart(router.runningConfig())).toBe(pkiPart(before));
    expect(pkiPart(before)).toContain('crypto pki certificate chain CA-GTS-Root-R1\n certificate ca 0203E5936F31B01349886BA217\n');
  });
});
