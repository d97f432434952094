/**
 * What a lab router costs: starts N routers (default 1000) in this process, measures RSS and V8 heap per idle
 * router, then opens M concurrent SSH shells (default 50) from a child process (so the clients' own memory is
 * not counted) and measures per active session. Prints the figures and writes them as JSON.
 *
 *   npm run lab:memory -- [--devices N] [--sessions M] [--out FILE]
 *
 * Run with --expose-gc (the npm script does) so every figure is taken after a full collection.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import ssh2 from 'ssh2';
import { startLab } from '../lab/lab.js';

interface Target {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
}

interface Memory {
  readonly rss: number;
  readonly heapUsed: number;
  readonly external: number;
  readonly arrayBuffers: number;
}

const PROMPT_TIMEOUT_MS = 60_000;

async function settled(): Promise<Memory> {
  const gc = (globalThis as { gc?: () => void }).gc;
  // Two passes with a turn of the event loop between: finalizers of the first free more in the second.
  for (let i = 0; i < 2; i++) {
    gc?.();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
}

function perItem(after: Memory, before: Memory, count: number): Record<keyof Memory, number> {
  const kib = (bytes: number): number => Math.round((bytes / count / 1024) * 10) / 10;
  return {
    rss: kib(after.rss - before.rss),
    heapUsed: kib(after.heapUsed - before.heapUsed),
    external: kib(after.external - before.external),
    arrayBuffers: kib(after.arrayBuffers - before.arrayBuffers),
  };
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Child side: one shell per target, each waited on until its `NAME#` prompt, then held open until told. */
async function runClients(targets: readonly Target[]): Promise<void> {
  const clients: ssh2.Client[] = [];
  const started = Date.now();
  await Promise.all(
    targets.map(
      (target) =>
        new Promise<void>((resolve, reject) => {
          const client = new ssh2.Client();
          clients.push(client);
          let seen = '';
          const timer = setTimeout(
            () =>
              reject(
                new Error(
                  `${target.name} (${target.host}:${target.port}): no "${target.name}#" prompt within ${PROMPT_TIMEOUT_MS} ms; seen: ${JSON.stringify(seen.slice(-200))}`,
                ),
              ),
            PROMPT_TIMEOUT_MS,
          );
          client.on('error', (error) => {
            clearTimeout(timer);
            reject(new Error(`${target.name} (${target.host}:${target.port}): ${error.message}`));
          });
          client.on('ready', () => {
            client.shell({ term: 'vt100', cols: 80, rows: 24 }, (error, channel) => {
              if (error) {
                clearTimeout(timer);
                reject(error);
                return;
              }
              channel.on('data', (data: Buffer) => {
                seen += data.toString('utf8');
                if (seen.trimEnd().endsWith(`${target.name}#`)) {
                  clearTimeout(timer);
                  resolve();
                }
              });
            });
          });
          client.connect({ host: target.host, port: target.port, username: target.username, password: target.password, readyTimeout: PROMPT_TIMEOUT_MS });
        }),
    ),
  );
  process.send?.({ ready: true, ms: Date.now() - started });
  await new Promise<void>((resolve) => process.once('message', () => resolve()));
  for (const client of clients) client.end();
  process.disconnect();
}

function openSessions(targets: readonly Target[]): Promise<{ ms: number; release: () => Promise<void> }> {
  const child = fork(fileURLToPath(import.meta.url), ['--clients'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.once('message', (message: { ready?: boolean; ms?: number }) => {
      if (message.ready !== true) return;
      resolve({
        ms: message.ms ?? 0,
        release: async () => {
          child.send('close');
          await exited;
        },
      });
    });
    void exited.then(() => reject(new Error('the SSH client process ended before all sessions reached their prompt')));
    child.send(targets);
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      devices: { type: 'string', default: '1000' },
      sessions: { type: 'string', default: '50' },
      out: { type: 'string', default: 'lab-memory.json' },
      clients: { type: 'boolean', default: false },
    },
  });
  if (values.clients) {
    const targets = await new Promise<Target[]>((resolve) => process.once('message', (m) => resolve(m as Target[])));
    await runClients(targets);
    return;
  }
  const devices = Number(values.devices);
  const sessions = Math.min(Number(values.sessions), devices);
  if (!Number.isInteger(devices) || devices < 1 || !Number.isInteger(sessions) || sessions < 1) {
    throw new Error('--devices and --sessions must be whole numbers of at least 1');
  }
  if ((globalThis as { gc?: unknown }).gc === undefined) console.warn('warning: run with node --expose-gc for figures after a full collection');
  const stateDir = mkdtempSync(join(tmpdir(), 'certagent-lab-memory-'));
  try {
    // One router first: module loading, the shared self-signed key, the command registry and the mail chain are
    // once per process, not per router.
    const warm = await startLab({ stateDir: join(stateDir, 'warm-up'), devices: 1 });
    await warm.stop();

    const before = await settled();
    let started = Date.now();
    const lab = await startLab({ stateDir: join(stateDir, 'lab'), devices });
    const startMs = Date.now() - started;
    const idle = await settled();

    const targets = lab.devices.slice(0, sessions).map((d) => ({
      name: d.name,
      host: d.host,
      port: d.port,
      username: lab.credentials.username,
      password: lab.credentials.password,
    }));
    const opened = await openSessions(targets);
    const active = await settled();
    await opened.release();

    // The first running-config of a router hashes its secrets (type 9, scrypt, on the event loop): what every
    // router pays once when a fleet run first reads its config.
    const sample = lab.devices.slice(0, sessions);
    const renderMs = (): number => {
      const begin = performance.now();
      for (const device of sample) device.router.runningConfig();
      return Math.round(((performance.now() - begin) / sample.length) * 100) / 100;
    };
    const firstRunningConfigMs = renderMs();
    const laterRunningConfigMs = renderMs();
    await lab.stop();

    started = Date.now();
    const restarted = await startLab({ stateDir: join(stateDir, 'lab'), devices });
    const restartMs = Date.now() - started;
    await restarted.stop();

    const result = {
      measuredAt: new Date().toISOString(),
      node: process.version,
      gcExposed: (globalThis as { gc?: unknown }).gc !== undefined,
      devices,
      sessions,
      startMs,
      restartMs,
      sessionsOpenMs: opened.ms,
      runningConfigMsPerRouter: { first: firstRunningConfigMs, later: laterRunningConfigMs },
      process: { beforeLab: before, routersIdle: idle, sessionsOpen: active },
      perIdleRouterKiB: perItem(idle, before, devices),
      perActiveSessionKiB: perItem(active, idle, sessions),
    };
    writeFileSync(values.out, `${JSON.stringify(result, null, 2)}\n`);
    console.log(
      [
        `${devices} routers started in ${startMs} ms (restart from the saved state: ${restartMs} ms)`,
        `process: ${mib(before.rss)} RSS before, ${mib(idle.rss)} with the routers idle, ${mib(active.rss)} with ${sessions} sessions`,
        `per idle router:    ${result.perIdleRouterKiB.rss} KiB RSS, ${result.perIdleRouterKiB.heapUsed} KiB heap, ${result.perIdleRouterKiB.external} KiB external`,
        `per active session: ${result.perActiveSessionKiB.rss} KiB RSS, ${result.perActiveSessionKiB.heapUsed} KiB heap, ${result.perActiveSessionKiB.external} KiB external (${sessions} shells at their prompt in ${opened.ms} ms)`,
        `running-config rendering per router: ${firstRunningConfigMs} ms the first time (secrets hashed), ${laterRunningConfigMs} ms later`,
        `written to ${values.out}`,
      ].join('\n'),
    );
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
