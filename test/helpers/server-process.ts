/**
 * Test helper: a real third-party server (sshd, netconfd) as a child process. It is started and waited for until
 * it prints that it listens, with a deadline; a deadline, an early exit or a failed spawn kills it and fails with
 * what it printed. stop() ends it (SIGTERM, then SIGKILL after a deadline), its whole process group when started
 * `detached`.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface ServerProcessOptions {
  /** The server's name in errors: `sshd`, `netconfd`. */
  readonly what: string;
  readonly file: string;
  readonly args: readonly string[];
  /** What it prints (stdout or stderr) once it listens. */
  readonly ready: RegExp;
  readonly timeoutMs: number;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** In a process group of its own, so that stop() ends the processes it forks with it. */
  readonly detached?: boolean;
}

export interface ServerProcess {
  readonly child: ChildProcess;
  /** Everything it printed so far, stdout and stderr, for errors and assertions. */
  output(): string;
  readonly exited: Promise<void>;
  /** SIGTERM, SIGKILL if it is still there after `timeoutMs` (10 s unless told); the group too when detached. */
  stop(timeoutMs?: number): Promise<void>;
}

/**
 * sshd and others refuse `Port 0`, so a free port is found by binding port 0 here first; another program can take
 * it in between, which the server then reports as its own "Address already in use".
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function startServerProcess(o: ServerProcessOptions): Promise<ServerProcess> {
  const detached = o.detached === true;
  const child = spawn(o.file, [...o.args], { ...(o.env && { env: o.env }), ...(o.cwd && { cwd: o.cwd }), stdio: ['ignore', 'pipe', 'pipe'], detached });
  let printed = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const gone = (): boolean => child.exitCode !== null || child.signalCode !== null;
  const signal = (sig: NodeJS.Signals): void => {
    if (child.pid === undefined) return;
    try {
      if (detached) process.kill(-child.pid, sig);
      else child.kill(sig);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  };
  const stop = async (timeoutMs = 10_000): Promise<void> => {
    // No pid: it never started (spawn failed), so there is nothing to end or wait for.
    if (child.pid === undefined) return;
    if (!gone()) {
      signal('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), timeoutMs)));
      const outcome = await Promise.race([exited.then(() => 'exited' as const), late]);
      clearTimeout(timer);
      if (outcome === 'late') {
        signal('SIGKILL');
        await exited;
      }
    }
    // The group may hold processes the server forked; none may outlive it.
    if (detached) signal('SIGKILL');
  };
  const tail = (): string => JSON.stringify(printed.slice(-500));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`${o.what} printed no ${String(o.ready)} within ${o.timeoutMs} ms; it printed: ${tail()}`)), o.timeoutMs);
    const onData = (chunk: Buffer): void => {
      printed += chunk.toString('utf8');
      if (o.ready.test(printed)) finish();
    };
    const onExit = (code: number | null, sig: string | null): void =>
      finish(new Error(`${o.what} exited (${code ?? sig}) before ${String(o.ready)}; it printed: ${tail()}`));
    const onError = (err: Error): void => finish(new Error(`${o.what} did not start: ${err.message}`));
    function finish(error?: Error): void {
      clearTimeout(timer);
      child.removeListener('exit', onExit);
      child.removeListener('error', onError);
      if (!error) return resolve();
      // Nothing is left running behind a failed start.
      void stop(1_000).then(() => reject(error), reject);
    }
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });
  return { child, output: () => printed, exited, stop };
}
