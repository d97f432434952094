/**
 * Test helper: the built CLI (dist/) as users run it, in child processes. `startCliLab` keeps `certagent lab`
 * running and reads its output by pattern with a deadline; `runCli` runs one command to its end (with a deadline:
 * a hanging command fails the test instead of hanging it). Every child is killed in `stopAll`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CLI_ENTRY = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const running = new Set<ChildProcess>();

function requireBuild(): void {
  if (!existsSync(CLI_ENTRY)) throw new Error(`${CLI_ENTRY} is missing: run npm run build first`);
}

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runCli(args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number }): Promise<CliResult> {
  requireBuild();
  const child = spawn(process.execPath, [CLI_ENTRY, ...args], { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`certagent ${args.join(' ')}: not done within ${options.timeoutMs} ms; stdout: ${stdout} stderr: ${stderr}`));
    }, options.timeoutMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      running.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface CliLab {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with all output so far once `pattern` is in it. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<string>;
  /** The exit code once the process has ended by itself; rejects when it is still running after `timeoutMs`. */
  exited(timeoutMs: number): Promise<number | null>;
  /** SIGTERM, then the exit code (within 10 s). */
  stop(): Promise<number | null>;
}

export function startCliLab(args: readonly string[], cwd: string): CliLab {
  requireBuild();
  const child = spawn(process.execPath, [CLI_ENTRY, 'lab', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  const exitWithin = async (timeoutMs: number, late: string): Promise<number | null> => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${late}; stdout: ${out} stderr: ${err}`)), timeoutMs)));
    try {
      return await Promise.race([exited, deadline]);
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    waitFor(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (!pattern.test(out)) return;
          clearTimeout(timer);
          child.stdout?.off('data', check);
          resolve(out);
        };
        const timer = setTimeout(() => {
          child.stdout?.off('data', check);
          reject(new Error(`certagent lab printed no ${String(pattern)} within ${timeoutMs} ms; stdout: ${out} stderr: ${err}`));
        }, timeoutMs);
        child.stdout?.on('data', check);
        void exited.then(() => setImmediate(check));
        check();
      });
    },
    exited: (timeoutMs) => exitWithin(timeoutMs, `certagent lab ${args.join(' ')} did not exit within ${timeoutMs} ms`),
    stop() {
      child.kill('SIGTERM');
      return exitWithin(10_000, 'certagent lab did not exit within 10 s of SIGTERM');
    },
  };
}

export function stopAll(): void {
  for (const child of running) child.kill('SIGKILL');
}
