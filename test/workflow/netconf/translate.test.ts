/**
 * The plan as NETCONF work, pure: facts read from a get-config reply and the CLI's chains and applets, planned by
 * the same planDevice as over SSH, then each change's YANG edits, CLI steps and undo checked. Real certificates
 * (GTS CA 1C3 from test/fixtures/certs, GlobalSign Root CA from the system store) stand in for old and new CAs.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCertificates } from '../../../src/certs/x509.js';
import type { CertificateFacts } from '../../../src/certs/types.js';
import { Secret } from '../../../src/config/index.js';
import { CRYPTO_NS, EEM_NS, NATIVE_NS, caChainLines, nativeConfig, parseNativeConfig } from '../../../src/device/netconf/index.js';
import { planDevice, renderApplet, showLine } from '../../../src/workflow/index.js';
import type { DesiredState, PlannedChange, Step } from '../../../src/workflow/index.js';
import { combine, combineFacts, translatePlan } from '../../../src/workflow/netconf/index.js';
import type { NetconfChange, NetconfWork } from '../../../src/workflow/netconf/index.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const [gts] = parseCertificates(readFileSync(join(HERE, '../../fixtures/certs/gts_ca_1c3_and_r1_cross.pem'), 'utf8'), 'gts');
const [globalsign] = parseCertificates(readFileSync('/usr/share/ca-certificates/mozilla/GlobalSign_Root_CA.crt', 'utf8'), 'globalsign');

function cert(c: CertificateFacts | undefined): CertificateFacts {
  if (!c) throw new Error('certificate fixture missing');
  return c;
}

const MAIL = 'action 0010 mail server "$_email_server" to "$_email_to" from "$_email_from" subject "s" body "b"';

/** What the device holds: TP-A with another CA and options of its own, an old recipient and address, an older applet. */
const DEVICE_XML = `<native xmlns="${NATIVE_NS}">
  <ip><host><host-list><name>smtp.x</name><ip-list-ordered>10.9.9.9</ip-list-ordered></host-list></host></ip>
  <crypto><pki xmlns="${CRYPTO_NS}">
    <trustpoint><id>TP-A</id><enrollment><enrollment-method><terminal/></enrollment-method></enrollment><revocation-check>crl</revocation-check><subject-name>cn=kept</subject-name></trustpoint>
    <trustpoint><id>TP-B</id><enrollment><enrollment-method><terminal/></enrollment-method></enrollment><revocation-check>crl</revocation-check></trustpoint>
  </pki></crypto>
  <event><manager xmlns="${EEM_NS}">
    <environment><name>_email_to</name><value>old@x</value></environment>
    <applet><name>Mail</name><description>old</description><event><none-choice/></event></applet>
  </manager></event>
</native>`;

const CLI_TEXT = [
  ...caChainLines('TP-A', cert(globalsign).serialHex, cert(globalsign).der).slice(0, -1),
  'crypto pki certificate chain TP-B',
  'event manager applet Mail',
  ' description old',
  ' event none',
  ` ${MAIL}`,
].join('\n');

function desired(): DesiredState {
  const options = { enrollment: 'terminal', revocationCheck: 'none', chainValidation: 'stop' } as const;
  const server = new Secret('user:pw-123@smtp.x', 'test');
  return {
    trustpoints: [
      { name: 'TP-A', cert: cert(gts), options },
      { name: 'TP-B', cert: cert(globalsign), options },
    ],
    environment: new Map<string, string | Secret>([
      ['_email_to', 'noc@x'],
      ['_email_server', server],
    ]),
    applets: [
      renderApplet(
        {
          name: 'Mail',
          event: { kind: 'none' },
          origin: { file: 'p.yaml', path: [] },
          actions: [
            {
              label: '0010',
              kind: 'mail',
              server: '$_email_server',
              to: '$_email_to',
              from: '$_email_from',
              subject: 's',
              body: 'b',
              secure: 'none',
              origin: { file: 'p.yaml', path: [] },
            },
          ],
        },
        true,
      ),
    ],
    ipHosts: new Map([['smtp.x', '10.0.0.1']]),
    secrets: [server],
  };
}

function plan(): { changes: readonly PlannedChange[]; translated: NetconfChange[] } {
  const facts = combineFacts(parseNativeConfig(DEVICE_XML), CLI_TEXT);
  const changes = planDevice(facts, desired()).changes;
  return { changes, translated: translatePlan(changes, facts, desired()) };
}

function xml(work: NetconfWork, phase: 'removals' | 'edits'): string {
  return work[phase].length === 0 ? '' : nativeConfig(work[phase].map((f) => f()));
}

function sha1s(steps: readonly Step[]): string[] {
  return steps.flatMap((s) => (s.kind === 'authenticate' ? [s.sha1] : []));
}

function of(translated: readonly NetconfChange[], object: string): NetconfChange {
  const found = translated.find((c) => c.change.record.object === object);
  if (!found) throw new Error(`no change for ${object}; have ${translated.map((c) => c.change.record.object).join(', ')}`);
  return found;
}

describe('the plan as NETCONF work', () => {
  it('plans what the SSH path plans, one NETCONF change per planned change', () => {
    const { changes, translated } = plan();
    expect(changes.map((c) => `${c.record.object} ${c.record.action}`)).toEqual([
      'ip host smtp.x changed',
      'trustpoint TP-A replaced',
      'trustpoint TP-B authenticated',
      'environment _email_to changed',
      'environment _email_server created',
      'applet Mail replaced',
    ]);
    expect(translated.map((c) => c.change)).toEqual(changes);
  });

  it('replaces a trustpoint by a committed removal, a fresh entry and the dialog; undone down to the old CA', () => {
    const tp = of(plan().translated, 'trustpoint TP-A');
    expect(xml(tp.apply, 'removals')).toContain('<trustpoint nc:operation="remove"><id>TP-A</id></trustpoint>');
    expect(xml(tp.apply, 'edits')).toMatch(
      /<trustpoint nc:operation="create"><id>TP-A<\/id><chain-validation><stop\/><\/chain-validation>.*<revocation-check>none<\/revocation-check><\/trustpoint>/,
    );
    expect(sha1s(tp.apply.cli)).toEqual([cert(gts).sha1]);
    expect(xml(tp.undo, 'removals')).toContain('nc:operation="remove"><id>TP-A</id>');
    expect(xml(tp.undo, 'edits')).toMatch(
      /<trustpoint nc:operation="replace"><id>TP-A<\/id>.*<revocation-check[^>]*>crl<\/revocation-check><subject-name[^>]*>cn=kept<\/subject-name><\/trustpoint>/,
    );
    expect(sha1s(tp.undo.cli)).toEqual([cert(globalsign).sha1]);
  });

  it('authenticates an empty trustpoint after replacing its options in place, undone to the empty trustpoint as it was', () => {
    const tp = of(plan().translated, 'trustpoint TP-B');
    expect(tp.apply.removals).toEqual([]);
    expect(xml(tp.apply, 'edits')).toMatch(/<trustpoint nc:operation="replace"><id>TP-B<\/id>.*<revocation-check>none<\/revocation-check><\/trustpoint>/);
    expect(sha1s(tp.apply.cli)).toEqual([cert(globalsign).sha1]);
    expect(xml(tp.undo, 'edits')).toContain('<revocation-check xmlns="http://cisco.com/ns/yang/Cisco-IOS-XE-crypto">crl</revocation-check>');
    expect(tp.undo.cli).toEqual([]);
  });

  it('sets values by replacing their entries, undone to the old value or removed; the secret only in the rendered edit', () => {
    const { translated } = plan();
    expect(xml(of(translated, 'ip host smtp.x').apply, 'edits')).toContain(
      '<host-list nc:operation="replace"><name>smtp.x</name><ip-list-ordered>10.0.0.1</ip-list-ordered>',
    );
    expect(xml(of(translated, 'ip host smtp.x').undo, 'edits')).toContain('<ip-list-ordered>10.9.9.9</ip-list-ordered>');
    expect(xml(of(translated, 'environment _email_to').undo, 'edits')).toContain('<value>old@x</value>');
    const server = of(translated, 'environment _email_server');
    expect(JSON.stringify(server)).not.toContain('pw-123');
    expect(xml(server.apply, 'edits')).toContain('<value>user:pw-123@smtp.x</value>');
    expect(xml(server.undo, 'edits')).toContain('<environment nc:operation="remove"><name>_email_server</name></environment>');
  });

  it('replaces an applet: removed (mail line and all), its modelled part created, the mail line over the CLI; undone likewise', () => {
    const applet = of(plan().translated, 'applet Mail');
    expect(xml(applet.apply, 'removals')).toContain('<applet nc:operation="remove"><name>Mail</name></applet>');
    expect(xml(applet.apply, 'edits')).toMatch(
      /<applet nc:operation="create"><name>Mail<\/name><event><none-choice\/><\/event><action-config><action><name>9999<\/name><syslog-option>/,
    );
    const cli = applet.apply.cli[0];
    expect(cli?.kind === 'config' ? cli.lines.map(showLine) : []).toEqual([
      'event manager applet Mail',
      'action 0010 mail server "$_email_server" to "$_email_to" from "$_email_from" subject "s" body "b"',
      'exit',
    ]);
    expect(xml(applet.undo, 'edits')).toContain('<description xmlns="http://cisco.com/ns/yang/Cisco-IOS-XE-eem">old</description>');
    const undoCli = applet.undo.cli[0];
    expect(undoCli?.kind === 'config' ? undoCli.lines.map(showLine) : []).toEqual(['event manager applet Mail', MAIL, 'exit']);
  });

  it('sends all removals in one commit, all writes in the next, then one CLI config block before the dialogs', () => {
    const all = combine(plan().translated.map((c) => c.apply));
    expect(all.removals).toHaveLength(2);
    expect(all.edits).toHaveLength(6);
    expect(all.cli.map((s) => s.kind)).toEqual(['config', 'authenticate', 'authenticate']);
  });
});
