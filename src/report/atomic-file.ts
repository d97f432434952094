/**
 * Reports written whole (Prometheus textfile, HTML): to a temporary name in the same folder, then renamed over the
 * target, so a reader (node_exporter, a browser, a file share) sees the old file or the new one, never half of one.
 * The temporary name does not end like the target (`.prom`), so a collector scanning the folder skips it.
 */
import { accessSync, constants } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { OutputFileError } from './sink.js';

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

/** The target's folder must exist and be writable: checked before any device is touched (bad input, exit 2). */
export function checkWritableFolder(path: string): void {
  try {
    accessSync(dirname(path), constants.W_OK);
  } catch (err) {
    throw new OutputFileError(path, err instanceof Error ? err.message : String(err), err);
  }
}
