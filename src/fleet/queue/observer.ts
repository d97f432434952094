/**
 * The coordinator's eyes on the queues (BullMQ's QueueEvents, the observer): which device a worker started, each
 * step it reports, and how it ended, read from each queue's event stream from a given id on, so nothing that
 * happens after the coordinator looked is missed.
 */
import { QueueEvents } from 'bullmq';
import { redisOptions } from './connection.js';
import type { QueueConnectionOptions } from './connection.js';
import { QUEUE_PREFIX } from './job.js';
import { COORDINATOR_SOCKETS } from './producer.js';

export interface DeviceEventHandlers {
  active(jobId: string): void;
  progress(jobId: string, data: unknown): void;
  completed(jobId: string, returnvalue: unknown): void;
  failed(jobId: string, reason: string): void;
  stalled(jobId: string): void;
}

export class DeviceEvents {
  readonly #events: QueueEvents[] = [];
  #closed = false;

  private constructor() {}

  /**
   * Listens to every queue from its `from` event id (see DeviceQueues.lastEventId). Redis lost before every listener
   * is ready: fails after `readyWithinMs` instead of waiting for it to come back.
   */
  static async open(
    connection: QueueConnectionOptions,
    from: ReadonlyMap<string, string>,
    handlers: DeviceEventHandlers,
    readyWithinMs = 10_000,
  ): Promise<DeviceEvents> {
    const observer = new DeviceEvents();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Redis at ${connection.location.url} did not answer the queue event listener within ${readyWithinMs / 1000} s`)),
        readyWithinMs,
      );
    });
    const listening = observer.#listen(connection, from, handlers);
    // Given up on, it may still fail later: that is no longer anyone's news.
    listening.catch(() => undefined);
    try {
      await Promise.race([listening, late]);
    } catch (err) {
      await observer.close();
      throw err;
    } finally {
      clearTimeout(timer);
    }
    return observer;
  }

  async #listen(connection: QueueConnectionOptions, from: ReadonlyMap<string, string>, handlers: DeviceEventHandlers): Promise<void> {
    for (const [queue, lastEventId] of from) {
      // Given up on (open timed out): a listener made now would never be closed.
      if (this.#closed) return;
      const events = new QueueEvents(queue, { connection: { ...redisOptions(connection), ...COORDINATOR_SOCKETS }, prefix: QUEUE_PREFIX, lastEventId });
      events.on('error', () => undefined);
      events.on('active', ({ jobId }) => handlers.active(jobId));
      events.on('progress', ({ jobId, data }) => handlers.progress(jobId, data));
      events.on('completed', ({ jobId, returnvalue }) => handlers.completed(jobId, returnvalue));
      events.on('failed', ({ jobId, failedReason }) => handlers.failed(jobId, failedReason));
      events.on('stalled', ({ jobId }) => handlers.stalled(jobId));
      this.#events.push(events);
      await events.waitUntilReady();
    }
  }

  /** Closes within `ms` (Redis may be gone), then drops the connections. */
  async close(ms = 3_000): Promise<void> {
    this.#closed = true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(this.#events.map((e) => e.close().catch(() => undefined))), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
    // BullMQ's disconnect waits for an end that a lost connection never signals: bounded too (it has dropped the
    // socket by then; without grace there is nothing to wait for).
    await Promise.race([
      Promise.all(this.#events.map((e) => e.disconnect().catch(() => undefined))),
      new Promise((resolve) => (timer = setTimeout(resolve, ms > 0 ? 1_000 : 100))),
    ]);
    clearTimeout(timer);
  }
}
