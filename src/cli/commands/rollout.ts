/**
 * `certagent rollout`, and the machinery `plan`, `rotate` and `fix` share with it: flags, loading the inventory
 * and playbook, resolving the playbook's certificate sources, running the fleet, and the exit code
 * (0 all good, 1 some device failed, 2 bad input or usage).
 */
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { ProbeError } from '../../certs/probe.js';
import {
  ConfigError,
  SecretResolver,
  loadInventory,
  resolveCredentials,
  loadPlaybook,
  locateIssues,
  parseDuration,
  processSecretSources,
  selectDevices,
} from '../../config/index.js';
import type { Device, SecretSources } from '../../config/index.js';
import { SecretRedactor } from '../../report/redaction.js';
import { escapeText } from '../../report/escape.js';
import type { TextSink } from '../../report/index.js';
import { resolveDesired } from '../../workflow/desired.js';
import { DEFAULT_RENEW_BEFORE_SECONDS, rotatePlanOptions } from '../../workflow/rotate.js';
import { DEFAULT_CONCURRENCY } from '../../fleet/concurrency.js';
import { DEFAULT_JOURNAL_DIR } from '../../fleet/journal.js';
import { SHARD_COUNT_ENV, SHARD_INDEX_ENV, ShardError, selectShard, shardFrom, shardJournalDir } from '../../fleet/shard.js';
import type { Shard } from '../../fleet/index.js';
import { PromptInQueueError, placeholderSources } from '../../fleet/queue/secret-template.js';
import type { DesiredState, PinPolicy, WorkflowCommand } from '../../workflow/index.js';
import type { FleetOptions } from '../../fleet/index.js';
import { FileDeviceLocks } from '../../fleet/locks/index.js';
import { EXIT_DEVICE_FAILED, EXIT_OK, EXIT_USAGE, UsageError } from '../command.js';
import type { Command } from '../command.js';
import { parseSize } from '../size.js';
import { takePinMode } from '../pin-mode.js';
import { FLEET_FLAGS, FLEET_HELP, fleetSettings, joinNegativeValues, openJournal, takeResume } from '../fleet-options.js';
import { makeOutputFolders, runInputs, runOutputProblems } from '../run-files.js';
import type { FleetFlagValues } from '../fleet-options.js';
import { errorMessage } from '../../shared/error-message.js';
import { QUEUE_RUN_FLAGS, QUEUE_RUN_HELP } from '../queue-flags.js';
import type { QueueRunFlagValues } from '../queue-flags.js';
import { SUMMARIES } from './summaries.js';

/** What the commands take from the outside world; tests give their own. */
export interface WorkflowCommandDeps {
  readonly secrets?: SecretSources;
  readonly stdout?: TextSink;
  readonly stderr?: TextSink;
  /** Overrides of the fleet runner's settings (timeouts, retry delays) for tests. */
  readonly fleet?: Partial<Pick<FleetOptions, 'retry' | 'pollIntervalMs' | 'session'>>;
}

const COMMON = {
  inventory: { type: 'string', short: 'i' },
  playbook: { type: 'string', short: 'p' },
  limit: { type: 'string' },
  concurrency: { type: 'string' },
  json: { type: 'string' },
  html: { type: 'string' },
  transcripts: { type: 'string' },
  'log-file': { type: 'string' },
  'command-timeout': { type: 'string' },
  'max-output': { type: 'string' },
  'max-transcript': { type: 'string' },
  verbose: { type: 'boolean', short: 'v', multiple: true },
  quiet: { type: 'boolean', short: 'q' },
  progress: { type: 'string' },
  transport: { type: 'string' },
  shard: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  ...QUEUE_RUN_FLAGS,
} as const satisfies ParseArgsConfig['options'];

type Values = {
  [K in keyof typeof COMMON]?: (typeof COMMON)[K] extends { multiple: true } ? boolean[] : (typeof COMMON)[K] extends { type: 'boolean' } ? boolean : string;
} & {
  'dry-run'?: boolean;
  'renew-before'?: string;
} & FleetFlagValues &
  QueueRunFlagValues;

function parse(argv: readonly string[], extra: ParseArgsConfig['options'], positionals: number): { values: Values; positionals: string[] } {
  try {
    const parsed = parseArgs({ args: [...argv], options: { ...COMMON, ...FLEET_FLAGS, ...extra }, strict: true, allowPositionals: positionals > 0 });
    if (parsed.positionals.length > positionals) throw new UsageError(`unexpected argument '${parsed.positionals[positionals] ?? ''}'`);
    return { values: parsed.values as Values, positionals: parsed.positionals };
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(errorMessage(err));
  }
}

export function positiveInteger(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new UsageError(`${flag} must be a whole number 1..10000, not '${text}'`);
  return n;
}

/** `--transport ssh|netconf` overrides every selected device's inventory transport. */
export function withTransport(devices: Device[], text: string | undefined): Device[] {
  if (text === undefined) return devices;
  if (text !== 'ssh' && text !== 'netconf') throw new UsageError(`--transport must be ssh or netconf, not '${text}'`);
  return devices.map((d) => ({ ...d, transport: text }));
}

export function progressMode(text: string | undefined): 'auto' | 'live' | 'lines' | 'none' {
  if (text === undefined) return 'auto';
  if (text === 'auto' || text === 'live' || text === 'lines' || text === 'none') return text;
  throw new UsageError(`--progress must be auto, live, lines or none, not '${text}'`);
}

export interface WorkflowRun {
  readonly command: WorkflowCommand;
  readonly values: Values;
  readonly dryRun: boolean;
  /** `fix DEVICE`: exactly this device. */
  readonly device?: string;
  /** `--resume` (the latest journal) or `--resume FILE`. */
  readonly resume?: true | string;
  readonly pin?: PinPolicy;
}

async function execute(run: WorkflowRun, deps: WorkflowCommandDeps): Promise<number> {
  const { values } = run;
  if (values.inventory === undefined) throw new UsageError('give the inventory with -i INVENTORY');
  if (values.playbook === undefined) throw new UsageError('give the playbook with -p PLAYBOOK');
  const concurrency = positiveInteger(values.concurrency, '--concurrency', DEFAULT_CONCURRENCY);
  const commandTimeoutMs = positiveInteger(values['command-timeout'], '--command-timeout', 30) * 1000;
  const maxOutputBytes = parseSize(values['max-output'], '--max-output');
  const maxSessionBytes = parseSize(values['max-transcript'], '--max-transcript');
  let renewBefore = DEFAULT_RENEW_BEFORE_SECONDS;
  if (values['renew-before'] !== undefined) {
    const seconds = parseDuration(values['renew-before']);
    if (seconds === undefined) throw new UsageError(`--renew-before must be a duration like 30d, 12h or 2w, not '${values['renew-before']}'`);
    renewBefore = seconds;
  }
  const progress = progressMode(values.progress);
  const fleet = fleetSettings(values);
  const stderr = deps.stderr ?? process.stderr;
  const resolver = new SecretResolver(deps.secrets ?? processSecretSources());
  const queued = values.queue !== undefined;
  let shard: Shard | undefined;
  try {
    shard = shardFrom(values.shard, process.env);
  } catch (err) {
    if (err instanceof ShardError) throw new UsageError(err.message);
    throw err;
  }
  if (shard && queued) throw new UsageError('--shard and --queue are two ways to spread a fleet: choose one');

  let devices: Device[];
  let desired: DesiredState;
  let rotationDefault: number | undefined;
  try {
    const inventory = await loadInventory(values.inventory);
    const limit = run.device ?? values.limit;
    devices = selectShard(withTransport(selectDevices(inventory, limit), values.transport), shard);
    if (run.device !== undefined && (devices.length !== 1 || devices[0]?.name !== run.device)) {
      throw new UsageError(`fix takes one device by its inventory name; '${run.device}' is not one (it matches ${devices.length} devices)`);
    }
    // Through the queue the secrets stay references: each worker fills them from its own environment.
    const playbook = await loadPlaybook(values.playbook, { secrets: queued ? new SecretResolver(placeholderSources()) : resolver });
    // Every credential now, before a journal or an output exists: a run refused here leaves nothing behind.
    // Through the queue each worker resolves credentials in its own environment, so the coordinator may not.
    if (!queued) for (const device of devices) await resolveCredentials(device, resolver);
    const outputProblems = runOutputProblems(values, runInputs(inventory.file, playbook, inventory.devices));
    if (outputProblems.length > 0) throw new UsageError(outputProblems.join('\n'));
    rotationDefault = playbook.rotation?.renewBeforeSeconds;
    desired = await resolveDesired(playbook, { pin: run.pin ?? 'auto' });
  } catch (err) {
    if (err instanceof ConfigError) {
      stderr.write(`certagent ${run.command}: ${escapeText(new ConfigError(locateIssues(err.issues)).message)}\n`);
      return EXIT_USAGE;
    }
    if (err instanceof PromptInQueueError) {
      stderr.write(`certagent ${run.command}: ${err.message}\n`);
      return EXIT_USAGE;
    }
    if (err instanceof ProbeError) {
      stderr.write(`certagent ${run.command}: cannot read a certificate source of the playbook: ${escapeText(err.message)}\n`);
      return EXIT_DEVICE_FAILED;
    }
    throw err;
  }

  const { runFleet, createRunOutput, consoleLevel, diagnoseDevice, incurableFaults, secretRedactor } = await import('../fleet-run-deps.js');
  makeOutputFolders(values);
  // A dry run only reads, and queued devices are locked by their workers; every other run holds each router while
  // it changes it. A lock folder that cannot exist is refused here, before a journal or a router is touched.
  const locks = run.dryRun || queued ? undefined : new FileDeviceLocks();
  const lockFolderProblem = locks?.prepare();
  if (lockFolderProblem !== undefined) throw new UsageError(`${lockFolderProblem}; nothing was sent to any device`);
  const redactor = new SecretRedactor(desired.secrets);
  const verbose = values.verbose?.length ?? 0;
  const planOptions =
    run.command === 'rotate' ? rotatePlanOptions(values['renew-before'] === undefined ? (rotationDefault ?? renewBefore) : renewBefore) : undefined;
  const session = {
    commandTimeoutMs,
    ...(maxOutputBytes !== undefined && { maxOutputBytes }),
    ...(maxSessionBytes !== undefined && { maxSessionBytes }),
    ...(values.transcripts !== undefined && { transcriptDir: values.transcripts }),
    ...deps.fleet?.session,
  };
  // Decided once, from the mail server's chain as probed here: every device of the run, wherever it runs, gets the same.
  const incurable = run.command === 'fix' ? incurableFaults(desired) : [];
  const refuse =
    incurable.length > 0
      ? {
          message: `the mail server's certificate chain cannot work whatever the device trusts: ${incurable.map((d) => d.summary).join(' ')}`,
          hint: `${incurable.map((d) => d.fix).join(' ')} Then run certagent fix again.`,
        }
      : undefined;
  // BullMQ and ioredis are loaded only for a run through Redis.
  const queuedRun = queued
    ? await (
        await import('../queue-run.js')
      ).prepareQueuedRun({
        command: run.command,
        dryRun: run.dryRun,
        devices,
        desired,
        ...(planOptions && { planOptions }),
        ...(run.command === 'fix' && { alwaysProve: true }),
        ...(refuse && { refuse }),
        commandTimeoutMs: session.commandTimeoutMs,
        // The worker's own --transcripts says where its transcripts go; the limits are the run's.
        limits: {
          ...(session.maxOutputBytes !== undefined && { maxOutputBytes: session.maxOutputBytes }),
          ...(session.maxSessionBytes !== undefined && { maxSessionBytes: session.maxSessionBytes }),
          ...(session.connectTimeoutMs !== undefined && { connectTimeoutMs: session.connectTimeoutMs }),
        },
        ...(deps.fleet?.pollIntervalMs !== undefined && { pollIntervalMs: deps.fleet.pollIntervalMs }),
        ...(deps.fleet?.retry && { retry: deps.fleet.retry }),
        concurrency,
        values,
        ...(run.resume !== undefined && { resume: run.resume }),
        ...(values.journal !== undefined && { journalFile: values.journal }),
        stderr,
        resolver,
      })
    : undefined;
  // A dry run changes nothing, so there is nothing to resume: no journal. A shard keeps its journals apart.
  const journaled =
    run.dryRun || queued
      ? undefined
      : await openJournal({
          command: run.command,
          desired,
          ...(planOptions && { planOptions }),
          devices,
          ...(values.journal !== undefined && { journalFile: values.journal }),
          ...(run.resume !== undefined && { resume: run.resume }),
          stderr,
          ...(shard && { dir: shardJournalDir(DEFAULT_JOURNAL_DIR, shard) }),
        });
  const output = createRunOutput({
    command: run.dryRun ? 'plan' : run.command === 'plan' ? 'plan' : run.command,
    redactor,
    level: consoleLevel({ verbose, ...(values.quiet !== undefined && { quiet: values.quiet }) }),
    ...(values['log-file'] !== undefined && { logFile: values['log-file'] }),
    ...(values.json !== undefined && { jsonFile: values.json }),
    ...(values.html !== undefined && { htmlFile: values.html }),
    dryRun: run.dryRun,
    progress,
    ...(deps.stdout && { stdout: deps.stdout }),
    ...(deps.stderr && { stderr: deps.stderr }),
  });
  // The first Ctrl-C (or SIGTERM from a scheduler) starts no more devices; the ones under way finish or roll back.
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => stop.abort(`${signal} received`);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const redact = secretRedactor(desired);
    const result = queuedRun
      ? await queuedRun.start(output.reporter, fleet, stop.signal)
      : await runFleet({
          command: run.command,
          devices: journaled?.devices ?? devices,
          ...fleet,
          ...(journaled && { journal: journaled.journal, saveAlways: journaled.saveAlways }),
          ...(journaled &&
            locks && {
              locks: { locks, holder: { runId: journaled.journal.runId, command: run.command, pid: process.pid, hostname: hostname() } },
            }),
          desired,
          resolver,
          reporter: output.reporter,
          concurrency,
          dryRun: run.dryRun,
          ...(planOptions && { planOptions }),
          ...(run.command === 'fix' && {
            alwaysProve: true,
            diagnose: (facts, plan, session) => diagnoseDevice(session, facts, plan, desired, redact),
            ...(refuse && { refuse }),
          }),
          session,
          ...(deps.fleet?.retry && { retry: deps.fleet.retry }),
          ...(deps.fleet?.pollIntervalMs !== undefined && { pollIntervalMs: deps.fleet.pollIntervalMs }),
          registerSecret: (value) => redactor.add(value),
          signal: stop.signal,
        });
    return result.exitCode === 0 ? EXIT_OK : EXIT_DEVICE_FAILED;
  } catch (err) {
    if (err instanceof ConfigError) {
      stderr.write(`certagent ${run.command}: ${escapeText(redactor.redact(err.message))}\n`);
      return EXIT_USAGE;
    }
    throw err;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    journaled?.journal.close();
    queuedRun?.journal?.close();
    await output.close();
  }
}

const OPTIONS_HELP = [
  '  -i, --inventory SRC      devices: certagent or Ansible YAML, or any Ansible source (INI, directory, script, plugin) via ansible-inventory',
  '  -p, --playbook FILE      desired trustpoints, EEM environment and applets',
  '      --limit NAMES        devices or groups, comma-separated, globs and !exclusions',
  `      --concurrency N      devices at once (default ${DEFAULT_CONCURRENCY})`,
  '      --json FILE          JSON Lines report of the run',
  '      --html FILE          the run as one self-contained HTML page (changes and commands sent, redacted)',
  '      --transcripts DIR    a redacted session transcript per device',
  '      --log-file FILE      JSON Lines log',
  '      --pin-fingerprints M pin CA fingerprints before authenticate: auto (default; on IOS XE 26.x and later,',
  '                           read from show version), always, or never (only those the playbook gives)',
  '      --command-timeout S  seconds to wait for each command (default 30)',
  '      --max-output SIZE    most a command may print before its device fails (default 16MiB)',
  '      --max-transcript SIZE  most one device session may print, which bounds its transcript (default 64MiB)',
  '      --progress MODE      auto, live, lines or none',
  "      --transport T        ssh or netconf for every device, instead of the inventory's (netconf: YANG",
  '                           edits on netconf_port, CA certificates and mail lines over SSH on port)',
  '      --shard I/N          run only shard I (0..N-1) of the devices, by a stable hash of the name, in-process',
  `                           with its own journal (default: ${SHARD_INDEX_ENV} and ${SHARD_COUNT_ENV} in an Indexed Job)`,
  '  -v, --verbose / -q, --quiet',
  FLEET_HELP,
  '',
  QUEUE_RUN_HELP,
].join('\n');

export function workflowCommand(
  name: WorkflowCommand,
  summary: string,
  usage: string,
  extra: ParseArgsConfig['options'],
  positionals: number,
  toRun: (values: Values, positionals: string[]) => WorkflowRun,
  deps: WorkflowCommandDeps,
): Command {
  return {
    name,
    summary,
    usage,
    async run(argv) {
      const { argv: unpinned, pin } = takePinMode(joinNegativeValues(argv));
      const { argv: rest, resume } = takeResume(unpinned);
      const { values, positionals: given } = parse(rest, extra, positionals);
      if (values.help) {
        (deps.stdout ?? process.stdout).write(`usage: ${usage}\n\n${summary}\n\n${OPTIONS_HELP}\n`);
        return EXIT_OK;
      }
      return execute({ ...toRun(values, given), pin, ...(resume !== undefined && { resume }) }, deps);
    },
  };
}

export function rolloutCommand(deps: WorkflowCommandDeps = {}): Command {
  return workflowCommand(
    'rollout',
    SUMMARIES.rollout,
    'certagent rollout -i INVENTORY -p PLAYBOOK [--limit NAMES] [--concurrency N] [--dry-run] [--json FILE] [--transcripts DIR]',
    { 'dry-run': { type: 'boolean' } },
    0,
    (values) => ({ command: 'rollout', values, dryRun: values['dry-run'] === true }),
    deps,
  );
}
