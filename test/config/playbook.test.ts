import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { fileURLToPath } from 'node:url';
import {
  environmentValue,
  expandChain,
  loadPlaybook,
  readPlaybook,
  renderLabPlaybook,
  selectCertificates,
  type ChainSpec,
  type Playbook,
} from '../../src/config/index.js';
import { labChainPem, selectable } from './certs.js';
import { configError, scratch, sources } from './helpers.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const home = '/home/ops';
const tmp = scratch();
afterAll(() => tmp.cleanup());

const GMAIL_ENV = {
  GMAIL_SMTP_USER: 'alerts',
  GMAIL_APP_PASSWORD: 'abcd-efgh-ijkl-mnop',
  GMAIL_FROM: 'alerts@gmail.com',
  ALERT_TO: 'noc@example.com',
};

describe('playbooks/secure-email.yaml', () => {
  let playbook: Playbook;
  beforeAll(async () => {
    playbook = await loadPlaybook(`${repo}playbooks/secure-email.yaml`, { home, secrets: sources(GMAIL_ENV) });
  });

  it('declares the four trustpoints of smtp.gmail.com’s chain', () => {
    expect(playbook.trustpoints.map((t) => (t.kind === 'trustpoint' ? t.name : 'chain'))).toEqual([
      'CA-gmail-SMTP',
      'CA-GTS-WR2',
      'CA-GTS-Root-R1',
      'CA-GlobalSign-Root',
    ]);
    const [leaf, wr2, r1, gs] = playbook.trustpoints;
    expect(leaf?.source).toEqual({
      kind: 'probe',
      url: 'smtp://smtp.gmail.com:587',
      protocol: 'smtp-starttls',
      host: 'smtp.gmail.com',
      port: 587,
      select: { kind: 'cn', cn: 'smtp.gmail.com' },
    });
    expect(wr2?.source).toMatchObject({ kind: 'probe', select: { kind: 'cn', cn: 'WR2' } });
    expect(r1?.source).toEqual({ kind: 'pem_file', path: '/usr/share/ca-certificates/mozilla/GTS_Root_R1.crt' });
    expect(r1?.kind === 'trustpoint' && r1.fingerprint).toEqual({ algorithm: 'sha1', hex: 'E58C1CC4913B38634BE9106EE3AD8E6B9DD9814A' });
    expect(gs?.kind === 'trustpoint' && gs.fingerprint?.hex).toBe('B1BC968BD4F49D622AA89A81F2150152A41D829C');
    expect(leaf?.options).toEqual({ enrollment: 'terminal', revocationCheck: 'none', chainValidation: 'stop' });
  });

  it('renders _email_server as user:password@host inside a Secret', () => {
    const server = playbook.eem?.environment._email_server;
    expect(server).toBeDefined();
    if (server === undefined) return;
    const value = environmentValue(server);
    expect(typeof value === 'string' ? value : value.reveal()).toBe('alerts:abcd-efgh-ijkl-mnop@smtp.gmail.com');
    for (const text of [JSON.stringify(playbook), inspect(playbook, { depth: 10 }), `${value}`]) {
      expect(text).not.toContain('abcd-efgh-ijkl-mnop');
    }
  });

  it('numbers the applet actions, and verifies by running it and waiting for mail', () => {
    const applet = playbook.eem?.applets[0];
    expect(applet?.name).toBe('SendSecureEmailEEM');
    expect(applet?.actions[0]).toMatchObject({ kind: 'mail', label: '0010', secure: 'tls', port: 587, server: '$_email_server' });
    expect(playbook.verify).toMatchObject({ runApplet: 'SendSecureEmailEEM', expectMail: true, waitForLogSeconds: 60 });
    expect(playbook.verify?.forbiddenLogPatterns.map((r) => r.source)).toEqual(['%HA_EM-3-FMPD_SMTP|%HA_EM-3-FMPD_ERROR']);
    expect(playbook.rotation).toEqual({ renewBeforeSeconds: 30 * 86400 });
    expect(playbook.warnings).toEqual([]);
  });

  it('refuses an account name with @ (CSCwe75439) and a sender other than that account, without showing secrets', async () => {
    const err = await configError(() =>
      loadPlaybook(`${repo}playbooks/secure-email.yaml`, {
        home,
        secrets: sources({ ...GMAIL_ENV, GMAIL_SMTP_USER: 'alerts@gmail.com', GMAIL_FROM: 'other@gmail.com' }),
      }),
    );
    expect(err.message).toMatch(/secure-email\.yaml:\d+: eem\.environment\._email_server\.user: contains '@': .*CSCwe75439.*account name without '@'/);
    expect(err.message).toMatch(/eem\.applets\[0\]\.actions\[0\]\.mail\.from: differs from the account that authenticates/);
    expect(err.message).not.toContain('abcd-efgh-ijkl-mnop');
  });

  it('names each unset environment variable with the path that references it', async () => {
    const err = await configError(() => loadPlaybook(`${repo}playbooks/secure-email.yaml`, { home, secrets: sources({ GMAIL_SMTP_USER: 'alerts' }) }));
    expect(err.message).toMatch(/eem\.environment\._email_server\.password: environment variable GMAIL_APP_PASSWORD .* is not set/);
    expect(err.message).toMatch(/eem\.environment\._email_from: environment variable GMAIL_FROM .* is not set/);
    expect(err.message).toMatch(/eem\.environment\._email_to: environment variable ALERT_TO .* is not set/);
    expect(err.issues).toHaveLength(3);
  });
});

describe('playbooks/lab-secure-email.yaml', () => {
  it('is exactly what the lab command renders with the defaults', () => {
    expect(readFileSync(`${repo}playbooks/lab-secure-email.yaml`, 'utf8')).toBe(renderLabPlaybook());
  });

  it('loads against a chain file the lab wrote, and expands it into one trustpoint per certificate', async () => {
    const chain = labChainPem();
    tmp.write('lab/.lab/mail-chain.pem', chain);
    const path = tmp.write('lab/playbooks/lab.yaml', renderLabPlaybook({ smtpPort: 2587, smtpAddress: '10.99.0.1' }));
    const playbook = await loadPlaybook(path, { home, secrets: sources({ LAB_SMTP_USER: 'certagent-lab', LAB_SMTP_PASSWORD: 'lab-pw' }) });
    expect(playbook.warnings).toEqual([]);
    expect(playbook.ipHosts).toEqual([{ name: 'smtp.lab.example', address: '10.99.0.1' }]);
    expect(playbook.eem?.applets[0]?.actions[0]).toMatchObject({ kind: 'mail', port: 2587, secure: 'tls' });
    const entry = playbook.trustpoints[0];
    expect(entry?.kind).toBe('chain');
    expect(entry?.source).toEqual({ kind: 'bundle_file', path: `${tmp.dir}/lab/.lab/mail-chain.pem`, select: { kind: 'all' } });
    const trustpoints = expandChain(entry as ChainSpec, selectable(chain));
    expect(trustpoints.map((t) => t.name)).toEqual(['LAB-smtp.lab.example', 'LAB-Lab-Issuing-CA-1', 'LAB-Lab-Root-CA']);
    expect(trustpoints.every((t) => t.source.kind === 'pem' && t.fingerprint?.algorithm === 'sha256')).toBe(true);
  });

  it('says which file is missing when the lab has not written its chain yet', async () => {
    const path = tmp.write('nolab/playbooks/lab.yaml', renderLabPlaybook());
    const err = await configError(() => readPlaybook(path, { home }));
    expect(err.message).toContain(`trustpoints[0].chain.bundle_file: cannot read ${tmp.dir}/nolab/.lab/mail-chain.pem (ENOENT)`);
  });
});

describe('certificate selection', () => {
  const certs = selectable(labChainPem());
  it('picks leaf, root, intermediates and by CN', () => {
    const cn = (select: Parameters<typeof selectCertificates>[1]) => selectCertificates(certs, select).map((c) => c.commonName);
    expect(cn({ kind: 'leaf' })).toEqual(['smtp.lab.example']);
    expect(cn({ kind: 'root' })).toEqual(['Lab Root CA']);
    expect(cn({ kind: 'intermediates' })).toEqual(['Lab Issuing CA 1']);
    expect(cn({ kind: 'cn', cn: 'lab issuing ca 1' })).toEqual(['Lab Issuing CA 1']);
    expect(cn({ kind: 'all' })).toHaveLength(3);
  });
});
