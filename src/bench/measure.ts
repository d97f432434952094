/**
 * How the benchmark runs a process and measures it: pinned to one CPU with taskset (util-linux) so the lab and the
 * agent do not share a core, and under GNU time, whose report is the kernel's own account of the process at exit
 * (user and system CPU of it and its children, peak RSS): nothing is sampled, so nothing is missed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

const TASKSET = '/usr/bin/taskset';
const TIME = '/usr/bin/time';

export interface Pinning {
  /** CPU of the lab processes, CPU of the measured clients (agent, Netmiko, Ansible); undefined: not pinned. */
  readonly lab?: number;
  readonly client?: number;
}

/** Lab on CPU 0, clients on CPU 1, where there are two CPUs and taskset; otherwise nothing is pinned. */
export function choosePinning(wanted: boolean): Pinning {
  if (!wanted || cpus().length < 2 || !existsSync(TASKSET)) return {};
  return { lab: 0, client: 1 };
}

/** Pins a running process and all its threads (the lab is forked with IPC, so it is pinned after it starts). */
export function pinProcess(pid: number, cpu: number | undefined): void {
  if (cpu === undefined) return;
  const done = spawnSync(TASKSET, ['-a', '-p', '-c', String(cpu), String(pid)], { encoding: 'utf8' });
  if (done.status !== 0) throw new Error(`bench: taskset could not pin process ${pid} to CPU ${cpu}: ${done.stderr.trim()}`);
}

export interface Measured {
  readonly exitCode: number | null;
  readonly wallSeconds: number;
  /** User + system CPU of the process and its children, from GNU time. */
  readonly cpuSeconds: number;
  /** Peak RSS of the process (the largest child's for a process tree), KiB. */
  readonly maxRssKiB: number;
  readonly stdout: string;
  readonly stderrTail: string;
}

export interface MeasureOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cpu?: number;
  readonly stdin?: string;
  /** Where GNU time writes its report (a file of the run's own folder). */
  readonly reportFile: string;
}

/** Runs `command args` pinned to `cpu`, under GNU time. */
export async function measured(command: string, args: readonly string[], options: MeasureOptions): Promise<Measured> {
  if (!existsSync(TIME)) throw new Error(`bench: ${TIME} is missing: install Debian's time package (apt-get install -y time)`);
  const pinned = options.cpu === undefined ? [command, ...args] : [TASKSET, '-c', String(options.cpu), command, ...args];
  const started = process.hrtime.bigint();
  const child = spawn(TIME, ['-f', '%U %S %M', '-o', options.reportFile, ...pinned], { env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  child.stdin.on('error', () => undefined);
  child.stdin.end(options.stdin ?? '');
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once('error', (e) => reject(new Error(`bench: cannot run ${command}: ${e.message}`)));
    child.once('close', (code) => resolve(code));
  });
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const report = readFileSync(options.reportFile, 'utf8').trim().split('\n').pop() ?? '';
  rmSync(options.reportFile, { force: true });
  const [user, system, rss] = report.split(' ').map(Number);
  if (user === undefined || system === undefined || rss === undefined || [user, system, rss].some(Number.isNaN)) {
    throw new Error(`bench: GNU time reported '${report}' for ${command}`);
  }
  return { exitCode, wallSeconds, cpuSeconds: user + system, maxRssKiB: rss, stdout, stderrTail: stderr };
}

/** The 1-minute load average: the machine's business besides the benchmark shows in it. */
export function loadAverage(): number {
  return Math.round((loadavg()[0] ?? 0) * 100) / 100;
}
