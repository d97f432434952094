/**
 * The coordinator's side of the queues (BullMQ's Queue, the producer): the run record, one job per device with its
 * deterministic id, each queue's concurrency cap across all workers, and removing jobs no worker has started.
 * Unlike a worker's, every command here is given up after `commandTimeoutMs`: with BullMQ's default (retry forever) a
 * command sent just before Redis is lost would hold the coordinator, which must instead report the devices unknown.
 */
import { Queue } from 'bullmq';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import type { Device } from '../../config/index.js';
import { redisOptions } from './connection.js';
import type { QueueConnectionOptions } from './connection.js';
import { JOB_FORMAT, KEEP_SECONDS, QUEUE_PREFIX, jobId, parseRunSpec, runKey } from './job.js';
import type { DeviceJobData, RunSpec } from './job.js';

export interface QueuedDevice {
  readonly device: Device;
  readonly queue: string;
}

/** A command Redis has not answered in this long is failed; Redis answers the coordinator's commands in milliseconds. */
export const COMMAND_TIMEOUT_MS = 5_000;

/**
 * A closed connection's socket is destroyed after this long if the server does not close its side (ioredis waits
 * 2 s): a frozen or vanished Redis never does, and the coordinator's process would wait that out before it exits.
 */
export const COORDINATOR_SOCKETS = { disconnectTimeout: 200 } as const satisfies RedisOptions;

export class DeviceQueues {
  readonly #options: RedisOptions;
  readonly #queues = new Map<string, Queue>();
  readonly #client: Redis;
  /** Pings only: refused at once while disconnected, so no ping waits (with a timer) for a Redis that is gone. */
  readonly #health: Redis;

  constructor(connection: QueueConnectionOptions, commandTimeoutMs = COMMAND_TIMEOUT_MS) {
    // Commands wait through a short reconnect (the offline queue), but never longer than the timeout.
    this.#options = { ...redisOptions(connection), ...COORDINATOR_SOCKETS, commandTimeout: commandTimeoutMs };
    this.#client = new Redis(this.#options);
    this.#client.on('error', () => undefined);
    this.#health = new Redis({ ...redisOptions(connection), ...COORDINATOR_SOCKETS, enableOfflineQueue: false, connectionName: 'certagent-health' });
    this.#health.on('error', () => undefined);
  }

  queue(name: string): Queue {
    let queue = this.#queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.#options, prefix: QUEUE_PREFIX });
      // Connection trouble is watched by the coordinator's health check; BullMQ retries on its own.
      queue.on('error', () => undefined);
      this.#queues.set(name, queue);
    }
    return queue;
  }

  /** The last id of each queue's event stream now, so an observer started from it misses nothing after. */
  async lastEventId(queue: string): Promise<string> {
    const last = await this.#client.xrevrange(`${QUEUE_PREFIX}:${queue}:events`, '+', '-', 'COUNT', 1);
    return last[0]?.[0] ?? '0-0';
  }

  /** BullMQ's global concurrency: at most `cap` of the queue's jobs are active at once, over all workers. */
  async setCap(queue: string, cap: number): Promise<void> {
    await this.queue(queue).setGlobalConcurrency(cap);
  }

  /** Stores the run once (NX): a second coordinator of the same run finds the first one's record. */
  async storeRun(spec: RunSpec): Promise<RunSpec> {
    const stored = await this.#client.set(runKey(spec.runId), JSON.stringify(spec), 'EX', KEEP_SECONDS, 'NX');
    if (stored === 'OK') return spec;
    const existing = await this.readRun(spec.runId);
    if (existing === undefined) throw new Error(`run ${spec.runId} vanished from Redis while being stored`);
    return existing;
  }

  async readRun(runId: string): Promise<RunSpec | undefined> {
    const text = await this.#client.get(runKey(runId));
    return text === null ? undefined : parseRunSpec(text, runId);
  }

  /** One job per device; a device whose job exists (this run enqueued it before) is left as it is. */
  async enqueue(runId: string, devices: readonly QueuedDevice[], attempts: number): Promise<void> {
    const byQueue = new Map<string, QueuedDevice[]>();
    for (const d of devices) byQueue.set(d.queue, [...(byQueue.get(d.queue) ?? []), d]);
    for (const [name, list] of byQueue) {
      for (let i = 0; i < list.length; i += 500) {
        await this.queue(name).addBulk(
          list.slice(i, i + 500).map(({ device }) => ({
            name: device.name,
            data: { format: JOB_FORMAT, runId, device } satisfies DeviceJobData,
            opts: {
              jobId: jobId(runId, device.name),
              attempts,
              backoff: { type: 'exponential', delay: 2_000 },
              removeOnComplete: { age: KEEP_SECONDS },
              removeOnFail: { age: KEEP_SECONDS },
            },
          })),
        );
      }
    }
  }

  async job(queue: string, id: string): Promise<Job | undefined> {
    return (await this.queue(queue).getJob(id)) ?? undefined;
  }

  /** Removes a job no worker holds (waiting or waiting to retry); false when a worker has it or it is finished. */
  async removeUnstarted(queue: string, id: string): Promise<boolean> {
    const job = await this.job(queue, id);
    if (job === undefined) return true;
    const state = await job.getState();
    if (state !== 'waiting' && state !== 'delayed' && state !== 'prioritized') return false;
    // BullMQ refuses to remove a job that a worker locked in the meantime: then it is under way after all.
    return (await this.queue(queue).remove(id)) === 1;
  }

  /** Answers within `timeoutMs`, or false. */
  async healthy(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    // Unref'd: a check still waiting on a frozen Redis must not keep a finished coordinator's process alive.
    const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs).unref()));
    try {
      return await Promise.race([
        this.#health.ping().then(
          () => true,
          () => false,
        ),
        late,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes within `ms` (Redis may be gone), then drops the connections. */
  async close(ms = 3_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    // No grace (Redis lost): a graceful close's QUIT would only wait out its command timeout.
    if (ms > 0) {
      await Promise.race([
        Promise.all([...this.#queues.values()].map((q) => q.close().catch(() => undefined))),
        new Promise((resolve) => (timer = setTimeout(resolve, ms))),
      ]);
      clearTimeout(timer);
    }
    // BullMQ's disconnect waits for an end that a lost connection never signals: bounded too (it has dropped the
    // socket by then; without grace there is nothing to wait for).
    await Promise.race([
      Promise.all([...this.#queues.values()].map((q) => q.disconnect().catch(() => undefined))),
      new Promise((resolve) => (timer = setTimeout(resolve, ms > 0 ? 1_000 : 100))),
    ]);
    clearTimeout(timer);
    this.#client.disconnect();
    this.#health.disconnect();
  }
}
