/**
 * The lab router's NETCONF server over real SSH, driven by certagent's own NETCONF client
 * (src/transport/netconf): one device state seen through both the CLI and NETCONF.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { NetconfClient, NetconfRpcError, serializeXml } from '../../../src/transport/netconf/index.js';
import { LabRouter } from '../../../src/lab/router/index.js';
import { TestShell } from '../router/shell.js';

const NATIVE = 'http://cisco.com/ns/yang/Cisco-IOS-XE-native';
const CRYPTO = 'http://cisco.com/ns/yang/Cisco-IOS-XE-crypto';
const EEM = 'http://cisco.com/ns/yang/Cisco-IOS-XE-eem';
const CLI_RPC = 'http://cisco.com/ns/yang/Cisco-IOS-XE-cli-rpc';
const GTS_ROOT = '/usr/share/ca-certificates/mozilla/GTS_Root_R1.crt';

let router: LabRouter;
const open: NetconfClient[] = [];

async function connect(baseVersions?: ('1.0' | '1.1')[], username = 'admin', password = 'cisco123'): Promise<NetconfClient> {
  const client = await NetconfClient.connect({
    device: 'R1',
    host: router.host,
    port: router.netconfPort,
    credentials: { username, password },
    hostKey: { mode: 'pinned', fingerprints: [router.hostKeyFingerprint] },
    rpcTimeoutMs: 5000,
    ...(baseVersions ? { baseVersions } : {}),
  });
  open.push(client);
  return client;
}

async function rpcError(promise: Promise<unknown>): Promise<NetconfRpcError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof NetconfRpcError) return error;
    throw error;
  }
  throw new Error('expected an rpc-error');
}

function trustpointConfig(name: string, extra = ''): string {
  return `<native xmlns="${NATIVE}"><crypto><pki xmlns="${CRYPTO}"><trustpoint><id>${name}</id><enrollment><enrollment-method><terminal/></enrollment-method></enrollment><revocation-check>none</revocation-check><chain-validation><stop/></chain-validation>${extra}</trustpoint></pki></crypto></native>`;
}

const PKI_FILTER = `<native xmlns="${NATIVE}"><crypto><pki xmlns="${CRYPTO}"><trustpoint/></pki></crypto></native>`;

beforeAll(async () => {
  router = await LabRouter.start({
    hostname: 'R1',
    users: [
      { username: 'admin', password: 'cisco123', privilege: 15 },
      { username: 'viewer', password: 'view123', privilege: 1 },
    ],
    netconfPort: 0,
    netconfConfirmedCommit: true,
  });
});

afterAll(async () => {
  await Promise.all(open.map((c) => c.close().catch(() => undefined)));
  await router.stop();
});

describe('session', () => {
  test('hello: the 17.15 capabilities, a session-id, chunked framing with a 1.1 client and end-of-message with a 1.0 client', async () => {
    const chunked = await connect();
    expect(chunked.framing).toBe('chunked');
    expect(chunked.sessionId).toBeGreaterThan(0);
    for (const cap of [
      'writable-running:1.0',
      'candidate:1.0',
      'confirmed-commit:1.1',
      'rollback-on-error:1.0',
      'validate:1.1',
      'xpath:1.0',
      'notification:1.0',
      'with-defaults:1.0',
      'yang-library:1.1',
    ]) {
      expect(chunked.capabilities.all.some((u) => u.startsWith(`urn:ietf:params:netconf:capability:${cap}`))).toBe(true);
    }
    expect(chunked.capabilities.all).toContain('urn:ietf:params:netconf:base:1.0');
    const eom = await connect(['1.0']);
    expect(eom.framing).toBe('end-of-message');
    expect(eom.sessionId).not.toBe(chunked.sessionId);
    const reply = await eom.getConfig('running', `<native xmlns="${NATIVE}"><hostname/></native>`);
    expect(reply.xml).toContain('<hostname>R1</hostname>');
  });

  test('a privilege-1 user gets no netconf subsystem, and the CLI port serves none', async () => {
    await expect(connect(undefined, 'viewer', 'view123')).rejects.toThrow(/netconf subsystem was refused/);
    await expect(
      NetconfClient.connect({
        device: 'R1',
        host: router.host,
        port: router.port,
        credentials: { username: 'admin', password: 'cisco123' },
        hostKey: { mode: 'pinned', fingerprints: [router.hostKeyFingerprint] },
      }),
    ).rejects.toThrow(/netconf subsystem was refused/);
  });

  test('unknown RPC element and unknown config element are refused in the IOS XE forms', async () => {
    const c = await connect();
    const unknown = await rpcError(c.rpc('<cli-exec xmlns="http://cisco.com/yang/cisco-ia"><cmd>show version</cmd></cli-exec>'));
    expect(unknown.errors[0]).toMatchObject({ tag: 'unknown-element' });
    expect(JSON.stringify(unknown.errors[0])).toContain('cli-exec');
    const badLeaf = await rpcError(c.editConfig({ target: 'running', config: `<native xmlns="${NATIVE}"><bogus>1</bogus></native>` }));
    expect(badLeaf.errors[0]).toMatchObject({ tag: 'unknown-element' });
    const badEnum = await rpcError(c.editConfig({ target: 'running', config: trustpointConfig('CA-BAD', '<revocation-check>maybe</revocation-check>') }));
    expect(badEnum.errors[0]).toMatchObject({ tag: 'invalid-value' });
    expect(router.state.pki.trustpoints.has('CA-BAD')).toBe(false);
    const badPin = await rpcError(c.editConfig({ target: 'running', config: trustpointConfig('CA-BAD', '<fingerprint>not-hex</fingerprint>') }));
    expect(badPin.errors[0]).toMatchObject({ tag: 'invalid-value' });
  });

  test('the default SLA-TrustPoint comes back in the model order of Cisco-IOS-XE-crypto 17.15', async () => {
    const c = await connect();
    const reply = await c.getConfig(
      'running',
      `<native xmlns="${NATIVE}"><crypto><pki xmlns="${CRYPTO}"><trustpoint><id>SLA-TrustPoint</id></trustpoint></pki></crypto></native>`,
    );
    expect(reply.xml).toContain(
      '<trustpoint><id>SLA-TrustPoint</id><enrollment><enrollment-method><pkcs12/></enrollment-method></enrollment><hash>sha256</hash><revocation-check>crl</revocation-check></trustpoint>',
    );
  });
});

describe('running datastore = the CLI configuration', () => {
  test('a trustpoint created by edit-config shows in show running-config, and a CLI change shows in get-config', async () => {
    const c = await connect();
    await c.editConfig({ target: 'running', config: trustpointConfig('CA-NC-1') });
    expect(router.runningConfig()).toContain('crypto pki trustpoint CA-NC-1\n enrollment terminal\n revocation-check none\n chain-validation stop\n!');
    expect(router.state.syslog.entries().join('\n')).toMatch(/%DMI-5-CONFIG_I: R0\/0: nesd: Configured from NETCONF\/RESTCONF by admin, transaction-id \d+/);

    const shell = await TestShell.connect(router, { username: 'admin', password: 'cisco123' });
    try {
      await shell.command('configure terminal');
      await shell.command('crypto pki trustpoint CA-CLI-1');
      await shell.command(' enrollment terminal pem');
      await shell.command(' revocation-check crl none');
      await shell.command('end');
    } finally {
      shell.close();
    }
    const reply = await c.getConfig(
      'running',
      `<native xmlns="${NATIVE}"><crypto><pki xmlns="${CRYPTO}"><trustpoint><id>CA-CLI-1</id></trustpoint></pki></crypto></native>`,
    );
    expect(reply.xml).toContain('<id>CA-CLI-1</id>');
    expect(reply.xml).toContain('<terminal><pem/></terminal>');
    expect(reply.xml).toMatch(/<revocation-check>crl<\/revocation-check><revocation-check>none<\/revocation-check>/);
    expect(reply.xml).not.toContain('CA-NC-1');
  });

  test('create on an existing trustpoint is data-exists, delete of a missing one data-missing, remove is quiet', async () => {
    const c = await connect();
    await c.editConfig({ target: 'running', config: trustpointConfig('CA-NC-2') });
    const op = (name: string, operation: string): string =>
      `<native xmlns="${NATIVE}" xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0"><crypto><pki xmlns="${CRYPTO}"><trustpoint nc:operation="${operation}"><id>${name}</id></trustpoint></pki></crypto></native>`;
    expect((await rpcError(c.editConfig({ target: 'running', config: op('CA-NC-2', 'create') }))).errors[0]).toMatchObject({ tag: 'data-exists' });
    expect((await rpcError(c.editConfig({ target: 'running', config: op('CA-NOPE', 'delete') }))).errors[0]).toMatchObject({ tag: 'data-missing' });
    await c.editConfig({ target: 'running', config: op('CA-NOPE', 'remove') });
    await c.editConfig({ target: 'running', config: op('CA-NC-2', 'delete') });
    expect(router.runningConfig()).not.toContain('CA-NC-2');
  });

  test('ip host, hostname and EEM through edit-config; the mail action typed on the CLI is invisible to get-config and survives', async () => {
    const c = await connect();
    const shell = await TestShell.connect(router, { username: 'admin', password: 'cisco123' });
    try {
      await shell.command('configure terminal');
      await shell.command('event manager applet MAILER');
      await shell.command(' event none');
      await shell.command(' action 0010 mail server "$_email_server" to "a@b.c" from "r@b.c" subject "s" body "b" secure tls port 587');
      await shell.command('end');
    } finally {
      shell.close();
    }
    await c.editConfig({
      target: 'running',
      config: `<native xmlns="${NATIVE}"><ip><host><host-list><name>smtp.lab</name><ip-list-ordered>127.0.0.1</ip-list-ordered></host-list></host></ip><event><manager xmlns="${EEM}"><environment><name>_email_to</name><value>ops@lab</value></environment><applet><name>MAILER</name><action-config><action><name>0020</name><syslog-option><msg>sent</msg></syslog-option></action></action-config></applet></manager></event></native>`,
    });
    const config = router.runningConfig();
    expect(config).toContain('ip host smtp.lab 127.0.0.1');
    expect(config).toContain('event manager environment _email_to ops@lab');
    expect(config).toContain(' action 0010 mail server "$_email_server"');
    expect(config).toContain(' action 0020 syslog msg "sent"');
    const reply = await c.getConfig('running', `<native xmlns="${NATIVE}"><event><manager xmlns="${EEM}"/></event></native>`);
    expect(reply.xml).toContain('<name>0020</name>');
    expect(reply.xml).not.toContain('0010');
    expect(reply.xml).toContain('<none-choice/>');
  });
});

describe('locks and candidate', () => {
  test('a lock held by another session: lock-denied with the holder, edit-config in-use; the CLI still configures', async () => {
    const a = await connect();
    const b = await connect();
    await a.lock('running');
    const denied = await rpcError(b.lock('running'));
    expect(denied.errors[0]).toMatchObject({ tag: 'lock-denied' });
    expect(JSON.stringify(denied.errors[0])).toContain(String(a.sessionId));
    expect((await rpcError(b.editConfig({ target: 'running', config: trustpointConfig('CA-LOCKED') }))).errors[0]).toMatchObject({ tag: 'in-use' });
    const shell = await TestShell.connect(router, { username: 'admin', password: 'cisco123' });
    try {
      await shell.command('configure terminal');
      await shell.command('ip host cli.lab 10.0.0.9');
      await shell.command('end');
    } finally {
      shell.close();
    }
    expect(router.state.ipHosts.get('cli.lab')).toBe('10.0.0.9');
    await a.unlock('running');
    await b.editConfig({ target: 'running', config: trustpointConfig('CA-AFTER-UNLOCK') });
    expect(router.state.pki.trustpoints.has('CA-AFTER-UNLOCK')).toBe(true);
    await a.close();
  });

  test('candidate: edits stay out of running until commit; discard-changes drops them', async () => {
    const c = await connect();
    await c.editConfig({ target: 'candidate', config: trustpointConfig('CA-CAND-1') });
    expect(router.runningConfig()).not.toContain('CA-CAND-1');
    expect((await c.getConfig('candidate', PKI_FILTER)).xml).toContain('CA-CAND-1');
    await c.commit();
    expect(router.runningConfig()).toContain('crypto pki trustpoint CA-CAND-1');
    await c.editConfig({ target: 'candidate', config: trustpointConfig('CA-CAND-2') });
    await c.discardChanges();
    expect((await c.getConfig('candidate', PKI_FILTER)).xml).not.toContain('CA-CAND-2');
    await c.commit();
    expect(router.runningConfig()).not.toContain('CA-CAND-2');
  });

  test('confirmed commit rolls back when not confirmed in time, and stays when confirmed', async () => {
    const c = await connect();
    await c.editConfig({ target: 'candidate', config: trustpointConfig('CA-CONF-1') });
    await c.commit({ confirmed: true, confirmTimeoutSeconds: 1 });
    expect(router.state.pki.trustpoints.has('CA-CONF-1')).toBe(true);
    const last =
      router.state.syslog
        .entries()
        .filter((l) => l.includes('DMI-5-CONFIG_I'))
        .at(-1) ?? '';
    const next = Number(/transaction-id (\d+)/.exec(last)?.[1]) + 1;
    await router.state.syslog.waitFor(new RegExp(`transaction-id ${next}$`), 5000, 'R1 (rollback of an unconfirmed commit)');
    expect(router.state.pki.trustpoints.has('CA-CONF-1')).toBe(false);
    await c.editConfig({ target: 'candidate', config: trustpointConfig('CA-CONF-2') });
    await c.commit({ confirmed: true, confirmTimeoutSeconds: 30 });
    await c.commit();
    expect(router.state.pki.trustpoints.has('CA-CONF-2')).toBe(true);
  });
});

describe('RPCs', () => {
  test('config-ios-cli-rpc installs a certificate chain through hexmode and reports a failing line', async () => {
    const pem = await readFile(GTS_ROOT, 'utf8');
    const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    const hex =
      der
        .toString('hex')
        .toUpperCase()
        .match(/.{1,64}/g) ?? [];
    const clis = [
      'crypto pki trustpoint CA-GTS-ROOT',
      ' enrollment terminal',
      ' revocation-check none',
      'crypto pki certificate chain CA-GTS-ROOT',
      ' certificate ca 0203E5936F31B01349886BA217',
      ...hex.map((l) => `  ${l}`),
      '  quit',
    ].join('\n');
    const c = await connect();
    const reply = await c.rpc(`<config-ios-cli-rpc xmlns="${CLI_RPC}"><config-clis>${clis}</config-clis></config-ios-cli-rpc>`);
    expect(serializeXml(reply.root)).toContain('RPC request successful');
    const tp = router.state.pki.trustpoints.get('CA-GTS-ROOT');
    expect(tp?.certificates[0]?.facts.md5).toBe('05FED0BF71A8A37663DA01E0D852DC40');
    expect(router.runningConfig()).toContain(' certificate ca 0203E5936F31B01349886BA217\n');
    const oper = await c.get(
      `<crypto-pki-oper-data xmlns="http://cisco.com/ns/yang/Cisco-IOS-XE-crypto-pki-oper"><crypto-pki-bundle><label>CA-GTS-ROOT</label></crypto-pki-bundle></crypto-pki-oper-data>`,
    );
    expect(oper.xml).toContain('<tp-authenticated>true</tp-authenticated>');
    expect(oper.xml).toContain('<md5-fp>05FED0BF 71A8A376 63DA01E0 D852DC40</md5-fp>');

    const failed = await c.rpc(
      `<config-ios-cli-rpc xmlns="${CLI_RPC}"><config-clis>ip host ok.lab 10.1.1.1\ncrypto pki trustpint X\nip host later.lab 10.1.1.2</config-clis></config-ios-cli-rpc>`,
    );
    const failedXml = serializeXml(failed.root);
    expect(failedXml).toMatch(/<lineno[^>]*>2<\/lineno>/);
    expect(failedXml).toContain("% Invalid input detected at '^' marker.");
    expect(router.state.ipHosts.get('later.lab')).toBe('10.1.1.2');
  });

  test('Cisco-IOS-XE-rpc crypto pki authenticate: refused for a terminal trustpoint, SCEP failure for an url one', async () => {
    const c = await connect();
    const terminal = await rpcError(
      c.rpc(
        '<crypto xmlns="http://cisco.com/ns/yang/Cisco-IOS-XE-rpc"><pki><authenticate><name-drop-node-name>CA-NC-1</name-drop-node-name></authenticate></pki></crypto>',
      ),
    );
    expect(terminal.errors[0]).toMatchObject({ tag: 'operation-failed' });
    expect(JSON.stringify(terminal.errors[0])).toContain('enrollment url');
    await c.editConfig({
      target: 'running',
      config: `<native xmlns="${NATIVE}"><crypto><pki xmlns="${CRYPTO}"><trustpoint><id>CA-SCEP</id><enrollment><enrollment-method><url>http://10.0.0.1:80</url></enrollment-method></enrollment></trustpoint></pki></crypto></native>`,
    });
    expect(router.runningConfig()).toContain('crypto pki trustpoint CA-SCEP\n enrollment url http://10.0.0.1:80\n');
    const scep = await rpcError(
      c.rpc(
        '<crypto xmlns="http://cisco.com/ns/yang/Cisco-IOS-XE-rpc"><pki><authenticate><name-drop-node-name>CA-SCEP</name-drop-node-name></authenticate></pki></crypto>',
      ),
    );
    expect(scep.errors[0]?.message).toBe('% Error in receiving Certificate Authority certificate: status = FAIL, cert length = 0');
  });
});

describe('base framing', () => {
  test('close-session ends the channel', async () => {
    const c = await connect(['1.0']);
    await c.close();
    expect(c.session.usable).toBe(false);
  });
});
