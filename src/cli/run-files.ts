/** The files a fleet command reads and the outputs its flags name, so that no output lands on an input. */
import { dirname, resolve } from 'node:path';
import type { Device, PlaybookSpec, SecretRefAt } from '../config/index.js';
import { outputPathProblems } from '../report/output-paths.js';
import type { OutputPath } from '../report/output-paths.js';
import { makeFolders } from '../shared/make-folders.js';
import { UsageError } from './command.js';

function secretFile(ref: SecretRefAt | undefined): string[] {
  return ref?.ref.kind === 'file' ? [ref.ref.path] : [];
}

/** Inventory, playbook, the certificate files it names, and every device's key, known_hosts and secret files. */
export function runInputs(inventoryFile: string, playbook: Pick<PlaybookSpec, 'file' | 'trustpoints'>, devices: readonly Device[]): string[] {
  const files = [inventoryFile, playbook.file];
  for (const entry of playbook.trustpoints) if (entry.source.kind === 'pem_file' || entry.source.kind === 'bundle_file') files.push(entry.source.path);
  for (const d of devices) {
    const c = d.credentials;
    files.push(...secretFile(c.password), ...secretFile(c.enableSecret), ...secretFile(c.privateKey?.passphrase));
    if (c.privateKey) files.push(c.privateKey.path);
    if (d.hostKey.mode !== 'pinned') files.push(d.hostKey.knownHosts);
  }
  return [...new Set(files)];
}

export interface OutputFlags {
  readonly json?: string | undefined;
  readonly 'log-file'?: string | undefined;
  readonly transcripts?: string | undefined;
  readonly journal?: string | undefined;
}

/** Makes the transcript folder and the missing folders of the report and log files, once their paths passed the check. */
export function makeOutputFolders(flags: OutputFlags): void {
  const folders: [string, string][] = [];
  if (flags.transcripts !== undefined) folders.push(['--transcripts', flags.transcripts]);
  if (flags.json !== undefined) folders.push(['--json', dirname(resolve(flags.json))]);
  if (flags['log-file'] !== undefined) folders.push(['--log-file', dirname(resolve(flags['log-file']))]);
  for (const [flag, folder] of folders) {
    try {
      makeFolders(folder, 0o700);
    } catch (err) {
      throw new UsageError(`${flag}: the folder ${folder} cannot be created (${(err as NodeJS.ErrnoException).code ?? String(err)}): give a writable path`);
    }
  }
}

/** The problems of the outputs a run's flags name (see outputPathProblems). */
export function runOutputProblems(flags: OutputFlags, inputs: readonly string[]): string[] {
  const outputs: OutputPath[] = [];
  if (flags.json !== undefined) outputs.push({ flag: '--json', path: flags.json, kind: 'file', makesParents: true });
  if (flags['log-file'] !== undefined) outputs.push({ flag: '--log-file', path: flags['log-file'], kind: 'file', makesParents: true });
  if (flags.journal !== undefined) outputs.push({ flag: '--journal', path: flags.journal, kind: 'file', makesParents: true });
  if (flags.transcripts !== undefined) outputs.push({ flag: '--transcripts', path: flags.transcripts, kind: 'folder' });
  return outputPathProblems(outputs, inputs);
}
