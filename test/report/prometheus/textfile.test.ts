/**
 * The Prometheus textfile: accepted by promtool (the reference parser and linter), carrying the fleet's values,
 * labels escaped, written by rename (no half file, no temporary left), an unfinished audit leaving the last file in
 * place; and the README's alert rules accepted by promtool and firing on the series they are meant for.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OutputFileError } from '../../../src/report/index.js';
import { PrometheusTextfile } from '../../../src/report/prometheus/textfile.js';
import { AUDIT_NOW, sampleFleet, summaryOf } from '../../helpers/audits.js';
import { promtool, requirePromtool, sample } from '../../helpers/promtool.js';

describe('Prometheus textfile of an audit', () => {
  let dir: string;
  beforeAll(() => {
    requirePromtool();
    dir = mkdtempSync(join(tmpdir(), 'certagent-prom-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function write(path: string): Promise<string> {
    const fleet = sampleFleet();
    const file = new PrometheusTextfile(path, () => AUDIT_NOW);
    for (const a of fleet) file.deviceAudited(a);
    file.auditFinished(summaryOf(fleet));
    await file.write();
    return readFileSync(path, 'utf8');
  }

  it('passes promtool check metrics and carries the fleet values', async () => {
    const text = await write(join(dir, 'certagent.prom'));
    const checked = await promtool(['check', 'metrics'], text);
    expect(checked).toEqual({ code: 0, output: '' });
    expect(sample(text, 'certagent_device_up', { device: 'R1' })).toBe(1);
    expect(sample(text, 'certagent_device_up', { device: 'R5' })).toBe(0);
    expect(sample(text, 'certagent_mail_ok', { device: 'R4' })).toBe(0);
    expect(sample(text, 'certagent_mail_ok', { device: 'R1' })).toBe(1);
    expect(sample(text, 'certagent_mail_ok', { device: 'R5' })).toBeUndefined();
    expect(sample(text, 'certagent_device_drift', { device: 'R3' })).toBe(1);
    expect(sample(text, 'certagent_device_drift', { device: 'R1' })).toBe(0);
    expect(sample(text, 'certagent_device_findings', { device: 'R3' })).toBe(2);
    const issuing = { device: 'R3', trustpoint: 'LAB-Issuing', role: 'ca', subject_CN: 'Lab Issuing CA', issuer_CN: 'Lab Root R1', serial_number: '0B31' };
    expect(sample(text, 'certagent_certificate_not_after_timestamp_seconds', issuing)).toBe(AUDIT_NOW.getTime() / 1000 + 10 * 86_400);
    expect(sample(text, 'certagent_certificate_expired', issuing)).toBe(0);
    expect(
      sample(text, 'certagent_certificate_expired', { device: 'R2', trustpoint: 'OLD-ROOT', subject_CN: 'Old \\"Corp\\" \\\\ <script>alert(1)</script>' }),
    ).toBe(1);
    expect(sample(text, 'certagent_audit_last_success_timestamp_seconds')).toBe(AUDIT_NOW.getTime() / 1000 + 5);
    expect(sample(text, 'certagent_audit_devices')).toBe(5);
    // Cardinality: one series per certificate and metric, none for the unreachable device.
    expect(text.split('\n').filter((l) => l.startsWith('certagent_certificate_expired{'))).toHaveLength(9);
    expect(text).not.toMatch(/device="R5",trustpoint/);
  });

  it('replaces the file by rename, leaves no temporary, and keeps the last file when the audit did not finish', async () => {
    const path = join(dir, 'swap.prom');
    writeFileSync(path, '# the previous audit\n');
    await write(path);
    expect(readFileSync(path, 'utf8')).toContain('certagent_device_up');
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
    const unfinished = new PrometheusTextfile(path);
    unfinished.deviceAudited(sampleFleet()[0] as never);
    await unfinished.write();
    expect(readFileSync(path, 'utf8')).toContain('certagent_audit_devices 5');
  });

  it('refuses a file in a folder that does not exist before anything is read', () => {
    expect(() => new PrometheusTextfile(join(dir, 'nope', 'x.prom'))).toThrow(OutputFileError);
  });
});

describe("the README's alert rules", () => {
  const readme = readFileSync(fileURLToPath(new URL('../../../README.md', import.meta.url)), 'utf8');
  const rules = /<!-- alert-rules -->\n```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
  let dir: string;
  beforeAll(() => {
    requirePromtool();
    dir = mkdtempSync(join(tmpdir(), 'certagent-rules-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('pass promtool check rules', async () => {
    expect(rules).toBeDefined();
    writeFileSync(join(dir, 'rules.yml'), rules ?? '');
    const checked = await promtool(['check', 'rules', join(dir, 'rules.yml')]);
    expect(checked.output).toContain('SUCCESS: 3 rules found');
    expect(checked.code).toBe(0);
  });

  it('fire for a certificate within 21 days and for failing mail, not for healthy series (promtool test rules)', async () => {
    writeFileSync(join(dir, 'rules.yml'), rules ?? '');
    // At t=0 one certificate has 20 days left and one 400; mail fails on R4 only. Evaluated after the `for:` delays.
    const day = 86_400;
    const test = `rule_files: [rules.yml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'certagent_certificate_not_after_timestamp_seconds{device="R3",trustpoint="LAB-Issuing",role="ca",subject_CN="Lab Issuing CA",issuer_CN="Lab Root R1",serial_number="0B31"}'
        values: '${20 * day}x120'
      - series: 'certagent_certificate_not_after_timestamp_seconds{device="R1",trustpoint="LAB-Issuing",role="ca",subject_CN="Lab Issuing CA",issuer_CN="Lab Root R1",serial_number="0B32"}'
        values: '${400 * day}x120'
      - series: 'certagent_mail_ok{device="R4"}'
        values: '0x120'
      - series: 'certagent_mail_ok{device="R1"}'
        values: '1x120'
      - series: 'certagent_audit_last_success_timestamp_seconds'
        values: '0x120'
    alert_rule_test:
      - eval_time: 90m
        alertname: RouterCertificateExpiringSoon
        exp_alerts:
          - exp_labels: {severity: warning, device: R3, trustpoint: LAB-Issuing, role: ca, subject_CN: Lab Issuing CA, issuer_CN: Lab Root R1, serial_number: 0B31}
            exp_annotations:
              summary: 'R3: LAB-Issuing (Lab Issuing CA) expires in 19.94 days'
              description: 'Run certagent rotate for R3 (serial 0B31).'
      - eval_time: 90m
        alertname: RouterMailAlertingFailing
        exp_alerts:
          - exp_labels: {severity: critical, device: R4}
            exp_annotations:
              summary: 'R4: EEM mail is failing (%HA_EM-3-FMPD_SMTP in its log)'
              description: 'certagent fix R4 diagnoses it.'
      - eval_time: 90m
        alertname: CertagentAuditStale
        exp_alerts: []
`;
    writeFileSync(join(dir, 'rules.test.yml'), test);
    const tested = await promtool(['test', 'rules', join(dir, 'rules.test.yml')]);
    expect(tested.output).toContain('SUCCESS');
    expect(tested.code).toBe(0);
  });
});
