/**
 * The fleet-scale flags shared by rollout, rotate and fix: stages (canary, waves), the failure budget, deadlines,
 * and the run journal with `--resume`. Parsing turns bad values into usage errors (exit 2) before any device is
 * touched; opening the journal decides, on `--resume`, which devices are still to do.
 */
import { existsSync, statSync } from 'node:fs';
import type { ParseArgsConfig } from 'node:util';
import type { Device } from '../config/index.js';
import { parseDuration } from '../config/index.js';
import type { TextSink } from '../report/index.js';
// The journal and the budget alone, not the fleet barrel: a run refused as bad input never loads SSH.
import {
  DEFAULT_JOURNAL_DIR,
  JournalError,
  RunJournal,
  decideResume,
  deviceKey,
  isRunId,
  latestJournal,
  newRunId,
  playbookFingerprint,
  readJournal,
} from '../fleet/journal.js';
import { FailureBudgetError, parseFailureBudget } from '../fleet/budget.js';
import type { DesiredState, PlanOptions, WorkflowCommand } from '../workflow/index.js';
import type { FleetOptions } from '../fleet/index.js';
import { UsageError } from './command.js';

export const FLEET_FLAGS = {
  canary: { type: 'string' },
  'wave-size': { type: 'string' },
  'max-failures': { type: 'string' },
  'device-timeout': { type: 'string' },
  deadline: { type: 'string' },
  journal: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

export type FleetFlagValues = { readonly [K in keyof typeof FLEET_FLAGS]?: string };

export const FLEET_HELP = [
  '      --canary N           run the first N devices alone; if any fails, start no other',
  '      --wave-size N        after the canary, start devices in waves of N, each when the last has finished',
  '      --max-failures N|P%  once more devices than this fail or roll back, start no more (those under way finish)',
  '      --device-timeout D   per device (e.g. 5m): no step starts after it, changes made are rolled back',
  '      --deadline D         whole run (e.g. 2h): no device starts after it',
  `      --journal FILE       where the run journal goes (default ${DEFAULT_JOURNAL_DIR}/<run-id>.jsonl)`,
  '      --resume [FILE]      rerun only devices not finished well in the journal (default: the latest for this command)',
  '',
  'Ctrl-C or SIGTERM starts no more devices; those under way finish or roll back, then certagent exits 1 and',
  '--resume continues (a second Ctrl-C exits at once; --resume then redoes the devices that were under way).',
  'Exit codes: 0 every device done, 1 a device failed or the run stopped early, 2 bad input.',
].join('\n');

/**
 * Takes `--resume`, `--resume=FILE` or `--resume FILE` out of argv (parseArgs has no optional values). The word
 * after a bare `--resume` is its FILE only when it names an existing file (or is a run id, for `--queue`), so
 * `fix --resume R1` still means device R1.
 */
/** Flags whose value may look like a negative number, which parseArgs would take for an option. */
const NUMERIC_FLAGS = new Set([
  '--concurrency',
  '--command-timeout',
  '--canary',
  '--wave-size',
  '--max-failures',
  '--device-timeout',
  '--deadline',
  '--renew-before',
]);

/** `--concurrency -3` as `--concurrency=-3`, so the value reaches certagent's own check and message. */
export function joinNegativeValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const next = argv[i + 1];
    if (NUMERIC_FLAGS.has(arg) && next !== undefined && /^-[\d.]/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

export function takeResume(argv: readonly string[]): { argv: string[]; resume?: true | string } {
  const rest: string[] = [];
  let resume: true | string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg.startsWith('--resume=')) resume = arg.slice('--resume='.length);
    else if (arg === '--resume') {
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('-') && ((existsSync(next) && statSync(next).isFile()) || isRunId(next))) {
        resume = next;
        i++;
      } else if (next !== undefined && !next.startsWith('-') && /[/\\]|\.jsonl$/.test(next)) {
        throw new UsageError(`--resume ${next}: no such journal file; give the journal path certagent printed, or --resume alone for the latest`);
      } else resume = true;
    } else rest.push(arg);
  }
  return { argv: rest, ...(resume !== undefined && { resume }) };
}

function whole(text: string | undefined, flag: string, min: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > 1_000_000) throw new UsageError(`${flag} must be a whole number ${min} or more, not '${text}'`);
  return n;
}

function durationMs(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const seconds = parseDuration(text);
  if (seconds === undefined || seconds === 0) throw new UsageError(`${flag} must be a duration like 90s, 5m or 2h, not '${text}'`);
  return seconds * 1000;
}

export type FleetSettings = Pick<FleetOptions, 'canary' | 'waveSize' | 'maxFailures' | 'deviceTimeoutMs' | 'deadlineMs'>;

export function fleetSettings(values: FleetFlagValues): FleetSettings {
  const canary = whole(values.canary, '--canary', 0);
  const waveSize = whole(values['wave-size'], '--wave-size', 1);
  const deviceTimeoutMs = durationMs(values['device-timeout'], '--device-timeout');
  const deadlineMs = durationMs(values.deadline, '--deadline');
  let maxFailures: FleetOptions['maxFailures'];
  if (values['max-failures'] !== undefined) {
    try {
      maxFailures = parseFailureBudget(values['max-failures']);
    } catch (err) {
      if (err instanceof FailureBudgetError) throw new UsageError(err.message);
      throw err;
    }
  }
  return {
    ...(canary !== undefined && { canary }),
    ...(waveSize !== undefined && { waveSize }),
    ...(maxFailures !== undefined && { maxFailures }),
    ...(deviceTimeoutMs !== undefined && { deviceTimeoutMs }),
    ...(deadlineMs !== undefined && { deadlineMs }),
  };
}

export interface JournalRequest {
  readonly command: WorkflowCommand;
  readonly desired: DesiredState;
  readonly planOptions?: PlanOptions;
  readonly devices: readonly Device[];
  readonly journalFile?: string;
  readonly resume?: true | string;
  /** Where the journal path and the resume decision are told. */
  readonly stderr: TextSink;
  /** Folder of default journals (default `.certagent/journal` under the working directory). */
  readonly dir?: string;
}

/** Opens this run's journal (a new one, or the resumed one appended to) and says which devices to run. */
export async function openJournal(request: JournalRequest): Promise<{ journal: RunJournal; devices: readonly Device[]; saveAlways: ReadonlySet<string> }> {
  const { command, stderr } = request;
  const dir = request.dir ?? DEFAULT_JOURNAL_DIR;
  const fingerprint = playbookFingerprint(request.desired, command, request.planOptions);
  const keys = new Map(request.devices.map((d) => [d.name, deviceKey(fingerprint, d)]));
  const keyOf = (name: string): string => keys.get(name) ?? '';
  try {
    if (request.resume !== undefined) {
      const path = request.resume === true ? latestJournal(dir, command) : request.resume;
      if (path === undefined) throw new UsageError(`--resume: no journal of an earlier ${command} run in ${dir}; give --resume FILE`);
      const state = readJournal(path);
      const decision = decideResume(state, command, fingerprint, request.devices);
      if (decision.fresh === undefined) {
        const journal = await RunJournal.open(
          path,
          {
            runId: state.runId,
            command,
            playbook: fingerprint,
            startedAt: new Date().toISOString(),
            devices: decision.run.length,
            attempt: state.attempts + 1,
          },
          keyOf,
        );
        const unsaved = decision.unsaved;
        const inFlight =
          unsaved.length > 0
            ? `; ${unsaved.length} were under way when it stopped (${unsaved.slice(0, 5).join(', ')}${unsaved.length > 5 ? ', …' : ''}) and are proven and saved even if nothing differs`
            : '';
        stderr.write(
          `certagent ${command}: resuming run ${state.runId} from ${path}: ${decision.skipped} devices already done, ${decision.run.length} to run${inFlight}\n`,
        );
        return { journal, devices: decision.run, saveAlways: new Set(unsaved) };
      }
      stderr.write(`certagent ${command}: not resuming: ${decision.fresh}\n`);
    }
    const runId = newRunId(command);
    const path = request.journalFile ?? `${dir}/${runId}.jsonl`;
    const journal = await RunJournal.open(
      path,
      { runId, command, playbook: fingerprint, startedAt: new Date().toISOString(), devices: request.devices.length, attempt: 1 },
      keyOf,
    );
    stderr.write(`certagent ${command}: journal ${path} (after an interruption: certagent ${command} ... --resume ${path})\n`);
    return { journal, devices: request.devices, saveAlways: new Set() };
  } catch (err) {
    if (err instanceof JournalError) throw new UsageError(err.message);
    throw err;
  }
}
