/**
 * `--prometheus FILE`: the node_exporter textfile collector's input. The collector may read the file at any
 * moment, so it is written whole to a temporary name in the same directory (not ending in `.prom`, which the
 * collector would pick up) and renamed over FILE: readers see the old file or the new one, never half of one.
 */
import { checkWritableFolder, writeAtomically } from '../atomic-file.js';
import type { AuditReporter, AuditSummary, DeviceAudit } from '../audit/types.js';
import { AuditMetrics } from './metrics.js';

/** Collects the audit into metrics and writes FILE once the audit is finished (`write`). */
export class PrometheusTextfile implements AuditReporter {
  readonly #metrics = new AuditMetrics();
  #finished = false;

  /** Checks now that FILE's directory is writable, so a bad path is bad input before any device is read. */
  constructor(
    readonly path: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    checkWritableFolder(path);
  }

  deviceAudited(audit: DeviceAudit): void {
    this.#metrics.add(audit, this.now());
  }

  auditFinished(summary: AuditSummary): void {
    this.#metrics.finish(summary);
    this.#finished = true;
  }

  /** Writes the file; an audit that did not finish writes nothing, so the last complete one stays in place. */
  async write(): Promise<void> {
    if (this.#finished) await writeAtomically(this.path, await this.#metrics.text());
  }
}
