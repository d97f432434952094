/**
 * `npm run bench -- --queue`: what going through Redis costs. On one lab (its own process pinned to the last CPU
 * with taskset, so its cost is not the agent's) the same number of fresh routers is rolled out in-process, then
 * through 1, 2 and 4 local worker processes at the same total concurrency, each on routers of its own. Reported per
 * run: wall time, the lower bound the lab's latency allows (as `npm run bench` computes it), the ratio, the queue's
 * overhead per device against in-process (extra wall time × concurrency ÷ devices), and the agent's CPU per device
 * (coordinator and workers; Redis apart). Figures need a quiet machine: another process on the agent's CPU shows
 * up as overhead.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseJsonReport } from '../report/json-report.js';
import type { LabCounters, LabReady } from './lab-process.js';
import { startRedis } from './redis-server.js';

const here = dirname(fileURLToPath(import.meta.url));
const CLI = join(resolve(here, '..', '..'), 'dist', 'cli', 'main.js');

export interface QueueBenchOptions {
  readonly devices: number;
  readonly concurrency: number;
  readonly commandMs: number;
  readonly lineMs: number;
  readonly workers: readonly number[];
}

export interface QueueBenchRow {
  readonly runner: string;
  readonly devices: number;
  readonly concurrency: number;
  readonly wallSeconds: number;
  readonly lowerBoundSeconds: number;
  readonly ratioToLowerBound: number;
  /** Against the in-process run: (wall − in-process wall) × concurrency ÷ devices. */
  readonly overheadMsPerDevice: number;
  readonly agentCpuMsPerDevice: number;
  readonly redisCpuMsPerDevice: number;
  readonly results: Readonly<Record<string, number>>;
}

const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;

function cpuSecondsOf(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid ?? -1}/stat`, 'utf8')
      .replace(/^.*\) /s, '')
      .split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** `taskset -c CPUS node ARGS`, or plain node on a machine with one CPU. */
function pinned(cpuList: string, args: readonly string[], env: NodeJS.ProcessEnv, ipc = false): ChildProcess {
  const stdio: ('ignore' | 'inherit' | 'pipe' | 'ipc')[] = ['ignore', 'ignore', 'pipe', ...(ipc ? (['ipc'] as const) : [])];
  return cpus().length > 1 ? spawn('taskset', ['-c', cpuList, process.execPath, ...args], { env, stdio }) : spawn(process.execPath, args, { env, stdio });
}

function message<T extends { type: string }>(child: ChildProcess, type: T['type'], timeoutMs: number): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`bench --queue: the lab sent no '${type}' within ${timeoutMs / 1000} s`)), timeoutMs);
    const on = (m: { type?: string; message?: string }): void => {
      if (m.type !== type && m.type !== 'error') return;
      clearTimeout(timer);
      child.off('message', on);
      if (m.type === 'error') reject(new Error(`bench --queue: the lab failed: ${m.message ?? ''}`));
      else resolvePromise(m as T);
    };
    child.on('message', on);
  });
}

/** Resolves once a worker says it takes jobs (its first info line), or fails when it exits first. */
function workerReady(worker: ChildProcess): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`bench --queue: a worker did not start within 60 s: ${text}`)), 60_000);
    worker.stderr?.on('data', (d: Buffer) => {
      text += d.toString();
      if (text.includes('taking devices from')) {
        clearTimeout(timer);
        resolvePromise();
      }
    });
    worker.once('exit', (code) => reject(new Error(`bench --queue: a worker exited (${code}) before taking jobs: ${text}`)));
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((r) => child.once('exit', (code) => r(code)));
}

/** Runs the CLI to its end on the agent's CPUs, sampling its CPU time until it exits. */
async function timed(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  agentCpus: string,
): Promise<{ seconds: number; cpu: number; code: number | null; stderr: string }> {
  const started = process.hrtime.bigint();
  const child = pinned(agentCpus, [CLI, ...args], env);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  let cpu = 0;
  const poll = setInterval(() => (cpu = Math.max(cpu, cpuSecondsOf(child.pid))), 50);
  const code = await exited(child);
  clearInterval(poll);
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, cpu, code, stderr };
}

export async function queueBench(options: QueueBenchOptions): Promise<QueueBenchRow[]> {
  const runs = 1 + options.workers.length;
  const last = Math.max(0, cpus().length - 1);
  const agentCpus = last === 0 ? '0' : `0-${last - 1}`;
  const work = mkdtempSync(join(tmpdir(), 'certagent-bench-queue-'));
  const redis = await startRedis();
  const lab = pinned(
    String(last),
    [join(here, 'lab-process.js'), JSON.stringify({ devices: options.devices * runs, commandMs: options.commandMs, lineMs: options.lineMs })],
    process.env,
    true,
  );
  lab.stderr?.pipe(process.stderr);
  const rows: QueueBenchRow[] = [];
  try {
    const ready = await message<LabReady>(lab, 'ready', 600_000);
    const env = { ...process.env, ...ready.env, REDIS_PASSWORD: redis.password, NO_COLOR: '1' };
    const counters = async (): Promise<LabCounters> => {
      const reply = message<LabCounters>(lab, 'counters', 30_000);
      lab.send({ type: 'counters' });
      return reply;
    };
    const subset = (i: number): string => ready.names.slice(i * options.devices, (i + 1) * options.devices).join(',');
    const common = (i: number, tag: string): string[] => [
      'rollout',
      '-i',
      ready.inventory,
      '-p',
      ready.playbook,
      '--limit',
      subset(i),
      '--concurrency',
      String(options.concurrency),
      '--progress',
      'none',
      '-q',
      '--json',
      join(work, `${tag}.jsonl`),
      '--journal',
      join(work, `${tag}-journal.jsonl`),
    ];
    let inProcessSeconds = 0;
    for (let i = 0; i < runs; i++) {
      const count = i === 0 ? 0 : (options.workers[i - 1] as number);
      const tag = count === 0 ? 'in-process' : `${count}-workers`;
      process.stderr.write(
        `bench --queue: ${options.devices} routers ${count === 0 ? 'in-process' : `through ${count} worker${count === 1 ? '' : 's'}`}, concurrency ${options.concurrency}\n`,
      );
      const workers: ChildProcess[] = [];
      for (let w = 0; w < count; w++) {
        const each = Math.ceil(options.concurrency / count);
        workers.push(
          pinned(
            agentCpus,
            [CLI, 'worker', '--queue', redis.url, '--redis-password', 'env:REDIS_PASSWORD', '--concurrency', String(each), '--name', `bench-w${w + 1}`],
            env,
          ),
        );
      }
      // Workers are long-running: their start is not part of a run.
      await Promise.all(workers.map((w) => workerReady(w)));
      const redisBefore = cpuSecondsOf(redis.pid);
      const workersBefore = workers.map((w) => cpuSecondsOf(w.pid));
      await counters();
      const args = count === 0 ? common(i, tag) : [...common(i, tag), '--queue', redis.url, '--redis-password', 'env:REDIS_PASSWORD'];
      const run = await timed(args, env, agentCpus);
      const used = await counters();
      const workerCpu = workers.reduce((n, w, k) => n + cpuSecondsOf(w.pid) - (workersBefore[k] ?? 0), 0);
      const redisCpu = cpuSecondsOf(redis.pid) - redisBefore;
      for (const w of workers) w.kill('SIGTERM');
      await Promise.all(workers.map(exited));
      if (run.code !== 0) throw new Error(`bench --queue: ${tag} exited ${run.code}: ${run.stderr}`);
      const report = parseJsonReport(readFileSync(join(work, `${tag}.jsonl`), 'utf8'));
      const lowerBound = (used.commands * options.commandMs + used.outputLines * options.lineMs) / 1000 / options.concurrency;
      if (count === 0) inProcessSeconds = run.seconds;
      rows.push({
        runner: count === 0 ? 'in-process' : `${count} worker${count === 1 ? '' : 's'}`,
        devices: options.devices,
        concurrency: options.concurrency,
        wallSeconds: round(run.seconds, 2),
        lowerBoundSeconds: round(lowerBound, 2),
        ratioToLowerBound: round(run.seconds / lowerBound, 2),
        overheadMsPerDevice: round(((run.seconds - inProcessSeconds) * 1000 * options.concurrency) / options.devices),
        agentCpuMsPerDevice: round(((run.cpu + workerCpu) * 1000) / options.devices),
        redisCpuMsPerDevice: round((redisCpu * 1000) / options.devices),
        results: report.summary?.byResult ?? {},
      });
    }
  } finally {
    lab.send({ type: 'stop' });
    await exited(lab);
    await redis.stop();
    rmSync(work, { recursive: true, force: true });
  }
  return rows;
}

export function renderQueueTable(rows: readonly QueueBenchRow[]): string {
  const head = ['runner', 'devices', 'conc.', 'wall s', 'lower bound s', 'ratio', 'queue overhead ms/dev', 'agent CPU ms/dev', 'Redis CPU ms/dev'];
  const body = rows.map((r) => [
    r.runner,
    String(r.devices),
    String(r.concurrency),
    String(r.wallSeconds),
    String(r.lowerBoundSeconds),
    `${r.ratioToLowerBound}×`,
    r.runner === 'in-process' ? '-' : String(r.overheadMsPerDevice),
    String(r.agentCpuMsPerDevice),
    String(r.redisCpuMsPerDevice),
  ]);
  return [head, head.map(() => '---'), ...body].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}
