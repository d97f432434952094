/**
 * What the queue tests need beyond the fleet helpers: worker processes of the built CLI, a lab inventory split over
 * two queues, a per-queue count of simultaneous lab sessions, a record of every `crypto pki authenticate` sent to a
 * trustpoint that already held its certificate, and a dump of every key and value in Redis.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { CliSession } from '../../src/lab/router/session.js';
import { caCertificate } from '../../src/lab/router/pki/state.js';
import type { PkiState } from '../../src/lab/router/pki/state.js';
import type { Lab } from '../../src/lab/index.js';
import { runCli } from './fleet-helpers.js';
import type { CliRun } from './fleet-helpers.js';
import { until } from '../helpers/until.js';

/** Adds `queue: NAME` to each device of a lab inventory file; returns device name → queue. */
export function splitInventory(path: string, queueOf: (index: number) => string): Map<string, string> {
  const byDevice = new Map<string, string>();
  let index = 0;
  const text = readFileSync(path, 'utf8').replace(/^ {2}- name: (\S+)\n/gm, (line, name: string) => {
    const queue = queueOf(index++);
    byDevice.set(name, queue);
    return `${line}    queue: ${queue}\n`;
  });
  writeFileSync(path, text);
  return byDevice;
}

/** Simultaneous CLI sessions per queue over the lab's routers, and the most seen. */
export class SessionPeaks {
  readonly #open = new Map<string, number>();
  readonly peak = new Map<string, number>();

  constructor(lab: Lab, queueOf: ReadonlyMap<string, string>) {
    for (const device of lab.devices) {
      const queue = queueOf.get(device.name) ?? '?';
      device.router.onSessionCount = (delta) => {
        const now = (this.#open.get(queue) ?? 0) + delta;
        this.#open.set(queue, now);
        if (now > (this.peak.get(queue) ?? 0)) this.peak.set(queue, now);
      };
    }
  }

  reset(): void {
    this.peak.clear();
  }
}

type Execute = (this: { replay: boolean; runtime: { state: { hostname: string; pki: PkiState } } }, text: string) => Promise<void>;

/** `router trustpoint` for each `crypto pki authenticate` sent while the trustpoint already held a CA certificate. */
export class SecondAuthentications {
  readonly seen: string[] = [];
  readonly #original: Execute;

  constructor() {
    const proto = CliSession.prototype as unknown as { execute: Execute };
    const original = proto.execute;
    this.#original = original;
    const seen = this.seen;
    proto.execute = function (text) {
      const m = /^\s*crypto pki authenticate (\S+)/.exec(text);
      if (m && !this.replay) {
        const tp = this.runtime.state.pki.trustpoints.get(m[1] as string);
        if (tp && caCertificate(tp)) seen.push(`${this.runtime.state.hostname} ${m[1] as string}`);
      }
      return original.call(this, text);
    };
  }

  restore(): void {
    (CliSession.prototype as unknown as { execute: Execute }).execute = this.#original;
  }
}

export interface WorkerProcess extends CliRun {
  readonly name: string;
  readonly logFile: string;
  log(): string;
}

export function startWorker(name: string, args: readonly string[], env: Readonly<Record<string, string>>, dir: string): WorkerProcess {
  const logFile = `${dir}/${name}.log`;
  const run = runCli(['worker', ...args, '--name', name, '--log-file', logFile, '-q'], env, dir);
  return {
    ...run,
    name,
    logFile,
    log: () => {
      try {
        return readFileSync(logFile, 'utf8');
      } catch {
        return '';
      }
    },
  };
}

/** Waits until every worker logged that it takes jobs (its `workerStarted` line), failing with their stderr. */
export async function workersTakingJobs(workers: readonly WorkerProcess[], timeoutMs = 30_000): Promise<void> {
  await until(
    `${workers.length} workers taking jobs`,
    () => workers.every((w) => w.log().includes('workerStarted')),
    () => workers.map((w) => w.stderr()).join('\n'),
    timeoutMs,
  );
}

export { until };

/** Every key in Redis with its whole value as text, whatever its type. */
export async function dumpRedis(port: number, password: string): Promise<Map<string, string>> {
  const client = new Redis({ host: '127.0.0.1', port, password, lazyConnect: true, maxRetriesPerRequest: 1 });
  await client.connect();
  const out = new Map<string, string>();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) {
        const type = await client.type(key);
        let value: unknown;
        if (type === 'string') value = await client.get(key);
        else if (type === 'hash') value = await client.hgetall(key);
        else if (type === 'list') value = await client.lrange(key, 0, -1);
        else if (type === 'set') value = await client.smembers(key);
        else if (type === 'zset') value = await client.zrange(key, 0, -1, 'WITHSCORES');
        else if (type === 'stream') value = await client.xrange(key, '-', '+');
        else throw new Error(`key ${key} has type ${type}, which this scan does not read`);
        out.set(key, `${type} ${JSON.stringify(value)}`);
      }
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
  return out;
}
