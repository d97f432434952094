/**
 * The benchmark: how fast certagent rolls the lab playbook out and re-checks it, against the lowest time the lab's
 * injected latency allows and against Netmiko and Ansible doing the same trustpoint steps, with the agent's own CPU.
 *
 *   npm run bench -- [--devices N]... [--concurrency C] [--netmiko-devices S] [--ansible-devices A]
 *                    [--command-ms MS] [--line-ms MS] [--no-pin] [--out FILE]
 *   npm run bench -- --queue [--devices N] [--concurrency C] [--workers W]... [--command-ms MS] [--line-ms MS]
 *     the same fleet in-process and through W local BullMQ workers on a real Redis (default 1, 2, 4): queue-bench.ts
 *
 * For each fleet size N one lab is started in a child process with N + 1 + 2·S + A routers and the latency given
 * (default 30 ms per command line, 2 ms per output line). The lab is pinned to CPU 0 and every client (certagent,
 * Netmiko, Ansible) to CPU 1 (taskset), so the agent is measured, not the two cores' sharing. On the same lab:
 *   1. certagent `rollout` on 1 fresh router, then on the N main routers at concurrency C: wall time, round trips,
 *      lines, lower bound; its CPU per changed device is the difference of the two runs' CPU over N − 1 (the
 *      process start, module loading and the playbook's certificates are paid once per run, not per device);
 *   2. certagent `rotate` on the same 1 and N routers, where nothing changed: the daily job, measured the same way;
 *   3. certagent, Netmiko (bench/netmiko_rollout.py) and Ansible (ansible-job.ts) each on S (A) other fresh routers
 *      at concurrency min(C, S): the side-by-side comparison of the same trustpoint steps.
 * CPU seconds and peak RSS are GNU time's account of each process; the lab's CPU is its own process.cpuUsage.
 * The lower bound is the latency the lab injected for the lines a run really sent (command lines × command-ms +
 * output lines × line-ms, counted by the lab) divided by the concurrency. Figures go to bench/results.json.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseJsonReport } from '../report/json-report.js';
import { ansibleInventory, ansiblePlaybook } from './ansible-job.js';
import type { LabCounters, LabProcessOptions, LabReady } from './lab-process.js';
import { choosePinning, loadAverage, measured, pinProcess } from './measure.js';
import type { Pinning } from './measure.js';
import { freshRouterSteps } from './netmiko-job.js';
import type { NetmikoJob } from './netmiko-job.js';
import { errorMessage } from '../shared/error-message.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const CLI = join(root, 'dist', 'cli', 'main.js');
const NETMIKO_SCRIPT = join(root, 'bench', 'netmiko_rollout.py');
const PYTHON = '/usr/bin/python3';

export interface AgentRun {
  readonly wallSeconds: number;
  readonly devicesPerMinute: number;
  readonly roundTripsPerDevice: number;
  readonly commandLinesPerDevice: number;
  readonly outputLinesPerDevice: number;
  readonly lowerBoundSeconds: number;
  readonly ratioToLowerBound: number;
  readonly results: Readonly<Record<string, number>>;
  /** GNU time: user + system CPU of the whole run, and its peak RSS. */
  readonly cpuSeconds: number;
  readonly peakRssMiB: number;
  /** The lab process's CPU over the same span. */
  readonly labCpuSeconds: number;
}

export interface PeerRun {
  readonly seconds: number;
  readonly devices: number;
  readonly ok: number;
  readonly cpuSeconds: number;
  readonly commandLinesPerDevice: number;
  readonly outputLinesPerDevice: number;
  readonly failures: readonly { readonly device: string; readonly error: string }[];
}

export interface BenchResult {
  readonly devices: number;
  readonly concurrency: number;
  readonly latency: { readonly commandMs: number; readonly lineMs: number };
  /** The lab streamed every output in random packets of 1..N bytes (absent: whole writes). */
  readonly chunkMaxBytes?: number;
  /** CPUs the lab and the clients were pinned to (absent: not pinned). */
  readonly pinning: Pinning;
  /** 1-minute load average when the size started and ended: other work on the machine shows here. */
  readonly loadAverage: { readonly start: number; readonly end: number };
  readonly rollout: AgentRun;
  readonly rotateUnchanged: AgentRun;
  /** Agent CPU per device beyond the run's fixed cost, in ms: (CPU of N devices − CPU of 1) / (N − 1). */
  readonly agentCpuMsPerDevice: { readonly changed: number; readonly unchanged: number };
  readonly comparison?: {
    readonly devices: number;
    readonly concurrency: number;
    readonly work: string;
    readonly certagent: PeerRun;
    readonly netmiko?: PeerRun;
    readonly ansible?: PeerRun;
  };
}

function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** Waits for the child's next message of `type`, or its exit, within `timeoutMs`. */
export function nextMessage<T extends { type: string }>(child: ChildProcess, type: T['type'], timeoutMs: number): Promise<T> {
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

/** Every lab's counters since the last call, summed, and a fresh start. */
export async function counters(labs: readonly ChildProcess[]): Promise<LabCounters> {
  const replies = await Promise.all(
    labs.map((lab) => {
      const reply = nextMessage<LabCounters>(lab, 'counters', 60_000);
      lab.send({ type: 'counters' });
      return reply;
    }),
  );
  return replies.reduce(
    (sum, r) => ({
      type: 'counters',
      commands: sum.commands + r.commands,
      outputLines: sum.outputLines + r.outputLines,
      mails: sum.mails + r.mails,
      cpuSeconds: sum.cpuSeconds + r.cpuSeconds,
    }),
    {
      type: 'counters',
      commands: 0,
      outputLines: 0,
      mails: 0,
      cpuSeconds: 0,
    },
  );
}

export interface Context {
  /** The lab processes (several for a fleet one process cannot hold): their counters are summed. */
  readonly labs: readonly ChildProcess[];
  readonly inventory: string;
  readonly playbook: string;
  readonly env: Readonly<Record<string, string>>;
  readonly work: string;
  readonly pinning: Pinning;
  readonly commandMs: number;
  readonly lineMs: number;
}

let runs = 0;

/** What went wrong, from the run's own report: the result counts and the first few device errors. */
function failuresOf(report: string): string {
  try {
    const parsed = parseJsonReport(readFileSync(report, 'utf8'));
    const counts = new Map<string, number>();
    for (const d of parsed.devices) counts.set(d.result, (counts.get(d.result) ?? 0) + 1);
    const bad = parsed.devices.filter((d) => d.error !== undefined).slice(0, 5);
    return `\nresults: ${[...counts].map(([r, n]) => `${r} ${n}`).join(', ')}\n${bad.map((d) => `  ${d.device} at ${d.error?.step ?? '?'}: ${d.error?.message ?? ''}`).join('\n')}`;
  } catch (err) {
    return `\n(no report to read: ${err instanceof Error ? err.message : String(err)})`;
  }
}

/** The real CLI on `names` (every router of the inventory: a number), measured; lines and lower bound from the
 * labs' counters over the run. */
export async function runCertagent(ctx: Context, command: 'rollout' | 'rotate', names: readonly string[] | number, concurrency: number): Promise<AgentRun> {
  const n = ++runs;
  const report = join(ctx.work, `report-${n}.jsonl`);
  const limit = typeof names === 'number' ? [] : ['--limit', names.join(',')];
  const args = [
    CLI,
    command,
    '-i',
    ctx.inventory,
    '-p',
    ctx.playbook,
    ...limit,
    '--concurrency',
    String(concurrency),
    '--json',
    report,
    '--journal',
    join(ctx.work, `journal-${n}.jsonl`),
    '--progress',
    'none',
    '-q',
  ];
  const size = typeof names === 'number' ? names : names.length;
  await counters(ctx.labs);
  const run = await measured(process.execPath, args, {
    env: { ...process.env, ...ctx.env },
    ...(ctx.pinning.client !== undefined && { cpu: ctx.pinning.client }),
    reportFile: join(ctx.work, `time-${n}.txt`),
  });
  const used = await counters(ctx.labs);
  if (run.exitCode !== 0) throw new Error(`bench: certagent ${command} on ${size} routers exited ${run.exitCode}: ${run.stderrTail}${failuresOf(report)}`);
  const parsed = parseJsonReport(readFileSync(report, 'utf8'));
  const trips = parsed.devices.reduce((sum, d) => sum + d.roundTrips, 0);
  const lowerBound = (used.commands * ctx.commandMs + used.outputLines * ctx.lineMs) / 1000 / Math.min(concurrency, size);
  return {
    wallSeconds: round(run.wallSeconds, 2),
    devicesPerMinute: round((size * 60) / run.wallSeconds),
    roundTripsPerDevice: round(trips / Math.max(1, parsed.devices.length)),
    commandLinesPerDevice: round(used.commands / size),
    outputLinesPerDevice: round(used.outputLines / size),
    lowerBoundSeconds: round(lowerBound, 2),
    ratioToLowerBound: lowerBound > 0 ? round(run.wallSeconds / lowerBound, 2) : 0,
    results: parsed.summary?.byResult ?? {},
    cpuSeconds: round(run.cpuSeconds, 2),
    peakRssMiB: round(run.maxRssKiB / 1024),
    labCpuSeconds: round(used.cpuSeconds, 2),
  };
}

async function runPeer(ctx: Context, lab: LabReady, which: 'netmiko' | 'ansible', names: readonly string[], concurrency: number): Promise<PeerRun> {
  const job: NetmikoJob = {
    devices: names.map((name) => ({ name, host: '127.0.0.1', port: lab.ports[name] ?? 0 })),
    username: lab.username,
    password: lab.password,
    secret: lab.enableSecret,
    concurrency,
    steps: await freshRouterSteps(lab.playbook, lab.env),
  };
  const cpu = ctx.pinning.client !== undefined ? { cpu: ctx.pinning.client } : {};
  await counters(ctx.labs);
  let seconds: number;
  let cpuSeconds: number;
  let ok: number;
  let failures: PeerRun['failures'];
  if (which === 'netmiko') {
    const install = "install Debian's python3-netmiko (apt-get install -y python3-netmiko), or run without it: --netmiko-devices 0";
    const run = await measured(PYTHON, [NETMIKO_SCRIPT], { ...cpu, stdin: JSON.stringify(job), reportFile: join(ctx.work, 'time-netmiko.txt') });
    if (run.exitCode !== 0) throw new Error(`bench: ${NETMIKO_SCRIPT} exited ${run.exitCode}: ${run.stderrTail.trim().slice(-1000)}; ${install}`);
    const out = JSON.parse(run.stdout) as { seconds: number; ok: number; failures: PeerRun['failures'] };
    ({ seconds, ok, failures } = out);
    cpuSeconds = run.cpuSeconds;
  } else {
    const dir = mkdtempSync(join(ctx.work, 'ansible-'));
    const inventory = join(dir, 'inventory.ini');
    const playbook = join(dir, 'playbook.yml');
    // Both hold secrets (login, enable, the SMTP account in the EEM environment lines).
    writeFileSync(inventory, ansibleInventory(job), { mode: 0o600 });
    writeFileSync(playbook, ansiblePlaybook(job.steps), { mode: 0o600 });
    chmodSync(dir, 0o700);
    const env = {
      ...process.env,
      ANSIBLE_HOST_KEY_CHECKING: 'False',
      ANSIBLE_LOCAL_TEMP: join(dir, 'tmp'),
      ANSIBLE_PERSISTENT_CONTROL_PATH_DIR: join(dir, 'pc'),
      ANSIBLE_NOCOLOR: '1',
      ANSIBLE_RETRY_FILES_ENABLED: 'False',
      ANSIBLE_STDOUT_CALLBACK: 'json',
      // network_cli's 30 s default fails a dialog on a busy machine; certagent's own deadlines are longer too.
      ANSIBLE_PERSISTENT_COMMAND_TIMEOUT: '120',
      ANSIBLE_PERSISTENT_CONNECT_TIMEOUT: '120',
    };
    const run = await measured('ansible-playbook', ['-i', inventory, playbook, '--forks', String(concurrency)], {
      ...cpu,
      env,
      reportFile: join(ctx.work, 'time-ansible.txt'),
    });
    type HostResult = { failed?: boolean; unreachable?: boolean; msg?: string; results?: HostResult[] };
    type Report = {
      stats?: Record<string, { failures?: number; unreachable?: number }>;
      plays?: { tasks?: { task?: { name?: string }; hosts?: Record<string, HostResult> }[] }[];
    };
    let report: Report = {};
    try {
      report = JSON.parse(run.stdout) as Report;
    } catch {
      // No JSON at all: every device counts as failed, with ansible-playbook's own last words.
    }
    const why = (name: string): string => {
      for (const t of report.plays?.[0]?.tasks ?? []) {
        const host = t.hosts?.[name];
        const failedItem = host?.results?.find((r) => r.failed === true || r.unreachable === true);
        if (host && (host.failed === true || host.unreachable === true || failedItem))
          return `${t.task?.name ?? 'task'}: ${(failedItem?.msg ?? host.msg ?? '').slice(0, 300)}`;
      }
      return `ansible-playbook exited ${run.exitCode}: ${run.stderrTail.trim().slice(-300)}`;
    };
    const bad = names.filter((name) => (report.stats?.[name]?.failures ?? 1) > 0 || (report.stats?.[name]?.unreachable ?? 0) > 0);
    seconds = run.wallSeconds;
    cpuSeconds = run.cpuSeconds;
    ok = names.length - bad.length;
    failures = bad.map((device) => ({ device, error: why(device) }));
  }
  const used = await counters(ctx.labs);
  return {
    seconds: round(seconds, 2),
    devices: names.length,
    ok,
    cpuSeconds: round(cpuSeconds, 2),
    commandLinesPerDevice: round(used.commands / names.length),
    outputLinesPerDevice: round(used.outputLines / names.length),
    failures,
  };
}

function perDevice(all: AgentRun, one: AgentRun, size: number): number {
  return size > 1 ? round(((all.cpuSeconds - one.cpuSeconds) * 1000) / (size - 1)) : round(all.cpuSeconds * 1000);
}

interface Options {
  readonly concurrency: number;
  readonly netmikoDevices: number;
  readonly ansibleDevices: number;
  readonly commandMs: number;
  readonly lineMs: number;
  readonly pin: boolean;
  readonly chunkMaxBytes?: number;
}

async function benchOne(size: number, options: Options): Promise<BenchResult> {
  const s = options.netmikoDevices;
  const a = options.ansibleDevices;
  const peers = Math.max(s, a);
  const total = size + 1 + (peers > 0 ? peers : 0) + s + a;
  const pinning = choosePinning(options.pin);
  const loadStart = loadAverage();
  const work = mkdtempSync(join(tmpdir(), 'certagent-bench-run-'));
  process.stderr.write(
    `bench: starting a lab of ${total} routers (${options.commandMs} ms per command line, ${options.lineMs} ms per output line${options.chunkMaxBytes === undefined ? '' : `, output in packets of 1..${options.chunkMaxBytes} bytes`}), load average ${loadStart}\n`,
  );
  const labOptions: LabProcessOptions = {
    devices: total,
    commandMs: options.commandMs,
    lineMs: options.lineMs,
    ...(options.chunkMaxBytes !== undefined && { chunkMaxBytes: options.chunkMaxBytes }),
  };
  const child = fork(join(here, 'lab-process.js'), [JSON.stringify(labOptions)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    if (child.pid !== undefined) pinProcess(child.pid, pinning.lab);
    const lab = await nextMessage<LabReady>(child, 'ready', 600_000);
    const ctx: Context = {
      labs: [child],
      inventory: lab.inventory,
      playbook: lab.playbook,
      env: lab.env,
      work,
      pinning,
      commandMs: options.commandMs,
      lineMs: options.lineMs,
    };
    const names = [...lab.names];
    const main = names.splice(0, size);
    const single = names.splice(0, 1);
    const agentSubset = names.splice(0, peers);
    const netmikoSubset = names.splice(0, s);
    const ansibleSubset = names.splice(0, a);
    process.stderr.write(`bench: certagent rollout on 1 router, then on ${size} at concurrency ${options.concurrency}\n`);
    const rolloutOne = await runCertagent(ctx, 'rollout', single, 1);
    const rollout = await runCertagent(ctx, 'rollout', main, options.concurrency);
    process.stderr.write(`bench: certagent rotate (nothing changed) on 1 router, then on ${size}\n`);
    const rotateOne = await runCertagent(ctx, 'rotate', single, 1);
    const rotateUnchanged = await runCertagent(ctx, 'rotate', main, options.concurrency);
    let comparison: BenchResult['comparison'];
    if (peers > 0) {
      const c = Math.min(options.concurrency, peers);
      process.stderr.write(`bench: certagent, Netmiko and Ansible on ${peers}/${s}/${a} other fresh routers, concurrency ${c}\n`);
      const mine = await runCertagent(ctx, 'rollout', agentSubset, c);
      const certagent: PeerRun = {
        seconds: mine.wallSeconds,
        devices: agentSubset.length,
        ok: mine.results['changed'] ?? 0,
        cpuSeconds: mine.cpuSeconds,
        commandLinesPerDevice: mine.commandLinesPerDevice,
        outputLinesPerDevice: mine.outputLinesPerDevice,
        failures: [],
      };
      const netmiko = s > 0 ? await runPeer(ctx, lab, 'netmiko', netmikoSubset, Math.min(c, s)) : undefined;
      const ansible = a > 0 ? await runPeer(ctx, lab, 'ansible', ansibleSubset, Math.min(c, a)) : undefined;
      comparison = {
        devices: peers,
        concurrency: c,
        work:
          'the trustpoint steps certagent plans for a fresh router (config block, three crypto pki authenticate dialogs) and write memory; ' +
          'certagent also reads facts, verifies, proves the mail and would roll back, the peers do none of that',
        certagent,
        ...(netmiko && { netmiko }),
        ...(ansible && { ansible }),
      };
    }
    return {
      devices: size,
      concurrency: options.concurrency,
      latency: { commandMs: options.commandMs, lineMs: options.lineMs },
      ...(options.chunkMaxBytes !== undefined && { chunkMaxBytes: options.chunkMaxBytes }),
      pinning,
      loadAverage: { start: loadStart, end: loadAverage() },
      rollout,
      rotateUnchanged,
      agentCpuMsPerDevice: { changed: perDevice(rollout, rolloutOne, size), unchanged: perDevice(rotateUnchanged, rotateOne, size) },
      ...(comparison && { comparison }),
    };
  } finally {
    child.send({ type: 'stop' });
    await new Promise((r) => child.once('exit', r));
    rmSync(work, { recursive: true, force: true });
  }
}

export function renderTable(results: readonly BenchResult[]): string {
  const head = [
    'devices',
    'conc.',
    'run',
    'wall s',
    'dev/min',
    'lower bound s',
    'ratio',
    'RT/dev',
    'lines/dev',
    'agent CPU ms/dev',
    'peak RSS MiB',
    'CPU s agent/lab',
    'load',
  ];
  const rows = results.flatMap((r) =>
    (['rollout', 'rotateUnchanged'] as const).map((which) => {
      const run = r[which];
      return [
        String(r.devices),
        String(r.concurrency),
        which === 'rollout' ? 'rollout (changed)' : 'rotate (unchanged)',
        String(run.wallSeconds),
        String(run.devicesPerMinute),
        String(run.lowerBoundSeconds),
        `${run.ratioToLowerBound}×`,
        String(run.roundTripsPerDevice),
        String(run.outputLinesPerDevice),
        String(which === 'rollout' ? r.agentCpuMsPerDevice.changed : r.agentCpuMsPerDevice.unchanged),
        String(run.peakRssMiB),
        `${run.cpuSeconds}/${run.labCpuSeconds}`,
        `${r.loadAverage.start}→${r.loadAverage.end}`,
      ];
    }),
  );
  const table = (rowsOf: string[][], header: string[]) => [header, header.map(() => '---'), ...rowsOf].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
  const peers = results.flatMap((r) => {
    const c = r.comparison;
    if (!c) return [];
    const row = (name: string, p: PeerRun | undefined) =>
      p
        ? [
            [
              name,
              `${p.devices}`,
              String(c.concurrency),
              String(p.seconds),
              `${p.ok}/${p.devices}`,
              String(p.cpuSeconds),
              String(p.commandLinesPerDevice),
              p === c.certagent ? '1×' : `${round(p.seconds / c.certagent.seconds)}×`,
            ],
          ]
        : [];
    return [...row('certagent', c.certagent), ...row('Netmiko', c.netmiko), ...row('Ansible', c.ansible)];
  });
  const peerTable =
    peers.length > 0 ? `\n\n${table(peers, ['client', 'routers', 'conc.', 'wall s', 'ok', 'CPU s', 'command lines/dev', 'time vs certagent'])}` : '';
  return `${table(rows, head)}${peerTable}`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      devices: { type: 'string', multiple: true },
      concurrency: { type: 'string' },
      'netmiko-devices': { type: 'string' },
      'ansible-devices': { type: 'string' },
      'command-ms': { type: 'string' },
      'line-ms': { type: 'string' },
      'no-pin': { type: 'boolean' },
      chunking: { type: 'string' },
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
  const sizes = (values.devices ?? ['100']).map((d) => num(d, '--devices', 0, 1));
  const netmikoDevices = num(values['netmiko-devices'], '--netmiko-devices', 10, 0);
  const options: Options = {
    concurrency: num(values.concurrency, '--concurrency', 10, 1),
    netmikoDevices,
    ansibleDevices: num(values['ansible-devices'], '--ansible-devices', netmikoDevices, 0),
    commandMs: num(values['command-ms'], '--command-ms', 30, 0),
    lineMs: num(values['line-ms'], '--line-ms', 2, 0),
    pin: values['no-pin'] !== true,
    ...(values.chunking !== undefined && { chunkMaxBytes: num(values.chunking, '--chunking', 64, 1) }),
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
    writeFileSync(
      out,
      `${JSON.stringify({ measuredAt: new Date().toISOString(), machine: { cpus: (await import('node:os')).cpus().length, node: process.version }, rows }, null, 2)}\n`,
    );
    process.stdout.write(`${renderQueueTable(rows)}\n\nfigures written to ${out}\n`);
    return;
  }
  const results: BenchResult[] = [];
  for (const size of sizes) results.push(await benchOne(size, options));
  const out = values.out ?? join(root, 'bench', 'results.json');
  writeFileSync(
    out,
    `${JSON.stringify({ measuredAt: new Date().toISOString(), machine: { cpus: cpus().length, model: cpus()[0]?.model ?? '?', node: process.version }, results }, null, 2)}\n`,
  );
  process.stdout.write(`${renderTable(results)}\n\nfigures written to ${out}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    process.stderr.write(`${errorMessage(err)}\n`);
    process.exitCode = 1;
  });
}
