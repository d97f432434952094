/**
 * The benchmark's lab, run in a child process of its own so the agent's memory and CPU are measured apart from
 * the simulated routers'. Started with `fork`, it starts the lab with the latency it is given, writes the
 * inventory and playbook, and answers over IPC:
 *   parent → child: {type:'counters'} (reply {type:'counters', ...} and reset), {type:'stop'}
 *   child → parent: {type:'ready', ...}, {type:'counters', ...}, {type:'error', message}
 *
 * To compute the lower bound from what the agent really sent, it counts what the lab charges latency for
 * (lab-counters.ts).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DEFAULT_HOSTNAME_PREFIX, labEnvironment, labHostnames, startLab } from '../lab/lab.js';
import type { LabCredentials } from '../lab/lab.js';
import { countLabLines, takeLabLineCounts } from './lab-counters.js';

export interface LabProcessOptions {
  readonly devices: number;
  readonly commandMs: number;
  readonly lineMs: number;
  /** Router names are this plus a number (default lab-r): labs started side by side need different ones. */
  readonly prefix?: string;
  readonly credentials?: LabCredentials;
  /** Routers that already hold a playbook: every router boots from this startup config (its `hostname` line
   * replaced), with this mail chain store, so one playbook fits the routers of several lab processes. */
  readonly seed?: { readonly startupConfig: string; readonly chainJson: string };
  /** Every router streams its output in random packets of 1..N bytes (the lab's `--chunking N`). */
  readonly chunkMaxBytes?: number;
}

export interface LabReady {
  readonly type: 'ready';
  readonly dir: string;
  readonly inventory: string;
  readonly playbook: string;
  readonly env: Readonly<Record<string, string>>;
  readonly names: readonly string[];
  readonly username: string;
  readonly password: string;
  readonly enableSecret: string;
  readonly ports: Readonly<Record<string, number>>;
  readonly credentials: LabCredentials;
  /** Where a router keeps its saved config (`write memory`), by name. */
  readonly startupFiles: Readonly<Record<string, string>>;
  /** The mail chain store the playbook's certificates come from. */
  readonly chainStore: string;
}

export interface LabCounters {
  readonly type: 'counters';
  /** Command lines executed (each delayed commandMs). */
  readonly commands: number;
  /** Output lines printed (each delayed lineMs). */
  readonly outputLines: number;
  /** Mails the lab mail server has received so far. */
  readonly mails: number;
  /** CPU seconds (user + system) the lab used since the last reset. */
  readonly cpuSeconds: number;
}

let cpuSince = process.cpuUsage();

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as LabProcessOptions;
  countLabLines();
  const dir = mkdtempSync(join(tmpdir(), 'certagent-bench-'));
  const stateDir = join(dir, 'lab');
  const prefix = options.prefix ?? DEFAULT_HOSTNAME_PREFIX;
  const startupFile = (name: string): string => join(stateDir, 'routers', name, 'startup-config');
  const chainStore = join(stateDir, 'mail', 'chain.json');
  if (options.seed) {
    mkdirSync(dirname(chainStore), { recursive: true });
    writeFileSync(chainStore, options.seed.chainJson, { mode: 0o600 });
    for (const name of labHostnames(options.devices, prefix)) {
      mkdirSync(dirname(startupFile(name)), { recursive: true });
      writeFileSync(startupFile(name), options.seed.startupConfig.replace(/^hostname .*$/m, `hostname ${name}`));
    }
  }
  const lab = await startLab({
    stateDir,
    devices: options.devices,
    hostnamePrefix: prefix,
    latency: { commandMs: options.commandMs, lineMs: options.lineMs },
    ...(options.chunkMaxBytes !== undefined && { output: { chunkMaxBytes: options.chunkMaxBytes } }),
    ...(options.credentials && { credentials: options.credentials }),
  });
  const inventory = await lab.writeInventory(join(dir, 'inventory.yaml'));
  const playbook = await lab.writePlaybook(join(dir, 'playbook.yaml'));
  const ready: LabReady = {
    type: 'ready',
    dir,
    inventory,
    playbook,
    env: labEnvironment(lab.credentials),
    names: lab.devices.map((d) => d.name),
    username: lab.credentials.username,
    password: lab.credentials.password,
    enableSecret: lab.credentials.enableSecret,
    ports: Object.fromEntries(lab.devices.map((d) => [d.name, d.port])),
    credentials: lab.credentials,
    startupFiles: Object.fromEntries(lab.devices.map((d) => [d.name, startupFile(d.name)])),
    chainStore,
  };
  takeLabLineCounts();
  const stop = async (): Promise<void> => {
    await lab.stop();
    rmSync(dir, { recursive: true, force: true });
    process.disconnect?.();
  };
  process.on('message', (message: { type?: string }) => {
    if (message.type === 'counters') {
      const cpu = process.cpuUsage(cpuSince);
      const reply: LabCounters = { type: 'counters', ...takeLabLineCounts(), mails: lab.mail.messages().length, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
      cpuSince = process.cpuUsage();
      process.send?.(reply);
    } else if (message.type === 'stop') void stop();
  });
  // The parent gone (a crash, Ctrl-C): the routers must not outlive it.
  process.on('disconnect', () => void lab.stop().finally(() => rmSync(dir, { recursive: true, force: true })));
  process.send?.(ready);
}

main().catch((err: unknown) => {
  process.send?.({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exitCode = 1;
});
