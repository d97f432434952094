/**
 * The audit's end-of-run report on stdout: a table (device, trustpoints, soonest expiry, findings), the findings of
 * each device in plain words, and a summary line. Devices with findings come first in the table, soonest expiry
 * first; past `maxRows` devices only those with findings are listed (all are in the JSON report). Rendering is pure.
 */
import { oneLine, painter, plural, truncate } from '../format.js';
import type { TextSink } from '../sink.js';
import { useColor } from '../sink.js';
import type { AuditReporter, AuditSummary, DeviceAudit } from './types.js';

export function describeFindings(a: DeviceAudit): string {
  if (a.findings.length === 0) return 'none';
  const kinds = new Map<string, number>();
  for (const f of a.findings) kinds.set(f.kind, (kinds.get(f.kind) ?? 0) + 1);
  return [...kinds].map(([k, n]) => (n > 1 ? `${k} ×${n}` : k)).join(', ');
}

export function daysLeft(notAfter: string, now: Date): number {
  return Math.floor((Date.parse(notAfter) - now.getTime()) / 86_400_000);
}

function expiryCell(a: DeviceAudit, now: Date): string {
  if (a.soonestExpiry === undefined) return '-';
  const days = daysLeft(a.soonestExpiry.notAfter, now);
  const ago = Math.floor((now.getTime() - Date.parse(a.soonestExpiry.notAfter)) / 86_400_000);
  return `${a.soonestExpiry.notAfter.slice(0, 10)} (${days < 0 ? `expired ${ago}d ago` : `${days}d`}) ${a.soonestExpiry.trustpoint}`;
}

/** Findings first, then soonest expiry, then name: what needs attention is at the top. */
export function auditOrder(a: DeviceAudit, b: DeviceAudit): number {
  const f = Number(b.findings.length > 0) - Number(a.findings.length > 0);
  if (f !== 0) return f;
  const ea = a.soonestExpiry?.notAfter ?? '9999';
  const eb = b.soonestExpiry?.notAfter ?? '9999';
  return ea < eb ? -1 : ea > eb ? 1 : a.device.localeCompare(b.device);
}

export function renderAuditTable(audits: readonly DeviceAudit[], now: Date, color = false): string {
  const paint = painter(color);
  const header = ['DEVICE', 'TRUSTPOINTS', 'SOONEST EXPIRY', 'FINDINGS'];
  const rows = [...audits]
    .sort(auditOrder)
    .map((a) => [a.device, a.up ? String(a.trustpoints.length) : '-', expiryCell(a, now), truncate(describeFindings(a), 70)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[], bad?: boolean): string =>
    cells
      .map((c, i) => {
        const padded = i === 1 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0);
        return i === 3 && bad !== undefined ? paint(bad ? 'red' : 'green', padded) : padded;
      })
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map((r) => line(r, r[3] !== 'none'))].join('\n');
}

export function renderAuditFindings(audits: readonly DeviceAudit[]): string {
  const bad = [...audits].sort(auditOrder).filter((a) => a.findings.length > 0);
  if (bad.length === 0) return '';
  return ['Findings:', ...bad.flatMap((a) => [`  ${a.device} (${a.host}):`, ...a.findings.map((f) => `    - ${oneLine(f.message)}`)])].join('\n');
}

export function renderAuditSummary(s: AuditSummary): string {
  const kinds = Object.entries(s.findings).map(([k, n]) => `${n} ${k}`);
  const seconds = (s.durationMs / 1000).toFixed(1);
  return `audit: ${plural(s.devices, 'device')}, ${s.up} reached, ${s.withFindings} with findings${kinds.length > 0 ? ` (${kinds.join(', ')})` : ''} in ${seconds} s`;
}

export interface AuditTableOptions {
  readonly out: TextSink;
  readonly color?: boolean;
  readonly maxRows?: number;
  readonly now?: () => Date;
}

/** Keeps every audit up to `maxRows`, past that only those with findings (capped too), and prints at the end. */
export class AuditTableReporter implements AuditReporter {
  readonly #options: AuditTableOptions;
  readonly #maxRows: number;
  readonly #kept: DeviceAudit[] = [];
  #seen = 0;

  constructor(options: AuditTableOptions) {
    this.#options = options;
    this.#maxRows = options.maxRows ?? 200;
  }

  deviceAudited(audit: DeviceAudit): void {
    this.#seen++;
    if (this.#seen > this.#maxRows) {
      for (let i = this.#kept.length - 1; i >= 0; i--) if ((this.#kept[i]?.findings.length ?? 0) === 0) this.#kept.splice(i, 1);
    }
    if (this.#seen <= this.#maxRows || (audit.findings.length > 0 && this.#kept.length < this.#maxRows)) this.#kept.push(audit);
  }

  auditFinished(summary: AuditSummary): void {
    const now = this.#options.now?.() ?? new Date(summary.finishedAt);
    const color = this.#options.color ?? useColor(this.#options.out);
    const omitted = summary.devices - this.#kept.length;
    const parts = [
      renderAuditTable(this.#kept, now, color) + (omitted > 0 ? `\n… and ${plural(omitted, 'more device')} not listed (the JSON report has every device)` : ''),
      renderAuditFindings(this.#kept),
      renderAuditSummary(summary),
    ];
    this.#options.out.write(`${parts.filter((p) => p !== '').join('\n\n')}\n`);
  }
}
