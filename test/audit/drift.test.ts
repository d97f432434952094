/**
 * Drift as the planner sees it, in words: a missing chain member, a trustpoint holding another CA, one left over from
 * an older chain (extra), an EEM environment value and an applet that differ; secrets never shown. Real
 * certificates (Debian's Mozilla store) and running-config text as IOS XE prints it (dossier 3.5).
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { driftLines } from '../../src/audit/index.js';
import { iosHexLines } from '../../src/certs/ios-format.js';
import type { CertificateFacts } from '../../src/certs/types.js';
import { parseCertificates } from '../../src/certs/x509.js';
import { Secret } from '../../src/config/index.js';
import type { EemApplet } from '../../src/config/index.js';
import { parseFacts, renderApplet } from '../../src/workflow/index.js';
import type { DesiredState, DesiredTrustpoint } from '../../src/workflow/index.js';

function mozilla(name: string): CertificateFacts {
  const [cert] = parseCertificates(readFileSync(`/usr/share/ca-certificates/mozilla/${name}.crt`, 'utf8'), name);
  if (!cert) throw new Error(`no certificate in ${name}`);
  return cert;
}

const GTS_R1 = mozilla('GTS_Root_R1');
const GLOBALSIGN = mozilla('GlobalSign_Root_CA');
const ISRG_X1 = mozilla('ISRG_Root_X1');
const ORIGIN = { file: 'test.yaml', path: [] };
const OPTIONS = { enrollment: 'terminal', revocationCheck: 'none', chainValidation: 'stop' } as const;

function pkiConfig(name: string, cert: CertificateFacts): string {
  return [
    `crypto pki trustpoint ${name}`,
    ' enrollment terminal',
    ' revocation-check none',
    ' chain-validation stop',
    `crypto pki certificate chain ${name}`,
    ` certificate ca ${cert.serialHex}`,
    ...iosHexLines(cert.der).map((l) => `  ${l}`),
    '  \tquit',
  ].join('\n');
}

const applet = (subject: string): EemApplet => ({
  name: 'SendSecureEmailEEM',
  event: { kind: 'none' },
  actions: [
    {
      kind: 'mail',
      label: '0010',
      server: '$_email_server',
      to: '$_email_to',
      from: '$_email_from',
      subject,
      body: 'hello',
      secure: 'tls',
      port: 587,
      origin: ORIGIN,
    },
  ],
  origin: ORIGIN,
});

describe('drift against the playbook', () => {
  it('names missing, different and extra trustpoints, and differing EEM, without a secret', () => {
    const trustpoints: DesiredTrustpoint[] = [
      { name: 'GMAIL-GTS-Root-R1', cert: GTS_R1, options: OPTIONS, chainPrefix: 'GMAIL-' },
      { name: 'GMAIL-GlobalSign', cert: GLOBALSIGN, options: OPTIONS, chainPrefix: 'GMAIL-' },
    ];
    const desired: DesiredState = {
      trustpoints,
      environment: new Map<string, string | Secret>([
        ['_email_to', 'noc@example.net'],
        ['_email_server', new Secret('alerts:Sup3r-Secret@smtp.example.net', 'env SMTP')],
      ]),
      applets: [renderApplet(applet('router alert'), true)],
      ipHosts: new Map(),
      secrets: [],
    };
    const running = [
      pkiConfig('GMAIL-GTS-Root-R1', ISRG_X1),
      pkiConfig('GMAIL-Old-Intermediate', GLOBALSIGN),
      'event manager environment _email_to ops@example.net',
      'event manager environment _email_server alerts:Sup3r-Secret@smtp.example.net',
      ...renderApplet(applet('old subject'), true).lines,
    ].join('\n');
    const lines = driftLines(parseFacts(running), desired);
    expect(lines).toEqual([
      expect.stringMatching(
        /^trustpoint GMAIL-GTS-Root-R1 holds a different CA certificate \(cn=ISRG Root X1, serial 008210CFB0D240E3594463E0BB63828B00 → cn=GTS Root R1, serial [0-9A-F]+, SHA1 [0-9A-F ]+\)$/,
      ),
      // GlobalSign Root CA's well-known SHA1, B1:BC:96:8B:...:82:9C, in IOS's groups.
      'trustpoint GMAIL-GlobalSign missing (cn=GlobalSign Root CA, serial 040000000001154B5AC394, SHA1 B1BC968B D4F49D62 2AA89A81 F2150152 A41D829C)',
      'environment _email_to differs (ops@example.net → noc@example.net)',
      "applet SendSecureEmailEEM differs (2 actions (the last one certagent's proof marker))",
      "trustpoint GMAIL-Old-Intermediate extra (not in the playbook's chain any more)",
    ]);
    expect(lines.join('\n')).not.toContain('Sup3r-Secret');
  });
});
