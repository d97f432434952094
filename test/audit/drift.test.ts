/**
 * Drift as the planner sees it, in words: a missing chain member, a trustpoint holding another CA, one left over from
 * an older chain (extra), an EEM environment value and an applet that differ; secrets never shown. Real
 * certificates (Debian's Mozilla store) and running-config text as IOS XE prints it (dossier 3.5).
 */
import { describe, expect, it } from '@jest/globals';
import { driftLines } from '../../src/audit/index.js';
import { Secret } from '../../src/config/index.js';
import type { EemApplet } from '../../src/config/index.js';
import { parseFacts, renderApplet } from '../../src/workflow/index.js';
import type { DesiredState, DesiredTrustpoint } from '../../src/workflow/index.js';
import { mozillaCertificate, trustpointConfigText } from '../helpers/pki-text.js';

const GTS_R1 = mozillaCertificate('GTS_Root_R1');
const GLOBALSIGN = mozillaCertificate('GlobalSign_Root_CA');
const ISRG_X1 = mozillaCertificate('ISRG_Root_X1');
const ORIGIN = { file: 'test.yaml', path: [] };
const OPTIONS = { enrollment: 'terminal', revocationCheck: 'none', chainValidation: 'stop' } as const;

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
      trustpointConfigText('GMAIL-GTS-Root-R1', ISRG_X1),
      trustpointConfigText('GMAIL-Old-Intermediate', GLOBALSIGN),
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
