/**
 * The coordinator of a queued run: the same stages, failure budget, deadline, journal, reporter events and exit
 * code as the in-process runner, with the devices run by workers. It stores the run once, enqueues stage by stage
 * (a device's job id is the run id and its name, so enqueuing again never duplicates it), follows the workers
 * through the queues' events, and when the run must stop removes the jobs no worker has started (reported
 * `skipped`) while those under way finish or roll back. Restarted with the same run id, it re-attaches: finished
 * jobs are reported from their stored results, jobs still out are followed, stages not yet enqueued are.
 * If Redis stays unreachable for `lostAfterMs`, every device still out is reported with an unknown outcome. No wait
 * of the coordinator's depends on Redis answering: its commands time out (producer.ts), the wait loop never awaits
 * one, and a stage whose jobs cannot be enqueued is retried only while Redis is not yet given up on.
 */
import { ReplyError } from 'ioredis';
import type { DeviceOutcome, RunReporter } from '../../report/events.js';
import type { FailureBudget } from '../budget.js';
import { formatMs } from '../../workflow/index.js';
import { RunStop } from '../run-stop.js';
import type { FleetResult } from '../in-process.js';
import type { FleetJournal } from '../journal.js';
import { describeStage, planStages } from '../stages.js';
import type { Stage } from '../stages.js';
import { FleetTally, isFailure, skippedOutcome, stopReason } from '../tally.js';
import type { QueueConnectionOptions } from './connection.js';
import { jobId } from './job.js';
import type { DeviceJobResult, RunSpec } from './job.js';
import { DeviceEvents } from './observer.js';
import { DeviceQueues } from './producer.js';
import type { QueuedDevice } from './producer.js';

export interface QueuedFleetOptions {
  readonly spec: RunSpec;
  /** In inventory order; each with the queue its workers take it from. */
  readonly devices: readonly QueuedDevice[];
  readonly connection: QueueConnectionOptions;
  /** Devices at once per queue, over all workers. */
  readonly caps: ReadonlyMap<string, number>;
  /** Tries per device job (a worker's crash or a failed attempt counts) before it fails for good. */
  readonly attempts: number;
  readonly reporter: RunReporter;
  /** Re-attach to the jobs of `spec.runId` already in Redis. */
  readonly resume?: boolean;
  readonly journal?: FleetJournal;
  readonly canary?: number;
  readonly waveSize?: number;
  readonly maxFailures?: FailureBudget;
  readonly deadlineMs?: number;
  readonly signal?: AbortSignal;
  /** Redis unanswered this long: devices still out are reported unknown (default 60 s). */
  readonly lostAfterMs?: number;
  /** How often jobs are looked at directly when no event came (default 5 s). */
  readonly reconcileMs?: number;
  /** Told what the coordinator does and finds (re-attaching, devices of unknown outcome). */
  readonly note?: (text: string) => void;
}

/** The stored run differs from the one asked for, or the run id is unknown on resume (exit 2). */
export class QueueRunError extends Error {
  override readonly name = 'QueueRunError';
}

function failedOutcome(device: QueuedDevice, message: string, hint: string): DeviceOutcome {
  return {
    device: device.device.name,
    host: device.device.host,
    result: 'failed',
    changes: [],
    roundTrips: 0,
    startedAt: new Date().toISOString(),
    durationMs: 0,
    error: { message, hint },
  };
}

function resultOf(value: unknown): DeviceJobResult | undefined {
  const parsed = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  const outcome = (parsed as Partial<DeviceJobResult> | null)?.outcome;
  return outcome && typeof outcome.device === 'string' && typeof outcome.result === 'string' ? (parsed as DeviceJobResult) : undefined;
}

/** BullMQ's reason for a job that stalled too often, in words about certagent's workers. */
function failureText(reason: string): string {
  if (/stalled more than allowable limit/.test(reason))
    return "the worker holding it stopped (killed, or cut off from Redis) more often than the workers' --max-stalled allows";
  return reason;
}

export async function runQueued(options: QueuedFleetOptions): Promise<FleetResult> {
  const { spec, reporter } = options;
  const devices = options.devices;
  const started = Date.now();
  const startedAt = new Date().toISOString();
  const command = spec.dryRun && spec.command === 'rollout' ? 'plan' : spec.command;
  const tally = new FleetTally(devices.length, options.maxFailures);
  const byJob = new Map(devices.map((d) => [jobId(spec.runId, d.device.name), d]));
  const done = new Set<string>();
  const seenStart = new Set<string>();
  /** Jobs enqueued (or found in Redis) and not finished. */
  const out = new Set<string>();
  /** The stage being waited on, and whether it is the canary (a failure there stops the run at once). */
  let stage: Stage | undefined;
  let members = new Set<string>();
  let lost = false;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    wake?.();
    wake = undefined;
  };

  const stop = new RunStop(options.signal, options.deadlineMs);

  const startOf = (d: QueuedDevice): void => {
    if (seenStart.has(d.device.name)) return;
    seenStart.add(d.device.name);
    reporter.deviceStarted(d.device.name);
    options.journal?.deviceStarted(d.device.name).catch(() => undefined);
  };

  const finish = (d: QueuedDevice, outcome: DeviceOutcome): void => {
    const name = d.device.name;
    if (done.has(name)) return;
    done.add(name);
    out.delete(jobId(spec.runId, name));
    if (outcome.result !== 'skipped') startOf(d);
    const over = tally.add(outcome);
    reporter.deviceFinished(outcome);
    if (outcome.result !== 'skipped') {
      options.journal?.deviceFinished(outcome).catch((err: unknown) => {
        stop.journalFailed(err);
      });
    }
    if (over !== undefined) stop.stop(over);
    if (stage?.kind === 'canary' && members.has(name) && isFailure(outcome.result) && !stop.signal.aborted) {
      stop.stop(`the ${describeStage(stage)} failed on ${name} (${outcome.result}): no other device was started`);
    }
    notify();
  };

  const queues = new DeviceQueues(options.connection);
  const completed = (id: string, value: unknown): void => {
    const d = byJob.get(id);
    if (!d) return;
    const result = resultOf(value);
    finish(
      d,
      result?.outcome ??
        failedOutcome(d, `${d.device.name}: the worker's result is not a certagent outcome`, 'is every worker the same certagent version as the coordinator?'),
    );
  };
  const failed = async (id: string, reason: string): Promise<void> => {
    const d = byJob.get(id);
    if (!d || done.has(d.device.name)) return;
    const job = await queues.job(d.queue, id).catch(() => undefined);
    const attempts = job?.attemptsMade ?? options.attempts;
    finish(
      d,
      failedOutcome(
        d,
        `${d.device.name}: the queue job failed for good after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${failureText(reason)}`,
        `read the log of worker ${job?.processedBy ?? '(unknown)'}; rerun the device with certagent ${spec.command} --limit ${d.device.name}`,
      ),
    );
  };

  /** Looks at each job still out directly: an event missed (or sent while re-attaching) is found this way. Stops at
   * the first command Redis does not answer. */
  const reconcile = async (): Promise<void> => {
    for (const id of [...out]) {
      const d = byJob.get(id);
      if (!d) continue;
      const job = await queues.job(d.queue, id);
      if (job === undefined) continue;
      const state = await job.getState();
      if (state === 'completed') completed(id, job.returnvalue);
      else if (state === 'failed') await failed(id, job.failedReason);
      else if (state === 'active') startOf(d);
    }
  };

  /** Every job no worker holds is removed and its device reported skipped; the rest are left to finish. Redis not
   * answering: the rest stay out, followed by the wait loop (and reported unknown if Redis stays away). */
  const withdraw = async (): Promise<void> => {
    if (lost) return;
    const why = stopReason(stop.signal);
    for (const id of [...out]) {
      const d = byJob.get(id);
      if (!d) continue;
      const removed = await queues.removeUnstarted(d.queue, id).catch(() => undefined);
      if (removed === undefined) return;
      if (removed) finish(d, skippedOutcome(d.device, why));
    }
  };

  let lastHealthy = Date.now();
  const lostAfterMs = options.lostAfterMs ?? 60_000;
  const health = setInterval(() => {
    void queues.healthy(2_000).then((ok) => {
      if (ok) lastHealthy = Date.now();
      else notify();
    });
  }, 2_000);
  const givenUp = (): boolean => Date.now() - lastHealthy > lostAfterMs;

  /** Redis given up on: every device of the stage not finished is of unknown outcome, and the run stops. */
  const lose = (list: readonly QueuedDevice[]): void => {
    lost = true;
    const left = list.filter((d) => !done.has(d.device.name));
    unknown = left.map((d) => d.device.name);
    stop.stop(`Redis at ${options.connection.location.url} did not answer for ${formatMs(lostAfterMs)}`);
    for (const d of left) {
      finish(
        d,
        failedOutcome(
          d,
          `${d.device.name}: outcome unknown: Redis at ${options.connection.location.url} stopped answering while the device was queued or under way`,
          `workers finish or roll back what they hold; once Redis is back, certagent ${spec.command} ... --queue ${options.connection.location.url} --resume ${spec.runId} reports what they did`,
        ),
      );
    }
  };

  /**
   * Runs `action` (idempotent: job ids are deterministic) until it goes through; false once Redis is given up on.
   * An error Redis answered with (out of memory, no permission) is not a lost Redis: it is thrown.
   */
  const whileAnswering = async (action: () => Promise<void>): Promise<boolean> => {
    for (;;) {
      try {
        await action();
        return true;
      } catch (err) {
        if (err instanceof ReplyError) throw err;
        if (givenUp()) return false;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  };
  let reconciling = false;

  /** Stores the run, caps the queues and starts listening (`listen` from each queue's last event id); a Redis that
   * stops answering here is a QueueRunError: no device was enqueued. */
  const attach = async (listen: (from: ReadonlyMap<string, string>) => Promise<DeviceEvents>): Promise<DeviceEvents> => {
    try {
      const stored = await queues.storeRun(spec);
      if (stored.fingerprint !== spec.fingerprint || stored.command !== spec.command) {
        throw new QueueRunError(
          `run ${spec.runId} in Redis was started with another command or playbook than this one: resume it with the same -p and command, or start a new run without --resume`,
        );
      }
      const names = [...new Set(devices.map((d) => d.queue))];
      const from = new Map<string, string>();
      for (const q of names) from.set(q, await queues.lastEventId(q));
      for (const q of names) await queues.setCap(q, options.caps.get(q) ?? 1);
      return await listen(from);
    } catch (err) {
      if (err instanceof QueueRunError) throw err;
      throw new QueueRunError(
        `Redis at ${options.connection.location.url} failed before any device was enqueued (${err instanceof Error ? err.message : String(err)}): no device was touched; run again once Redis answers`,
      );
    }
  };

  let events: DeviceEvents | undefined;
  let unknown: string[] = [];
  try {
    events = await attach(async (from) =>
      DeviceEvents.open(options.connection, from, {
        active: (id) => {
          const d = byJob.get(id);
          if (d && !done.has(d.device.name)) startOf(d);
        },
        progress: (id, data) => {
          const d = byJob.get(id);
          const step = (data as { step?: unknown } | null)?.step;
          if (d && !done.has(d.device.name) && typeof step === 'string') {
            startOf(d);
            reporter.deviceStep(d.device.name, step);
          }
        },
        completed,
        failed: (id, reason) => void failed(id, reason),
        stalled: (id) => {
          const d = byJob.get(id);
          if (d && !done.has(d.device.name)) reporter.deviceStep(d.device.name, 'its worker stopped; another worker takes the device over');
        },
      }),
    );
    reporter.runStarted(
      command,
      devices.map((d) => d.device.name),
    );
    stop.signal.addEventListener('abort', () => void withdraw().then(notify), { once: true });

    for (const next of planStages(devices.length, { canary: options.canary, waveSize: options.waveSize })) {
      stage = next;
      const list = devices.slice(next.start, next.end);
      members = new Set(list.map((d) => d.device.name));
      if (stop.signal.aborted) {
        for (const d of list) finish(d, skippedOutcome(d.device, stopReason(stop.signal)));
        continue;
      }
      for (const d of list) out.add(jobId(spec.runId, d.device.name));
      const enqueued = await whileAnswering(async () => {
        if (options.resume) {
          await reconcile();
          const missing: QueuedDevice[] = [];
          for (const d of list) if (!done.has(d.device.name) && (await queues.job(d.queue, jobId(spec.runId, d.device.name))) === undefined) missing.push(d);
          await queues.enqueue(spec.runId, missing, options.attempts);
          options.note?.(`${describeStage(next)}: ${list.length - missing.length} devices already in the queue or done, ${missing.length} enqueued now`);
        } else await queues.enqueue(spec.runId, list, options.attempts);
      });
      if (!enqueued) {
        lose(list);
        continue;
      }
      // A stop while enqueuing: what just went in must come out again.
      if (stop.signal.aborted) await withdraw();

      let quietSince = Date.now();
      while (list.some((d) => !done.has(d.device.name))) {
        const woke = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), 1_000);
          wake = () => {
            clearTimeout(timer);
            resolve(true);
          };
        });
        if (woke) quietSince = Date.now();
        if (givenUp()) {
          lose(list);
          break;
        }
        // In the background: the loop must keep watching the time while Redis may not answer. Only while Redis
        // answered lately: a look sent to a Redis already gone would only hold the process with its command timers.
        if (Date.now() - quietSince >= (options.reconcileMs ?? 5_000) && Date.now() - lastHealthy < 3_000 && !reconciling) {
          quietSince = Date.now();
          reconciling = true;
          void reconcile()
            .catch(() => undefined)
            .finally(() => (reconciling = false));
        }
      }
    }
  } finally {
    clearInterval(health);
    stop.dispose();
    // A lost Redis never answers a graceful close: then the connections are just dropped.
    const grace = lost ? 0 : 3_000;
    await Promise.all([events?.close(grace), queues.close(grace)]);
  }
  if (unknown.length > 0)
    options.note?.(
      `outcome unknown for ${unknown.length} device${unknown.length === 1 ? '' : 's'} (Redis unreachable): ${unknown.slice(0, 20).join(', ')}${unknown.length > 20 ? ', …' : ''}`,
    );

  const summary = tally.summary(command, startedAt, Date.now() - started, stop.signal.aborted ? stopReason(stop.signal) : undefined);
  reporter.runFinished(summary);
  await options.journal?.runFinished(summary).catch(() => undefined);
  return { summary, exitCode: tally.exitCode() };
}
