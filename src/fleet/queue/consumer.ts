/**
 * A queue worker (BullMQ's Worker, the consumer): takes device jobs from the named queues and runs each through the
 * same per-device workflow as the in-process runner (fleet/device-job.ts). Secrets are resolved here, in this
 * process's environment and files: the run's templates and the device's credential references. Every step is
 * reported as job progress; the result is the redacted DeviceOutcome. A job taken over after its worker died
 * (BullMQ: stalled) or retried is treated as a device that was under way when a run died: facts re-read, then
 * finished or proven, and saved even when nothing differs. Each device is locked while a job changes it, in Redis
 * against every other worker and in this machine's lock folder against in-process runs here; a device held
 * elsewhere is refused as the in-process runner refuses it, untouched.
 */
import { hostname } from 'node:os';
import { Worker } from 'bullmq';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import { resolveCredentials } from '../../config/index.js';
import type { Device, SecretResolver } from '../../config/index.js';
import { targetKey } from '../../config/targets.js';
import { redactingReporter } from '../../report/index.js';
import type { CertagentLogger, DeviceOutcome, RunReporter, SecretRedactor } from '../../report/index.js';
import { diagnoseDevice, secretRedactor } from '../../workflow/index.js';
import type { DesiredState, PlanOptions } from '../../workflow/index.js';
import { JumpPool } from '../../transport/ssh/index.js';
import { runFleetDevice } from '../device-job.js';
import type { DeviceRunSettings } from '../device-job.js';
import { EveryDeviceLock, FileDeviceLocks, RedisDeviceLocks, lockDevice } from '../locks/index.js';
import { decode, secretTemplates } from './codec.js';
import { redisOptions } from './connection.js';
import type { QueueConnectionOptions } from './connection.js';
import { QUEUE_PREFIX, parseJobData, runKey, parseRunSpec } from './job.js';
import type { DeviceJobResult, RunSpec } from './job.js';
import { secretFiller } from './secret-template.js';

export interface QueueWorkerOptions {
  readonly connection: QueueConnectionOptions;
  readonly queues: readonly string[];
  /** Devices at once, per queue. */
  readonly concurrency: number;
  /** Stored on each job it runs and named in its log. */
  readonly name: string;
  /** This process's secrets: environment variables and files. */
  readonly resolver: SecretResolver;
  /** Every resolved value is registered here before anything about its device is logged or returned. */
  readonly redactor: SecretRedactor;
  readonly logger: CertagentLogger;
  readonly transcriptDir?: string;
  /** How long a job stays locked without the worker renewing it (BullMQ `lockDuration`). */
  readonly lockDurationMs: number;
  /** How often workers look for jobs whose lock expired (BullMQ `stalledInterval`). */
  readonly stalledIntervalMs: number;
  /** Times a job may be taken over after its worker died before it fails for good. */
  readonly maxStalledCount: number;
}

interface PreparedRun {
  readonly spec: RunSpec;
  readonly desired: DesiredState;
  readonly planOptions?: PlanOptions;
}

/** Runs kept prepared (secrets filled); a worker rarely serves more than a few runs at once. */
const PREPARED_RUNS = 8;

export class QueueWorker {
  readonly #options: QueueWorkerOptions;
  readonly #workers: Worker[] = [];
  readonly #client: Redis;
  readonly #runs = new Map<string, Promise<PreparedRun>>();
  readonly #underway = new Set<Promise<unknown>>();
  /** One connection per jump host for the worker's life, shared by the devices behind it. */
  readonly #jumpPool = new JumpPool();
  readonly #redisLocks: RedisDeviceLocks;
  readonly #locks: EveryDeviceLock;

  constructor(options: QueueWorkerOptions) {
    this.#options = options;
    this.#client = new Redis(redisOptions(options.connection));
    this.#client.on('error', () => undefined);
    // The device lock lives as long as the job lock (--lock-duration): if this worker dies both lapse together,
    // and the worker that takes the job over waits out the device lock (outwait) instead of refusing its own device.
    this.#redisLocks = new RedisDeviceLocks(this.#client, {
      ttlMs: options.lockDurationMs,
      onLost: (target, why) => options.logger.warn(`${target}: ${why}; another run may be changing it too`, { event: 'deviceLockLost', target }),
    });
    this.#locks = new EveryDeviceLock([this.#redisLocks, new FileDeviceLocks()]);
  }

  start(): void {
    const { options } = this;
    for (const queue of options.queues) {
      const worker = new Worker(queue, (job) => this.#process(job), {
        connection: redisOptions(options.connection),
        prefix: QUEUE_PREFIX,
        concurrency: options.concurrency,
        name: options.name,
        lockDuration: options.lockDurationMs,
        stalledInterval: options.stalledIntervalMs,
        maxStalledCount: options.maxStalledCount,
      });
      worker.on('error', (err) => options.logger.warn(`queue ${queue}: ${err.message}`, { event: 'queueError', queue }));
      this.#workers.push(worker);
    }
    options.logger.info(
      `worker ${options.name}: taking devices from ${options.queues.join(', ')} on ${options.connection.location.url}, ${options.concurrency} at once per queue`,
      { event: 'workerStarted', worker: options.name, queues: options.queues },
    );
  }

  get options(): QueueWorkerOptions {
    return this.#options;
  }

  /**
   * Takes no new job; devices under way finish or roll back. Their results wait for Redis at most `graceMs` after the
   * last device ended: a result that cannot be written is not lost work, the job stalls and is proven by another worker.
   */
  async close(graceMs = 10_000): Promise<void> {
    const closing = Promise.all(this.#workers.map((w) => w.close()));
    await Promise.allSettled([...this.#underway]);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([closing, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    // Without Redis the close above never completes: drop the connections so the process can end.
    await Promise.race([
      Promise.all(this.#workers.map((w) => w.disconnect().catch(() => undefined))),
      new Promise((resolve) => (timer = setTimeout(resolve, 1_000))),
    ]);
    clearTimeout(timer);
    this.#client.disconnect();
    this.#jumpPool.close();
  }

  async #prepare(runId: string): Promise<PreparedRun> {
    const text = await this.#client.get(runKey(runId));
    if (text === null) throw new Error(`run ${runId} is not in Redis (expired or removed): the coordinator must enqueue it again`);
    const spec = parseRunSpec(text, runId);
    const templates = [...secretTemplates(spec.desired), ...secretTemplates(spec.planOptions)];
    const fill = await secretFiller(templates, this.#options.resolver, `run ${runId}`);
    const desired = decode(spec.desired, fill) as DesiredState;
    for (const s of desired.secrets) this.#options.redactor.add(s);
    const planOptions = spec.planOptions === undefined ? undefined : (decode(spec.planOptions, fill) as PlanOptions);
    return { spec, desired, ...(planOptions && { planOptions }) };
  }

  #prepared(runId: string): Promise<PreparedRun> {
    let run = this.#runs.get(runId);
    if (!run) {
      run = this.#prepare(runId);
      // A failed preparation (a missing variable) is tried again by the next job, not remembered.
      run.catch(() => this.#runs.delete(runId));
      this.#runs.set(runId, run);
      if (this.#runs.size > PREPARED_RUNS) this.#runs.delete(this.#runs.keys().next().value as string);
    }
    return run;
  }

  #reporter(job: Job): RunReporter {
    const { logger } = this.#options;
    const progress = (step: string): void => {
      // Progress is for watching; a lost update must not fail the device.
      job.updateProgress({ step }).catch(() => undefined);
    };
    return redactingReporter(
      {
        runStarted: () => undefined,
        deviceStarted: (device) => logger.debug(`${device} started`, { event: 'deviceStarted', device, job: job.id }),
        deviceStep: (device, step) => {
          progress(step);
          logger.debug(`${device} ${step}`, { event: 'deviceStep', device, step, job: job.id });
        },
        deviceFinished: () => undefined,
        runFinished: () => undefined,
      },
      this.#options.redactor,
    );
  }

  async #process(job: Job): Promise<DeviceJobResult> {
    const work = this.#run(job);
    this.#underway.add(work);
    try {
      return await work;
    } finally {
      this.#underway.delete(work);
    }
  }

  async #run(job: Job): Promise<DeviceJobResult> {
    const { options } = this;
    const data = parseJobData(job.data, job.id ?? '(no id)');
    const run = await this.#prepared(data.runId);
    const device = data.device;
    const creds = await resolveCredentials(device, options.resolver);
    const jumpSecrets = (creds.jumpHosts ?? []).flatMap((j) => [j.password, j.privateKey?.passphrase]);
    for (const s of [creds.password, creds.enableSecret, creds.privateKey?.passphrase, ...jumpSecrets]) if (s) options.redactor.add(s);
    // Taken over from a worker that died, or retried: its changes may be applied but not saved.
    const underwayBefore = job.attemptsStarted > 1 || job.stalledCounter > 0;
    const { spec, desired } = run;
    const redact = secretRedactor(desired);
    const settings: DeviceRunSettings = {
      command: spec.command,
      desired,
      dryRun: spec.dryRun,
      reporter: this.#reporter(job),
      session: {
        commandTimeoutMs: spec.commandTimeoutMs,
        ...spec.limits,
        secrets: desired.secrets.map((s) => s.reveal()),
        jumpPool: this.#jumpPool,
        ...(options.transcriptDir !== undefined && { transcriptDir: options.transcriptDir }),
      },
      ...(run.planOptions && { planOptions: run.planOptions }),
      ...(spec.alwaysProve !== undefined && { alwaysProve: spec.alwaysProve }),
      ...(spec.retry && { retry: spec.retry }),
      ...(spec.pollIntervalMs !== undefined && { pollIntervalMs: spec.pollIntervalMs }),
      ...(spec.deviceTimeoutMs !== undefined && { deviceTimeoutMs: spec.deviceTimeoutMs }),
      ...(spec.command === 'fix' && { diagnose: (facts, plan, session) => diagnoseDevice(session, facts, plan, desired, redact) }),
      ...(spec.refuse && { refuse: spec.refuse }),
    };
    options.logger.info(
      `${device.name}: started (run ${spec.runId}${underwayBefore ? ', under way when its last worker stopped: proven and saved even if nothing differs' : ''})`,
      { event: 'deviceStarted', device: device.name, run: spec.runId, attempt: job.attemptsStarted },
    );
    const outcome = options.redactor.redactDeep(
      await this.#locked(device, spec, underwayBefore, () => runFleetDevice(device, creds, settings, underwayBefore)),
    ) as DeviceOutcome;
    options.logger.info(`${device.name}: ${outcome.result} in ${(outcome.durationMs / 1000).toFixed(1)} s`, {
      event: 'deviceFinished',
      device: device.name,
      run: spec.runId,
      result: outcome.result,
    });
    return { outcome, worker: options.name };
  }

  /** `work` while this worker holds the device; a dry run only reads and takes no lock. */
  async #locked(device: Device, spec: RunSpec, takenOver: boolean, work: () => Promise<DeviceOutcome>): Promise<DeviceOutcome> {
    if (spec.dryRun) return work();
    // A job taken over from a worker that died: that worker's lock on the device lives until its time runs out.
    if (takenOver) await this.#redisLocks.outwait(targetKey(device.host, device.port), (holder) => holder.runId === spec.runId).catch(() => undefined);
    const lease = await lockDevice(
      { locks: this.#locks, holder: { runId: spec.runId, command: spec.command, pid: process.pid, hostname: hostname() } },
      device,
    );
    if ('refused' in lease) return lease.refused;
    try {
      return await work();
    } finally {
      await lease.lock.release();
    }
  }
}
