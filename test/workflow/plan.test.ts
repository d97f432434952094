/** The planner, pure: real certificates (Debian's Mozilla store) and running-config text as IOS XE prints it. */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { iosHexLines } from '../../src/certs/ios-format.js';
import type { CertificateFacts } from '../../src/certs/types.js';
import { parseCertificates } from '../../src/certs/x509.js';
import { Secret } from '../../src/config/index.js';
import type { EemApplet, TrustpointOptions } from '../../src/config/index.js';
import { parseShowCryptoPkiCertificates } from '../../src/device/index.js';
import {
  batches,
  CERTIFICATES_FILTER,
  certificateMismatches,
  installOrder,
  markerLabel,
  newLines,
  parseFacts,
  planCommands,
  planDevice,
  planFor,
  renderApplet,
  residue,
  revealLine,
  secretRedactor,
  showStep,
  FactsReadError,
  UnreadableFactsError,
} from '../../src/workflow/index.js';
import type { DesiredState, DesiredTrustpoint, PlannedChange } from '../../src/workflow/index.js';
import { loadCapture } from '../fixtures/load.js';
import { mozillaCertificate, trustpointConfigText } from '../helpers/pki-text.js';

const GTS_R1 = mozillaCertificate('GTS_Root_R1');
const GLOBALSIGN = mozillaCertificate('GlobalSign_Root_CA');
const ISRG_X1 = mozillaCertificate('ISRG_Root_X1');
const OPTIONS: TrustpointOptions = { enrollment: 'terminal', revocationCheck: 'none', chainValidation: 'stop' };
const ORIGIN = { file: 'test.yaml', path: [] };

const MAIL_APPLET: EemApplet = {
  name: 'SendSecureEmailEEM',
  event: { kind: 'none' },
  actions: [
    {
      kind: 'mail',
      label: '0010',
      server: '$_email_server',
      to: '$_email_to',
      from: '$_email_from',
      subject: 'test',
      body: 'hello',
      secure: 'tls',
      port: 587,
      origin: ORIGIN,
    },
  ],
  origin: ORIGIN,
};

const SERVER = new Secret('alerts:Sup3r-Secret@smtp.example.net', 'env SMTP_PASSWORD');

function desired(trustpoints: DesiredTrustpoint[], extra: Partial<DesiredState> = {}): DesiredState {
  return { trustpoints, environment: new Map(), applets: [], ipHosts: new Map(), secrets: [], ...extra };
}

function tp(name: string, cert: CertificateFacts, more: Partial<DesiredTrustpoint> = {}): DesiredTrustpoint {
  return { name, cert, options: OPTIONS, ...more };
}

function summary(changes: readonly PlannedChange[]): string[] {
  return changes.map((c) => `${c.record.object} ${c.record.action}`);
}

describe('facts', () => {
  it('reads the trustpoints, the CA certificate and its fingerprints from a real 17.9 running config', () => {
    const facts = parseFacts(loadCapture('genielibs_show_running_config_crypto_pki_excerpt_17_9_1.txt'));
    expect([...facts.trustpoints.keys()]).toEqual(['TP-self-signed-1357684700', 'SLA-TrustPoint']);
    const sla = facts.trustpoints.get('SLA-TrustPoint');
    expect(sla?.ca).toMatchObject({ serialHex: '01', md5: '1468DC18250BDFCF769C29DFE1F7E5A8' });
    expect(sla?.ca?.facts?.commonName).toBe('Cisco Licensing Root CA');
    // A self-signed identity certificate is not a CA chain member.
    expect(facts.trustpoints.get('TP-self-signed-1357684700')?.ca).toBeUndefined();
  });

  it('reads EEM, ip host lines, and keeps credential-bearing values as secrets', () => {
    const facts = parseFacts(
      [
        'ip host smtp.example.net 192.0.2.25',
        'event manager environment _email_server alerts:Sup3r-Secret@smtp.example.net',
        'event manager environment _email_to noc@example.net',
        'event manager applet SendSecureEmailEEM authorization bypass',
        ' event none',
        ' action 0010 mail server "$_email_server" to "$_email_to" from "$_email_from" subject "test" body "hello" secure tls port 587',
      ].join('\n'),
    );
    expect(facts.ipHosts.get('smtp.example.net')).toBe('192.0.2.25');
    const server = facts.environment.get('_email_server');
    expect(server).toBeInstanceOf(Secret);
    expect(String(server)).not.toContain('Sup3r');
    expect(facts.environment.get('_email_to')).toBe('noc@example.net');
    expect(facts.applets.get('SendSecureEmailEEM')?.lines[0]).toBe('event manager applet SendSecureEmailEEM authorization bypass');
  });
});

describe('planDevice', () => {
  it('creates an absent trustpoint and authenticates it; the rollback removes it', () => {
    const plan = planDevice(parseFacts(''), desired([tp('CA-GTS-Root-R1', GTS_R1)]));
    const [change] = plan.changes;
    expect(change?.kind).toBe('create');
    expect(change?.steps.flatMap(showStep)).toEqual([
      'crypto pki trustpoint CA-GTS-Root-R1',
      'enrollment terminal',
      'revocation-check none',
      'chain-validation stop',
      'exit',
      'crypto pki authenticate CA-GTS-Root-R1',
      '! paste the PEM of cn=GTS Root R1, serial 0203E5936F31B01349886BA217, then a blank line',
      '! answer yes only if the device shows MD5 05FED0BF 71A8A376 63DA01E0 D852DC40 SHA1 E58C1CC4 913B3863 4BE9106E E3AD8E6B 9DD9814A',
    ]);
    expect(change?.rollback).toEqual([{ kind: 'remove-trustpoint', trustpoint: 'CA-GTS-Root-R1' }]);
  });

  it('leaves a trustpoint holding the same certificate with the same options alone', () => {
    const plan = planDevice(parseFacts(trustpointConfigText('CA-GTS-Root-R1', GTS_R1)), desired([tp('CA-GTS-Root-R1', GTS_R1)]));
    expect(plan.changes).toEqual([]);
    expect(plan.unchanged.map((r) => `${r.object} ${r.action}`)).toEqual(['trustpoint CA-GTS-Root-R1 unchanged']);
    expect(planCommands(plan)).toEqual([]);
  });

  it('replaces a different certificate: remove, recreate, authenticate; the rollback restores the old one from its DER', () => {
    const facts = parseFacts(trustpointConfigText('CA-ROOT', GLOBALSIGN, [' enrollment terminal', ' revocation-check crl']));
    const [change] = planDevice(facts, desired([tp('CA-ROOT', GTS_R1)])).changes;
    expect(change?.kind).toBe('replace');
    expect(change?.record.detail).toMatch(/^cn=GlobalSign Root CA, serial 040000000001154B5AC394 → cn=GTS Root R1/);
    expect(change?.steps.map((s) => s.kind)).toEqual(['remove-trustpoint', 'config', 'authenticate']);
    const [remove, stanza, auth] = change?.rollback ?? [];
    expect(remove).toEqual({ kind: 'remove-trustpoint', trustpoint: 'CA-ROOT' });
    expect(stanza && showStep(stanza)).toEqual(['crypto pki trustpoint CA-ROOT', 'enrollment terminal', 'revocation-check crl', 'exit']);
    expect(auth?.kind === 'authenticate' && auth.der.equals(GLOBALSIGN.der)).toBe(true);
    expect(auth?.kind === 'authenticate' && auth.sha1).toBe('B1BC968BD4F49D622AA89A81F2150152A41D829C');
  });

  it('changes only the option lines when the certificate is the same', () => {
    const facts = parseFacts(trustpointConfigText('CA-GTS-Root-R1', GTS_R1, [' enrollment terminal', ' revocation-check crl']));
    const [change, ...more] = planDevice(facts, desired([tp('CA-GTS-Root-R1', GTS_R1)])).changes;
    expect(more).toEqual([]);
    expect(change?.kind).toBe('options');
    expect(change?.steps.flatMap(showStep)).toEqual(['crypto pki trustpoint CA-GTS-Root-R1', 'revocation-check none', 'chain-validation stop', 'exit']);
    expect(change?.rollback.flatMap(showStep)).toEqual(['crypto pki trustpoint CA-GTS-Root-R1', 'revocation-check crl', 'chain-validation continue', 'exit']);
  });

  it('pins the fingerprint when asked, and re-pins a trustpoint pinned to something else', () => {
    const pinned = tp('CA-GTS-Root-R1', GTS_R1, { pin: GTS_R1.sha1 });
    const create = planDevice(parseFacts(''), desired([pinned])).changes[0];
    expect(create?.steps.flatMap(showStep)).toContain(`fingerprint ${GTS_R1.sha1}`);
    const facts = parseFacts(trustpointConfigText('CA-GTS-Root-R1', GTS_R1));
    expect(planDevice(facts, desired([pinned])).changes[0]?.steps.flatMap(showStep)).toEqual([
      'crypto pki trustpoint CA-GTS-Root-R1',
      `fingerprint ${GTS_R1.sha1}`,
      'exit',
    ]);
    const empty = parseFacts(
      trustpointConfigText('CA-GTS-Root-R1', undefined, [
        ' enrollment terminal',
        ` fingerprint ${ISRG_X1.sha1}`,
        ' revocation-check none',
        ' chain-validation stop',
      ]),
    );
    expect(planDevice(empty, desired([tp('CA-GTS-Root-R1', GTS_R1)])).changes[0]?.steps.map((s) => s.kind)).toEqual([
      'remove-trustpoint',
      'config',
      'authenticate',
    ]);
  });

  it('sets EEM values and applets only when they differ, secrets shown as <secret> but sent whole', () => {
    const applet = renderApplet(MAIL_APPLET, true);
    const want = desired([], {
      environment: new Map<string, string | Secret>([
        ['_email_server', SERVER],
        ['_email_to', 'noc@example.net'],
      ]),
      applets: [applet],
    });
    const facts = parseFacts(
      ['event manager environment _email_server alerts:Old-Secret@smtp.example.net', 'event manager environment _email_to noc@example.net'].join('\n'),
    );
    const plan = planDevice(facts, want);
    expect(summary(plan.changes)).toEqual(['environment _email_server changed', 'applet SendSecureEmailEEM created']);
    const commands = planCommands(plan);
    expect(commands).toContain('event manager environment _email_server <secret>');
    expect(commands.join('\n')).not.toMatch(/Secret@/);
    expect(plan.changes[0]?.record.detail).toBe('<secret> → <secret>');
    const step = plan.changes[0]?.steps[0];
    expect(step?.kind === 'config' && step.lines.map(revealLine)).toEqual(['event manager environment _email_server alerts:Sup3r-Secret@smtp.example.net']);
    const undo = plan.changes[0]?.rollback[0];
    expect(undo?.kind === 'config' && undo.lines.map(revealLine)).toEqual(['event manager environment _email_server alerts:Old-Secret@smtp.example.net']);
    expect(commands).toContain('action 9999 syslog msg "certagent: SendSecureEmailEEM done $_none_arg1"');

    // The device shows the applet its own way (one space indent, quotes as given): equal, so untouched.
    const installed = parseFacts(
      [
        'event manager environment _email_server alerts:Sup3r-Secret@smtp.example.net',
        'event manager environment _email_to noc@example.net',
        ...applet.lines,
      ].join('\n'),
    );
    expect(planDevice(installed, want).changes).toEqual([]);
    const changed = parseFacts(
      [
        ...applet.lines.slice(0, 2),
        ' action 0010 mail server "$_email_server" to "x@example.net" from "$_email_from" subject "test" body "hello" secure tls port 587',
      ].join('\n'),
    );
    const replace = planDevice(changed, desired([], { applets: [applet] })).changes[0];
    expect(replace?.record.action).toBe('replaced');
    expect(replace?.steps.flatMap(showStep)[0]).toBe('no event manager applet SendSecureEmailEEM');
    expect(replace?.rollback.flatMap(showStep)).toEqual([
      'no event manager applet SendSecureEmailEEM',
      'event manager applet SendSecureEmailEEM',
      'event none',
      'action 0010 mail server "$_email_server" to "x@example.net" from "$_email_from" subject "test" body "hello" secure tls port 587',
      'exit',
    ]);
  });

  it('adds ip host lines and undoes them', () => {
    const plan = planDevice(
      parseFacts('ip host smtp.example.net 192.0.2.1'),
      desired([], {
        ipHosts: new Map([
          ['smtp.example.net', '192.0.2.25'],
          ['relay.example.net', '192.0.2.26'],
        ]),
      }),
    );
    expect(plan.changes.map((c) => [c.steps.flatMap(showStep), c.rollback.flatMap(showStep)])).toEqual([
      [['ip host smtp.example.net 192.0.2.25'], ['ip host smtp.example.net 192.0.2.1']],
      [['ip host relay.example.net 192.0.2.26'], ['no ip host relay.example.net']],
    ]);
  });

  it('scopes a rotation to certificates and tells about expiring ones and stale chain members', () => {
    const facts = parseFacts([trustpointConfigText('LAB-Old-Root', GLOBALSIGN), 'event manager environment _email_to old@example.net'].join('\n'));
    const want = desired([tp('LAB-GTS-Root-R1', GTS_R1, { chainPrefix: 'LAB-' })], { environment: new Map([['_email_to', 'noc@example.net']]) });
    const plan = planDevice(facts, want, {
      only: ['create', 'replace', 'authenticate'],
      renewBeforeSeconds: 20 * 365 * 86_400,
      now: new Date('2026-01-01T00:00:00Z'),
    });
    expect(summary(plan.changes)).toEqual(['trustpoint LAB-GTS-Root-R1 created']);
    expect(plan.notes).toEqual([
      'trustpoint LAB-Old-Root is no longer part of the chain; left in place (remove it by hand once nothing needs it)',
      expect.stringMatching(/^LAB-GTS-Root-R1: the source's certificate expires in \d+ days/),
    ]);
  });
});

describe('helpers', () => {
  it('orders issuers before what they signed', () => {
    // As a server sends them: GTS CA 1C3, then GTS Root R1 cross-signed by GlobalSign Root CA; the root last.
    const served = parseCertificates(readFileSync('test/fixtures/certs/gts_ca_1c3_and_r1_cross.pem', 'utf8'), 'gts');
    const ordered = installOrder([...served, GLOBALSIGN].map((c, i) => tp(`TP${i}`, c)));
    expect(ordered.map((t) => t.cert.commonName)).toEqual(['GlobalSign Root CA', 'GTS Root R1', 'GTS CA 1C3']);
  });

  it('sends every opening config block first, in one write, and keeps a removal before its new stanza', () => {
    const facts = parseFacts(trustpointConfigText('CA-B', ISRG_X1));
    const want = desired([tp('CA-A', GTS_R1), tp('CA-B', GLOBALSIGN)], {
      ipHosts: new Map([['smtp.example.net', '192.0.2.25']]),
      environment: new Map([['_email_to', 'noc@example.net']]),
    });
    const plan = planDevice(facts, want);
    expect(batches(plan.changes).map((b) => [b.step.kind, b.changes.map((c) => c.record.object)])).toEqual([
      ['config', ['ip host smtp.example.net', 'trustpoint CA-A', 'environment _email_to']],
      ['authenticate', ['trustpoint CA-A']],
      ['remove-trustpoint', ['trustpoint CA-B']],
      ['config', ['trustpoint CA-B']],
      ['authenticate', ['trustpoint CA-B']],
    ]);
    const commands = planCommands(plan);
    expect(commands.slice(0, 3)).toEqual(['configure terminal', 'ip host smtp.example.net 192.0.2.25', 'crypto pki trustpoint CA-A']);
    expect(commands.indexOf('no crypto pki trustpoint CA-B')).toBeLessThan(commands.indexOf('crypto pki trustpoint CA-B'));
    expect(commands.indexOf('event manager environment _email_to noc@example.net')).toBeLessThan(commands.indexOf('crypto pki authenticate CA-A'));
  });

  it('finds new log lines by count, so a repeated identical line still counts', () => {
    expect(newLines('a\nb\n', 'a\nb\nb\nc\n')).toEqual(['b', 'c']);
    expect(newLines('', '')).toEqual([]);
  });

  it('puts the marker after every label, as EEM sorts labels as strings', () => {
    expect(markerLabel(['0010', '0020'])).toBe('9999');
    expect(markerLabel(['10.0', '9999'])).toBe('99999');
  });

  it("redacts the run's secrets and any user:password@host, as the sessions do", () => {
    const redact = secretRedactor(desired([], { secrets: [SERVER] }));
    const text = redact('set alerts:Sup3r-Secret@smtp.example.net; the device had bob:hunter22@mail.example.org');
    expect(text).not.toContain('Sup3r-Secret');
    expect(text).not.toContain('hunter22');
    expect(text).toContain('set ');
  });

  it('names what a rollback left different', () => {
    const before = parseFacts(trustpointConfigText('CA-X', GTS_R1));
    const after = parseFacts(trustpointConfigText('CA-X', GLOBALSIGN));
    const change = planDevice(before, desired([tp('CA-X', GLOBALSIGN)])).changes;
    expect(residue(before, after, change)).toEqual([`trustpoint CA-X is holding SHA1 ${GLOBALSIGN.sha1}, was holding SHA1 ${GTS_R1.sha1}`]);
    expect(residue(before, before, change)).toEqual([]);
  });
});

/** A real IOS XE syslog line (genieparser iosxe ShowLogging golden output), as a vty with terminal monitor prints it. */
const SYSLOG = '*Jun  5 05:10:59.519: %SYS-5-CONFIG_I: Configured from console by cisco on console';

/** `pkiConfig` with the 6th hex line of the certificate edited. */
function garbled(name: string, cert: CertificateFacts, edit: (lines: string[], at: number) => void): string {
  const lines = trustpointConfigText(name, cert).split('\n');
  const at = lines.findIndex((l) => l.startsWith(' certificate ca')) + 6;
  edit(lines, at);
  return lines.join('\n');
}

describe('planning from garbled facts', () => {
  const want = desired([tp('CA-GTS-Root-R1', GTS_R1)]);

  it('plans nothing when a syslog line sits between two hex lines of a certificate that is already installed', () => {
    const facts = parseFacts(garbled('CA-GTS-Root-R1', GTS_R1, (l, at) => l.splice(at, 0, SYSLOG)));
    const plan = planDevice(facts, want);
    expect(plan.changes).toEqual([]);
    expect(plan.unchanged.map((r) => r.action)).toEqual(['unchanged']);
  });

  it('refuses to plan, rather than replace, when a log message broke a hex line or cut the certificate', () => {
    const broken = [
      garbled('CA-GTS-Root-R1', GTS_R1, (l, at) => l.splice(at, 1, `${(l[at] ?? '').slice(0, 14)}${SYSLOG}`)),
      garbled('CA-GTS-Root-R1', GTS_R1, (l, at) => l.splice(at, 1, (l[at] ?? '').trim())),
      garbled('CA-GTS-Root-R1', GTS_R1, (l, at) => l.splice(at)),
      garbled('CA-GTS-Root-R1', GTS_R1, (l, at) => l.splice(at, 1)),
    ];
    for (const text of broken) {
      const facts = parseFacts(text);
      expect(() => planDevice(facts, want)).toThrow(UnreadableFactsError);
      expect(() => planDevice(facts, want)).toThrow(
        /^could not read trustpoint CA-GTS-Root-R1's certificate from the device: certificate 0203E5936F31B01349886BA217: /,
      );
      // Rotation too: the unattended job must not remove a trustpoint it could not read.
      expect(() => planDevice(facts, want, { only: ['create', 'replace', 'authenticate'] })).toThrow(UnreadableFactsError);
    }
  });

  it('names the device, keeps the cause and says what to do', () => {
    const facts = parseFacts(garbled('CA-GTS-Root-R1', GTS_R1, (l, at) => l.splice(at, 1)));
    let error: unknown;
    try {
      planFor('r1', facts, want);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(FactsReadError);
    expect(error).toMatchObject({
      device: 'r1',
      step: 'plan',
      message: expect.stringMatching(/^r1: could not read trustpoint CA-GTS-Root-R1's certificate/),
      advice: expect.stringMatching(/nothing was changed/),
    });
    expect((error as Error).cause).toBeInstanceOf(UnreadableFactsError);
  });

  it('does not take the same serial from the same issuer with other bytes for a new certificate', () => {
    const altered = Buffer.from(GTS_R1.der);
    altered[altered.length - 1] = (altered[altered.length - 1] ?? 0) ^ 0xff;
    const text = [
      'crypto pki trustpoint CA-GTS-Root-R1',
      ' enrollment terminal',
      ' revocation-check none',
      ' chain-validation stop',
      'crypto pki certificate chain CA-GTS-Root-R1',
      ` certificate ca ${GTS_R1.serialHex}`,
      ...iosHexLines(altered).map((l) => `  ${l}`),
      '  \tquit',
    ].join('\n');
    expect(() => planDevice(parseFacts(text), want)).toThrow(
      /it shows serial 0203E5936F31B01349886BA217 of .*GTS Root R1.*, the certificate certagent would install, but with SHA1/,
    );
  });

  it('checks the certificate a rollback would paste back before planning the change', () => {
    const good = parseFacts(trustpointConfigText('CA-ROOT', GLOBALSIGN));
    const old = good.trustpoints.get('CA-ROOT');
    if (!old?.ca) throw new Error('fixture: no CA read');
    const stray = { ...old, ca: { ...old.ca, der: Buffer.concat([old.ca.der, Buffer.from('0000', 'hex')]) } };
    const facts = { ...good, trustpoints: new Map([['CA-ROOT', stray]]) };
    expect(() => planDevice(facts, desired([tp('CA-ROOT', GTS_R1)]))).toThrow(
      /trustpoint CA-ROOT's certificate from the device: the copy kept to restore it is not a certificate/,
    );
  });
});

describe('certificateMismatches', () => {
  it('confirms serials and fingerprints from a real verbose show, and names what differs', () => {
    const shown = loadCapture('ciscodoc_show_crypto_pki_certificates_verbose_vg400_17_14_1.txt');
    const [cert] = parseShowCryptoPkiCertificates(shown).filter((c) => c.kind === 'ca');
    const trustpoint = cert?.associatedTrustpoints[0] ?? '';
    const expected = { trustpoint, serialHex: cert?.serialHex ?? '', md5: cert?.fingerprintMd5 ?? '', sha1: cert?.fingerprintSha1 ?? '' };
    expect(trustpoint).not.toBe('');
    expect(certificateMismatches(shown, [expected])).toEqual([]);
    expect(certificateMismatches(shown, [{ ...expected, sha1: GTS_R1.sha1 }])).toEqual([`${trustpoint}: SHA1 ${expected.sha1} (planned ${GTS_R1.sha1})`]);
    expect(certificateMismatches(shown, [{ ...expected, trustpoint: 'CA-NOPE' }])).toEqual(['CA-NOPE: no CA certificate shown']);
  });

  it.each([
    'ciscodoc_show_crypto_pki_certificates_verbose_vg400_17_14_1.txt',
    'genie_show_crypto_pki_certificates_verbose_csr8kv_1.txt',
    'genie_show_crypto_pki_certificates_verbose_subj_3.txt',
  ])('reads the same serials, fingerprints and trustpoints through the include filter, from far fewer lines (%s)', (name) => {
    const shown = loadCapture(name);
    const filter = new RegExp(CERTIFICATES_FILTER);
    const kept = shown.split('\n').filter((l) => filter.test(l.replace(/\r$/, '')));
    const read = (text: string) =>
      parseShowCryptoPkiCertificates(text).map((c) => [c.kind, c.serialHex, c.fingerprintMd5, c.fingerprintSha1, c.associatedTrustpoints]);
    const full = read(shown);
    expect(full.some(([kind, serial, md5, sha1, tps]) => kind === 'ca' && serial && md5 && sha1 && (tps as string[]).length > 0)).toBe(true);
    expect(read(kept.join('\n'))).toEqual(full);
    expect(kept.length * 3).toBeLessThan(shown.split('\n').length);
  });
});
