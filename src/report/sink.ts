/** Where reporters write text: `process.stdout`/`process.stderr` fit, and so does any object with `write`. */
import { closeSync, openSync, writeSync } from 'node:fs';
import { errorMessage } from '../shared/error-message.js';

export interface TextSink {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
  readonly rows?: number;
}

/**
 * Colour only for a terminal, and never when NO_COLOR is set to anything non-empty (no-color.org).
 * FORCE_COLOR (non-empty, not `0`) turns it on for CI logs that render ANSI.
 */
export function useColor(sink: TextSink, env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  return sink.isTTY === true;
}

/** `--json FILE` or `--log-file FILE` cannot be opened: bad input, reported before any device is touched. */
export class OutputFileError extends Error {
  override readonly name = 'OutputFileError';
  readonly path: string;

  constructor(path: string, reason: string, cause: unknown) {
    super(`cannot open ${path} for writing (${reason}): check the directory exists and is writable`, { cause });
    this.path = path;
  }
}

/**
 * A file written line by line with synchronous writes: each record is in the operating system's hands when
 * `write` returns, so a run killed half-way still leaves every record written so far. Records are small and
 * few per device, so the cost is a system call per record, not a stall.
 */
export class FileSink implements TextSink {
  readonly path: string;
  #fd: number | undefined;

  constructor(path: string, options: { readonly append?: boolean } = {}) {
    this.path = path;
    try {
      this.#fd = openSync(path, options.append === true ? 'a' : 'w', 0o600);
    } catch (err) {
      const reason = errorMessage(err);
      throw new OutputFileError(path, reason, err);
    }
  }

  write(text: string): void {
    if (this.#fd === undefined) throw new Error(`${this.path} is already closed`);
    writeSync(this.#fd, text);
  }

  close(): void {
    if (this.#fd === undefined) return;
    closeSync(this.#fd);
    this.#fd = undefined;
  }
}
