/**
 * `Cisco-IOS-XE-cli-rpc:config-ios-cli-rpc`: the `config-clis` text typed into a CLI session in config mode,
 * line after line, as the model's description says ("Configure CLIs directly to the IOS, bypassing NETCONF
 * transaction"). Hexmode blocks (`crypto pki certificate chain` / `certificate ca SERIAL` / hex / `quit`) and
 * `action ... mail` lines therefore work here as they do on the lab's CLI; whether a real router accepts them
 * through this RPC is not known (dossier open question 7). Lines after a failing one still run, as a paste does.
 * A command that asks a question takes the next line as its answer (nothing else could answer it).
 *
 * Output: `result` is "RPC request successful" when no line failed (IOS XE 17.18, index id 59019796940: the RPC
 * does not return the CLI's output); on failure the lab fills `lineno`, `error-string` (the device's `%` line)
 * and the matching `error-tag` of the caller's `error-patterns`. The failure wording is not captured. [unverified]
 */
import type { Terminal } from '../session.js';

/** The CLI session the router lends: bytes in, a run loop that ends when the session is closed. */
export interface CliDriver {
  input(data: string): void;
  run(): Promise<void>;
  close(abrupt?: boolean): void;
}

export interface ErrorPattern {
  readonly tag: string;
  readonly pattern: RegExp;
}

export type CliRpcOutcome =
  | { readonly kind: 'ok' }
  | { readonly kind: 'failed'; readonly lineno: number; readonly errorString: string; readonly errorTag?: string }
  | { readonly kind: 'timeout'; readonly transcript: string };

const PROMPT = /^[A-Za-z0-9._-]{1,63}(?:\([a-z0-9-]+\))?#(.*)$/;
/** IOS parser and feature errors (what Ansible's terminal_stderr_re also treats as failure). */
const DEVICE_ERROR = /^% ?(?:Invalid input|Incomplete command|Ambiguous command|Error|Lab router error)|^%.* not found/;

interface Segment {
  readonly command: string;
  readonly output: string[];
}

function segments(transcript: string): Segment[] {
  const out: { command: string; output: string[] }[] = [];
  for (const line of transcript.split(/\r?\n/)) {
    const prompt = PROMPT.exec(line);
    if (prompt) out.push({ command: (prompt[1] ?? '').trim(), output: [] });
    else out.at(-1)?.output.push(line);
  }
  return out;
}

/** Reads the transcript back into the first failing input line (1-based over `lines`). */
export function firstFailure(transcript: string, lines: readonly string[], patterns: readonly ErrorPattern[]): CliRpcOutcome {
  let cursor = 0;
  for (const segment of segments(transcript)) {
    const at = lines.findIndex((l, i) => i >= cursor && l.trim() === segment.command);
    if (at < 0) continue;
    cursor = at + 1;
    for (const text of segment.output) {
      const custom = patterns.find((p) => p.pattern.test(text));
      if (custom) return { kind: 'failed', lineno: at + 1, errorString: text.trim(), errorTag: custom.tag };
      if (DEVICE_ERROR.test(text.trim())) return { kind: 'failed', lineno: at + 1, errorString: text.trim() };
    }
  }
  return { kind: 'ok' };
}

export async function runConfigClis(
  open: (terminal: Terminal) => CliDriver,
  text: string,
  patterns: readonly ErrorPattern[],
  timeoutMs: number,
): Promise<CliRpcOutcome> {
  let transcript = '';
  const cli = open({ write: (t) => (transcript += t), close: () => undefined });
  const lines = text.split(/\r\n|\r|\n/);
  cli.input(`configure terminal\n${lines.join('\n')}\nend\nexit\n`);
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const ended = await Promise.race([cli.run().then(() => 'done' as const), expired]);
    if (ended === 'timeout') {
      cli.close(true);
      return { kind: 'timeout', transcript: transcript.slice(-300) };
    }
  } finally {
    clearTimeout(timer);
  }
  return firstFailure(transcript, lines, patterns);
}
