/** The thin I/O layer: reads files, the environment and the terminal, and hands everything else to pure code. */
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { extname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { checkCliText, checkVariables } from './eem-checks.js';
import { type ConfigIssue, ConfigError, at, issue, throwIfErrors } from './issues.js';
import { type Inventory, buildDevices, groupIndex } from './inventory.js';
import { listAnsibleInventory, inventoryFromAnsibleList } from './ansible-inventory-source.js';
import type { AnsibleInventoryOptions } from './ansible-inventory-source.js';
import { MAX_CERTIFICATES_PER_SOURCE, MAX_FILE_BYTES } from './limits.js';
import { ansibleDrafts } from './inventory-ansible.js';
import { nativeDrafts } from './inventory-native.js';
import { buildPlaybook } from './playbook.js';
import { resolvePlaybook } from './playbook-secrets.js';
import type { Playbook, PlaybookSpec } from './playbook-types.js';
import { type SecretSources, SecretResolver } from './secret.js';
import { type ParsedYaml, parseYaml, withLines } from './yaml-document.js';
import { errorMessage } from '../shared/error-message.js';

export interface LoadOptions {
  /** Home directory for `~/` paths and the default known_hosts; the user's by default. */
  readonly home?: string;
  /** How inventory sources certagent does not read itself are read (`ansible-inventory`). */
  readonly ansibleInventory?: AnsibleInventoryOptions;
}

export interface PlaybookLoadOptions extends LoadOptions {
  /** Where secret values come from; the process environment, files and the terminal by default. A resolver may be
   * shared with inventory loading so each variable, file and prompt is read once. */
  readonly secrets?: SecretSources | SecretResolver;
}

function readText(path: string): string {
  const fail = (message: string, line?: number): never => {
    throw new ConfigError([{ ...issue({ file: path, path: [] }, message), ...(line !== undefined && { line }) }]);
  };
  let bytes: Buffer;
  try {
    const stats = statSync(path);
    if (!stats.isFile()) fail(stats.isDirectory() ? 'is a folder, not a file' : 'is not a regular file');
    if (stats.size > MAX_FILE_BYTES) fail(`is ${stats.size} bytes; certagent reads files of at most ${MAX_FILE_BYTES} bytes (16 MiB)`);
    bytes = readFileSync(path);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    return fail(`cannot read the file (${code ?? errorMessage(err)})`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // The line of the first byte that is not UTF-8, found in the lenient decoding.
    const lenient = bytes.toString('utf8');
    const bad = lenient.indexOf('\uFFFD');
    return fail(
      'is not UTF-8 text: save it as UTF-8 (a Latin-1 or UTF-16 file reads as garbage, not as what was meant)',
      bad < 0 ? undefined : lenient.slice(0, bad).split('\n').length,
    );
  }
}

/** Asks on the controlling terminal without echoing what is typed. */
export function terminalPrompt(question: string): Promise<string> {
  if (!process.stdin.isTTY) {
    return Promise.reject(new Error(`cannot ask "${question.trim()}": standard input is not a terminal; use {env: ...} or {file: ...}`));
  }
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolveAnswer) => {
    rl.question(question, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolveAnswer(answer);
    });
    muted = true;
  });
}

export function processSecretSources(): SecretSources {
  return {
    env: (name) => process.env[name],
    readFile: (path) => readFileSync(path, 'utf8'),
    prompt: terminalPrompt,
  };
}

function detectFormat(value: unknown): 'certagent' | 'ansible' | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  if ('devices' in value) return 'certagent';
  const groupish = Object.values(value).every(
    (v) => v === null || (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).every((k) => ['hosts', 'children', 'vars'].includes(k))),
  );
  return groupish ? 'ansible' : undefined;
}

/**
 * What reads the inventory: certagent itself for its own YAML and Ansible YAML, `ansible-inventory` for every other
 * Ansible source: a directory, an executable script, a YAML plugin configuration (`plugin: ...`), or a file that is
 * not YAML and not named .yaml/.yml (INI). A .yaml file that is neither stays certagent's, with certagent's error.
 */
function readsItself(file: string, text: string | undefined, value: unknown, parsedOk: boolean): boolean {
  if (text === undefined) return false;
  if (parsedOk && typeof value === 'object' && value !== null && 'plugin' in value) return false;
  if (parsedOk && detectFormat(value) !== undefined) return true;
  return ['.yaml', '.yml'].includes(extname(file).toLowerCase());
}

function isDirectoryOrProgram(file: string): boolean {
  try {
    const stat = statSync(file);
    return stat.isDirectory() || (stat.isFile() && (stat.mode & 0o111) !== 0);
  } catch {
    return false;
  }
}

async function loadThroughAnsible(file: string, home: string, options: LoadOptions): Promise<Inventory> {
  const shaped = inventoryFromAnsibleList(await listAnsibleInventory(file, options.ansibleInventory), file);
  const issues: ConfigIssue[] = [];
  const drafts = ansibleDrafts(shaped, file, home, issues);
  const { devices, issues: deviceIssues } = buildDevices(drafts, resolve(home, '.ssh/known_hosts'));
  throwIfErrors([...issues, ...deviceIssues]);
  return { file, format: 'ansible', devices, groups: groupIndex(devices) };
}

export async function loadInventory(path: string, options: LoadOptions = {}): Promise<Inventory> {
  const file = resolve(path);
  const home = options.home ?? homedir();
  if (isDirectoryOrProgram(file)) return loadThroughAnsible(file, home, options);
  const text = readText(file);
  const first = parseYaml(text, file);
  if (!readsItself(file, text, first.value, !first.issues.some((i) => i.severity === 'error'))) return loadThroughAnsible(file, home, options);
  throwIfErrors(first.issues);
  const format = detectFormat(first.value);
  const parsed = format === 'ansible' ? parseYaml(text, file, '1.1') : first;
  throwIfErrors(parsed.issues);
  if (format === undefined) {
    throw new ConfigError([
      issue({ file, path: [] }, 'is neither a certagent inventory (devices: [...]) nor an Ansible YAML inventory (all: {hosts:, children:})'),
    ]);
  }
  const issues: ConfigIssue[] = [];
  const drafts = format === 'certagent' ? nativeDrafts(parsed.value, file, home, issues) : ansibleDrafts(parsed.value, file, home, issues);
  const { devices, issues: deviceIssues } = buildDevices(drafts, resolve(home, '.ssh/known_hosts'));
  throwIfErrors(withLines([...issues, ...deviceIssues], parsed, file));
  return { file, format, devices, groups: groupIndex(devices) };
}

/** Issues found after loading (certificate checks name only a path): each with the line of that path in its
 * file, when the file still parses. */
export function locateIssues(issues: readonly ConfigIssue[]): ConfigIssue[] {
  const parsed = new Map<string, ParsedYaml | undefined>();
  return issues.map((i) => {
    if (i.line !== undefined || i.file === '') return i;
    if (!parsed.has(i.file)) {
      try {
        parsed.set(i.file, parseYaml(readFileSync(i.file, 'utf8'), i.file));
      } catch {
        parsed.set(i.file, undefined);
      }
    }
    const yaml = parsed.get(i.file);
    return yaml === undefined ? i : (withLines([i], yaml, i.file)[0] ?? i);
  });
}

/** Files a playbook names must exist and hold certificates: found now, not halfway through a fleet. */
function checkCertificateFiles(spec: PlaybookSpec): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const entry of spec.trustpoints) {
    const { source } = entry;
    if (source.kind !== 'pem_file' && source.kind !== 'bundle_file') continue;
    const where = entry.kind === 'chain' ? at(entry.origin, 'chain', source.kind) : at(entry.origin, source.kind);
    let text: string;
    try {
      const stats = statSync(source.path);
      if (!stats.isFile()) {
        issues.push(issue(where, `${source.path} is ${stats.isDirectory() ? 'a folder' : 'not a regular file'}, not a certificate file`));
        continue;
      }
      if (stats.size > MAX_FILE_BYTES) {
        issues.push(issue(where, `${source.path} is ${stats.size} bytes; certagent reads certificate files of at most ${MAX_FILE_BYTES} bytes (16 MiB)`));
        continue;
      }
      text = readFileSync(source.path, 'latin1');
    } catch (err) {
      issues.push(issue(where, `cannot read ${source.path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`));
      continue;
    }
    const count = text.split('-----BEGIN CERTIFICATE-----').length - 1;
    if (count > MAX_CERTIFICATES_PER_SOURCE)
      issues.push(issue(where, `${source.path} holds ${count} certificates; certagent takes at most ${MAX_CERTIFICATES_PER_SOURCE} from one file`));
    else if (count === 0) issues.push(issue(where, `${source.path} holds no -----BEGIN CERTIFICATE----- block`));
    else if (source.kind === 'pem_file' && entry.kind === 'trustpoint' && count > 1) {
      issues.push(issue(where, `${source.path} holds ${count} certificates; use bundle_file with select to pick one`));
    }
  }
  return issues;
}

async function readPlaybookFile(path: string, options: LoadOptions): Promise<{ spec: PlaybookSpec; parsed: ParsedYaml }> {
  const file = resolve(path);
  const parsed = parseYaml(readText(file), file);
  throwIfErrors(parsed.issues);
  const { playbook, issues } = buildPlaybook(parsed.value, file, options.home ?? homedir());
  const more = playbook ? [...checkCertificateFiles(playbook), ...(playbook.eem ? [...checkVariables(playbook.eem), ...checkCliText(playbook.eem)] : [])] : [];
  const all = withLines([...issues, ...more], parsed, file);
  throwIfErrors(all);
  if (playbook === undefined) throw new ConfigError(all);
  return { spec: { ...playbook, warnings: all.filter((i) => i.severity === 'warning') }, parsed };
}

/** Validates a playbook without touching its secrets: structure, names, certificate files, applet variables. */
export async function readPlaybook(path: string, options: LoadOptions = {}): Promise<PlaybookSpec> {
  return (await readPlaybookFile(path, options)).spec;
}

/** Validates a playbook, resolves its secrets and checks EEM's limits on the resolved values. */
export async function loadPlaybook(path: string, options: PlaybookLoadOptions = {}): Promise<Playbook> {
  const { spec, parsed } = await readPlaybookFile(path, options);
  const secrets = options.secrets ?? processSecretSources();
  const resolver = secrets instanceof SecretResolver ? secrets : new SecretResolver(secrets);
  try {
    return await resolvePlaybook(spec, resolver);
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError(withLines(err.issues, parsed, spec.file));
    throw err;
  }
}
