/**
 * `--prometheus FILE`: the node_exporter textfile collector's input. The collector may read the file at any
 * moment, so it is written whole to a temporary name in the same directory (not ending in `.prom`, which the
 * collector would pick up) and renamed over FILE: readers see the old file or the new one, never half of one.
 */
import { accessSync, constants } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { OutputFileError } from '../sink.js';
import type { AuditReporter, AuditSummary, DeviceAudit } from '../audit/types.js';
import { AuditMetrics } from './metrics.js';

export async function writeAtomically(path: string, text: string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    await writeFile(temp, text, { mode: 0o644 });
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

/** Collects the audit into metrics and writes FILE once the audit is finished (`write`). */
export class PrometheusTextfile implements AuditReporter {
  readonly #metrics = new AuditMetrics();
  #finished = false;

  /** Checks now that FILE's directory is writable, so a bad path is bad input before any device is read. */
  constructor(
    readonly path: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    try {
      accessSync(dirname(path), constants.W_OK);
    } catch (err) {
      throw new OutputFileError(path, err instanceof Error ? err.message : String(err), err);
    }
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
