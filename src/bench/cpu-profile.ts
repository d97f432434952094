/**
 * Where the agent's CPU goes: a lab in its own process (pinned like the benchmark's), then the real CLI under
 * `node --cpu-prof` for `rollout` on fresh routers and `rotate` on the same routers once nothing changed, each
 * also on one router so the per-run cost can be told from the per-device cost. Prints GNU time's CPU of every run
 * and a summary of each N-router profile by module and function (cpu-profile-summary.ts); the .cpuprofile files
 * stay in the folder printed, for Chrome DevTools.
 *
 *   npm run bench:profile -- [--devices N] [--concurrency C] [--top N]
 */
import { fork } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { errorMessage } from '../shared/error-message.js';
import { difference, formatSummary, summarise } from './cpu-profile-summary.js';
import type { CpuProfile, Summary } from './cpu-profile-summary.js';
import type { LabProcessOptions, LabReady } from './lab-process.js';
import { choosePinning, loadAverage, measured, pinProcess } from './measure.js';
import { nextMessage } from './run.js';

const here = dirname(fileURLToPath(import.meta.url));
const CLI = join(resolve(here, '..', '..'), 'dist', 'cli', 'main.js');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { devices: { type: 'string', default: '30' }, concurrency: { type: 'string', default: '10' }, top: { type: 'string', default: '25' } },
  });
  const devices = Number(values.devices);
  const concurrency = Number(values.concurrency);
  const top = Number(values.top);
  if (!Number.isInteger(devices) || devices < 2) throw new Error(`bench: --devices must be a whole number 2 or more, not '${values.devices}'`);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`bench: --concurrency must be a whole number 1 or more, not '${values.concurrency}'`);
  const work = mkdtempSync(join(tmpdir(), 'certagent-profile-'));
  const pinning = choosePinning(true);
  const labOptions: LabProcessOptions = { devices: devices + 1, commandMs: 30, lineMs: 2 };
  const child = fork(join(here, 'lab-process.js'), [JSON.stringify(labOptions)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    if (child.pid !== undefined) pinProcess(child.pid, pinning.lab);
    const lab = await nextMessage<LabReady>(child, 'ready', 600_000);
    const [one, ...many] = lab.names;
    if (one === undefined) throw new Error('bench: the lab has no routers');
    let n = 0;
    const run = async (command: 'rollout' | 'rotate', names: readonly string[]): Promise<number> => {
      const label = `${command}-${names.length}`;
      const dir = join(work, label);
      const args = ['--cpu-prof', '--cpu-prof-dir', dir, CLI, command, '-i', lab.inventory, '-p', lab.playbook, '--limit', names.join(',')];
      args.push('--concurrency', String(concurrency), '--json', join(work, `report-${++n}.jsonl`), '--journal', join(work, `journal-${n}.jsonl`));
      args.push('--progress', 'none', '-q');
      const done = await measured(process.execPath, args, {
        env: { ...process.env, ...lab.env },
        ...(pinning.client !== undefined && { cpu: pinning.client }),
        reportFile: join(work, `time-${n}.txt`),
      });
      if (done.exitCode !== 0) throw new Error(`bench: certagent ${command} on ${names.length} routers exited ${done.exitCode}: ${done.stderrTail}`);
      const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
      if (file === undefined) throw new Error(`bench: node wrote no CPU profile into ${dir}`);
      renameSync(join(dir, file), join(work, `${label}.cpuprofile`));
      process.stdout.write(`${label}: ${done.cpuSeconds.toFixed(2)} s CPU, ${done.wallSeconds.toFixed(1)} s wall, load ${loadAverage()}\n`);
      return done.cpuSeconds;
    };
    const load = (label: string): Summary => summarise(JSON.parse(readFileSync(join(work, `${label}.cpuprofile`), 'utf8')) as CpuProfile);
    const report = (command: string, cpuAll: number, cpuOne: number): void => {
      const all = load(`${command}-${devices}`);
      const one = load(`${command}-1`);
      const perDevice = ((cpuAll - cpuOne) * 1000) / (devices - 1);
      process.stdout.write(`\n== ${command}, one router (the per-run cost): ${(cpuOne * 1000).toFixed(0)} ms CPU ==\n${formatSummary(one, top)}\n`);
      process.stdout.write(
        `\n== ${command}, ${devices} routers minus one router (${devices - 1} routers' cost): ${perDevice.toFixed(1)} ms CPU per router ==\n`,
      );
      process.stdout.write(`${formatSummary(difference(all, one), top)}\n`);
    };
    const rolloutOne = await run('rollout', [one]);
    const rolloutAll = await run('rollout', many);
    const rotateOne = await run('rotate', [one]);
    const rotateAll = await run('rotate', many);
    report('rollout', rolloutAll, rolloutOne);
    report('rotate', rotateAll, rotateOne);
    process.stdout.write(`\nprofiles in ${work}\n`);
  } finally {
    child.send({ type: 'stop' });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    process.stderr.write(`${errorMessage(err)}\n`);
    process.exitCode = 1;
  });
}
