/**
 * The bad inputs of the adversarial suite, generated from the lab's own inventory and playbook: broken and hostile
 * inventories, playbooks, PEM/DER files, flags and environments. Each case says which exit code it must end with (2:
 * refused before any device; 1: refused by a device-side check) and a text its message must name (the file, the
 * flag or the problem), so an error that names nothing fails the suite.
 */
import { toPem } from '../../src/certs/pem.js';
import { issue, testChain, testKey } from '../helpers/cert-factory.js';

export interface CaseFiles {
  /** The lab's inventory and playbook texts and the PEM of its mail chain. */
  readonly inventory: string;
  readonly playbook: string;
  readonly chainPem: string;
}

export interface BadCase {
  readonly name: string;
  /** Command line; `INV`, `PB` and `DIR` are replaced by the case's inventory, playbook and folder. */
  readonly args: readonly string[];
  /** Files to write in the case's folder (name → text or bytes); `inventory.yaml` and `playbook.yaml` default to the lab's. */
  readonly files?: Readonly<Record<string, string | Buffer>>;
  /** Environment changes: a value of `undefined` removes the variable. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly exit: 1 | 2;
  /** What the message must name. */
  readonly names: string | RegExp;
}

const DAY = 86_400_000;
const KEY = `SHA256:${'B'.repeat(43)}`;

function replaceOnce(text: string, from: string | RegExp, to: string): string {
  const out = text.replace(from, to);
  if (out === text) throw new Error(`case generator: ${String(from)} not found`);
  return out;
}

export function generateCases(base: CaseFiles): BadCase[] {
  const cases: BadCase[] = [];
  const rollout = (name: string, files: Record<string, string | Buffer>, names: string | RegExp, extra: Partial<BadCase> = {}): void => {
    cases.push({ name, args: ['rollout', '-i', 'INV', '-p', 'PB', '--progress', 'none'], files, exit: 2, names, ...extra });
  };
  const inv = (name: string, text: string | Buffer, names: string | RegExp = 'inventory.yaml'): void =>
    rollout(`inventory: ${name}`, { 'inventory.yaml': text }, names);
  const pb = (name: string, text: string | Buffer, names: string | RegExp = 'playbook.yaml', files: Record<string, string | Buffer> = {}): void =>
    rollout(`playbook: ${name}`, { 'playbook.yaml': text, ...files }, names);
  const I = base.inventory;
  const P = base.playbook;
  const firstDevice = / {2}- name: lab-r001\n {4}host: 127\.0\.0\.1\n {4}port: (\d+)\n/;
  const port1 = firstDevice.exec(I)?.[1] ?? '0';
  const withDevice = (entry: string) => `${I.trimEnd()}\n${entry}`;
  const device = (fields: string) => `  - name: extra\n${fields}`;

  // --- inventories: syntax and hostile YAML
  inv('unclosed flow sequence', replaceOnce(I, 'groups: [lab]', 'groups: [lab'), /inventory\.yaml:\d+/);
  inv('tab indentation', replaceOnce(I, '    host: 127.0.0.1', '\thost: 127.0.0.1'), /inventory\.yaml:\d+/);
  inv('duplicate key', replaceOnce(I, '    host: 127.0.0.1\n', '    host: 127.0.0.1\n    host: 127.0.0.2\n'), /inventory\.yaml:\d+/);
  inv(
    'alias bomb',
    `a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ndevices: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n`,
    'aliases',
  );
  inv('Latin-1 bytes', Buffer.concat([Buffer.from(I.replace('groups: [lab]', 'groups: [lab]  # caf')), Buffer.from([0xe9, 0x0a])]), 'not UTF-8');
  inv('UTF-16 with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(I, 'utf16le')]), 'inventory.yaml');
  inv('empty file', '', 'inventory.yaml');
  inv('a scalar', 'just text\n', 'inventory.yaml');
  inv('a list', '- a\n- b\n', 'inventory.yaml');
  inv('binary garbage', Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 37) % 256)), 'inventory.yaml');
  inv('null bytes', `${I}\0\0\0`, 'inventory.yaml');
  // --- inventories: devices
  inv('devices is a map', replaceOnce(I, /devices:\n[\s\S]*$/, 'devices:\n  lab-r001: {host: 127.0.0.1}\n'), 'devices');
  inv('no devices', replaceOnce(I, /devices:\n[\s\S]*$/, 'devices: []\n'), 'lists no device');
  inv('device without host', replaceOnce(I, '    host: 127.0.0.1\n', ''), 'host');
  inv('host with port', replaceOnce(I, '    host: 127.0.0.1\n', `    host: "127.0.0.1:${port1}"\n`), 'put the port in port:');
  inv('host with a space', replaceOnce(I, '    host: 127.0.0.1\n', '    host: "127.0.0.1 r1"\n'), 'not a host name');
  inv('host is a URL', replaceOnce(I, '    host: 127.0.0.1\n', '    host: "ssh://127.0.0.1"\n'), 'host');
  inv('port 0', replaceOnce(I, `port: ${port1}`, 'port: 0'), 'port number');
  inv('port 70000', replaceOnce(I, `port: ${port1}`, 'port: 70000'), 'port number');
  inv('port as text', replaceOnce(I, `port: ${port1}`, 'port: ssh'), 'port');
  inv('negative port', replaceOnce(I, `port: ${port1}`, 'port: -22'), 'port number');
  inv('unknown device key', replaceOnce(I, '    groups: [lab]\n', '    groups: [lab]\n    hostname: x\n'), 'hostname');
  inv('duplicate device name', withDevice(device(`    host: 10.0.0.9\n    host_key: "${KEY}"\n`).replace('name: extra', 'name: lab-r002')), 'lab-r002');
  for (const [spelling, host] of [
    ['same host again', '127.0.0.1'],
    ['IPv4-mapped IPv6', '"::ffff:127.0.0.1"'],
    ['short IPv4', '"127.1"'],
    ['hex IPv4', '0x7f.0.0.1'],
    ['bracketed mapped', '"[::FFFF:7F00:1]"'],
  ] as const) {
    inv(`duplicate target: ${spelling}`, withDevice(device(`    host: ${host}\n    port: ${port1}\n    host_key: "${KEY}"\n`)), /same router as 'lab-r001'/);
  }
  inv(
    'duplicate target by name case and trailing dot',
    withDevice(
      `${device(`    host: Router.Example.\n    port: 22\n    host_key: "${KEY}"\n`)}${device(`    host: router.example\n    port: 22\n    host_key: "${KEY}"\n`).replace('name: extra', 'name: extra2')}`,
    ),
    /same router as 'extra'/,
  );
  inv('bad host_key', replaceOnce(I, /host_key: "SHA256:[^"]+"/, 'host_key: "MD5:aa:bb"'), 'host_key');
  inv('host_key and tofu', replaceOnce(I, '  transport: ssh\n', '  transport: ssh\n  host_key_policy: tofu\n'), 'tofu');
  inv('bad transport', replaceOnce(I, 'transport: ssh', 'transport: telnet'), 'transport');
  inv('bad platform', replaceOnce(I, 'platform: iosxe', 'platform: nxos'), 'platform');
  inv('no username', replaceOnce(I, '  username: admin\n', ''), 'username');
  inv('no password', replaceOnce(I, '  password: { env: LAB_PASSWORD }\n', ''), 'password');
  inv('password as plain text', replaceOnce(I, '{ env: LAB_PASSWORD }', 'hunter2'), 'password');
  inv('password env unset', replaceOnce(I, 'LAB_PASSWORD', 'NO_SUCH_VARIABLE_I10'), 'NO_SUCH_VARIABLE_I10');
  inv('password file missing', replaceOnce(I, '{ env: LAB_PASSWORD }', '{ file: /nonexistent/secret }'), '/nonexistent/secret');
  inv('password prompt without a terminal', replaceOnce(I, '{ env: LAB_PASSWORD }', '{ prompt: true }'), 'not a terminal');
  inv('secret ref with two kinds', replaceOnce(I, '{ env: LAB_PASSWORD }', '{ env: LAB_PASSWORD, file: /x }'), 'password');
  inv('unknown group key', replaceOnce(I, '\ndevices:', '\ngroups:\n  lab: { colour: blue }\ndevices:'), 'colour');
  inv('group with bad netconf_port', replaceOnce(I, '\ndevices:', '\ngroups:\n  lab: { netconf_port: 0 }\ndevices:'), 'netconf_port');
  inv('unknown top-level key', `${I}extras: 1\n`, 'extras');
  // --- Ansible inventories
  const ansible = (hosts: string, vars = '') =>
    `all:\n  vars:\n    ansible_user: admin\n    ansible_password: "{{ lookup('env', 'LAB_PASSWORD') }}"\n${vars}  hosts:\n${hosts}`;
  inv('ansible: a hundred million hosts', ansible('    r[0:99999999]:\n'), 'at most 10000');
  inv('ansible: nested ranges beyond the limit', ansible('    r[0:999]x[0:999]:\n'), 'at most 10000');
  inv('ansible: range backwards', ansible('    r[9:1]:\n'), 'runs backwards');
  inv('ansible: range mixing digits and letters', ansible('    r[1:z]:\n'), 'mixes digits and letters');
  inv('ansible: stride 0', ansible('    r[1:9:0]:\n'), 'stride');
  inv('ansible: host with port', ansible(`    r1:\n      ansible_host: "127.0.0.1:${port1}"\n`), 'put the port in ansible_port:');
  inv('ansible: templated host', ansible('    r1:\n      ansible_host: "{{ inventory_hostname }}.lab"\n'), 'templates');
  inv('ansible: vault value', ansible('    r1:\n      ansible_password: !vault |\n        $ANSIBLE_VAULT;1.1;AES256\n        6134\n'), 'vault');
  inv('ansible: bad ansible_port', ansible('    r1:\n      ansible_port: http\n'), 'ansible_port');
  inv(
    'ansible: duplicate targets',
    ansible(`    r1:\n      ansible_host: 127.0.0.1\n      ansible_port: ${port1}\n    r2:\n      ansible_host: 127.0.0.1\n      ansible_port: ${port1}\n`),
    /same router as 'r1'/,
  );

  // --- playbooks: syntax, encodings, structure
  pb('unclosed quote', replaceOnce(P, 'name: lab-secure-email', 'name: "lab-secure-email'), /playbook\.yaml:\d+/);
  pb(
    'alias bomb',
    `a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\ntrustpoints: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n`,
    'aliases',
  );
  pb('Latin-1 description', Buffer.concat([Buffer.from(P.replace(/^description: .*$/m, 'description: caf')), Buffer.from([0xe9, 0x0a])]), 'not UTF-8');
  pb('empty playbook', '', 'declares nothing');
  pb('a list', '- trustpoints\n', 'playbook.yaml');
  pb('unknown top key', `${P}extras: true\n`, 'extras');
  pb('trustpoints is a map', replaceOnce(P, /trustpoints:\n( {2}.*\n)+/, 'trustpoints:\n  a: b\n'), 'trustpoints');
  pb('chain with unknown key', replaceOnce(P, 'name_prefix: LAB-', 'name_prefix: LAB-\n      colour: red'), 'colour');
  pb('bad name_prefix', replaceOnce(P, 'name_prefix: LAB-', 'name_prefix: "LAB PREFIX"'), 'name_prefix');
  pb('enrollment url', replaceOnce(P, '    pin_leaf: true', '    pin_leaf: true\n    enrollment: url'), 'enrollment');
  pb('revocation_check bad', replaceOnce(P, '    pin_leaf: true', '    pin_leaf: true\n    revocation_check: maybe'), 'revocation_check');
  pb('take_over as text', replaceOnce(P, '    pin_leaf: true', '    pin_leaf: true\n    take_over: "yes"'), 'take_over');
  // --- playbooks: certificate sources
  const explicit = (
    entry: string,
    files: Record<string, string | Buffer> = {},
    names: string | RegExp = 'playbook.yaml',
    what = entry.split('\n')[0] ?? entry,
  ): void => pb(`trustpoint ${what}`, replaceOnce(P, 'trustpoints:\n', `trustpoints:\n${entry}\n`), names, files);
  const gts = '/usr/share/ca-certificates/mozilla/GTS_Root_R1.crt';
  explicit('  - name: SLA-TrustPoint\n    pem_file: ' + gts, {}, 'built into IOS XE');
  explicit('  - name: TP-self-signed-1357684700\n    pem_file: ' + gts, {}, 'built into IOS XE');
  explicit('  - name: CISCO_IDEVID_SUDI\n    pem_file: ' + gts, {}, 'built into IOS XE');
  explicit('  - name: CISCO_IDEVID_SUDI_LEGACY0\n    pem_file: ' + gts, {}, 'built into IOS XE');
  explicit('  - name: sla-trustpoint\n    pem_file: ' + gts, {}, 'built into IOS XE');
  explicit('  - name: "bad name"\n    pem_file: ' + gts, {}, 'name');
  explicit(`  - name: ${'X'.repeat(80)}\n    pem_file: ${gts}`, {}, 'name', 'with an 80-character name');
  explicit('  - name: CA-dup\n    pem_file: ' + gts + '\n  - name: ca-DUP\n    pem_file: ' + gts, {}, 'already declared', 'declared twice');
  explicit('  - name: CA-nosource', {}, 'names no certificate source');
  explicit('  - name: CA-two\n    pem_file: ' + gts + '\n    pem: "-----BEGIN CERTIFICATE-----"', {}, 'exactly one certificate source');
  explicit('  - name: CA-nopem\n    pem: "just text"', {}, 'BEGIN CERTIFICATE');
  explicit('  - name: CA-missing\n    pem_file: missing.pem', {}, 'missing.pem');
  explicit('  - name: CA-folder\n    pem_file: /tmp', {}, 'folder');
  explicit('  - name: CA-devzero\n    pem_file: /dev/zero', {}, '/dev/zero');
  const body = base.chainPem.split('-----END CERTIFICATE-----')[0]?.split('-----BEGIN CERTIFICATE-----')[1]?.trim().split('\n') ?? [];
  const pemOf = (lines: readonly string[]) => `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
  const badPems: [string, string | Buffer, string | RegExp][] = [
    ['invalid base64', pemOf([...body.slice(0, 2), '%%%%not base64%%%%', ...body.slice(2)]), 'invalid base64'],
    ['truncated with END line', pemOf(body.slice(0, 4)), 'not a valid X.509'],
    ['not X.509', pemOf([Buffer.from('hello '.repeat(40)).toString('base64')]), 'not a valid X.509'],
    ['empty block', '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n', 'bad.pem'],
    ['no END line', `-----BEGIN CERTIFICATE-----\n${body.join('\n')}\n`, 'bad.pem'],
    ['private key only', '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n', 'BEGIN CERTIFICATE'],
    ['DER bytes', Buffer.from(body.join(''), 'base64'), 'BEGIN CERTIFICATE'],
    ['CRLF and garbage between', `${pemOf(body).replace(/\n/g, '\r\n')}garbage\r\n${pemOf(body)}`, 'certificates'],
    ['two certificates in a pem_file', `${base.chainPem}`, 'bundle_file'],
    ['a huge bundle of 101', Array.from({ length: 101 }, () => pemOf(body)).join(''), 'at most 100'],
  ];
  for (const [what, text, names] of badPems) explicit(`  - name: CA-bad\n    pem_file: bad.pem`, { 'bad.pem': text }, names, `pem_file: ${what}`);
  explicit(`  - name: CA-fp\n    pem_file: ${gts}\n    fingerprint: "not hex"`, {}, 'fingerprint');
  explicit(`  - name: CA-fp2\n    pem_file: ${gts}\n    fingerprint: "00000000 00000000 00000000 00000000 00000000"`, {}, 'not the pinned');
  explicit(`  - name: CA-fp3\n    pem_file: ${gts}\n    fingerprint: "${'0'.repeat(64)}"`, {}, 'not the pinned', 'CA-fp3 SHA-256 mismatch');
  explicit('  - name: CA-sel\n    bundle_file: chain.pem\n    select: Nobody Here', { 'chain.pem': base.chainPem }, 'gives 0 certificates');
  explicit('  - name: CA-selall\n    bundle_file: chain.pem\n    select: all', { 'chain.pem': base.chainPem }, 'select one');
  explicit('  - name: CA-nosel\n    bundle_file: chain.pem', { 'chain.pem': base.chainPem }, 'needs select');
  explicit('  - name: CA-pemsel\n    pem_file: ' + gts + '\n    select: root', {}, 'select applies');
  explicit('  - name: CA-leaf\n    bundle_file: chain.pem\n    select: leaf', { 'chain.pem': base.chainPem }, 'pin_leaf: true');
  explicit('  - name: LAB-Lab-Root-R1\n    pem_file: ' + gts, {}, 'two different certificates', 'explicit name the chain prefix gives');
  for (const [what, url] of [
    ['ftp scheme', 'ftp://mail.example:21'],
    ['credentials', 'smtp://user:pw@mail.example:587'],
    ['path', 'smtp://mail.example:587/x'],
    ['no host', 'smtp://:587'],
    ['not a URL', 'mail.example'],
  ] as const) {
    explicit(`  - name: CA-probe\n    probe: "${url}"\n    select: root`, {}, 'probe', `probe with ${what}`);
  }
  const expired = issue({
    subject: [['cn', 'Expired Root']],
    key: testKey('ec', 'adv-expired'),
    ca: true,
    notBefore: new Date(Date.now() - 400 * DAY),
    notAfter: new Date(Date.now() - 2 * DAY),
  });
  const future = issue({
    subject: [['cn', 'Future Root']],
    key: testKey('ec', 'adv-future'),
    ca: true,
    notBefore: new Date(Date.now() + 3 * DAY),
    notAfter: new Date(Date.now() + 400 * DAY),
  });
  const leaf = testChain('ec', 'mail.adversarial.test', { label: 'adv' }).leaf;
  explicit('  - name: CA-expired\n    pem_file: x.pem', { 'x.pem': toPem(expired.der) }, 'expired', 'expired CA');
  explicit('  - name: CA-future\n    pem_file: x.pem', { 'x.pem': toPem(future.der) }, 'not valid before', 'not-yet-valid CA');
  explicit('  - name: CA-leaf2\n    pem_file: x.pem', { 'x.pem': toPem(leaf.der) }, 'not a CA certificate', 'leaf as CA');
  explicit(
    '  - chain:\n      bundle_file: x.pem\n      name_prefix: SLA-\n    take_over: false',
    { 'x.pem': toPem(issue({ subject: [['cn', 'TrustPoint']], key: testKey('ec', 'adv-sla'), ca: true }).der) },
    'built into IOS XE',
    'chain naming SLA-TrustPoint',
  );
  pb('chain select nothing', replaceOnce(P, 'select: all', 'select: Nobody'), 'selects no certificate');
  pb('chain leaf without pin_leaf', replaceOnce(P, '    pin_leaf: true\n', ''), 'pin_leaf: true');
  pb('chain bundle missing', replaceOnce(P, /bundle_file: ".*"/, 'bundle_file: "nowhere.pem"'), 'nowhere.pem');
  // --- playbooks: EEM, verify, rotation, ip hosts
  pb('environment name with a dash', replaceOnce(P, '    _email_to:', '    _email-to:'), '_email-to');
  pb('server user without password', replaceOnce(P, / {6}password: \{ env: LAB_SMTP_PASSWORD \}\n/, ''), 'password');
  pb('user with @ (CSCwe75439)', replaceOnce(P, 'user: { env: LAB_SMTP_USER }', 'user: "alerts@lab.example"'), 'CSCwe75439');
  pb('applet with a space', replaceOnce(P, 'name: SendSecureEmailEEM', 'name: Send Secure'), 'name');
  pb('applet event timer', replaceOnce(P, 'event: none', 'event: timer'), 'event');
  pb('applet without actions', replaceOnce(P, / {6}actions:\n[\s\S]*?\n\nverify:/, '      actions: []\n\nverify:'), 'lists no action');
  pb('action with two kinds', replaceOnce(P, '        - mail:', '        - puts: hi\n          mail:'), 'one action per entry');
  pb('mail port 0', replaceOnce(P, / {12}port: \d+/, '            port: 0'), 'port');
  pb(
    'label out of order',
    replaceOnce(P, '        - mail:', '        - label: "0050"\n          puts: a\n        - label: "0020"\n          mail:'),
    'does not sort after',
  );
  pb('verify unknown applet', replaceOnce(P, 'run_applet: SendSecureEmailEEM', 'run_applet: Nope'), 'Nope');
  pb('wait_for_log_seconds 0', replaceOnce(P, /wait_for_log_seconds: \d+/, 'wait_for_log_seconds: 0'), 'wait_for_log_seconds');
  pb('forbidden pattern not a regex', replaceOnce(P, 'verify:\n', 'verify:\n  forbidden_log_patterns: "(unclosed"\n'), 'regular expression');
  pb('rotation renew_before nonsense', replaceOnce(P, 'renew_before: 30d', 'renew_before: soon'), 'renew_before');
  pb('ip host not IPv4', replaceOnce(P, / {2}smtp\.lab\.example: [\d.]+/, '  smtp.lab.example: "::1"'), 'IPv4');
  pb('ip host bad name', replaceOnce(P, / {2}smtp\.lab\.example: ([\d.]+)/, '  "smtp lab": $1'), 'host name');
  pb('applet variable not in environment', replaceOnce(P, 'to: $_email_to', 'to: $_email_nobody'), '_email_nobody');
  pb('subject with a newline', replaceOnce(P, /subject: .*/, 'subject: "line one\\nline two"'), 'subject');

  // --- flags
  const flag = (name: string, args: readonly string[], names: string | RegExp, extra: Partial<BadCase> = {}): void => {
    cases.push({ name: `flags: ${name}`, args, exit: 2, names, ...extra });
  };
  const ro = (...more: string[]) => ['rollout', '-i', 'INV', '-p', 'PB', '--progress', 'none', ...more];
  flag('unknown flag', ro('--frobnicate'), 'frobnicate');
  flag('no inventory', ['rollout', '-p', 'PB'], '-i');
  flag('no playbook', ['rollout', '-i', 'INV'], '-p');
  flag('missing inventory file', ['rollout', '-i', 'DIR/none.yaml', '-p', 'PB'], 'none.yaml');
  for (const value of ['0', '-3', 'abc', '99999', '1.5']) flag(`--concurrency ${value}`, ro('--concurrency', value), '--concurrency');
  for (const value of ['0', '-1', 'x']) flag(`--command-timeout ${value}`, ro('--command-timeout', value), '--command-timeout');
  flag('--progress bad', ro('--progress', 'fancy'), '--progress');
  flag('--transport bad', ro('--transport', 'telnet'), '--transport');
  flag('--canary -1', ro('--canary', '-1'), '--canary');
  flag('--wave-size 0', ro('--wave-size', '0'), '--wave-size');
  for (const value of ['-1', '200%', 'many']) flag(`--max-failures ${value}`, ro('--max-failures', value), '--max-failures');
  for (const value of ['-5m', '0', 'soon']) flag(`--device-timeout ${value}`, ro('--device-timeout', value), '--device-timeout');
  flag('--deadline bad', ro('--deadline', 'tomorrow'), '--deadline');
  flag('--renew-before bad', ['rotate', '-i', 'INV', '-p', 'PB', '--renew-before', 'later'], '--renew-before');
  flag('--limit matching nothing', ro('--limit', 'nosuchdevice'), '--limit');
  flag("--limit '!lab-*'", ro('--limit', '!lab-*'), '--limit');
  flag('--limit only commas', ro('--limit', ',,,'), "--limit ',,,' names no device or group");
  flag('--json onto the inventory', ro('--json', 'INV'), '--json');
  flag('--json onto a folder', ro('--json', 'DIR'), '--json');
  flag('--json under a file', ro('--json', 'DIR/playbook.yaml/report.jsonl'), '--json');
  flag('--json onto /dev/zero', ro('--json', '/dev/zero'), '--json');
  flag('--log-file onto the playbook', ro('--log-file', 'PB'), '--log-file');
  flag('--log-file same as --json', ro('--log-file', 'DIR/same.jsonl', '--json', 'DIR/same.jsonl'), 'same path');
  flag('--transcripts onto a file', ro('--transcripts', 'PB'), '--transcripts');
  flag('--journal onto the inventory', ro('--journal', 'INV'), '--journal');
  flag('--journal onto a folder', ro('--journal', 'DIR'), '--journal');
  flag('--resume missing file', ro('--resume', 'DIR/none.jsonl'), '--resume');
  flag('--resume not a journal', ro('--resume', 'PB'), 'journal');
  flag('fix without a device', ['fix', '-i', 'INV', '-p', 'PB'], 'DEVICE');
  flag('fix unknown device', ['fix', 'nosuch', '-i', 'INV', '-p', 'PB'], 'nosuch');
  flag('fix with --limit', ['fix', 'lab-r001', '-i', 'INV', '-p', 'PB', '--limit', 'lab'], '--limit');
  flag('unknown command', ['deploy'], 'deploy');
  flag('validate without files', ['validate'], '-i');
  flag('probe without URL', ['probe'], 'probe');
  flag('probe ftp URL', ['probe', 'ftp://127.0.0.1:21'], 'ftp');
  flag('inspect missing file', ['inspect', 'DIR/none.pem'], 'none.pem');
  flag('inspect a YAML file', ['inspect', 'PB'], 'playbook.yaml');
  // --- validate catches the same problems
  cases.push({
    name: 'validate: duplicate target',
    args: ['validate', '-i', 'INV'],
    files: { 'inventory.yaml': withDevice(device(`    host: "::ffff:127.0.0.1"\n    port: ${port1}\n    host_key: "${KEY}"\n`)) },
    exit: 2,
    names: /same router as 'lab-r001'/,
  });
  cases.push({
    name: 'validate: expired CA',
    args: ['validate', '-p', 'PB'],
    files: { 'playbook.yaml': replaceOnce(P, 'trustpoints:\n', 'trustpoints:\n  - name: CA-expired\n    pem_file: x.pem\n'), 'x.pem': toPem(expired.der) },
    exit: 2,
    names: 'expired',
  });
  cases.push({
    name: 'validate: fingerprint mismatch',
    args: ['validate', '-p', 'PB'],
    files: { 'playbook.yaml': replaceOnce(P, 'trustpoints:\n', `trustpoints:\n  - name: CA-fp\n    pem_file: ${gts}\n    fingerprint: "${'1'.repeat(40)}"\n`) },
    exit: 2,
    names: 'not the pinned',
  });

  // --- environment
  const envCase = (name: string, env: Record<string, string | undefined>, names: string | RegExp, exit: 1 | 2 = 2): void => {
    cases.push({ name: `environment: ${name}`, args: ro(), env, exit, names });
  };
  envCase('router password unset', { LAB_PASSWORD: undefined }, 'LAB_PASSWORD');
  envCase('router password empty', { LAB_PASSWORD: '' }, 'LAB_PASSWORD');
  envCase('enable secret unset', { LAB_ENABLE_SECRET: undefined }, 'LAB_ENABLE_SECRET');
  envCase('smtp user unset', { LAB_SMTP_USER: undefined }, 'LAB_SMTP_USER');
  envCase('smtp password unset', { LAB_SMTP_PASSWORD: undefined }, 'LAB_SMTP_PASSWORD');
  envCase('wrong router password', { LAB_PASSWORD: 'wrong-password-i10' }, /lab-r00\d/, 1);
  // Node's recursive mkdir spins forever under /proc: this case once hung the run after its journal line.
  envCase('lock folder under /proc', { CERTAGENT_LOCK_DIR: '/proc/certagent-locks' }, 'the lock folder /proc/certagent-locks cannot be created (ENOENT');
  cases.push({
    name: 'environment: lock folder under a regular file',
    args: ro(),
    files: { 'a-file': '' },
    env: { CERTAGENT_LOCK_DIR: 'a-file/locks' },
    exit: 2,
    names: 'the lock folder a-file/locks cannot be created (ENOTDIR',
  });
  for (const flag of ['--json', '--log-file', '--journal']) {
    cases.push({ name: `flags: ${flag} under /proc`, args: [...ro(), flag, '/proc/certagent-out/file'], exit: 2, names: '/proc/certagent-out' });
  }
  cases.push({ name: 'flags: --transcripts under /proc', args: [...ro(), '--transcripts', '/proc/certagent-out/t'], exit: 2, names: '--transcripts' });
  return cases;
}
