/**
 * `certagent worker --queue redis://HOST:PORT/DB`: a long-running process that takes device jobs from the named
 * queues and runs each through the per-device workflow, resolving secret references in its own environment.
 * SIGTERM or Ctrl-C: no new job is taken, devices under way finish or roll back, then it exits 0.
 */
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { SecretResolver, parseDuration, processSecretSources } from '../../config/index.js';
import type { SecretSources } from '../../config/index.js';
import { DEFAULT_CONCURRENCY } from '../../fleet/index.js';
import { DEFAULT_QUEUE, queueNameProblem } from '../../fleet/queue/job.js';
import { SecretRedactor, consoleLevel, createLogger } from '../../report/index.js';
import type { TextSink } from '../../report/index.js';
import { EXIT_OK, UsageError } from '../command.js';
import type { Command } from '../command.js';
import { QUEUE_FLAGS, QUEUE_HELP } from '../queue-flags.js';
import { SUMMARIES } from './summaries.js';
import { makeOutputFolders } from '../run-files.js';

const FLAGS = {
  ...QUEUE_FLAGS,
  queues: { type: 'string' },
  concurrency: { type: 'string' },
  name: { type: 'string' },
  'log-file': { type: 'string' },
  transcripts: { type: 'string' },
  'lock-duration': { type: 'string' },
  'stalled-interval': { type: 'string' },
  'max-stalled': { type: 'string' },
  verbose: { type: 'boolean', short: 'v', multiple: true },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

const USAGE = 'certagent worker --queue redis://HOST:PORT/DB [--queues NAMES] [--concurrency N] [--name ID] [--log-file FILE]';
const SUMMARY = SUMMARIES.worker;
const HELP = [
  QUEUE_HELP,
  `      --queues NAMES       comma-separated queues to take devices from (default ${DEFAULT_QUEUE}); the inventory's queue: says which`,
  `      --concurrency N      devices at once per queue on this worker (default ${DEFAULT_CONCURRENCY}); the coordinator caps each queue over all workers`,
  "      --name ID            this worker's name in job records and logs (default HOST-PID)",
  '      --log-file FILE      JSON Lines log',
  '      --transcripts DIR    a redacted session transcript per device',
  "      --lock-duration D    a job's lock lasts this long unless renewed (default 30s): after a crash another worker waits about this long",
  '      --stalled-interval D how often to look for jobs whose worker died (default 30s)',
  '      --max-stalled N      times a job is taken over after its worker died before it fails for good (default 1)',
  '  -v, --verbose / -q, --quiet',
  '',
  'SIGTERM or Ctrl-C: no new device is taken; those under way finish or roll back; exit 0.',
].join('\n');

export interface WorkerCommandDeps {
  readonly secrets?: SecretSources;
  readonly stdout?: TextSink;
  readonly stderr?: TextSink;
}

function seconds(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  const s = parseDuration(text);
  if (s === undefined || s === 0) throw new UsageError(`${flag} must be a duration like 30s or 2m, not '${text}'`);
  return s;
}

function whole(text: string | undefined, flag: string, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > 10_000) throw new UsageError(`${flag} must be a whole number ${min}..10000, not '${text}'`);
  return n;
}

export function parseWorkerArgs(argv: readonly string[]): {
  [K in keyof typeof FLAGS]?: (typeof FLAGS)[K] extends { multiple: true } ? boolean[] : (typeof FLAGS)[K] extends { type: 'boolean' } ? boolean : string;
} {
  try {
    return parseArgs({ args: [...argv], options: FLAGS, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

export function workerCommand(deps: WorkerCommandDeps = {}): Command {
  return {
    name: 'worker',
    summary: SUMMARY,
    usage: USAGE,
    async run(argv) {
      const values = parseWorkerArgs(argv);
      if (values.help) {
        (deps.stdout ?? process.stdout).write(`usage: ${USAGE}\n\n${SUMMARY}\n\n${HELP}\n`);
        return EXIT_OK;
      }
      const queues = (values.queues ?? DEFAULT_QUEUE)
        .split(',')
        .map((q) => q.trim())
        .filter((q) => q !== '');
      if (queues.length === 0) throw new UsageError('--queues names no queue');
      for (const q of queues) {
        const problem = queueNameProblem(q);
        if (problem) throw new UsageError(`--queues: ${problem}`);
      }
      const concurrency = whole(values.concurrency, '--concurrency', DEFAULT_CONCURRENCY, 1);
      const lockDurationMs = seconds(values['lock-duration'], '--lock-duration', 30) * 1000;
      const stalledIntervalMs = seconds(values['stalled-interval'], '--stalled-interval', 30) * 1000;
      const maxStalledCount = whole(values['max-stalled'], '--max-stalled', 1, 0);
      // As the in-process run makes it: without the folder every device of the worker would fail at its transcript.
      makeOutputFolders({ transcripts: values.transcripts });
      const resolver = new SecretResolver(deps.secrets ?? processSecretSources());
      // BullMQ and ioredis are loaded only when a worker really runs, not for every certagent command.
      const { connectQueue } = await import('../queue-options.js');
      const { QueueWorker } = await import('../../fleet/queue/consumer.js');
      const connection = await connectQueue(values, resolver);
      const redactor = new SecretRedactor(connection.password ? [connection.password] : []);
      const logger = createLogger({
        redactor,
        level: consoleLevel({ verbose: values.verbose?.length ?? 0, ...(values.quiet !== undefined && { quiet: values.quiet }) }),
        ...(values['log-file'] !== undefined && { logFile: values['log-file'] }),
        console: deps.stderr ?? process.stderr,
      });
      const worker = new QueueWorker({
        connection,
        queues,
        concurrency,
        name: values.name ?? `${hostname()}-${process.pid}`,
        resolver,
        redactor,
        logger,
        ...(values.transcripts !== undefined && { transcriptDir: values.transcripts }),
        lockDurationMs,
        stalledIntervalMs,
        maxStalledCount,
      });
      const stopped = new Promise<NodeJS.Signals>((resolve) => {
        process.once('SIGTERM', () => resolve('SIGTERM'));
        process.once('SIGINT', () => resolve('SIGINT'));
      });
      worker.start();
      const signal = await stopped;
      logger.info(`worker ${worker.options.name}: ${signal} received: taking no new device; waiting for those under way`, { event: 'workerStopping', signal });
      await worker.close();
      logger.info(`worker ${worker.options.name}: stopped`, { event: 'workerStopped' });
      await logger.shutdown();
      return EXIT_OK;
    },
  };
}
