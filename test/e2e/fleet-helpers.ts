/**
 * What fleet tests need beyond the e2e lab: the command lines each lab router executed (counted by wrapping the lab
 * CLI session's `execute` from outside, so a device the agent did not touch shows zero), the CLI run as a child
 * process, and waits on a journal file's records with a deadline.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CliSession } from '../../src/lab/router/session.js';
import type { JournalRecord } from '../../src/fleet/index.js';

type Execute = (this: { replay: boolean; runtime: { state: { hostname: string } } }, text: string) => Promise<void>;

/** Command lines executed per router hostname since `reset`; one wrapper for the whole test file. */
export class CommandCounter {
  readonly #counts = new Map<string, number>();
  readonly #original: Execute;

  constructor() {
    const proto = CliSession.prototype as unknown as { execute: Execute };
    const original = proto.execute;
    this.#original = original;
    const counts = this.#counts;
    proto.execute = function (text) {
      if (!this.replay) counts.set(this.runtime.state.hostname, (counts.get(this.runtime.state.hostname) ?? 0) + 1);
      return original.call(this, text);
    };
  }

  of(hostname: string): number {
    return this.#counts.get(hostname) ?? 0;
  }

  reset(): void {
    this.#counts.clear();
  }

  restore(): void {
    (CliSession.prototype as unknown as { execute: Execute }).execute = this.#original;
  }
}

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export interface CliRun {
  readonly child: ChildProcess;
  readonly stderr: () => string;
  readonly exited: Promise<number | null>;
}

/** `certagent ARGS` from the build, with the lab's secrets in its environment. */
export function runCli(args: readonly string[], env: Readonly<Record<string, string>>, cwd: string): CliRun {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, ...env, NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  return { child, stderr: () => stderr, exited };
}

/** The complete records of a journal file (a line cut by a kill is left out). */
export function journalRecords(path: string): JournalRecord[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .slice(0, -1)
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as JournalRecord);
}

/** Waits until `ok(records)` holds, checking at each file change and every 20 ms; fails after `timeoutMs` naming what was seen. */
export async function waitForJournal(path: string, what: string, ok: (records: JournalRecord[]) => boolean, timeoutMs = 60_000): Promise<JournalRecord[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const records = journalRecords(path);
    if (ok(records)) return records;
    if (Date.now() > deadline)
      throw new Error(
        `journal ${path}: no ${what} within ${timeoutMs} ms; records: ${records.map((r) => r.type + ('device' in r ? ` ${r.device}` : '')).join(', ')}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function finishedIn(records: readonly JournalRecord[]): string[] {
  return records.flatMap((r) => (r.type === 'device' ? [r.device] : []));
}

export function startedIn(records: readonly JournalRecord[]): string[] {
  return records.flatMap((r) => (r.type === 'start' ? [r.device] : []));
}
