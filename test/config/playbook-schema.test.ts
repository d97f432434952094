import { afterAll, describe, expect, it } from '@jest/globals';
import { loadPlaybook, readPlaybook } from '../../src/config/index.js';
import { labChainPem } from './certs.js';
import { configError, scratch, sources } from './helpers.js';

const home = '/home/ops';
const tmp = scratch();
afterAll(() => tmp.cleanup());
tmp.write('certs/chain.pem', labChainPem());
tmp.write('certs/one.pem', /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(labChainPem())?.[0] ?? '');
tmp.write('certs/empty.pem', 'not a certificate\n');

describe('playbook schema errors', () => {
  it('reports every problem of a file together, each with file, path and line', async () => {
    const path = tmp.write(
      'bad.yaml',
      `name: bad
colour: red
trustpoints:
  - name: "CA GTS Root"
    pem_file: certs/one.pem
  - name: CA-${'x'.repeat(70)}
    pem_file: certs/one.pem
  - name: CA-two-sources
    pem_file: certs/one.pem
    probe: smtp://smtp.example.com:587
  - name: CA-no-source
  - name: CA-bundle-no-select
    bundle_file: certs/chain.pem
  - name: CA-bad-probe
    probe: ftp://x.example.com
    select: root
  - name: CA-bad-fp
    fingerprint: 12345
    pem_file: certs/one.pem
    chain_validation: maybe
  - name: CA-dup
    pem_file: certs/one.pem
  - name: CA-dup
    pem_file: certs/one.pem
  - name: CA-many
    pem_file: certs/chain.pem
  - name: CA-empty
    pem_file: certs/empty.pem
  - name: CA-missing
    pem_file: certs/missing.pem
  - chain:
      probe: smtp://smtp.example.com
      name_prefix: "bad prefix"
eem:
  environment:
    9bad: x
    _email_server: { user: u, host: smtp.example.com }
  applets:
    - name: A1
      event: syslog
      actions: []
    - name: A2
      event: none
      actions:
        - mail: { server: s, to: t, from: f, subject: s, body: b, port: 0 }
        - syslog: { msg: hi }
          puts: also
    - name: A3
      event: none
      actions:
        - puts: first
        - label: "0005"
          puts: out of order
verify:
  run_applet: Nope
  forbidden_log_patterns: ["(unclosed"]
rotation:
  renew_before: a month
ip_hosts:
  smtp.lab.example: not-an-address
`,
    );
    const err = await configError(() => readPlaybook(path, { home }));
    const expected: [string, string][] = [
      ['colour', "unknown key 'colour'"],
      ['trustpoints[0].name', "trustpoint name 'CA GTS Root' contains white space"],
      ['trustpoints[1].name', 'is 73 characters long'],
      ['trustpoints[2]', 'gives pem_file and probe: give exactly one certificate source'],
      ['trustpoints[3]', 'names no certificate source'],
      ['trustpoints[4].select', 'bundle_file needs select'],
      ['trustpoints[5].probe', 'scheme ftp: is not probed'],
      ['trustpoints[6].fingerprint', 'must be a string'],
      ['trustpoints[6].chain_validation', 'must be one of "stop", "continue"'],
      ['trustpoints[8].name', 'trustpoint CA-dup is already declared at trustpoints[7]'],
      ['trustpoints[9].pem_file', 'holds 3 certificates; use bundle_file with select'],
      ['trustpoints[10].pem_file', 'holds no -----BEGIN CERTIFICATE----- block'],
      ['trustpoints[11].pem_file', 'missing.pem (ENOENT)'],
      ['trustpoints[12].chain.name_prefix', 'must start with a letter or digit'],
      ['eem.environment["9bad"]', 'an EEM environment variable name'],
      ['eem.environment._email_server.password', 'is required when user is given'],
      ['eem.applets[0].event', "must be 'none'"],
      ['eem.applets[0].actions', 'lists no action'],
      ['eem.applets[1].actions[0].mail.port', 'must be a port number 1..65535'],
      ['eem.applets[1].actions[1]', 'gives syslog and puts: one action per entry'],
      ['eem.applets[2].actions[1].label', 'label 0005 does not sort after 0010: EEM runs actions in label order'],
      ['verify.run_applet', 'applet Nope is not declared under eem.applets'],
      ['verify.forbidden_log_patterns[0]', 'is not a valid regular expression'],
      ['rotation.renew_before', 'must be a duration like 30d'],
      ['ip_hosts["smtp.lab.example"]', 'must be an IPv4 address'],
    ];
    for (const [where, what] of expected) {
      const line = err.message.split('\n').find((l) => l.includes(`: ${where}: `) && l.includes(what));
      expect({ where, what, line: line ?? 'no such line' }).toEqual({ where, what, line: expect.stringMatching(new RegExp(`${path}:\\d+: `)) });
    }
  });

  it('bounds the log wait', async () => {
    const path = tmp.write('verify.yaml', 'eem:\n  applets:\n    - { name: A, event: none, actions: [{ puts: hi }] }\nverify:\n  wait_for_log_seconds: 0\n');
    const err = await configError(() => readPlaybook(path, { home }));
    expect(err.message).toContain(`${path}:5: verify.wait_for_log_seconds: must be 1..3600 seconds`);
  });

  it('refuses a clear-text password in the environment without repeating it', async () => {
    const path = tmp.write('clear.yaml', 'eem:\n  environment:\n    _email_server: { user: u, password: Pl4in-Text, host: smtp.example.com }\n');
    const err = await configError(() => readPlaybook(path, { home }));
    expect(err.message).toContain('eem.environment._email_server.password: must be a secret reference');
    expect(err.message).not.toContain('Pl4in-Text');
  });
});

function mailPlaybook(opts: { user?: string; env?: string; mail?: string; extraEnv?: string } = {}): string {
  return `eem:
  environment:
    _email_server: { user: ${opts.user ?? '{env: SMTP_USER}'}, password: {env: SMTP_PASSWORD}, host: smtp.example.com }
    _email_to: noc@example.com
    _email_from: ${opts.env ?? 'alerts@example.com'}
${opts.extraEnv ?? ''}  applets:
    - name: Mail
      event: none
      actions:
        - mail: { server: $_email_server, to: $_email_to, from: $_email_from, subject: s, body: b, ${opts.mail ?? 'secure: tls, port: 587'} }
`;
}

describe('EEM limits, after secrets are resolved', () => {
  const secrets = (user: string, password = 'pw-Secret-1') => sources({ SMTP_USER: user, SMTP_PASSWORD: password });

  it('accepts an account name without @ whose address is the sender', async () => {
    const path = tmp.write('ok.yaml', mailPlaybook());
    const playbook = await loadPlaybook(path, { home, secrets: secrets('alerts') });
    expect(playbook.warnings).toEqual([]);
  });

  it('refuses @ in the user or the password (CSCwe75439), naming the path but not the value', async () => {
    const path = tmp.write('at.yaml', mailPlaybook());
    const err = await configError(() => loadPlaybook(path, { home, secrets: secrets('alerts@example.com', 'p@ss-Secret') }));
    expect(err.message).toMatch(
      /eem\.environment\._email_server\.user: contains '@': IOS splits the mail server string user:password@host at the first '@' \(Cisco bug CSCwe75439\)/,
    );
    expect(err.message).toMatch(/eem\.environment\._email_server\.password: contains '@'/);
    expect(err.message).not.toContain('p@ss-Secret');
  });

  it('refuses a sender other than an address-shaped account, and warns when a bare account name differs', async () => {
    const refused = tmp.write('from.yaml', mailPlaybook({ user: 'alerts@example.com', env: 'boss@example.com' }));
    const err = await configError(() => loadPlaybook(refused, { home, secrets: secrets('unused') }));
    expect(err.message).toContain('eem.applets[0].actions[0].mail.from: differs from the account that authenticates');
    const warned = tmp.write('from-warn.yaml', mailPlaybook({ env: 'boss@example.com' }));
    const playbook = await loadPlaybook(warned, { home, secrets: secrets('alerts') });
    expect(playbook.warnings.map((w) => w.message)).toEqual([expect.stringContaining("is not the authenticating account's address")]);
  });

  it('refuses port 465 (implicit TLS) and warns about a password sent without TLS', async () => {
    const path = tmp.write('465.yaml', mailPlaybook({ mail: 'secure: tls, port: 465' }));
    const err = await configError(() => loadPlaybook(path, { home, secrets: secrets('alerts') }));
    expect(err.message).toMatch(/mail\.port: port 465 is implicit TLS \(SMTPS\), which IOS EEM does not speak: its secure tls is STARTTLS/);
    const clear = tmp.write('none.yaml', mailPlaybook({ mail: 'secure: none, port: 587' }));
    const playbook = await loadPlaybook(clear, { home, secrets: secrets('alerts') });
    expect(playbook.warnings[0]?.message).toContain('sends the password of _email_server without TLS');
    expect(playbook.warnings[0]?.path).toEqual(['eem', 'applets', 0, 'actions', 0, 'mail', 'secure']);
  });

  it('names a variable the applet uses but the environment lacks ($_email_cc)', async () => {
    const path = tmp.write('cc.yaml', mailPlaybook({ mail: 'cc: $_email_cc, secure: tls, port: 587' }));
    const err = await configError(() => readPlaybook(path, { home }));
    expect(err.message).toMatch(/eem\.applets\[0\]\.actions\[0\]\.mail\.cc: uses \$_email_cc, which eem\.environment does not define/);
    const defined = tmp.write('cc-ok.yaml', mailPlaybook({ mail: 'cc: $_email_cc, secure: tls, port: 587', extraEnv: '    _email_cc: ops@example.com\n' }));
    await expect(readPlaybook(defined, { home })).resolves.toBeDefined();
  });

  it('refuses text that cannot be typed on one CLI line, without showing a secret', async () => {
    const path = tmp.write(
      'lines.yaml',
      mailPlaybook({ mail: 'secure: tls, port: 587' }).replace('body: b', 'body: "two\\nlines"').replace('subject: s', `subject: 'say "hi"'`),
    );
    const err = await configError(() => readPlaybook(path, { home }));
    expect(err.message).toContain('mail.body: spans several lines; an EEM action is one CLI line');
    expect(err.message).toContain('mail.subject: contains a double quote');
    const ok = tmp.write('lines-ok.yaml', mailPlaybook());
    const broken = await configError(() => loadPlaybook(ok, { home, secrets: secrets('alerts', 'line1\nline2') }));
    expect(broken.message).toContain('eem.environment._email_server.password: _email_server password spans several lines');
    expect(broken.message).not.toContain('line1');
  });

  it('refuses credentials written into the mail server field', async () => {
    const path = tmp.write(
      'literal.yaml',
      mailPlaybook({ mail: 'secure: tls, port: 587' }).replace('server: $_email_server', 'server: "u:p@smtp.example.com"'),
    );
    const err = await configError(() => loadPlaybook(path, { home, secrets: secrets('alerts') }));
    expect(err.message).toContain('mail.server: holds credentials in clear text');
  });

  it('generates labels after given ones', async () => {
    const path = tmp.write(
      'labels.yaml',
      'eem:\n  applets:\n    - name: L\n      event: none\n      actions:\n        - puts: a\n        - { label: "0100", puts: b }\n        - puts: c\n',
    );
    const playbook = await readPlaybook(path, { home });
    expect(playbook.eem?.applets[0]?.actions.map((a) => a.label)).toEqual(['0010', '0100', '0110']);
  });
});
