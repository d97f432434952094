/**
 * `audit --json FILE`: JSON Lines in the style of the run report (see ../README.md, format `certagent-audit/1`):
 * a `audit` line, one `device` line per device as it finishes (every field of `DeviceAudit`), a `summary` line.
 * Each line is one synchronous write, so a killed audit leaves every finished device on disk.
 */
import { FileSink } from '../sink.js';
import type { TextSink } from '../sink.js';
import type { AuditReporter, AuditSummary, DeviceAudit } from './types.js';

export const AUDIT_FORMAT = 'certagent-audit/1';

export type AuditRecord =
  | {
      readonly type: 'audit';
      readonly format: typeof AUDIT_FORMAT;
      readonly startedAt: string;
      readonly devices: readonly string[];
      readonly warnBeforeSeconds: number;
    }
  | ({ readonly type: 'device' } & DeviceAudit)
  | ({ readonly type: 'summary' } & AuditSummary);

export class AuditJsonWriter implements AuditReporter {
  readonly #sink: TextSink & { close?(): void };

  constructor(sink: TextSink & { close?(): void }) {
    this.#sink = sink;
  }

  /** Creates (truncates) FILE now, so a bad path fails before any device is touched. */
  static toFile(path: string): AuditJsonWriter {
    return new AuditJsonWriter(new FileSink(path));
  }

  #record(record: AuditRecord): void {
    this.#sink.write(`${JSON.stringify(record)}\n`);
  }

  /** The first line, written before any device is read. */
  auditStarted(devices: readonly string[], warnBeforeSeconds: number, startedAt = new Date()): void {
    this.#record({ type: 'audit', format: AUDIT_FORMAT, startedAt: startedAt.toISOString(), devices, warnBeforeSeconds });
  }

  deviceAudited(audit: DeviceAudit): void {
    this.#record({ type: 'device', ...audit });
  }

  auditFinished(summary: AuditSummary): void {
    this.#record({ type: 'summary', ...summary });
  }

  close(): void {
    this.#sink.close?.();
  }
}

/** Reads an audit report; a last line without its `\n` (a write cut by a crash) is ignored. */
export function parseAuditReport(text: string): AuditRecord[] {
  return text
    .split('\n')
    .slice(0, -1)
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as AuditRecord);
}

/** Hands each result to every reporter; one that throws is reported once and skipped from then on. */
export function combineAuditReporters(reporters: readonly AuditReporter[], onError: (err: unknown) => void): AuditReporter {
  const broken = new Set<AuditReporter>();
  const each = (call: (r: AuditReporter) => void): void => {
    for (const r of reporters) {
      if (broken.has(r)) continue;
      try {
        call(r);
      } catch (err) {
        broken.add(r);
        onError(err);
      }
    }
  };
  return { deviceAudited: (a) => each((r) => r.deviceAudited(a)), auditFinished: (s) => each((r) => r.auditFinished(s)) };
}
