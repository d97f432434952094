/**
 * The daily job at scale: `certagent rotate` on a fleet where nothing changed, with the lab's latency.
 *
 *   npm run bench:rotate -- [--devices 10000] [--concurrency 100] [--rss-concurrency 200] [--per-lab 2500]
 *                           [--command-ms 30] [--line-ms 2] [--no-pin] [--out bench/results-rotate.json]
 *
 * A template lab router gets the lab playbook by a real `certagent rollout` and saves it; its startup config (each
 * copy with its own hostname) and mail chain then seed ceil(devices / per-lab) lab processes, so every router holds
 * the playbook without thousands of rollouts first. The labs are pinned to CPU 0 and the agent to CPU 1. The run
 * is the real CLI on one inventory of all routers; a second run at --rss-concurrency gives the peak RSS there.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { LabProcessOptions, LabReady } from './lab-process.js';
import { choosePinning, loadAverage, pinProcess } from './measure.js';
import { nextMessage, runCertagent } from './run.js';
import type { AgentRun, Context } from './run.js';
import { errorMessage } from '../shared/error-message.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');

function startLabProcess(options: LabProcessOptions, cpu: number | undefined): ChildProcess {
  const child = fork(join(here, 'lab-process.js'), [JSON.stringify(options)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  if (child.pid !== undefined) pinProcess(child.pid, cpu);
  return child;
}

async function stopLabs(labs: readonly ChildProcess[]): Promise<void> {
  await Promise.all(
    labs.map(async (lab) => {
      if (lab.exitCode !== null) return;
      const exited = new Promise((r) => lab.once('exit', r));
      lab.send({ type: 'stop' });
      await exited;
    }),
  );
}

/** One inventory of every lab's routers: the first file's header, then each file's device entries. */
function mergedInventory(files: readonly string[]): string {
  const [first, ...rest] = files.map((f) => readFileSync(f, 'utf8'));
  const entries = (text: string): string => text.slice(text.indexOf('\ndevices:\n') + '\ndevices:\n'.length);
  return [first ?? '', ...rest.map(entries)].join('');
}

interface Seed {
  readonly startupConfig: string;
  readonly chainJson: string;
  readonly credentials: LabReady['credentials'];
  readonly env: LabReady['env'];
  readonly playbook: string;
}

/** A router holding the lab playbook, by a real rollout; its saved config, chain and playbook, copied to `work`. */
async function seed(work: string, cpu: number | undefined): Promise<Seed> {
  const template = startLabProcess({ devices: 1, commandMs: 0, lineMs: 0, prefix: 'template-r' }, cpu);
  try {
    const lab = await nextMessage<LabReady>(template, 'ready', 120_000);
    const ctx: Context = { labs: [template], inventory: lab.inventory, playbook: lab.playbook, env: lab.env, work, pinning: {}, commandMs: 0, lineMs: 0 };
    const done = await runCertagent(ctx, 'rollout', lab.names, 1);
    if (done.results['changed'] !== 1) throw new Error(`bench: the template router did not take the playbook: ${JSON.stringify(done.results)}`);
    // The playbook names its chain file relative to itself: the pair is copied keeping that layout.
    const chainLine = /bundle_file: "?([^"\s]+)"?/.exec(readFileSync(lab.playbook, 'utf8'));
    const playbook = join(work, 'playbook.yaml');
    copyFileSync(lab.playbook, playbook);
    if (chainLine?.[1]) {
      mkdirSync(dirname(join(work, chainLine[1])), { recursive: true });
      copyFileSync(join(dirname(lab.playbook), chainLine[1]), join(work, chainLine[1]));
    }
    const name = lab.names[0] ?? '';
    return {
      startupConfig: readFileSync(lab.startupFiles[name] ?? '', 'utf8'),
      chainJson: readFileSync(lab.chainStore, 'utf8'),
      credentials: lab.credentials,
      env: lab.env,
      playbook,
    };
  } finally {
    await stopLabs([template]);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      devices: { type: 'string' },
      concurrency: { type: 'string' },
      'rss-concurrency': { type: 'string' },
      'per-lab': { type: 'string' },
      'command-ms': { type: 'string' },
      'line-ms': { type: 'string' },
      'no-pin': { type: 'boolean' },
      out: { type: 'string' },
    },
    strict: true,
  });
  const num = (text: string | undefined, flag: string, fallback: number, min: number): number => {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) throw new Error(`bench:rotate: ${flag} must be a whole number ${min} or more, not '${text}'`);
    return n;
  };
  const devices = num(values.devices, '--devices', 10_000, 1);
  const concurrency = num(values.concurrency, '--concurrency', 100, 1);
  const rssConcurrency = num(values['rss-concurrency'], '--rss-concurrency', 200, 0);
  const perLab = num(values['per-lab'], '--per-lab', 2500, 1);
  const commandMs = num(values['command-ms'], '--command-ms', 30, 0);
  const lineMs = num(values['line-ms'], '--line-ms', 2, 0);
  const pinning = choosePinning(values['no-pin'] !== true);
  const work = mkdtempSync(join(tmpdir(), 'certagent-bench-rotate-'));
  const labs: ChildProcess[] = [];
  try {
    const loadStart = loadAverage();
    process.stderr.write(`bench:rotate: seeding from a template router (load average ${loadStart})\n`);
    const seeded = await seed(work, pinning.lab);
    const count = Math.ceil(devices / perLab);
    process.stderr.write(
      `bench:rotate: starting ${devices} routers in ${count} lab processes (${commandMs} ms per command line, ${lineMs} ms per output line)\n`,
    );
    for (let i = 0; i < count; i++) {
      const n = Math.min(perLab, devices - i * perLab);
      labs.push(
        startLabProcess(
          {
            devices: n,
            commandMs,
            lineMs,
            prefix: `lab${i + 1}-r`,
            credentials: seeded.credentials,
            seed: { startupConfig: seeded.startupConfig, chainJson: seeded.chainJson },
          },
          pinning.lab,
        ),
      );
    }
    const ready = await Promise.all(labs.map((lab) => nextMessage<LabReady>(lab, 'ready', 1_800_000)));
    const inventory = join(work, 'inventory.yaml');
    writeFileSync(inventory, mergedInventory(ready.map((r) => r.inventory)));
    const ctx: Context = { labs, inventory, playbook: seeded.playbook, env: seeded.env, work, pinning, commandMs, lineMs };
    process.stderr.write(`bench:rotate: certagent rotate on ${devices} routers, concurrency ${concurrency}\n`);
    const rotate: AgentRun = await runCertagent(ctx, 'rotate', devices, concurrency);
    // Said at once: the second run may be cut short (a time limit) and must not take this figure with it.
    process.stderr.write(`bench:rotate: ${devices} routers at concurrency ${concurrency}: ${JSON.stringify(rotate)} (load average ${loadAverage()})\n`);
    let peak: AgentRun | undefined;
    if (rssConcurrency > 0) {
      process.stderr.write(`bench:rotate: again at concurrency ${rssConcurrency} for the peak RSS\n`);
      peak = await runCertagent(ctx, 'rotate', devices, rssConcurrency);
    }
    const result = {
      measuredAt: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model ?? '?', node: process.version },
      devices,
      labProcesses: count,
      latency: { commandMs, lineMs },
      pinning,
      loadAverage: { start: loadStart, end: loadAverage() },
      rotateUnchanged: { concurrency, ...rotate, agentCpuMsPerDevice: Math.round((rotate.cpuSeconds * 1000 * 10) / devices) / 10 },
      ...(peak && { peakRssAtConcurrency: { concurrency: rssConcurrency, peakRssMiB: peak.peakRssMiB, wallSeconds: peak.wallSeconds, results: peak.results } }),
    };
    const out = values.out ?? join(root, 'bench', 'results-rotate.json');
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    const r = rotate;
    process.stdout.write(
      `rotate, nothing changed: ${devices} routers at concurrency ${concurrency} in ${r.wallSeconds} s (${r.devicesPerMinute}/min), ` +
        `lower bound ${r.lowerBoundSeconds} s (${r.ratioToLowerBound}×), ${r.roundTripsPerDevice} round trips and ${r.outputLinesPerDevice} output lines per router, ` +
        `agent CPU ${r.cpuSeconds} s (${result.rotateUnchanged.agentCpuMsPerDevice} ms per router, start included), lab CPU ${r.labCpuSeconds} s, agent peak RSS ${r.peakRssMiB} MiB` +
        `${peak ? `; at concurrency ${rssConcurrency}: peak RSS ${peak.peakRssMiB} MiB, ${peak.wallSeconds} s` : ''}; results ${JSON.stringify(r.results)}\n` +
        `load average ${result.loadAverage.start} → ${result.loadAverage.end}; figures written to ${out}\n`,
    );
  } finally {
    await stopLabs(labs);
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${errorMessage(err)}\n`);
  process.exitCode = 1;
});
