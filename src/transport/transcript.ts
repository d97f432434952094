/**
 * A per-session transcript, for the CLI and the NETCONF session alike: what the device printed (echoes of what was sent included), appended to a
 * file as it arrives, never held in memory. Lines are redacted whole, so a secret split across two
 * network reads is still caught; a partial last line is written at close.
 *
 * certagent's own lines start with `# certagent <ISO time>`. After each exchange (a command, a config block, a
 * dialog step) comes one line with when it started and how long the device took, as scrapli's Response keeps:
 * `# certagent <end> << show version: started 2026-12-06T11:00:00.000Z, 42 ms`, or `..., failed after 30000 ms
 * (DeviceTimeoutError)`; the command is named as in errors, redacted.
 */
import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Redactor } from '../shared/redact.js';

/** The second line of every transcript. */
export const BYTE_FAITHFUL = 'device output below is byte-faithful, control and bidi characters unescaped: read it with `cat -v` or `less`, not `cat`';

export class Transcript {
  readonly #stream: WriteStream;
  readonly #redactor: Redactor;
  #pending = '';

  private constructor(stream: WriteStream, redactor: Redactor) {
    this.#stream = stream;
    this.#redactor = redactor;
  }

  static async open(file: string, redactor: Redactor, header: string): Promise<Transcript> {
    const stream = createWriteStream(file, { flags: 'a', mode: 0o600 });
    await once(stream, 'open');
    const t = new Transcript(stream, redactor);
    t.note(header);
    // Evidence must be what the device sent, so nothing is escaped here, unlike every report and log line.
    t.note(BYTE_FAITHFUL);
    return t;
  }

  /** Text received from the device (line ends already normalised to `\n`). */
  received(text: string): void {
    this.#pending += text;
    const cut = this.#pending.lastIndexOf('\n');
    if (cut < 0) return;
    this.#stream.write(this.#redactor.redact(this.#pending.slice(0, cut + 1)));
    this.#pending = this.#pending.slice(cut + 1);
  }

  /** A line of certagent's own (`# ...`), kept apart from device output. */
  note(text: string): void {
    // A partial line (the prompt) is still pending, not yet written: the note starts on a line of its own anyway.
    this.#stream.write(`# certagent ${new Date().toISOString()} ${this.#redactor.redact(text)}\n`);
  }

  /** How one exchange went: its start (wall clock) and elapsed time (monotonic, so a clock step cannot skew it). */
  exchanged(what: string, startedAt: Date, elapsedMs: number, failure?: Error): void {
    const ms = Math.round(elapsedMs);
    const outcome = failure === undefined ? `${ms} ms` : `failed after ${ms} ms (${failure.name})`;
    this.note(`<< ${what}: started ${startedAt.toISOString()}, ${outcome}`);
  }

  async close(): Promise<void> {
    if (this.#pending !== '') this.#stream.write(`${this.#redactor.redact(this.#pending)}\n`);
    this.#pending = '';
    this.#stream.end();
    await once(this.#stream, 'finish');
  }
}
