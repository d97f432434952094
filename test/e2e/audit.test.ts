/**
 * `certagent audit` against a lab fleet in known states: two routers fully configured by a rollout, one that lost
 * its intermediate, one that also holds a CA certificate expired long ago (staged with the lab's seedCertificate),
 * one whose mail is failing (its applet run against an address where nothing listens, so the lab's EEM logs the
 * real FMPD_SMTP/FMPD_ERROR pair, password included), and one refusing connections. The audit must report exactly
 * those findings, exit 1, send only show commands and leave every router as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { auditCommand } from '../../src/cli/commands/audit.js';
import type { AuditCommandDeps } from '../../src/cli/commands/audit.js';
import { parseAuditReport } from '../../src/report/audit/json.js';
import type { DeviceAudit } from '../../src/report/audit/types.js';
import { runApplet } from '../../src/lab/router/eem/runner.js';
import { resolveDesired } from '../../src/workflow/index.js';
import { runFleet } from '../../src/fleet/index.js';
import { issue, testKey } from '../helpers/cert-factory.js';
import { promtool, requirePromtool, sample } from '../helpers/promtool.js';
import { openReport, secretsIn, startBrowser } from '../helpers/browser.js';
import { rolloutCommand } from '../../src/cli/commands/rollout.js';
import { Capture, RecordingReporter, startE2eLab } from './helpers.js';
import type { E2eLab } from './helpers.js';

const DAY = 86_400_000;

describe('audit of a lab fleet in known states', () => {
  let e2e: E2eLab;
  const names = ['lab-r001', 'lab-r002', 'lab-r003', 'lab-r004', 'lab-r005', 'lab-r006'];
  let before: Map<string, string>;

  beforeAll(async () => {
    requirePromtool();
    e2e = await startE2eLab({ devices: 6 });
    const inventory = await e2e.inventory();
    const rollout = await runFleet({
      command: 'rollout',
      devices: inventory.devices.filter((d) => d.name !== 'lab-r006'),
      desired: await resolveDesired(await e2e.playbook()),
      resolver: e2e.resolver(),
      reporter: new RecordingReporter(),
      concurrency: 5,
      session: { commandTimeoutMs: 5_000, connectTimeoutMs: 5_000 },
      retry: { retries: 0 },
      pollIntervalMs: 50,
    });
    expect(rollout.exitCode).toBe(0);

    e2e.lab.device('lab-r003').router.state.pki.trustpoints.delete('LAB-Lab-Root-R1-CA-1C3');
    const expired = issue({
      subject: 'Old Corp Root',
      key: testKey('rsa', 'audit-old'),
      ca: true,
      notBefore: new Date(Date.now() - 800 * DAY),
      notAfter: new Date(Date.now() - 35 * DAY),
    });
    e2e.lab.device('lab-r004').router.seedCertificate('OLD-CORP-ROOT', expired.der);
    const r005 = e2e.lab.device('lab-r005').router.state;
    const applet = r005.eem.applets.get('SendSecureEmailEEM');
    if (!applet) throw new Error('lab-r005 has no SendSecureEmailEEM after the rollout');
    const address = r005.ipHosts.get('smtp.lab.example') ?? '';
    // 127.0.0.2 is loopback too, and nothing listens on the mail port there: the connect is refused at once.
    r005.ipHosts.set('smtp.lab.example', '127.0.0.2');
    const run = await runApplet(r005, applet, { args: ['broken'], mailStepTimeoutMs: 2_000 });
    r005.ipHosts.set('smtp.lab.example', address);
    expect(run.ok).toBe(false);
    e2e.lab.device('lab-r006').router.setFaults({ refuseConnections: true });
    before = new Map(e2e.lab.devices.map((d) => [d.name, d.router.runningConfig()]));
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  function deps(out: Capture, err: Capture): AuditCommandDeps {
    return {
      secrets: { env: (n) => e2e.env[n], readFile: (p) => readFileSync(p, 'utf8'), prompt: () => Promise.reject(new Error('no prompt')) },
      stdout: out,
      stderr: err,
      retry: { retries: 0 },
      session: { commandTimeoutMs: 5_000, connectTimeoutMs: 5_000 },
    };
  }

  it('reports exactly the staged findings, exits 1, and sends nothing but show commands', async () => {
    const logged = new Map(e2e.lab.devices.map((d) => [d.name, d.router.state.commands.total]));
    const configuring = new Map(e2e.lab.devices.map((d) => [d.name, d.router.state.commands.configuring]));
    const out = new Capture();
    const err = new Capture();
    const json = join(e2e.dir, 'audit.jsonl');
    const prom = join(e2e.dir, 'certagent.prom');
    const html = join(e2e.dir, 'audit.html');
    const code = await auditCommand(deps(out, err)).run([
      '-i',
      e2e.inventoryFile,
      '-p',
      e2e.playbookFile,
      '--json',
      json,
      '--prometheus',
      prom,
      '--html',
      html,
      '--progress',
      'lines',
      '--concurrency',
      '3',
    ]);
    expect(err.text).not.toContain('reporter');
    expect(code).toBe(1);

    const records = parseAuditReport(readFileSync(json, 'utf8'));
    expect(records[0]).toMatchObject({ type: 'audit', format: 'certagent-audit/1', devices: names });
    expect(records[records.length - 1]).toMatchObject({
      type: 'summary',
      devices: 6,
      up: 5,
      withFindings: 4,
      findings: { drift: 1, expired: 1, 'mail-failing': 1, unreachable: 1 },
    });
    const audits = new Map(records.flatMap((r) => (r.type === 'device' ? [[r.device, r as DeviceAudit] as const] : [])));
    const kinds = Object.fromEntries(names.map((n) => [n, audits.get(n)?.findings.map((f) => `${f.kind}${f.trustpoint ? ` ${f.trustpoint}` : ''}`)]));
    expect(kinds).toEqual({
      'lab-r001': [],
      'lab-r002': [],
      'lab-r003': ['drift'],
      'lab-r004': ['expired OLD-CORP-ROOT'],
      'lab-r005': ['mail-failing'],
      'lab-r006': ['unreachable'],
    });
    expect(audits.get('lab-r003')?.drift).toEqual([
      expect.stringMatching(/^trustpoint LAB-Lab-Root-R1-CA-1C3 missing \(cn=Lab Root R1 CA 1C3, serial [0-9A-F]+, SHA1 [0-9A-F ]+\)$/),
    ]);
    expect(audits.get('lab-r001')).toMatchObject({ up: true, mail: { state: 'ok' }, drift: [] });
    expect(audits.get('lab-r001')?.trustpoints.map((t) => [t.name, t.certificates.map((c) => `${c.role} ${c.subjectCn ?? ''}`)])).toEqual([
      ['LAB-Lab-Root-R1', ['ca Lab Root R1']],
      ['LAB-Lab-Root-R1-CA-1C3', ['ca Lab Root R1 CA 1C3']],
      ['LAB-smtp.lab.example', ['ca smtp.lab.example']],
    ]);
    const r004 = audits.get('lab-r004');
    expect(r004?.soonestExpiry?.trustpoint).toBe('OLD-CORP-ROOT');
    expect(r004?.findings[0]?.message).toMatch(
      /^OLD-CORP-ROOT: the CA certificate cn=Old Corp Root \(serial [0-9A-F]+\) expired on \d{4}-\d\d-\d\d \(3[45] days ago\)/,
    );
    const r005 = audits.get('lab-r005');
    expect(r005?.mail.state).toBe('failing');
    expect(r005?.mail.lastFailure?.reason).toBe('error in connecting to SMTP server');
    expect(r005?.findings[0]?.message).toMatch(/^e-mail alerting failed at \S+ +\d+ [\d:.]+: error in connecting to SMTP server \(last proof of success at /);
    expect(audits.get('lab-r006')).toMatchObject({ up: false, trustpoints: [], commands: [] });
    expect(audits.get('lab-r006')?.findings[0]?.message).toContain('lab-r006');

    // Read-only: two show commands per reachable device, no line in a configuration mode, configs untouched.
    for (const device of e2e.lab.devices) {
      const log = device.router.state.commands;
      const entries = log.entries();
      const sent = entries.slice(entries.length - (log.total - (logged.get(device.name) ?? 0))).map((c) => c.text);
      if (device.name === 'lab-r006') expect(sent).toEqual([]);
      // Session setup (`terminal length 0`, ...) and `exit` at the end aside.
      else
        expect(sent.filter((c) => !c.startsWith('terminal ') && c !== 'exit')).toEqual([
          'show running-config | section crypto pki|event manager|ip host|^banner|\\^C',
          'show logging | include %HA_EM',
        ]);
      expect(log.configuring).toBe(configuring.get(device.name));
      expect(device.router.runningConfig()).toBe(before.get(device.name));
    }

    // The metrics: accepted by promtool, with the fleet's values.
    const metrics = readFileSync(prom, 'utf8');
    expect(await promtool(['check', 'metrics'], metrics)).toEqual({ code: 0, output: '' });
    expect(names.map((n) => sample(metrics, 'certagent_device_up', { device: n }))).toEqual([1, 1, 1, 1, 1, 0]);
    expect(names.map((n) => sample(metrics, 'certagent_mail_ok', { device: n }))).toEqual([1, 1, 1, 1, 0, undefined]);
    expect(names.map((n) => sample(metrics, 'certagent_device_drift', { device: n }))).toEqual([0, 0, 1, 0, 0, undefined]);
    expect(
      sample(metrics, 'certagent_certificate_expired', {
        device: 'lab-r004',
        trustpoint: 'OLD-CORP-ROOT',
        role: 'ca',
        subject_CN: 'Old Corp Root',
        issuer_CN: 'Old Corp Root',
      }),
    ).toBe(1);
    expect(sample(metrics, 'certagent_certificate_expired', { device: 'lab-r001', trustpoint: 'LAB-Lab-Root-R1', subject_CN: 'Lab Root R1' })).toBe(0);
    const notAfter = r004?.soonestExpiry?.notAfter ?? '';
    expect(sample(metrics, 'certagent_certificate_not_after_timestamp_seconds', { device: 'lab-r004', trustpoint: 'OLD-CORP-ROOT' })).toBe(
      Date.parse(notAfter) / 1000,
    );
    expect(metrics).not.toContain('SLA-TrustPoint');
    expect(sample(metrics, 'certagent_audit_devices')).toBe(6);

    // The table, the plain findings, and no secret anywhere.
    expect(out.text).toMatch(/^DEVICE\s+TRUSTPOINTS\s+SOONEST EXPIRY\s+FINDINGS$/m);
    expect(out.text).toMatch(/^lab-r004\s+4\s+\d{4}-\d\d-\d\d \(expired 3[45]d ago\) OLD-CORP-ROOT\s+expired$/m);
    expect(out.text).toMatch(/^lab-r001\s+3\s+\d{4}-\d\d-\d\d \(\d+d\) LAB-\S+\s+none$/m);
    expect(out.text).toContain('audit: 6 devices, 5 reached, 4 with findings');
    for (const text of [out.text, err.text, readFileSync(json, 'utf8'), metrics, readFileSync(html, 'utf8')]) {
      expect(secretsIn(text, Object.values(e2e.env))).toEqual([]);
    }

    // The HTML report in a real browser: the six devices, the chart, the findings; nothing fetched, no error.
    const browser = await startBrowser();
    try {
      const { page, problems, requests } = await openReport(browser, html);
      expect(await page.locator('#devices tbody tr td:first-child').allTextContents()).toEqual([
        'lab-r004',
        'lab-r003',
        'lab-r005',
        'lab-r006',
        'lab-r001',
        'lab-r002',
      ]);
      expect(await page.locator('#timeline rect').count()).toBe(54);
      expect(await page.locator('main').textContent()).toContain('OLD-CORP-ROOT: the CA certificate cn=Old Corp Root');
      await page.screenshot({ path: join(e2e.dir, 'audit.png'), fullPage: true });
      expect(problems).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('rollout --html: the run as a page with the changes and the redacted commands sent', async () => {
    const html = join(e2e.dir, 'rollout.html');
    const out = new Capture();
    const code = await rolloutCommand({
      ...deps(out, new Capture()),
      fleet: { retry: { retries: 0 }, pollIntervalMs: 50, session: { commandTimeoutMs: 5_000, connectTimeoutMs: 5_000 } },
    }).run([
      '-i',
      e2e.inventoryFile,
      '-p',
      e2e.playbookFile,
      '--limit',
      'lab-r003',
      '--html',
      html,
      '--progress',
      'none',
      '--journal',
      join(e2e.dir, 'journal.jsonl'),
    ]);
    expect(code).toBe(0);
    const text = readFileSync(html, 'utf8');
    expect(secretsIn(text, Object.values(e2e.env))).toEqual([]);
    const browser = await startBrowser();
    try {
      const { page, problems, requests } = await openReport(browser, html);
      expect(await page.locator('#devices tbody tr td:first-child').allTextContents()).toEqual(['lab-r003']);
      expect(await page.locator('#devices tbody tr td:nth-child(3)').textContent()).toBe('changed');
      const main = (await page.locator('main').textContent()) ?? '';
      expect(main).toContain('trustpoint LAB-Lab-Root-R1-CA-1C3 created');
      expect(main).toContain('crypto pki trustpoint LAB-Lab-Root-R1-CA-1C3');
      expect(problems).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('exits 0 when nothing is found, and 2 on bad input without touching a router', async () => {
    const out = new Capture();
    expect(
      await auditCommand(deps(out, new Capture())).run(['-i', e2e.inventoryFile, '-p', e2e.playbookFile, '--limit', 'lab-r001,lab-r002', '--progress', 'none']),
    ).toBe(0);
    expect(out.text).toContain('audit: 2 devices, 2 reached, 0 with findings');
    const total = e2e.lab.devices.map((d) => d.router.state.commands.total);
    await expect(auditCommand(deps(new Capture(), new Capture())).run(['-i', e2e.inventoryFile, '--warn-before', 'soon'])).rejects.toThrow(
      /--warn-before must be a duration like 30d/,
    );
    const err = new Capture();
    expect(await auditCommand(deps(new Capture(), err)).run(['-i', join(e2e.dir, 'missing.yaml')])).toBe(2);
    expect(err.text).toContain('missing.yaml');
    expect(e2e.lab.devices.map((d) => d.router.state.commands.total)).toEqual(total);
  });
});

describe('audit over NETCONF', () => {
  let e2e: E2eLab;
  beforeAll(async () => {
    e2e = await startE2eLab({ devices: 2, netconf: true });
    await e2e.lab.writeInventory(e2e.inventoryFile, { transport: 'netconf' });
    const expired = issue({
      subject: 'Old Corp Root',
      key: testKey('rsa', 'audit-old'),
      ca: true,
      notBefore: new Date(Date.now() - 800 * DAY),
      notAfter: new Date(Date.now() - 35 * DAY),
    });
    e2e.lab.device('lab-r002').router.seedCertificate('OLD-CORP-ROOT', expired.der);
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('reads trustpoints with one get-config and two CLI show commands, and changes nothing', async () => {
    const before = e2e.lab.devices.map((d) => [d.router.runningConfig(), d.router.state.commands.configuring]);
    const out = new Capture();
    const json = join(e2e.dir, 'netconf-audit.jsonl');
    const code = await auditCommand({
      secrets: { env: (n) => e2e.env[n], readFile: (p) => readFileSync(p, 'utf8'), prompt: () => Promise.reject(new Error('no prompt')) },
      stdout: out,
      stderr: new Capture(),
      retry: { retries: 0 },
      session: { commandTimeoutMs: 5_000, connectTimeoutMs: 5_000 },
    }).run(['-i', e2e.inventoryFile, '--json', json, '--progress', 'none']);
    expect(code).toBe(1);
    const audits = parseAuditReport(readFileSync(json, 'utf8')).flatMap((r) => (r.type === 'device' ? [r as DeviceAudit] : []));
    expect(audits.map((a) => [a.device, a.transport, a.up, a.findings.map((f) => f.kind)])).toEqual(
      expect.arrayContaining([
        ['lab-r001', 'netconf', true, []],
        ['lab-r002', 'netconf', true, ['expired']],
      ]),
    );
    expect(audits.find((a) => a.device === 'lab-r002')?.trustpoints.map((t) => [t.name, t.certificates[0]?.subjectCn])).toEqual([
      ['OLD-CORP-ROOT', 'Old Corp Root'],
    ]);
    for (const device of e2e.lab.devices) {
      const ops = device.router.state.commands
        .entries()
        .map((c) => `${c.mode === 'netconf' ? 'netconf ' : ''}${c.text}`)
        .filter((c) => !c.startsWith('terminal ') && c !== 'exit');
      expect(ops).toEqual([
        'netconf get-config',
        'show running-config | section crypto pki certificate chain|event manager applet|^banner|\\^C',
        'show logging | include %HA_EM',
        'netconf close-session',
      ]);
    }
    expect(e2e.lab.devices.map((d) => [d.router.runningConfig(), d.router.state.commands.configuring])).toEqual(before);
  });
});
