/**
 * `mkdir -p` that always ends. Node's own `mkdir(path, { recursive: true })` (sync and promise forms, Node 18-22)
 * never returns for a path under /proc or /sys: those file systems answer ENOENT for a child they will never hold,
 * Node reads that as "the parent is missing", makes the parent (EEXIST: fine) and tries the child again, forever,
 * at 100% CPU and with the event loop blocked, so not even SIGTERM gets through. Seen in the wild:
 * openclaw/openclaw#130807, Kewton/CommandMate#1774. Here each folder is made once, parents first, and the first
 * error is the answer.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Makes `path` and its missing parents (each with `mode`); throws the first error, with its errno code. */
export function makeFolders(path: string, mode = 0o777): void {
  const missing: string[] = [];
  for (let at = resolve(path); ; at = dirname(at)) {
    let stats;
    try {
      stats = statSync(at);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (stats) {
      if (stats.isDirectory()) break;
      throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${path}'`), { code: 'ENOTDIR', path: at });
    }
    missing.unshift(at);
    if (dirname(at) === at) break;
  }
  for (const folder of missing) {
    try {
      mkdirSync(folder, { mode });
    } catch (err) {
      // Another process made it meanwhile: as good as ours, if it is a folder.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(folder).isDirectory()) throw err;
    }
  }
}
