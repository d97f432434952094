/**
 * The lab CUBE over real SSH: the CUBE side of a TLS SIP trunk configured by CLI, CUCM's CallManager certificate
 * authenticated into CCM-cert-02 (the "subordinate CA / not a CA certificate" path), the CUBE's identity exported
 * as PEM and checked against the router's certificate, the trunk's TLS state read from
 * `show sip-ua connections tcp tls detail` with the agent's parser, and persistence through write memory + restart.
 * CUCM is simulated (registerCucm): its CallManager certificate and its CallManager-trust store are real X.509.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { parseCertificates } from '../../../src/certs/x509.js';
import { hexGroups } from '../../../src/certs/ios-format.js';
import { CUBE_COMMANDS, explainTrunkState, parseCubeConfig, parsePemExport, parseSipUaConnections, trunkTlsState } from '../../../src/device/index.js';
import { planCubeBlocks, type CubeTrunkSpec } from '../../../src/workflow/cube/index.js';
import { createChain, type GeneratedChain } from '../../../src/lab/mail/chain-factory.js';
import { LabRouter } from '../../../src/lab/router/index.js';
import { pkiFeature } from '../../../src/lab/router/pki/index.js';
import { routerCertificate } from '../../../src/lab/router/pki/state.js';
import { registerCucm, voiceFeature } from '../../../src/lab/router/voice/index.js';
import { loadCapture } from '../../fixtures/load.js';
import { TestShell } from '../router/shell.js';

const FEATURES = [pkiFeature, voiceFeature];
const USERS = [{ username: 'admin', password: 'cisco123', privilege: 15 }];
const CUCM = '10.72.86.74';
const CUCM_SUB = '10.72.86.75';

const work = mkdtempSync(join(tmpdir(), 'cube-ssh-'));
let router: LabRouter;
let cube: GeneratedChain;
let callManager: GeneratedChain;
let otherCallManager: GeneratedChain;

const SPEC: CubeTrunkSpec = {
  signalingTrustpoint: 'sip-trunk-cert',
  tlsVersion: 'v1.2',
  srtp: 'fallback',
  urlSips: true,
  dialPeers: [
    { tag: 100, description: 'CUCM publisher', destinationPattern: '2...', target: { address: CUCM }, srtp: true, optionsKeepalive: true },
    { tag: 101, description: 'CUCM subscriber', destinationPattern: '3...', target: { address: CUCM_SUB, port: 5061 } },
  ],
};

async function shellAt(prompt: RegExp): Promise<TestShell> {
  const shell = await TestShell.connect(router);
  await shell.expect(/CUBE1#$/);
  await shell.command('terminal length 0');
  if (prompt.source.includes('config')) await shell.command('configure terminal');
  return shell;
}

/** Sends config lines, each expected to answer with nothing but the next prompt. */
async function configure(shell: TestShell, lines: readonly [string, string][]): Promise<void> {
  for (const [line, mode] of lines) expect(await shell.command(line)).toBe(`${line}\r\nCUBE1(${mode})#`);
}

/** `crypto pki authenticate` with the PEM pasted line by line; returns what the device printed up to the question or prompt. */
async function authenticate(shell: TestShell, trustpoint: string, pem: string): Promise<string> {
  await shell.command(`crypto pki authenticate ${trustpoint}`, /itself\r\n\r\n$/);
  for (const line of pem.trim().split('\n')) shell.send(`${line}\r`);
  shell.send('\r');
  return shell.expect(/(?:\[yes\/no\]: |CUBE1\(config\)#)$/);
}

async function showConnections(): Promise<string> {
  const shell = await shellAt(/CUBE1#/);
  const out = await shell.command(CUBE_COMMANDS.connections, /CUBE1#$/);
  shell.close();
  return out.replace(/\r\n/g, '\n');
}

beforeAll(async () => {
  [cube, callManager, otherCallManager] = await Promise.all([
    createChain({ serverName: 'cube1.lab.example', rootName: 'Lab Voice Root', leafKey: 'rsa' }),
    // CUCM's CallManager certificate is self-signed and not a CA: the "subordinate CA" path on the CUBE.
    createChain({ serverName: 'cucm-pub.lab.example', selfSignedLeaf: true, leafKey: 'rsa' }),
    createChain({ serverName: 'cucm-sub.lab.example', selfSignedLeaf: true, leafKey: 'rsa' }),
  ]);
  router = await LabRouter.start({ hostname: 'CUBE1', users: USERS, features: FEATURES, stateDir: join(work, 'state') });
});

afterAll(async () => {
  await router.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('the CUBE side of the trunk over SSH', () => {
  test('sip-ua, voice service voip and dial-peers configured by CLI, in their real modes and running-config places', async () => {
    const shell = await shellAt(/config/);
    await configure(shell, [
      ['sip-ua', 'config-sip-ua'],
      ['crypto signaling default trustpoint sip-trunk-cert', 'config-sip-ua'],
      ['transport tcp tls v1.2', 'config-sip-ua'],
      ['exit', 'config'],
      ['voice service voip', 'conf-voi-serv'],
      ['srtp fallback', 'conf-voi-serv'],
      ['sip', 'conf-serv-sip'],
      ['url sips', 'conf-serv-sip'],
      ['exit', 'conf-voi-serv'],
      ['exit', 'config'],
      ['dial-peer voice 100 voip', 'config-dial-peer'],
      ['description CUCM publisher', 'config-dial-peer'],
      ['destination-pattern 2...', 'config-dial-peer'],
      ['session protocol sipv2', 'config-dial-peer'],
      [`session target ipv4:${CUCM}:5061`, 'config-dial-peer'],
      ['session transport tcp tls', 'config-dial-peer'],
      ['voice-class sip options-keepalive', 'config-dial-peer'],
      ['srtp', 'config-dial-peer'],
      // A global command typed in a submode falls through to config, as on IOS.
      ['dial-peer voice 101 voip', 'config-dial-peer'],
      ['description CUCM subscriber', 'config-dial-peer'],
      ['destination-pattern 3...', 'config-dial-peer'],
      ['session protocol sipv2', 'config-dial-peer'],
      [`session target ipv4:${CUCM_SUB}:5061`, 'config-dial-peer'],
      ['session transport tcp tls', 'config-dial-peer'],
    ]);
    await shell.command('end', /CUBE1#$/);
    const config = (await shell.command(CUBE_COMMANDS.config, /CUBE1#$/)).replace(/\r\n/g, '\n');
    shell.close();
    expect(config).toContain(
      [
        'voice service voip',
        ' srtp fallback',
        ' sip',
        '  url sips',
        'dial-peer voice 100 voip',
        ' description CUCM publisher',
        ' destination-pattern 2...',
        ' session protocol sipv2',
        ` session target ipv4:${CUCM}:5061`,
        ' session transport tcp tls',
        ' voice-class sip options-keepalive',
        ' srtp',
        'dial-peer voice 101 voip',
      ].join('\n'),
    );
    expect(config).toContain('sip-ua \n transport tcp tls v1.2\n crypto signaling default trustpoint sip-trunk-cert \n');
    // Dial-peers come right before sip-ua, as in real running configs.
    const full = router.runningConfig();
    expect(full.indexOf('dial-peer voice 101 voip')).toBeLessThan(full.indexOf('sip-ua '));
    expect(full.indexOf('voice service voip')).toBeLessThan(full.indexOf('dial-peer voice 100 voip'));
    // The agent reads back what it would have sent: a re-run changes nothing.
    expect(planCubeBlocks(SPEC, parseCubeConfig(config))).toEqual([]);
  });

  test('an out-of-range dial-peer tag is refused with the parser caret', async () => {
    const shell = await shellAt(/config/);
    const out = await shell.command('dial-peer voice 0 voip', /CUBE1\(config\)#$/);
    shell.close();
    // The caret sits under the tag: prompt (14 characters) + 16.
    expect(out).toBe(`dial-peer voice 0 voip\r\n${' '.repeat(30)}^\r\n% Invalid input detected at '^' marker.\r\n\r\nCUBE1(config)#`);
  });

  test('with no CUCM trust and no identity the trunk does not come up and the handshake failures count', async () => {
    registerCucm(router.state, { address: CUCM, callManagerPem: callManager.leafPem, trustPems: [] });
    const first = parseSipUaConnections(await showConnections());
    expect(first.counters.totalActiveConnections).toBe(0);
    expect(first.counters.tlsClientHandshakeFailures).toBe(1);
    // Nothing answers at the subscriber's address: a connection failure, not a handshake failure.
    expect(first.counters.connFailures).toBe(1);
    expect(first.remoteAgents.map((a) => [a.address, a.connectionsCount])).toEqual([
      [CUCM, 0],
      [CUCM_SUB, 0],
    ]);
    expect(first.listenSockets).toEqual([{ connId: 0, address: '0.0.0.0', port: 5061, suffix: '', tenant: 0 }]);
    const second = parseSipUaConnections(await showConnections());
    expect(second.counters.tlsClientHandshakeFailures).toBe(2);
    expect(trunkTlsState(second, CUCM).established).toBe(false);
  });

  test('the CallManager certificate goes into CCM-cert-02 through the subordinate-CA warning', async () => {
    const shell = await shellAt(/config/);
    await configure(shell, [
      ['crypto pki trustpoint CCM-cert-02', 'ca-trustpoint'],
      ['enrollment terminal', 'ca-trustpoint'],
      ['revocation-check none', 'ca-trustpoint'],
      ['exit', 'config'],
    ]);
    const [facts] = parseCertificates(callManager.leafPem, 'CallManager.pem');
    const shown = await authenticate(shell, 'CCM-cert-02', callManager.leafPem);
    expect(shown).toContain(
      "Trustpoint 'CCM-cert-02' is a subordinate CA.\r\nbut certificate is not a CA certificate.\r\nManual verification required\r\n" +
        'Certificate has the following attributes:\r\n' +
        `       Fingerprint MD5: ${hexGroups(facts?.md5 ?? '')} \r\n` +
        `      Fingerprint SHA1: ${hexGroups(facts?.sha1 ?? '')} \r\n` +
        '% Do you accept this certificate? [yes/no]: ',
    );
    const accepted = await shell.command('yes', /CUBE1\(config\)#$/);
    shell.close();
    expect(accepted).toContain('Trustpoint CA certificate accepted.\r\n% Certificate successfully imported\r\n');
  });

  test('the CUBE identity is exported as PEM that parses and matches the router certificate', async () => {
    const shell = await shellAt(/config/);
    await configure(shell, [
      ['crypto pki trustpoint sip-trunk-cert', 'ca-trustpoint'],
      ['enrollment terminal', 'ca-trustpoint'],
      ['revocation-check none', 'ca-trustpoint'],
      ['exit', 'config'],
    ]);
    const issuer = cube.intermediatePems[0] ?? '';
    await authenticate(shell, 'sip-trunk-cert', issuer);
    await shell.command('yes', /CUBE1\(config\)#$/);
    await shell.command('crypto pki import sip-trunk-cert certificate', /itself\r\n\r\n$/);
    for (const line of cube.leafPem.trim().split('\n')) shell.send(`${line}\r`);
    shell.send('\r');
    expect(await shell.expect(/CUBE1\(config\)#$/)).toContain('% Router Certificate successfully imported');
    const exported = parsePemExport(await shell.command(CUBE_COMMANDS.exportPem('sip-trunk-cert'), /CUBE1\(config\)#$/));
    shell.close();

    // Saved as files for upload to CUCM, then read back as CUCM would.
    writeFileSync(join(work, 'sip-trunk-cert-ca.pem'), exported.caPem ?? '');
    writeFileSync(join(work, 'sip-trunk-cert.pem'), exported.generalPurposePem ?? '');
    const [ca] = parseCertificates(readFileSync(join(work, 'sip-trunk-cert-ca.pem'), 'utf8'), 'CA file');
    const [own] = parseCertificates(readFileSync(join(work, 'sip-trunk-cert.pem'), 'utf8'), 'identity file');
    const tp = router.state.pki.trustpoints.get('sip-trunk-cert');
    const installed = tp ? routerCertificate(tp) : undefined;
    expect(exported.notEnrolled).toBe(false);
    expect(exported.blocks.map((b) => b.heading)).toEqual(['CA certificate', 'General Purpose Certificate']);
    expect(installed?.role).toBe('identity');
    expect(own?.sha256).toBe(installed?.facts.sha256);
    expect(own?.commonName).toBe('cube1.lab.example');
    expect(ca?.sha256).toBe(parseCertificates(issuer, 'issuer')[0]?.sha256);
  });

  test('a CUBE using its self-signed trustpoint exports one certificate under both headings', async () => {
    const name = [...router.state.pki.trustpoints.keys()].find((n) => n.startsWith('TP-self-signed-')) ?? 'missing';
    const shell = await shellAt(/config/);
    const exported = parsePemExport(await shell.command(CUBE_COMMANDS.exportPem(name), /CUBE1\(config\)#$/));
    shell.close();
    const tp = router.state.pki.trustpoints.get(name);
    expect(exported.caIsSelfSigned).toBe(true);
    expect(exported.caPem).toBe(exported.generalPurposePem);
    expect(parseCertificates(exported.generalPurposePem ?? '', 'export')[0]?.sha256).toBe(tp ? routerCertificate(tp)?.facts.sha256 : 'none');
  });

  test('CUCM that does not trust the CUBE yet: still no Established row', async () => {
    const parsed = parseSipUaConnections(await showConnections());
    expect(trunkTlsState(parsed, CUCM).established).toBe(false);
    expect(parsed.counters.tlsClientHandshakeFailures).toBe(3);
    expect(explainTrunkState(undefined, parsed, CUCM)).toMatch(/^TLS handshake with 10\.72\.86\.74:5061 failed/);
  });

  test('after the exported PEMs are in CUCM CallManager-trust the trunk is Established, in the real table layout', async () => {
    const trustPems = [readFileSync(join(work, 'sip-trunk-cert-ca.pem'), 'utf8'), readFileSync(join(work, 'sip-trunk-cert.pem'), 'utf8')];
    registerCucm(router.state, { address: CUCM, callManagerPem: callManager.leafPem, trustPems });
    // The subscriber answers with a certificate the CUBE never authenticated.
    registerCucm(router.state, { address: CUCM_SUB, callManagerPem: otherCallManager.leafPem, trustPems });
    const text = await showConnections();
    const parsed = parseSipUaConnections(text);
    const state = trunkTlsState(parsed, CUCM);
    expect(state.established).toBe(true);
    expect(state.connection).toMatchObject({
      remotePort: 5061,
      state: 'Established',
      tlsVersion: 'TLSv1.2',
      cipher: 'ECDHE-RSA-AES256-GCM-SHA384',
      curve: 'P-256',
      tenant: 0,
    });
    expect(state.connection?.localAddress).toMatch(/^192\.0\.2\.10:\d+$/);
    expect(trunkTlsState(parsed, CUCM_SUB).established).toBe(false);
    expect(parsed.counters).toMatchObject({ totalActiveConnections: 1, tlsClientHandshakeFailures: 4, maxSendQueue: { size: 1, recordedFor: `${CUCM}:5061` } });
    // Header and rule of the connection table are the ones of the captured TLS 1.2 table, byte for byte.
    const capture = loadCapture('cube_show_sip_ua_connections_tcp_tls_detail_ecdsa_17_14_1.txt').split('\n');
    const header = capture.find((l) => l.includes('TLS-Version Cipher                         Curve Tenant')) ?? 'missing';
    expect(text).toContain(`${header}\n${capture[capture.indexOf(header) + 1] ?? ''}\n`);
    expect(text).toContain(`Remote-Agent:${CUCM_SUB}, Connections-Count:0\n`);
  });

  test('cn-san-validate server holds the trunk down when CUCM is not named by its address', async () => {
    const shell = await shellAt(/config/);
    await configure(shell, [
      ['sip-ua', 'config-sip-ua'],
      ['crypto signaling remote-addr 10.72.86.74 255.255.255.255 trustpoint sip-trunk-cert cn-san-validate server', 'config-sip-ua'],
    ]);
    shell.close();
    expect(trunkTlsState(parseSipUaConnections(await showConnections()), CUCM).established).toBe(false);
    const undo = await shellAt(/config/);
    await configure(undo, [
      ['sip-ua', 'config-sip-ua'],
      ['no crypto signaling remote-addr 10.72.86.74 255.255.255.255', 'config-sip-ua'],
    ]);
    undo.close();
    expect(trunkTlsState(parseSipUaConnections(await showConnections()), CUCM).established).toBe(true);
  });
});

describe('persistence', () => {
  test('write memory and a restart keep the voice config and the identity; the trunk comes back', async () => {
    const voicePart = (config: string): string => config.slice(config.indexOf('voice service voip'), config.indexOf('\nline '));
    const before = router.runningConfig();
    const shell = await shellAt(/CUBE1#/);
    expect(await shell.command('write memory', /CUBE1#$/)).toContain('[OK]');
    shell.close();
    await router.stop();
    router = await LabRouter.start({ hostname: 'CUBE1', users: USERS, features: FEATURES, stateDir: join(work, 'state') });
    expect(voicePart(router.runningConfig())).toBe(voicePart(before));
    expect(voicePart(before)).toContain('sip-ua \n transport tcp tls v1.2\n crypto signaling default trustpoint sip-trunk-cert \n');
    // CUCM is not part of the router: the lab registers it again after the restart.
    const trustPems = [readFileSync(join(work, 'sip-trunk-cert-ca.pem'), 'utf8'), readFileSync(join(work, 'sip-trunk-cert.pem'), 'utf8')];
    registerCucm(router.state, { address: CUCM, callManagerPem: callManager.leafPem, trustPems });
    const parsed = parseSipUaConnections(await showConnections());
    expect(trunkTlsState(parsed, CUCM).established).toBe(true);
    expect(parsed.counters.tlsClientHandshakeFailures).toBe(0);
  });
});
