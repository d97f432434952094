/**
 * The channel layer: a buffer of what the device printed, and `readUntil`, which resolves when one of the
 * expected patterns matches the end of that buffer (never on a timer). Patterns are anchored at the end
 * because a waiting device has printed its prompt or question last; a prompt must fill the whole last line.
 * A deadline bounds every wait, and its error names the device, the command and the last text seen.
 */
import { StringDecoder } from 'node:string_decoder';
import type { ClientChannel } from 'ssh2';
import { DIALOG } from '../../device/platform.js';
import { ConnectionClosedError, DeviceTimeoutError } from './errors.js';
import type { Redactor } from './redactor.js';
import type { Transcript } from './transcript.js';

/** A pattern tested on the end of the buffer, or a predicate over the whole unread text. */
export type Matcher = RegExp | ((text: string) => boolean);

export interface ReadOptions {
  readonly timeoutMs: number;
  /** The command the wait belongs to, for errors. */
  readonly command: string;
  /** What was awaited, for errors (`prompt`, `[yes/no] question`). */
  readonly waitedFor?: string;
}

export interface ReadResult {
  /** Everything received since the previous read, up to and including the match. */
  readonly text: string;
  /** Index of the matcher that matched. */
  readonly matched: number;
}

interface Waiter {
  readonly matchers: readonly Matcher[];
  readonly options: ReadOptions;
  readonly resolve: (r: ReadResult) => void;
  readonly reject: (e: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/** Regexps see only the end of the buffer: a prompt is short, and scanning megabytes per packet is quadratic. */
const TAIL = 4096;

// eslint-disable-next-line no-control-regex
const TERMINAL_NOISE = /\r|\x1b\[[0-9;?]*[A-Za-z]/g;
/** IOS erases ` --More-- ` with backspaces, spaces and backspaces before the next page. */
// eslint-disable-next-line no-control-regex
const MORE_ERASE = /\x08+ *\x08+/g;

export class Channel {
  readonly device: string;
  readonly #stream: ClientChannel;
  readonly #redactor: Redactor;
  readonly #transcript: Transcript | undefined;
  readonly #decoder = new StringDecoder('utf8');
  #buffer = '';
  #waiter: Waiter | undefined;
  #closed = false;

  constructor(device: string, stream: ClientChannel, redactor: Redactor, transcript?: Transcript) {
    this.device = device;
    this.#stream = stream;
    this.#redactor = redactor;
    this.#transcript = transcript;
    stream.on('data', (chunk: Buffer) => this.#onData(this.#decoder.write(chunk)));
    stream.stderr.on('data', (chunk: Buffer) => this.#onData(chunk.toString('utf8')));
    stream.on('close', () => this.#onClose());
    stream.on('error', () => this.#onClose());
  }

  get closed(): boolean {
    return this.#closed;
  }

  write(text: string): void {
    if (this.#closed) throw new ConnectionClosedError(this.device, this.#redactor.redact(text.split('\n')[0] ?? ''), this.#lastSeen());
    this.#stream.write(text);
  }

  /** Waits until the end of the unread text matches one of `matchers`; consumes that text. */
  readUntil(matchers: readonly Matcher[], options: ReadOptions): Promise<ReadResult> {
    if (this.#waiter) throw new Error(`${this.device}: a read is already waiting (${this.#waiter.options.command}); reads must not overlap`);
    if (this.#closed) return Promise.reject(new ConnectionClosedError(this.device, options.command, this.#lastSeen()));
    return new Promise<ReadResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiter = undefined;
        reject(new DeviceTimeoutError(this.device, options.command, options.timeoutMs, this.#lastSeen(), options.waitedFor ?? 'prompt'));
      }, options.timeoutMs);
      this.#waiter = { matchers, options, resolve, reject, timer };
      this.#check();
    });
  }

  /** Discards unread text (after an error, before resynchronising). */
  discard(): string {
    const text = this.#buffer;
    this.#buffer = '';
    return text;
  }

  #lastSeen(): string {
    return this.#redactor.redact(this.#buffer.slice(-200));
  }

  #onData(raw: string): void {
    const text = raw.replace(TERMINAL_NOISE, '').replace(MORE_ERASE, '');
    if (text === '') return;
    this.#transcript?.received(text);
    this.#buffer += text;
    if (DIALOG.more.test(this.#buffer.slice(-16))) {
      // Paging should be off (`terminal length 0`); if a page still stops, continue it rather than hang.
      this.#buffer = this.#buffer.replace(/ --More-- ?$/, '');
      this.#stream.write(' ');
    }
    this.#check();
  }

  #tail(): string {
    if (this.#buffer.length <= TAIL) return this.#buffer;
    const window = this.#buffer.slice(-TAIL);
    const nl = window.indexOf('\n');
    // Without a line start in the window, nothing in it can be a whole-line prompt; \0 keeps `^` from matching.
    return nl >= 0 ? window.slice(nl) : `\0${window}`;
  }

  #check(): void {
    const waiter = this.#waiter;
    if (!waiter) return;
    const tail = this.#tail();
    const matched = waiter.matchers.findIndex((m) => (typeof m === 'function' ? m(this.#buffer) : m.test(tail)));
    if (matched < 0) return;
    clearTimeout(waiter.timer);
    this.#waiter = undefined;
    const text = this.#buffer;
    this.#buffer = '';
    waiter.resolve({ text, matched });
  }

  #onClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    const tail = this.#decoder.end();
    if (tail) this.#buffer += tail;
    const waiter = this.#waiter;
    if (!waiter) return;
    clearTimeout(waiter.timer);
    this.#waiter = undefined;
    waiter.reject(new ConnectionClosedError(this.device, waiter.options.command, this.#lastSeen()));
  }
}
