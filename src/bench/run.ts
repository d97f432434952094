/**
 * `npm run bench`: how fast certagent rolls the lab playbook out, against the lowest time the lab's injected
 * latency allows and against a straightforward Netmiko script, with the agent's peak memory.
 *
 *   npm run bench -- [--devices N]... [--concurrency C] [--netmiko-devices S] [--command-ms MS] [--line-ms MS] [--out FILE]
 *   npm run bench -- --queue [--devices N] [--concurrency C] [--workers W]... [--command-ms MS] [--line-ms MS]
 *     the same fleet in-process and through W local BullMQ workers on a real Redis (default 1, 2, 4): queue-bench.ts
 *
 * For each fleet size N (default 100 and 1000) one lab is started in a child process with N + 2·S routers and the
 * latency given (default 30 ms per command line, 2 ms per output line). Then, on the same lab in the same run:
 *   1. certagent on S fresh routers, 2. Netmiko (bench/netmiko_rollout.py) on S other fresh routers, both at
 *      concurrency min(C, S): the side-by-side comparison; Netmiko's time for N is extrapolated per device;
 *   3. certagent on the N main routers at concurrency C, as the real CLI in a child process whose peak RSS
 *      (VmHWM) is the agent's memory.
 * The lower bound is the latency the lab injected for the commands certagent really sent in step 3 (command lines
 * × command-ms + output lines × line-ms, counted by the lab) divided by the concurrency. Figures go to
 * bench/results.json and a table is printed.
 */
import { spawn, fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseJsonReport } from '../report/json-report.js';
import type { LabCounters, LabReady } from './lab-process.js';
import { freshRouterSteps } from './netmiko-job.js';
import type { NetmikoJob } from './netmiko-job.js';
import { errorMessage } from '../shared/error-message.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const CLI = join(root, 'dist', 'cli', 'main.js');
const NETMIKO_SCRIPT = join(root, 'bench', 'netmiko_rollout.py');
const PYTHON = '/usr/bin/python3';

interface AgentRun {
  readonly seconds: number;
  readonly exitCode: number | null;
  readonly peakRssMiB: number;
  readonly cpuSeconds: number;
  readonly byResult: Readonly<Record<string, number>>;
  readonly roundTripsPerDevice: number;
  readonly stderrTail: string;
}

interface NetmikoRun {
  readonly seconds: number;
  readonly devices: number;
  readonly ok: number;
  readonly failures: readonly { readonly device: string; readonly error: string }[];
}

export interface BenchResult {
  readonly devices: number;
  readonly concurrency: number;
  readonly latency: { readonly commandMs: number; readonly lineMs: number };
  readonly agent: {
    readonly wallSeconds: number;
    readonly devicesPerMinute: number;
    readonly roundTripsPerDevice: number;
    readonly peakRssMiB: number;
    readonly results: Readonly<Record<string, number>>;
    readonly commandLinesPerDevice: number;
    readonly outputLinesPerDevice: number;
    /** CPU seconds of the agent process, and of the lab process in the same span: on a small machine CPU, not latency, can be the limit. */
    readonly cpuSeconds: number;
    readonly labCpuSeconds: number;
  };
  readonly lowerBoundSeconds: number;
  readonly ratioToLowerBound: number;
  readonly comparison?: {
    readonly devices: number;
    readonly concurrency: number;
    readonly agentSeconds: number;
    readonly netmikoSeconds: number;
    readonly netmikoOk: number;
    readonly netmikoFailures: readonly { readonly device: string; readonly error: string }[];
    readonly netmikoCommandLinesPerDevice: number;
    readonly netmikoOutputLinesPerDevice: number;
    readonly speedup: number;
    /** Netmiko's subset time per device × N, at the subset's concurrency scaled to C: an estimate, not a run. */
    readonly netmikoExtrapolatedSeconds: number;
  };
}

function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** Waits for the child's next message of `type`, or its exit, within `timeoutMs`. */
function nextMessage<T extends { type: string }>(child: ChildProcess, type: T['type'], timeoutMs: number): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => done(new Error(`bench: the lab process sent no '${type}' message within ${timeoutMs / 1000} s`)), timeoutMs);
    const onMessage = (m: { type?: string; message?: string }): void => {
      if (m.type === type) done(undefined, m as T);
      else if (m.type === 'error') done(new Error(`bench: the lab process failed: ${m.message ?? ''}`));
    };
    const onExit = (code: number | null): void => done(new Error(`bench: the lab process exited (${code}) before sending '${type}'`));
    function done(err: Error | undefined, value?: T): void {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolvePromise(value as T);
    }
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/** utime + stime of a live process in seconds (clock ticks of 1/100 s, as on every Linux this runs on). */
function cpuSecondsOf(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** VmHWM of a live process in KiB: the kernel's own peak-RSS mark, so polling cannot miss a short peak. */
function peakRssKiB(pid: number): number | undefined {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

async function runAgent(lab: LabReady, names: readonly string[], concurrency: number, work: string): Promise<AgentRun> {
  const report = join(work, `report-${names.length}-${Date.now()}.jsonl`);
  const args = [CLI, 'rollout', '-i', lab.inventory, '-p', lab.playbook, '--limit', names.join(','), '--concurrency', String(concurrency), '--json', report, '--journal', join(work, `journal-${Date.now()}.jsonl`), '--progress', 'none', '-q'];
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, args, { env: { ...process.env, ...lab.env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  let peak = 0;
  let cpu = 0;
  const poll = setInterval(() => {
    peak = Math.max(peak, peakRssKiB(child.pid ?? -1) ?? 0);
    cpu = Math.max(cpu, cpuSecondsOf(child.pid ?? -1) ?? 0);
  }, 50);
  const exitCode = await new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  clearInterval(poll);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const parsed = parseJsonReport(readFileSync(report, 'utf8'));
  const trips = parsed.devices.reduce((n, d) => n + d.roundTrips, 0);
  return {
    seconds,
    exitCode,
    peakRssMiB: round(peak / 1024),
    cpuSeconds: round(cpu),
    byResult: parsed.summary?.byResult ?? {},
    roundTripsPerDevice: round(trips / Math.max(1, parsed.devices.length)),
    stderrTail: stderr,
  };
}

async function runNetmiko(job: NetmikoJob): Promise<NetmikoRun> {
  const child = spawn(PYTHON, [NETMIKO_SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  // A script that cannot start closes its stdin: the process error below says why.
  child.stdin.on('error', () => undefined);
  child.stdin.end(JSON.stringify(job));
  const install = 'install Debian\'s python3-netmiko (apt-get install -y python3-netmiko), or run without the comparison: --netmiko-devices 0';
  const code = await new Promise<number | null>((resolvePromise, reject) => {
    child.once('error', (e) => reject(new Error(`bench: cannot run ${PYTHON} ${NETMIKO_SCRIPT}: ${e.message}; ${install}`)));
    child.once('close', (c) => resolvePromise(c));
  });
  if (code !== 0) throw new Error(`bench: ${NETMIKO_SCRIPT} exited ${code}: ${err.trim().slice(-1000)}; ${install}`);
  return JSON.parse(out) as NetmikoRun;
}

async function counters(lab: ChildProcess): Promise<LabCounters> {
  const reply = nextMessage<LabCounters>(lab, 'counters', 30_000);
  lab.send({ type: 'counters' });
  return reply;
}

async function benchOne(size: number, options: { concurrency: number; netmikoDevices: number; commandMs: number; lineMs: number }): Promise<BenchResult> {
  const s = options.netmikoDevices;
  const total = size + 2 * s;
  const work = mkdtempSync(join(tmpdir(), 'certagent-bench-run-'));
  process.stderr.write(`bench: starting a lab of ${total} routers (${options.commandMs} ms per command line, ${options.lineMs} ms per output line)\n`);
  const child = fork(join(here, 'lab-process.js'), [JSON.stringify({ devices: total, commandMs: options.commandMs, lineMs: options.lineMs })], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const lab = await nextMessage<LabReady>(child, 'ready', 600_000);
    const main = lab.names.slice(0, size);
    const agentSubset = lab.names.slice(size, size + s);
    const netmikoSubset = lab.names.slice(size + s);
    let comparison: BenchResult['comparison'];
    if (s > 0) {
      const c = Math.min(options.concurrency, s);
      await counters(child);
      process.stderr.write(`bench: certagent on ${s} routers, concurrency ${c}\n`);
      const a = await runAgent(lab, agentSubset, c, work);
      if (a.exitCode !== 0) throw new Error(`bench: certagent failed on the comparison subset (exit ${a.exitCode}): ${a.stderrTail}`);
      await counters(child);
      process.stderr.write(`bench: Netmiko on ${s} other routers, ${c} threads\n`);
      const steps = await freshRouterSteps(lab.playbook, lab.env);
      const n = await runNetmiko({
        devices: netmikoSubset.map((name) => ({ name, host: '127.0.0.1', port: lab.ports[name] ?? 0 })),
        username: lab.username,
        password: lab.password,
        secret: lab.enableSecret,
        concurrency: c,
        steps,
      });
      const nc = await counters(child);
      const perDevice = n.seconds / s;
      comparison = {
        devices: s,
        concurrency: c,
        agentSeconds: round(a.seconds, 2),
        netmikoSeconds: round(n.seconds, 2),
        netmikoOk: n.ok,
        netmikoFailures: n.failures,
        netmikoCommandLinesPerDevice: round(nc.commands / s),
        netmikoOutputLinesPerDevice: round(nc.outputLines / s),
        speedup: round(n.seconds / a.seconds, 1),
        netmikoExtrapolatedSeconds: round((perDevice * size * c) / options.concurrency),
      };
    }
    await counters(child);
    process.stderr.write(`bench: certagent on ${size} routers, concurrency ${options.concurrency}\n`);
    const run = await runAgent(lab, main, options.concurrency, work);
    const used = await counters(child);
    if (run.exitCode !== 0) process.stderr.write(`bench: certagent exited ${run.exitCode}: ${run.stderrTail}\n`);
    const lowerBound = (used.commands * options.commandMs + used.outputLines * options.lineMs) / 1000 / options.concurrency;
    return {
      devices: size,
      concurrency: options.concurrency,
      latency: { commandMs: options.commandMs, lineMs: options.lineMs },
      agent: {
        wallSeconds: round(run.seconds, 2),
        devicesPerMinute: round((size * 60) / run.seconds),
        roundTripsPerDevice: run.roundTripsPerDevice,
        peakRssMiB: run.peakRssMiB,
        results: run.byResult,
        commandLinesPerDevice: round(used.commands / size),
        outputLinesPerDevice: round(used.outputLines / size),
        cpuSeconds: run.cpuSeconds,
        labCpuSeconds: round(used.cpuSeconds),
      },
      lowerBoundSeconds: round(lowerBound, 2),
      ratioToLowerBound: round(run.seconds / lowerBound, 2),
      ...(comparison && { comparison }),
    };
  } finally {
    child.send({ type: 'stop' });
    await new Promise((r) => child.once('exit', r));
    rmSync(work, { recursive: true, force: true });
  }
}

export function renderTable(results: readonly BenchResult[]): string {
  const head = ['devices', 'conc.', 'wall s', 'dev/min', 'lower bound s', 'ratio', 'RT/dev', 'peak RSS MiB', 'CPU s agent/lab', 'Netmiko (subset)', 'certagent (subset)', 'speed-up', 'Netmiko est. s'];
  const rows = results.map((r) => [
    String(r.devices),
    String(r.concurrency),
    String(r.agent.wallSeconds),
    String(r.agent.devicesPerMinute),
    String(r.lowerBoundSeconds),
    `${r.ratioToLowerBound}×`,
    String(r.agent.roundTripsPerDevice),
    String(r.agent.peakRssMiB),
    `${r.agent.cpuSeconds}/${r.agent.labCpuSeconds}`,
    r.comparison ? `${r.comparison.netmikoSeconds} s / ${r.comparison.devices}` : '-',
    r.comparison ? `${r.comparison.agentSeconds} s / ${r.comparison.devices}` : '-',
    r.comparison ? `${r.comparison.speedup}×` : '-',
    r.comparison ? String(r.comparison.netmikoExtrapolatedSeconds) : '-',
  ]);
  const lines = [head, head.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      devices: { type: 'string', multiple: true },
      concurrency: { type: 'string' },
      'netmiko-devices': { type: 'string' },
      'command-ms': { type: 'string' },
      'line-ms': { type: 'string' },
      out: { type: 'string' },
      queue: { type: 'boolean' },
      workers: { type: 'string', multiple: true },
    },
    strict: true,
  });
  const num = (text: string | undefined, flag: string, fallback: number, min: number): number => {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) throw new Error(`bench: ${flag} must be a whole number ${min} or more, not '${text}'`);
    return n;
  };
  const sizes = (values.devices ?? ['100', '1000']).map((d) => num(d, '--devices', 0, 1));
  const options = {
    concurrency: num(values.concurrency, '--concurrency', 50, 1),
    netmikoDevices: num(values['netmiko-devices'], '--netmiko-devices', 20, 0),
    commandMs: num(values['command-ms'], '--command-ms', 30, 0),
    lineMs: num(values['line-ms'], '--line-ms', 2, 0),
  };
  if (values.queue) {
    const { queueBench, renderQueueTable } = await import('./queue-bench.js');
    const rows = await queueBench({
      devices: num(values.devices?.[0], '--devices', 100, 1),
      concurrency: num(values.concurrency, '--concurrency', 20, 1),
      commandMs: options.commandMs,
      lineMs: options.lineMs,
      workers: (values.workers ?? ['1', '2', '4']).map((w) => num(w, '--workers', 1, 1)),
    });
    const out = values.out ?? join(root, 'bench', 'queue-results.json');
    writeFileSync(out, `${JSON.stringify({ measuredAt: new Date().toISOString(), machine: { cpus: (await import('node:os')).cpus().length, node: process.version }, rows }, null, 2)}\n`);
    process.stdout.write(`${renderQueueTable(rows)}\n\nfigures written to ${out}\n`);
    return;
  }
  const results: BenchResult[] = [];
  for (const size of sizes) results.push(await benchOne(size, options));
  const out = values.out ?? join(root, 'bench', 'results.json');
  writeFileSync(out, `${JSON.stringify({ measuredAt: new Date().toISOString(), machine: { cpus: (await import('node:os')).cpus().length, node: process.version }, results }, null, 2)}\n`);
  process.stdout.write(`${renderTable(results)}\n\nfigures written to ${out}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${errorMessage(err)}\n`);
  process.exitCode = 1;
});
