/**
 * `--html FILE`: results collected as they come and the page written once at the end, by rename. The folder is
 * checked first, so a bad path is bad input before any device is touched. Every result reaches these writers
 * already redacted (the run's and the audit's reporters are behind the redaction).
 */
import { checkWritableFolder, writeAtomically } from '../atomic-file.js';
import type { AuditFileWriter, AuditSummary, DeviceAudit } from '../audit/types.js';
import type { DeviceOutcome, RunReporter, RunSummary } from '../events.js';
import { renderAuditHtml } from './audit-page.js';
import { renderRunHtml } from './run-page.js';

export class AuditHtmlReport implements AuditFileWriter {
  readonly #audits: DeviceAudit[] = [];
  #summary: AuditSummary | undefined;

  constructor(
    readonly path: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    checkWritableFolder(path);
  }

  deviceAudited(audit: DeviceAudit): void {
    this.#audits.push(audit);
  }

  auditFinished(summary: AuditSummary): void {
    this.#summary = summary;
  }

  async write(): Promise<void> {
    if (this.#summary !== undefined) await writeAtomically(this.path, renderAuditHtml(this.#audits, this.#summary, this.now()));
  }
}

export class RunHtmlReport implements RunReporter {
  readonly #outcomes: DeviceOutcome[] = [];
  #summary: RunSummary | undefined;

  constructor(readonly path: string) {
    checkWritableFolder(path);
  }

  runStarted(): void {}
  deviceStarted(): void {}
  deviceStep(): void {}

  deviceFinished(outcome: DeviceOutcome): void {
    this.#outcomes.push(outcome);
  }

  runFinished(summary: RunSummary): void {
    this.#summary = summary;
  }

  /** Writes the page once the run has its summary (the runner gives one also when the run is stopped early). */
  async write(): Promise<void> {
    const summary = this.#summary;
    if (summary !== undefined) await writeAtomically(this.path, renderRunHtml(this.#outcomes, summary));
  }
}
