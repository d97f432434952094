/**
 * The run journal: one JSON Lines file per run (`.certagent/journal/<run-id>.jsonl` unless `--journal FILE`),
 * where every device's outcome is appended and flushed to disk (fdatasync) as the device finishes, so a run
 * stopped by Ctrl-C, SIGTERM, a crash or a reboot can be resumed: `--resume` skips the devices that already
 * finished well with the same playbook and reruns the others. A resumed run appends to the same file.
 *
 * Format `certagent-journal/1`, one object per line:
 *   {"type":"run","format":"certagent-journal/1","runId":"...","command":"rollout","playbook":"<sha256>","startedAt":"...","devices":1000,"attempt":1}
 *   {"type":"start","device":"R1","at":"..."}                 a device is about to be touched (flushed first)
 *   {"type":"device","device":"R1","key":"<sha256>","result":"changed","at":"...","durationMs":812,"roundTrips":17}
 *   {"type":"end","at":"...","reason":"completed"|"stopped: ...","byResult":{...}}
 * `key` hashes the playbook's resolved desired state, the command and the device's inventory entry: a device is
 * done only if its key is unchanged. No secret value and no device text is written (the JSON report has those).
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fdatasync, fstatSync, openSync, readFileSync, readdirSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { Secret } from '../config/index.js';
import type { Device } from '../config/index.js';
import type { DeviceOutcome, DeviceResult, RunSummary } from '../report/events.js';
import { errorMessage } from '../shared/error-message.js';
import { makeFolders } from '../shared/make-folders.js';
import type { DesiredState, PlanOptions, WorkflowCommand } from '../workflow/index.js';

export const JOURNAL_FORMAT = 'certagent-journal/1';
export const DEFAULT_JOURNAL_DIR = '.certagent/journal';

/** Results after which a device need not be run again by `--resume`. */
const DONE: readonly DeviceResult[] = ['changed', 'unchanged'];

export interface RunHeader {
  readonly type: 'run';
  readonly format: typeof JOURNAL_FORMAT;
  readonly runId: string;
  readonly command: WorkflowCommand;
  /** Hash of the resolved desired state, the command and its plan options. */
  readonly playbook: string;
  readonly startedAt: string;
  /** Devices this attempt runs. */
  readonly devices: number;
  /** 1 for the first attempt, 2 for the first `--resume`, ... */
  readonly attempt: number;
}

export type JournalRecord =
  | RunHeader
  | { readonly type: 'start'; readonly device: string; readonly at: string }
  | {
      readonly type: 'device';
      readonly device: string;
      readonly key: string;
      readonly result: DeviceResult;
      readonly at: string;
      readonly durationMs: number;
      readonly roundTrips: number;
    }
  | { readonly type: 'end'; readonly at: string; readonly reason: string; readonly byResult: RunSummary['byResult'] };

/** A journal file cannot be read or is not a certagent journal. */
export class JournalError extends Error {
  override readonly name = 'JournalError';
}

/** Plain data in a canonical JSON form: object keys sorted, so the same content always hashes the same. */
function canonical(value: unknown): string {
  if (value === undefined || typeof value === 'function') return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return JSON.stringify(Buffer.from(value).toString('hex'));
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (value instanceof RegExp) return JSON.stringify(String(value));
  if (value instanceof Secret) return JSON.stringify(value.reveal());
  if (value instanceof Map) return canonical([...value]);
  if (value instanceof Set) return canonical([...value]);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined && typeof v !== 'function');
  return `{${entries
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
    .join(',')}}`;
}

const HASHED: ReadonlySet<string> = new Set(['trustpoints', 'environment', 'applets', 'ipHosts', 'verify', 'served', 'secrets']);

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * What makes two runs the same run: the desired state as it reaches devices (certificates by SHA-256, options,
 * pins, environment values, applet lines, ip hosts, the proof settings), the command and its plan options. Secret
 * values are part of it (a changed SMTP password must reach every device again), only ever as part of this hash.
 */
export function playbookFingerprint(desired: DesiredState, command: WorkflowCommand, planOptions?: PlanOptions): string {
  const plain = (v: string | Secret): string => (v instanceof Secret ? v.reveal() : v);
  return sha256(
    canonical({
      command,
      planOptions: planOptions ?? null,
      trustpoints: desired.trustpoints.map((t) => ({ name: t.name, cert: t.cert.sha256, options: t.options, pin: t.pin, chainPrefix: t.chainPrefix })),
      environment: [...desired.environment].map(([k, v]) => [k, plain(v)]),
      applets: desired.applets.map((a) => ({ name: a.name, lines: a.lines, marker: a.marker })),
      ipHosts: [...desired.ipHosts],
      verify: desired.verify
        ? { applet: desired.verify.applet, wait: desired.verify.waitForLogSeconds, forbidden: desired.verify.forbiddenLogPatterns.map(String) }
        : null,
      // Sections added later (a CUBE step, ...) count too; what the mail server served is only for diagnoses.
      more: Object.entries(desired).filter(([k]) => !HASHED.has(k)),
    }),
  );
}

/** The device's key: the run's fingerprint and its inventory entry (address, port, credentials references, host key policy, vars). */
export function deviceKey(fingerprint: string, device: Device): string {
  const { origin: _origin, ...entry } = device;
  return sha256(`${fingerprint}\n${canonical(entry)}`);
}

/** `rollout-20261123T081500Z-3fa9`: sortable, and two runs started in the same second differ. */
export function newRunId(command: WorkflowCommand, now: Date = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${command}-${stamp}-${randomBytes(2).toString('hex')}`;
}

/** A run id as `newRunId` makes them (the word after `--resume` with `--queue`). */
export function isRunId(text: string): boolean {
  return /^(rollout|plan|rotate|fix)-\d{8}T\d{6}Z-[0-9a-f]{4}$/.test(text);
}

/** What a journal file says about a run so far. */
export interface JournalState {
  readonly path: string;
  readonly runId: string;
  readonly command: WorkflowCommand;
  readonly playbook: string;
  readonly attempts: number;
  /** Device name → key, for devices whose last outcome was changed or unchanged. */
  readonly done: ReadonlyMap<string, string>;
  /** Devices started but never finished in the last attempt (in flight at a crash). */
  readonly interrupted: readonly string[];
  /** The last attempt's end record, absent when it was killed. */
  readonly lastEnd?: string;
}

/** Reads a journal's text; a last line without its `\n` (a write cut by a crash) is ignored. */
export function parseJournal(path: string, text: string): JournalState {
  const lines = text.split('\n').slice(0, -1);
  let header: RunHeader | undefined;
  let attempts = 0;
  const done = new Map<string, string>();
  let inFlight = new Set<string>();
  let lastEnd: string | undefined;
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let record: JournalRecord;
    try {
      record = JSON.parse(line) as JournalRecord;
    } catch {
      throw new JournalError(`${path} line ${i + 1} is not JSON: is this a certagent journal?`);
    }
    if (record.type === 'run') {
      if (record.format !== JOURNAL_FORMAT) throw new JournalError(`${path}: format ${String(record.format)} is not ${JOURNAL_FORMAT}`);
      header ??= record;
      attempts++;
      inFlight = new Set();
      lastEnd = undefined;
    } else if (record.type === 'start') inFlight.add(record.device);
    else if (record.type === 'device') {
      inFlight.delete(record.device);
      if (DONE.includes(record.result)) done.set(record.device, record.key);
      else done.delete(record.device);
    } else if (record.type === 'end') lastEnd = record.reason;
  });
  if (header === undefined) throw new JournalError(`${path} has no run line: it is empty or not a certagent journal`);
  return {
    path,
    runId: header.runId,
    command: header.command,
    playbook: header.playbook,
    attempts,
    done,
    interrupted: [...inFlight],
    ...(lastEnd !== undefined && { lastEnd }),
  };
}

export function readJournal(path: string): JournalState {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new JournalError(`cannot read the journal ${path}: ${errorMessage(err)}`);
  }
  return parseJournal(path, text);
}

/** The most recently written journal in `dir` for `command`, for a bare `--resume`. */
export function latestJournal(dir: string, command: WorkflowCommand): string | undefined {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.startsWith(`${command}-`) && n.endsWith('.jsonl'));
  } catch {
    return undefined;
  }
  const newest = names.map((n) => ({ path: join(dir, n), at: statSync(join(dir, n)).mtimeMs })).sort((a, b) => b.at - a.at)[0];
  return newest?.path;
}

const datasync = promisify(fdatasync);

/** What the fleet runner tells the journal. */
export interface FleetJournal {
  /** Resolves once the record is on disk, before the device is touched. */
  deviceStarted(device: string): Promise<void>;
  /** Resolves once the record is on disk. */
  deviceFinished(outcome: DeviceOutcome): Promise<void>;
  runFinished(summary: RunSummary): Promise<void>;
}

/**
 * An open journal file. Records are appended with one synchronous write each (O_APPEND: never interleaved);
 * start and finish records are then flushed with fdatasync on the thread pool, so the event loop (and every
 * other device's SSH session) never waits on the disk.
 */
export class RunJournal implements FleetJournal {
  readonly path: string;
  readonly runId: string;
  #fd: number | undefined;
  readonly #keyOf: (device: string) => string;

  private constructor(path: string, runId: string, fd: number, keyOf: (device: string) => string) {
    this.path = path;
    this.runId = runId;
    this.#fd = fd;
    this.#keyOf = keyOf;
  }

  /**
   * Opens `path` for appending (created 0600, with its folder) and writes this attempt's run line, flushed.
   * `keyOf` gives each device's key (`deviceKey`).
   */
  static async open(path: string, header: Omit<RunHeader, 'type' | 'format'>, keyOf: (device: string) => string): Promise<RunJournal> {
    let fd: number;
    try {
      makeFolders(dirname(path), 0o700);
      fd = openSync(path, 'a', 0o600);
    } catch (err) {
      throw new JournalError(`cannot open the journal ${path} for writing (${errorMessage(err)}): check the folder is writable, or give --journal FILE`);
    }
    if (fstatSync(fd).size > 0 && header.attempt === 1) {
      closeSync(fd);
      throw new JournalError(`${path} already holds a run: give another --journal FILE, or --resume ${path}`);
    }
    const journal = new RunJournal(path, header.runId, fd, keyOf);
    journal.#write({ type: 'run', format: JOURNAL_FORMAT, ...header });
    await journal.#flush();
    return journal;
  }

  #write(record: JournalRecord): void {
    if (this.#fd === undefined) return;
    writeSync(this.#fd, `${JSON.stringify(record)}\n`);
  }

  async #flush(): Promise<void> {
    if (this.#fd !== undefined) await datasync(this.#fd);
  }

  async deviceStarted(device: string): Promise<void> {
    this.#write({ type: 'start', device, at: new Date().toISOString() });
    await this.#flush();
  }

  async deviceFinished(outcome: DeviceOutcome): Promise<void> {
    this.#write({
      type: 'device',
      device: outcome.device,
      key: this.#keyOf(outcome.device),
      result: outcome.result,
      at: new Date().toISOString(),
      durationMs: outcome.durationMs,
      roundTrips: outcome.roundTrips,
    });
    await this.#flush();
  }

  async runFinished(summary: RunSummary): Promise<void> {
    this.#write({
      type: 'end',
      at: new Date().toISOString(),
      reason: summary.stoppedEarly === undefined ? 'completed' : `stopped: ${summary.stoppedEarly}`,
      byResult: summary.byResult,
    });
    await this.#flush();
    this.close();
  }

  close(): void {
    if (this.#fd === undefined) return;
    closeSync(this.#fd);
    this.#fd = undefined;
  }
}

export interface ResumeDecision {
  /** Devices to run in this attempt, in inventory order. */
  readonly run: readonly Device[];
  /** Devices skipped because they finished well with the same playbook. */
  readonly skipped: number;
  /** Set when the journal cannot be resumed (other command or playbook): the run starts afresh, this says why. */
  readonly fresh?: string;
  /** Devices to run that were under way when the last attempt was killed: their changes may be applied but not saved. */
  readonly unsaved: readonly string[];
}

/** Which devices a resumed run still has to do. Pure. */
export function decideResume(state: JournalState, command: WorkflowCommand, fingerprint: string, devices: readonly Device[]): ResumeDecision {
  if (state.command !== command)
    return { run: devices, skipped: 0, unsaved: [], fresh: `${state.path} is a ${state.command} run, not ${command}: this is a new run` };
  if (state.playbook !== fingerprint) {
    return {
      run: devices,
      skipped: 0,
      unsaved: [],
      fresh: `the playbook's desired state (certificates, options, environment, applets) differs from run ${state.runId}: this is a new run over every device`,
    };
  }
  const run = devices.filter((d) => state.done.get(d.name) !== deviceKey(fingerprint, d));
  const names = new Set(run.map((d) => d.name));
  return { run, skipped: devices.length - run.length, unsaved: state.interrupted.filter((n) => names.has(n)) };
}
