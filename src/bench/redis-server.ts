/**
 * A real Redis for the queue tests and benchmark: Debian's redis-server started on a free loopback port with its own
 * config, password and data folder in a temp directory, and stopped after. Redis refuses `port 0`, so a free port is
 * found by binding port 0 and closing it; if Redis loses that race it is started again on another one.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REDIS_SERVER = '/usr/bin/redis-server';

export interface TestRedis {
  readonly port: number;
  /** `redis://127.0.0.1:PORT/0`: no password in it; the password goes by reference. */
  readonly url: string;
  readonly password: string;
  readonly dir: string;
  /** The server's process id (the benchmark reads its CPU time). */
  readonly pid: number | undefined;
  /** Kills the server at once (SIGKILL), as a lost Redis. */
  kill(): Promise<void>;
  /** After `kill`: Redis back on the same port, empty (no persistence), as a restarted server clients reconnect to. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

async function startOnce(dir: string, password: string, fixedPort?: number): Promise<{ child: ChildProcess; port: number } | undefined> {
  const port = fixedPort ?? (await freePort());
  const config = join(dir, 'redis.conf');
  // What production needs too (README "Scaling out"): no eviction of queue keys, a password; persistence off here for speed.
  writeFileSync(
    config,
    [
      `port ${port}`,
      'bind 127.0.0.1',
      `dir ${dir}`,
      'save ""',
      'appendonly no',
      'maxmemory-policy noeviction',
      `requirepass ${password}`,
      'daemonize no',
      'loglevel notice',
      '',
    ].join('\n'),
  );
  const child = spawn(REDIS_SERVER, [config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const ready = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 10_000);
    const look = (d: Buffer): void => {
      output += d.toString();
      if (/Ready to accept connections/.test(output)) {
        clearTimeout(timer);
        resolve(true);
      }
    };
    child.stdout?.on('data', look);
    child.stderr?.on('data', look);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
  if (ready) return { child, port };
  child.kill('SIGKILL');
  await exited(child);
  if (/Address already in use/.test(output)) return undefined;
  throw new Error(`redis-server did not start within 10 s on port ${port}; it said: ${output.slice(-500)}`);
}

export async function startRedis(): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'certagent-redis-'));
  const password = randomBytes(12).toString('hex');
  for (let attempt = 0; attempt < 5; attempt++) {
    const started = await startOnce(dir, password);
    if (!started) continue;
    const { port } = started;
    let child = started.child;
    const stop = async (signal: NodeJS.Signals): Promise<void> => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited(child);
      clearTimeout(timer);
    };
    return {
      port,
      url: `redis://127.0.0.1:${port}/0`,
      password,
      dir,
      get pid() {
        return child.pid;
      },
      kill: () => stop('SIGKILL'),
      restart: async () => {
        await stop('SIGKILL');
        const again = await startOnce(dir, password, port);
        if (!again) throw new Error(`redis-server: port ${port} was taken by another process while Redis was down`);
        child = again.child;
      },
      stop: async () => {
        await stop('SIGTERM');
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  throw new Error('redis-server: no free port after 5 attempts');
}
