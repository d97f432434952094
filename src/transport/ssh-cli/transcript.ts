/**
 * A per-session transcript: what the device printed (echoes of what was sent included), appended to a
 * file as it arrives, never held in memory. Lines are redacted whole, so a secret split across two
 * network reads is still caught; a partial last line is written at close.
 */
import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Redactor } from './redactor.js';

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
    const partial = this.#pending === '' ? '' : '\n';
    this.#stream.write(`${partial}# certagent ${new Date().toISOString()} ${this.#redactor.redact(text)}\n`);
  }

  async close(): Promise<void> {
    if (this.#pending !== '') this.#stream.write(`${this.#redactor.redact(this.#pending)}\n`);
    this.#pending = '';
    this.#stream.end();
    await once(this.#stream, 'finish');
  }
}
