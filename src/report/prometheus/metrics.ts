/**
 * The audit as Prometheus metrics, in the names and labels of x509-certificate-exporter (`subject_CN`,
 * `issuer_CN`, `serial_number`, `*_expired`) and cert-manager (`*_timestamp_seconds` gauges), prefixed `certagent_`,
 * so their dashboards and alert rules carry over with a changed prefix. Cardinality stays bounded: one series set
 * per audited certificate (built-in trustpoints only with --all-trustpoints, as the audit reports them) and a few
 * per device. The exposition text comes from prom-client's registry: its escaping and HELP/TYPE lines are the
 * reference client's, not ours.
 */
import { Gauge, Registry } from 'prom-client';
import type { AuditSummary, DeviceAudit } from '../audit/types.js';

const CERT_LABELS = ['device', 'trustpoint', 'role', 'subject_CN', 'issuer_CN', 'serial_number'] as const;

export class AuditMetrics {
  readonly registry = new Registry();
  readonly #notAfter = this.#gauge(
    'certagent_certificate_not_after_timestamp_seconds',
    "End of the certificate's validity (notAfter), Unix time.",
    CERT_LABELS,
  );
  readonly #notBefore = this.#gauge(
    'certagent_certificate_not_before_timestamp_seconds',
    "Start of the certificate's validity (notBefore), Unix time.",
    CERT_LABELS,
  );
  readonly #expired = this.#gauge('certagent_certificate_expired', '1 when the certificate had expired at the audit, else 0.', CERT_LABELS);
  readonly #up = this.#gauge('certagent_device_up', '1 when the device could be read by the audit, else 0.', ['device']);
  readonly #drift = this.#gauge('certagent_device_drift', 'Objects that differ from the playbook (0: as the playbook says); only with a playbook.', ['device']);
  readonly #mail = this.#gauge(
    'certagent_mail_ok',
    "1 when the device's last mail result in its log is a certagent proof, 0 when it is a failure; absent when the log shows neither.",
    ['device'],
  );
  readonly #findings = this.#gauge('certagent_device_findings', 'Findings of the audit for the device (expired, expiring, weak, drift, mail, unreachable).', [
    'device',
  ]);
  readonly #lastSuccess = this.#gauge('certagent_audit_last_success_timestamp_seconds', 'When the last audit finished, Unix time.', []);
  readonly #devices = this.#gauge('certagent_audit_devices', 'Devices in the last audit.', []);
  readonly #duration = this.#gauge('certagent_audit_duration_seconds', 'How long the last audit took.', []);

  #gauge<L extends string>(name: string, help: string, labelNames: readonly L[]): Gauge<L> {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }

  add(audit: DeviceAudit, now: Date): void {
    const device = audit.device;
    this.#up.set({ device }, audit.up ? 1 : 0);
    this.#findings.set({ device }, audit.findings.length);
    if (!audit.up) return;
    if (audit.drift !== undefined) this.#drift.set({ device }, audit.drift.length);
    if (audit.mail.state !== 'unknown') this.#mail.set({ device }, audit.mail.state === 'ok' ? 1 : 0);
    for (const tp of audit.trustpoints) {
      for (const c of tp.certificates) {
        if (c.notAfter === undefined) continue;
        const labels = { device, trustpoint: tp.name, role: c.role, subject_CN: c.subjectCn ?? '', issuer_CN: c.issuerCn ?? '', serial_number: c.serialHex };
        const notAfter = Date.parse(c.notAfter);
        this.#notAfter.set(labels, notAfter / 1000);
        if (c.notBefore !== undefined) this.#notBefore.set(labels, Date.parse(c.notBefore) / 1000);
        this.#expired.set(labels, notAfter <= now.getTime() ? 1 : 0);
      }
    }
  }

  finish(summary: AuditSummary): void {
    this.#lastSuccess.set(Date.parse(summary.finishedAt) / 1000);
    this.#devices.set(summary.devices);
    this.#duration.set(summary.durationMs / 1000);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
