/**
 * Where a run may write. Every output path a flag gives (`--json`, `--log-file`, `--journal`, `--transcripts`, and
 * any later report such as `--html` or `--prometheus`) is checked before anything starts: never one of the run's
 * input files (same file by device and inode, so symlinks and hard links count), never an existing special file
 * or a folder where a file is meant (nor a file where a folder is meant), never the same file as another output,
 * and its folder must exist unless the output makes it. Every problem is returned, each naming its flag.
 */
import { statSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';

export interface OutputPath {
  /** The flag as the user typed it, e.g. `--json`. */
  readonly flag: string;
  readonly path: string;
  readonly kind: 'file' | 'folder';
  /** The output creates its missing parent folders (the journal does). */
  readonly makesParents?: boolean;
}

function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function describeType(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a named pipe';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device file';
  return 'a file';
}

/** /dev/null is the one special file an output may be: "write it nowhere". */
const DISCARD = '/dev/null';

/** Problems with `outputs` given the run's `inputs` (paths of every file it reads); empty when all is well. */
export function outputPathProblems(outputs: readonly OutputPath[], inputs: readonly string[]): string[] {
  const problems: string[] = [];
  const inputIds = new Map<string, string>();
  for (const input of inputs) {
    const stats = statOf(input);
    if (stats) inputIds.set(`${stats.dev}:${stats.ino}`, input);
  }
  const outputIds = new Map<string, string>();
  for (const output of outputs) {
    const path = resolve(output.path);
    const stats = statOf(path);
    if (output.path === '') {
      problems.push(`${output.flag} needs a ${output.kind === 'file' ? 'file' : 'folder'} name`);
      continue;
    }
    if (stats) {
      const id = `${stats.dev}:${stats.ino}`;
      const input = inputIds.get(id);
      if (input !== undefined) {
        problems.push(`${output.flag} ${output.path} is the input file ${input}: certagent never writes over what it reads; give another path`);
        continue;
      }
      const earlier = outputIds.get(id);
      if (earlier !== undefined) {
        problems.push(`${output.flag} ${output.path} is the same file as ${earlier}: give each output its own path`);
        continue;
      }
      outputIds.set(id, `${output.flag} ${output.path}`);
      if (output.kind === 'file' && !stats.isFile() && path !== DISCARD) {
        problems.push(`${output.flag} ${output.path} is ${describeType(stats)}, not a file: give a file path`);
      } else if (output.kind === 'folder' && !stats.isDirectory()) {
        problems.push(`${output.flag} ${output.path} is ${describeType(stats)}, not a folder: give a folder (it is created if missing)`);
      }
      continue;
    }
    if (output.kind === 'file' && !output.makesParents) {
      const parent = statOf(dirname(path));
      if (parent === undefined) problems.push(`${output.flag} ${output.path}: the folder ${dirname(path)} does not exist`);
      else if (!parent.isDirectory()) problems.push(`${output.flag} ${output.path}: ${dirname(path)} is ${describeType(parent)}, not a folder`);
    } else {
      // Missing folders are made; the nearest existing one must be a folder for that.
      let above = dirname(path);
      while (statOf(above) === undefined && dirname(above) !== above) above = dirname(above);
      const stats = statOf(above);
      if (stats && !stats.isDirectory()) problems.push(`${output.flag} ${output.path}: ${above} is ${describeType(stats)}, not a folder`);
    }
    const sameAs = outputs.find((o) => o !== output && o.path !== '' && resolve(o.path) === path);
    if (sameAs !== undefined && outputs.indexOf(sameAs) < outputs.indexOf(output))
      problems.push(`${output.flag} ${output.path} is the same path as ${sameAs.flag}: give each output its own path`);
  }
  return problems;
}
