/**
 * `rollout|rotate|fix|plan --queue redis://...`: the coordinator's preparation. The inventory and playbook were
 * validated locally and the playbook resolved once with its secret references as templates (no value); here the run
 * gets its id (new, or `--resume RUN_ID`), its record for Redis, each device its queue and each queue its cap, and
 * the journal its file, before `runQueued` enqueues anything.
 */
import { existsSync } from 'node:fs';
import { parseDuration } from '../config/index.js';
import type { Device, SecretResolver } from '../config/index.js';
import { DEFAULT_JOURNAL_DIR, RunJournal, deviceKey, isRunId, newRunId, playbookFingerprint, readJournal } from '../fleet/index.js';
import type { FleetResult } from '../fleet/index.js';
import { DEFAULT_QUEUE, DeviceQueues, QueueRunError, RUN_FORMAT, encode, isTemplate, queueNameProblem, runQueued } from '../fleet/queue/index.js';
import type { QueueConnectionOptions, QueuedDevice, RunSpec, SessionLimits } from '../fleet/queue/index.js';
import type { RunReporter, TextSink } from '../report/index.js';
import type { DesiredState, PlanOptions, RetryPolicy, WorkflowCommand } from '../workflow/index.js';
import { UsageError } from './command.js';
import type { FleetSettings as FleetStageSettings } from './fleet-options.js';
import { connectQueue } from './queue-options.js';
import type { QueueRunFlagValues } from './queue-flags.js';

export interface QueuedRunRequest {
  readonly command: WorkflowCommand;
  readonly dryRun: boolean;
  readonly devices: readonly Device[];
  /** Resolved with placeholder sources: secrets are templates. */
  readonly desired: DesiredState;
  readonly planOptions?: PlanOptions;
  readonly alwaysProve?: boolean;
  readonly commandTimeoutMs: number;
  readonly limits?: SessionLimits;
  readonly refuse?: RunSpec['refuse'];
  readonly pollIntervalMs?: number;
  readonly retry?: RetryPolicy;
  /** The default cap of every queue. */
  readonly concurrency: number;
  readonly values: QueueRunFlagValues;
  readonly resume?: true | string;
  readonly journalFile?: string;
  readonly stderr: TextSink;
  /** For the Redis password only. */
  readonly resolver: SecretResolver;
}

export interface QueuedRun {
  readonly runId: string;
  readonly journal?: RunJournal;
  start(reporter: RunReporter, stages: FleetStageSettings, signal: AbortSignal): Promise<FleetResult>;
}

function caps(text: string | undefined, fallback: number, queues: readonly string[]): Map<string, number> {
  const out = new Map(queues.map((q) => [q, fallback]));
  for (const part of (text ?? '').split(',').filter((p) => p.trim() !== '')) {
    const m = /^\s*([^=\s]+)\s*=\s*(\d+)\s*$/.exec(part);
    const n = Number(m?.[2]);
    if (!m || !Number.isInteger(n) || n < 1 || n > 10_000) throw new UsageError(`--queue-concurrency takes QUEUE=N pairs, N 1..10000, not '${part}'`);
    const problem = queueNameProblem(m[1] as string);
    if (problem) throw new UsageError(`--queue-concurrency: ${problem}`);
    out.set(m[1] as string, n);
  }
  return out;
}

function attempts(text: string | undefined): number {
  if (text === undefined) return 3;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new UsageError(`--attempts must be a whole number 1..100, not '${text}'`);
  return n;
}

/** The time a rotation plans from changes with each start; it does not make a resumed run another run. */
function stableFingerprint(request: QueuedRunRequest): string {
  const { now: _now, ...plan } = request.planOptions ?? {};
  return playbookFingerprint(request.desired, request.command, request.planOptions ? plan : undefined);
}

async function storedRun(connection: QueueConnectionOptions, runId: string): Promise<RunSpec> {
  const queues = new DeviceQueues(connection);
  try {
    const spec = await queues.readRun(runId).catch((err: unknown) => {
      throw new UsageError(`--resume ${runId}: Redis at ${connection.location.url} did not give the run (${err instanceof Error ? err.message : String(err)})`);
    });
    if (spec === undefined)
      throw new UsageError(`--resume ${runId}: no such run in Redis at ${connection.location.url} (runs are kept 7 days; is it another Redis or database?)`);
    return spec;
  } finally {
    await queues.close();
  }
}

export async function prepareQueuedRun(request: QueuedRunRequest): Promise<QueuedRun> {
  const { command, values } = request;
  const attemptCount = attempts(values.attempts);
  let lostAfterMs: number | undefined;
  if (values['redis-lost-after'] !== undefined) {
    const seconds = parseDuration(values['redis-lost-after']);
    if (seconds === undefined || seconds === 0)
      throw new UsageError(`--redis-lost-after must be a duration like 60s or 5m, not '${values['redis-lost-after']}'`);
    lostAfterMs = seconds * 1000;
  }
  if (request.resume === true) throw new UsageError('with --queue, --resume needs the run id the first run printed: --resume RUN_ID');
  if (request.resume !== undefined && !isRunId(request.resume))
    throw new UsageError(`--resume ${request.resume}: with --queue, give the run id (e.g. ${command}-20261206T081500Z-3fa9)`);
  const connection = await connectQueue(values, request.resolver);
  const fingerprint = stableFingerprint(request);
  const runId = request.resume ?? newRunId(command);

  let devices: readonly Device[] = request.devices;
  if (request.resume !== undefined) {
    const stored = await storedRun(connection, runId);
    if (stored.fingerprint !== fingerprint || stored.command !== command) {
      throw new UsageError(
        `--resume ${runId}: that run was started with another command or playbook; resume it with the same command and -p, or start a new run`,
      );
    }
    const byName = new Map(request.devices.map((d) => [d.name, d]));
    const missing = stored.devices.filter((d) => !byName.has(d.name)).map((d) => d.name);
    if (missing.length > 0)
      throw new UsageError(
        `--resume ${runId}: the inventory and --limit no longer select ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''} of that run`,
      );
    devices = stored.devices.map((d) => byName.get(d.name) as Device);
  }
  const queued: QueuedDevice[] = devices.map((device) => ({ device, queue: device.queue ?? DEFAULT_QUEUE }));
  const queueCaps = caps(values['queue-concurrency'], request.concurrency, [...new Set(queued.map((d) => d.queue))]);

  let journal: RunJournal | undefined;
  if (!request.dryRun) {
    const path = request.journalFile ?? `${DEFAULT_JOURNAL_DIR}/${runId}.jsonl`;
    const attempt = request.resume !== undefined && existsSync(path) ? readJournal(path).attempts + 1 : 1;
    const keys = new Map(devices.map((d) => [d.name, deviceKey(fingerprint, d)]));
    try {
      journal = await RunJournal.open(
        path,
        { runId, command, playbook: fingerprint, startedAt: new Date().toISOString(), devices: devices.length, attempt },
        (name) => keys.get(name) ?? '',
      );
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  }
  const resuming = request.resume !== undefined;
  request.stderr.write(
    resuming
      ? `certagent ${command}: re-attaching to run ${runId} on ${connection.location.url}\n`
      : `certagent ${command}: run ${runId} through ${connection.location.url} (queues ${[...queueCaps].map(([q, n]) => `${q} at most ${n} at once`).join(', ')}); after an interruption: certagent ${command} ... --queue ${connection.location.url} --resume ${runId}\n`,
  );

  return {
    runId,
    ...(journal && { journal }),
    start: async (reporter, stages, signal) => {
      const spec: RunSpec = {
        format: RUN_FORMAT,
        runId,
        command,
        dryRun: request.dryRun,
        fingerprint,
        desired: encode(request.desired, isTemplate),
        ...(request.planOptions && { planOptions: encode(request.planOptions, isTemplate) }),
        ...(request.alwaysProve !== undefined && { alwaysProve: request.alwaysProve }),
        commandTimeoutMs: request.commandTimeoutMs,
        ...(request.limits && Object.keys(request.limits).length > 0 && { limits: request.limits }),
        ...(request.refuse && { refuse: request.refuse }),
        ...(stages.deviceTimeoutMs !== undefined && { deviceTimeoutMs: stages.deviceTimeoutMs }),
        ...(request.pollIntervalMs !== undefined && { pollIntervalMs: request.pollIntervalMs }),
        ...(request.retry && { retry: request.retry }),
        devices: queued.map((d) => ({ name: d.device.name, queue: d.queue })),
      };
      try {
        return await runQueued({
          spec,
          devices: queued,
          connection,
          caps: queueCaps,
          attempts: attemptCount,
          reporter,
          resume: resuming,
          ...(journal && { journal }),
          ...(stages.canary !== undefined && { canary: stages.canary }),
          ...(stages.waveSize !== undefined && { waveSize: stages.waveSize }),
          ...(stages.maxFailures !== undefined && { maxFailures: stages.maxFailures }),
          ...(stages.deadlineMs !== undefined && { deadlineMs: stages.deadlineMs }),
          signal,
          ...(lostAfterMs !== undefined && { lostAfterMs }),
          note: (text) => request.stderr.write(`certagent ${command}: ${text}\n`),
        });
      } catch (err) {
        if (err instanceof QueueRunError) throw new UsageError(err.message);
        throw err;
      }
    },
  };
}
