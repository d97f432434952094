/**
 * The NETCONF payloads and readers of src/device/netconf: get-config replies of real IOS XE devices (fixtures/README.md
 * names them) read into the CLI parsers' shapes; the XML built checked element by element against the YANG names
 * of dossier section 5; and every payload sent to the lab router's NETCONF server, which validates it against its
 * model of the same YANG, with the CLI's running config as the judge.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCertificates } from '../../../src/certs/x509.js';
import {
  CLI_RPC_NS,
  CRYPTO_NS,
  EEM_NS,
  FACTS_FILTER,
  NATIVE_NS,
  PKI_OPER_FILTER,
  actionArgs,
  appletFragment,
  caChainLines,
  configIosCliRpc,
  createTrustpointFragment,
  environmentFragment,
  ipHostFragment,
  nativeConfig,
  operMismatches,
  parseCliRpcReply,
  parseNativeConfig,
  parsePkiOper,
  removeAppletFragment,
  removeEnvironmentFragment,
  removeIpHostFragment,
  removeTrustpointFragment,
  restoreTrustpointFragment,
  splitApplet,
  updateTrustpointFragment,
} from '../../../src/device/netconf/index.js';
import type { ModelledAction } from '../../../src/device/netconf/index.js';
import { LabRouter } from '../../../src/lab/router/lab-router.js';
import { NETCONF_BASE_NS, NetconfClient, NetconfRpcError, attributeOf, childElements, parseXml, textOf } from '../../../src/transport/netconf/index.js';
import type { XmlElement } from '../../../src/transport/netconf/index.js';
import { renderApplet, sameApplet } from '../../../src/workflow/index.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const fixture = (name: string): string => readFileSync(join(HERE, 'fixtures', name), 'utf8');

/** The element at a path of local names, each step checked to exist. */
function at(root: XmlElement, ...names: string[]): XmlElement {
  let el = root;
  for (const name of names) {
    const next = childElements(el, name)[0];
    if (!next)
      throw new Error(
        `no <${name}> under <${el.name}>; has ${childElements(el)
          .map((c) => c.name)
          .join(', ')}`,
      );
    el = next;
  }
  return el;
}

function names(el: XmlElement): string[] {
  return childElements(el).map((c) => c.name);
}

/** edit-config's `<config>` as the client sends it: `nc` declared on it. */
function inConfig(native: string): XmlElement {
  return at(parseXml(`<config xmlns="${NETCONF_BASE_NS}" xmlns:nc="${NETCONF_BASE_NS}">${native}</config>`), 'native');
}

const PIN = 'F33E8C5B7FDC4C5C0AE6E5AD0D8E5A2C7E9E45F1';

describe('get-config replies of real devices', () => {
  it('reads the 17.9 Cat8000V trustpoints (enrollment-method and its deprecated twin, certificate chains beside them)', () => {
    const config = parseNativeConfig(fixture('get_config_pki_c8000v_17_9.xml'));
    expect([...config.trustpoints.keys()]).toEqual(['SLA-TrustPoint', 'TP-self-signed-3209586145']);
    expect(config.trustpoints.get('SLA-TrustPoint')?.config).toEqual({
      name: 'SLA-TrustPoint',
      lines: ['enrollment pkcs12', 'revocation-check crl'],
      enrollment: 'pkcs12',
      revocationCheck: 'crl',
    });
    expect(config.trustpoints.get('TP-self-signed-3209586145')?.config).toMatchObject({
      enrollment: 'selfsigned',
      revocationCheck: 'none',
      subjectName: 'cn=IOS-Self-Signed-Certificate-3209586145',
      rsakeypair: 'TP-self-signed-3209586145',
    });
    expect([config.environment.size, config.applets.size, config.ipHosts.size]).toEqual([0, 0, 0]);
  });

  it('reads a 16.x C3850 trustpoint with enrollment terminal directly under enrollment (the pre-17.9 model)', () => {
    const config = parseNativeConfig(fixture('get_config_pki_c3850_16.xml'));
    expect(config.trustpoints.get('172.16.10.100')?.config).toMatchObject({ enrollment: 'terminal', revocationCheck: 'crl' });
  });

  it('reads an applet of the model before action-config (actions under the applet, cli/command)', () => {
    const applet = parseNativeConfig(fixture('eem_applet_payload_2019.xml')).applets.get('GUESTSHELL-CONFIG-CHANGE-NETASSIST-BOT')?.applet;
    expect(applet?.event).toBe('syslog pattern "%SYS-5-CONFIG_I: Configured from"');
    expect(applet?.actions).toEqual([{ label: '0.0', kind: 'cli', args: 'command "enable"' }]);
  });

  it('reads nothing from an empty <data> and refuses what is not /native', () => {
    expect(parseNativeConfig('').trustpoints.size).toBe(0);
    expect(() => parseNativeConfig('<interfaces xmlns="urn:ietf:params:xml:ns:yang:ietf-interfaces"/>')).toThrow(/expected <native>/);
  });
});

describe('edit-config payloads, by YANG name and namespace', () => {
  it('creates a trustpoint as the 26.x template does: pki in Cisco-IOS-XE-crypto, fingerprint, enrollment-method/terminal', () => {
    const native = inConfig(nativeConfig([createTrustpointFragment('LAB-Root', { fingerprint: PIN, revocationCheck: ['none'], chainValidation: 'stop' })]));
    expect(native.namespace).toBe(NATIVE_NS);
    const pki = at(native, 'crypto', 'pki');
    expect(pki.namespace).toBe(CRYPTO_NS);
    const tp = at(pki, 'trustpoint');
    expect(attributeOf(tp, 'operation', NETCONF_BASE_NS)).toBe('create');
    expect(names(tp)).toEqual(['id', 'chain-validation', 'enrollment', 'fingerprint', 'revocation-check']);
    expect(names(at(tp, 'chain-validation'))).toEqual(['stop']);
    expect(names(at(tp, 'enrollment', 'enrollment-method'))).toEqual(['terminal']);
    expect(textOf(at(tp, 'fingerprint'))).toBe(PIN);
    expect(() => createTrustpointFragment('X', { fingerprint: 'F3:3E', revocationCheck: ['none'], chainValidation: 'continue' })).toThrow(
      /32 or 40 upper-case hex/,
    );
  });

  it('updates a real trustpoint: its other leaves kept, the revocation-check leaf-list replaced in order', () => {
    const tp = parseNativeConfig(fixture('get_config_pki_c8000v_17_9.xml')).trustpoints.get('TP-self-signed-3209586145');
    if (!tp) throw new Error('fixture changed');
    const updated = at(
      inConfig(nativeConfig([updateTrustpointFragment(tp.element, { revocationCheck: ['crl', 'none'], chainValidation: 'continue' })])),
      'crypto',
      'pki',
      'trustpoint',
    );
    expect(attributeOf(updated, 'operation', NETCONF_BASE_NS)).toBe('replace');
    expect(names(updated)).toEqual(['id', 'enrollment', 'revocation-check', 'revocation-check', 'rsakeypair', 'subject-name']);
    expect(childElements(updated, 'revocation-check').map(textOf)).toEqual(['crl', 'none']);
    expect(textOf(at(updated, 'rsakeypair', 'key-label'))).toBe('TP-self-signed-3209586145');
    expect(at(updated, 'subject-name').namespace).toBe(CRYPTO_NS);
    const restored = at(inConfig(nativeConfig([restoreTrustpointFragment(tp.element)])), 'crypto', 'pki', 'trustpoint');
    expect(names(restored)).toEqual(['id', 'enrollment', 'revocation-check', 'rsakeypair', 'subject-name']);
  });

  it('removes by key only, with remove (no error when already gone)', () => {
    const native = inConfig(
      nativeConfig([removeTrustpointFragment('T'), removeIpHostFragment('h'), removeEnvironmentFragment('_e'), removeAppletFragment('A')]),
    );
    for (const el of [
      at(native, 'crypto', 'pki', 'trustpoint'),
      at(native, 'ip', 'host', 'host-list'),
      at(native, 'event', 'manager', 'environment'),
      at(native, 'event', 'manager', 'applet'),
    ]) {
      expect(attributeOf(el, 'operation', NETCONF_BASE_NS)).toBe('remove');
      expect(names(el)).toHaveLength(1);
    }
    expect(at(native, 'event', 'manager').namespace).toBe(EEM_NS);
  });

  it('filters the facts read to ip host, trustpoints and event manager', () => {
    const filter = parseXml(FACTS_FILTER);
    expect(names(filter)).toEqual(['ip', 'crypto', 'event']);
    expect(at(filter, 'crypto', 'pki').namespace).toBe(CRYPTO_NS);
    expect(at(filter, 'event', 'manager').namespace).toBe(EEM_NS);
  });

  it('splits a playbook applet into its modelled part and the mail action, and reads it back equal', () => {
    const rendered = renderApplet(
      {
        name: 'Mail',
        event: { kind: 'none' },
        origin: { file: 'playbook.yaml', path: [] },
        actions: [
          {
            label: '0010',
            kind: 'mail',
            server: '$_email_server',
            to: '$_email_to',
            from: '$_email_from',
            subject: 'proof $_none_arg1',
            body: 'b',
            secure: 'tls',
            port: 587,
            origin: { file: 'playbook.yaml', path: [] },
          },
        ],
      },
      true,
    );
    const { modelled, cliOnly } = splitApplet(rendered.parsed);
    expect(modelled.eventNone).toBe(true);
    expect(modelled.actions).toEqual([{ label: '9999', kind: 'syslog', msg: 'certagent: Mail done $_none_arg1' }]);
    expect(cliOnly.map((a) => a.kind)).toEqual(['mail']);
    const action = at(inConfig(nativeConfig([appletFragment(modelled)])), 'event', 'manager', 'applet', 'action-config', 'action');
    expect(names(action)).toEqual(['name', 'syslog-option']);
    const back = { ...rendered.parsed, actions: [...cliOnly, ...modelled.actions.map((a: ModelledAction) => actionArgs(a))] };
    expect(sameApplet(back, rendered.parsed)).toBe(true);
  });

  it('reads crypto-pki-oper-data tolerantly: silent when not populated, a trustpoint not authenticated is a mismatch', () => {
    expect(parsePkiOper('').size).toBe(0);
    const data = `<crypto-pki-oper-data xmlns="http://cisco.com/ns/yang/Cisco-IOS-XE-crypto-pki-oper"><crypto-pki-bundle><label>T</label><tp-authenticated>false</tp-authenticated></crypto-pki-bundle></crypto-pki-oper-data>`;
    expect(
      operMismatches(parsePkiOper(data), [
        { trustpoint: 'T', md5: 'AB' },
        { trustpoint: 'absent', md5: 'CD' },
      ]),
    ).toEqual(['T: tp-authenticated is false']);
  });

  it('builds config-ios-cli-rpc and reads its replies', () => {
    const rpc = parseXml(configIosCliRpc(['ip host a 10.0.0.1'], { timeoutSeconds: 30, errorPatterns: [{ tag: 'bad', pattern: '^% Invalid' }] }));
    expect([rpc.name, rpc.namespace]).toEqual(['config-ios-cli-rpc', CLI_RPC_NS]);
    expect(names(rpc)).toEqual(['config-clis', 'timeout', 'error-patterns']);
    expect(() => configIosCliRpc(['x'], { timeoutSeconds: 5 })).toThrow(/10\.\.1800/);
    const reply = (body: string) => parseXml(`<rpc-reply xmlns="${NETCONF_BASE_NS}" message-id="1">${body}</rpc-reply>`);
    expect(parseCliRpcReply(reply(`<result xmlns="${CLI_RPC_NS}">RPC request successful</result>`)).ok).toBe(true);
    expect(
      parseCliRpcReply(
        reply(
          `<result xmlns="${CLI_RPC_NS}">RPC request failed</result><lineno xmlns="${CLI_RPC_NS}">2</lineno><error-string xmlns="${CLI_RPC_NS}">% Invalid input</error-string>`,
        ),
      ),
    ).toEqual({
      ok: false,
      result: 'RPC request failed',
      lineno: 2,
      errorString: '% Invalid input',
    });
  });
});

describe('payloads against the lab router NETCONF server', () => {
  let router: LabRouter;
  let client: NetconfClient;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'certagent-netconf-payloads-'));
    router = await LabRouter.start({
      hostname: 'NC1',
      port: 0,
      netconfPort: 0,
      stateDir: dir,
      users: [{ username: 'admin', password: 'cisco123', privilege: 15 }],
    });
    client = await NetconfClient.connect({
      device: 'NC1',
      host: '127.0.0.1',
      port: router.netconfPort,
      credentials: { username: 'admin', password: 'cisco123' },
      hostKey: { mode: 'pinned', fingerprints: [router.hostKeyFingerprint] },
    });
  });
  afterAll(async () => {
    await client?.close();
    await router?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies every fragment kind as the CLI would show it, and get-config with the facts filter reads them back', async () => {
    const marker: ModelledAction = { label: '9999', kind: 'syslog', msg: 'certagent: A done $_none_arg1' };
    await client.editConfig({
      target: 'running',
      config: nativeConfig([
        ipHostFragment('smtp.lab.example', '127.0.0.1'),
        createTrustpointFragment('TP1', { fingerprint: PIN, revocationCheck: ['none'], chainValidation: 'stop' }),
        environmentFragment('_email_to', 'noc@lab.example'),
        appletFragment({ name: 'A', eventNone: true, actions: [marker] }),
      ]),
    });
    const running = router.runningConfig();
    expect(running).toContain('ip host smtp.lab.example 127.0.0.1');
    expect(running).toMatch(
      /crypto pki trustpoint TP1\n enrollment terminal\n fingerprint F33E8C5B7FDC4C5C0AE6E5AD0D8E5A2C7E9E45F1\n revocation-check none\n chain-validation stop\n/,
    );
    expect(running).toContain('event manager environment _email_to noc@lab.example');
    expect(running).toMatch(/event manager applet A\n event none\n action 9999 syslog msg "certagent: A done \$_none_arg1"\n/);

    const read = parseNativeConfig((await client.getConfig('running', FACTS_FILTER)).xml);
    expect(read.ipHosts.get('smtp.lab.example')).toBe('127.0.0.1');
    expect(read.trustpoints.get('TP1')?.config).toMatchObject({ enrollment: 'terminal', fingerprint: PIN, revocationCheck: 'none', chainValidation: 'stop' });
    expect(read.environment.get('_email_to')).toBe('noc@lab.example');
    expect(read.applets.get('A')?.applet).toEqual({ name: 'A', event: 'none', actions: [actionArgs(marker)], otherLines: [] });

    const tp = read.trustpoints.get('TP1');
    if (!tp) throw new Error('no TP1');
    await client.editConfig({
      target: 'running',
      config: nativeConfig([updateTrustpointFragment(tp.element, { revocationCheck: ['crl', 'none'], chainValidation: 'continue' })]),
    });
    expect(router.runningConfig()).toMatch(/crypto pki trustpoint TP1\n enrollment terminal\n revocation-check crl none\n/);
    await client.editConfig({
      target: 'running',
      config: nativeConfig([
        removeTrustpointFragment('TP1'),
        removeIpHostFragment('smtp.lab.example'),
        removeEnvironmentFragment('_email_to'),
        removeAppletFragment('A'),
      ]),
    });
    const gone = parseNativeConfig((await client.getConfig('running', FACTS_FILTER)).xml);
    expect([gone.trustpoints.has('TP1'), gone.ipHosts.size, gone.environment.size, gone.applets.size]).toEqual([false, 0, 0, 0]);
    // The router's own trustpoints were left alone.
    expect([...gone.trustpoints.keys()].some((n) => n.startsWith('TP-self-signed-'))).toBe(true);
  });

  it('is refused by the model when a leaf name is wrong', async () => {
    const wrong = nativeConfig([createTrustpointFragment('TP2', { revocationCheck: ['none'], chainValidation: 'stop' })])
      .replace('<revocation-check>', '<revocation>')
      .replace('</revocation-check>', '</revocation>');
    const error = await client.editConfig({ target: 'running', config: wrong }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetconfRpcError);
    expect((error as NetconfRpcError).find('unknown-element')).toBeDefined();
    expect(router.runningConfig()).not.toContain('TP2');
  });

  it('installs a CA certificate as hexmode text through config-ios-cli-rpc (the lab takes it; real devices: open question 7)', async () => {
    const [ca] = parseCertificates(readFileSync(join(HERE, '../../fixtures/certs/gts_ca_1c3_and_r1_cross.pem'), 'utf8'), 'gts');
    if (!ca) throw new Error('fixture changed');
    await client.editConfig({
      target: 'running',
      config: nativeConfig([createTrustpointFragment('GTS', { revocationCheck: ['none'], chainValidation: 'stop' })]),
    });
    const reply = await client.rpc(configIosCliRpc(caChainLines('GTS', ca.serialHex, ca.der)));
    expect(parseCliRpcReply(reply.root)).toEqual({ ok: true, result: 'RPC request successful' });
    expect(router.runningConfig()).toContain(`crypto pki certificate chain GTS\n certificate ca ${ca.serialHex}\n`);
    const failed = parseCliRpcReply((await client.rpc(configIosCliRpc(['ip host ok 10.0.0.1', 'crypto pki trustpoint', 'ip host ok2 10.0.0.2']))).root);
    expect(failed).toMatchObject({ ok: false, lineno: 2 });

    // The operational model as the lab fills it: authenticated, and the CA's MD5 whatever its spacing.
    const oper = parsePkiOper((await client.get(PKI_OPER_FILTER)).xml);
    expect(oper.get('GTS')).toMatchObject({ label: 'GTS', authenticated: true });
    expect(operMismatches(oper, [{ trustpoint: 'GTS', md5: ca.md5 }])).toEqual([]);
    expect(operMismatches(oper, [{ trustpoint: 'GTS', md5: '0'.repeat(32) }])).toEqual([`GTS: md5-fp ${ca.md5.toUpperCase()} (planned ${'0'.repeat(32)})`]);
  });
});
