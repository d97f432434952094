/**
 * The channel layer: what the device printed, kept as a list of chunks, and `readUntil`, which resolves when one
 * of the expected patterns matches the end of that text (never on a timer). Patterns are anchored at the end
 * because a waiting device has printed its prompt or question last; a prompt must fill the whole last line.
 * A marker (texts that must have arrived in order before the pattern counts) ties the end of a read to what
 * was just sent, so a prompt printed earlier, or a prompt-like line inside the output, cannot end it.
 *
 * Work per packet is bounded: patterns see a short tail, markers are searched only in the newly arrived text
 * (plus the overlap a marker split over two packets needs), and the chunks are joined once, when a read ends.
 * A deadline, an optional abort signal and output caps bound every wait; errors name the device, the command
 * and the last text seen.
 */
import { StringDecoder } from 'node:string_decoder';
import type { ClientChannel } from 'ssh2';
import { ConnectionClosedError, DeviceTimeoutError, OutputLimitError, ReadAbortedError } from './errors.js';
import type { Redactor } from '../../shared/redact.js';
import type { Transcript } from '../transcript.js';

/**
 * A pattern tested on the end of the unread text, or a marker: each text of `after` found in order (the first
 * occurrence after the previous one), then `then` tested on the end of the text that follows the last of them.
 */
export type Matcher = RegExp | Marker;

export interface Marker {
  readonly after: readonly string[];
  readonly then: RegExp;
}

export interface ReadOptions {
  readonly timeoutMs: number;
  /** The command the wait belongs to, for errors. */
  readonly command: string;
  /** What was awaited, for errors (`prompt`, `[yes/no] question`). */
  readonly waitedFor?: string;
  /** Ends the wait at once with the signal's reason (the device deadline). */
  readonly signal?: AbortSignal;
}

export interface ReadResult {
  /** Everything received since the previous read, up to and including the match. */
  readonly text: string;
  /** Index of the matcher that matched. */
  readonly matched: number;
}

export interface ChannelOptions {
  /** A pager's question at the end of the text (IOS ` --More-- `): answered with a space so the output goes on. */
  readonly more?: RegExp;
  /** Most bytes one read may collect before the device is failed (a runaway or hostile output). */
  readonly maxReadBytes?: number;
  /** Most bytes the whole session may receive (which bounds its transcript). */
  readonly maxSessionBytes?: number;
}

/** 16 MiB: far above the largest real output certagent reads (a full running-config of a big router is a few MiB). */
export const DEFAULT_MAX_READ_BYTES = 16 * 1024 * 1024;
/** 64 MiB per session: a handful of full outputs; retries open new sessions, each with its own allowance. */
export const DEFAULT_MAX_SESSION_BYTES = 64 * 1024 * 1024;

interface MarkerState {
  /** Index in `after` of the next text to find. */
  next: number;
  /** Absolute position (in the unread text) where the search for it resumes. */
  from: number;
}

interface Waiter {
  readonly matchers: readonly Matcher[];
  readonly markers: (MarkerState | undefined)[];
  readonly options: ReadOptions;
  readonly resolve: (r: ReadResult) => void;
  readonly reject: (e: Error) => void;
  readonly timer: NodeJS.Timeout;
  readonly onAbort: () => void;
}

/** Patterns see only the last this-many characters: prompts and questions are short lines. */
const TAIL = 1024;
/** Chunks shorter than this are merged with the next, so 1-byte packets do not make a million-entry list. */
const CHUNK_MERGE = 4096;

// eslint-disable-next-line no-control-regex
const TERMINAL_NOISE = /\r|\x1b\[[0-9;?]*[A-Za-z]/g;
/** IOS erases ` --More-- ` with backspaces, spaces and backspaces before the next page. */
// eslint-disable-next-line no-control-regex
const MORE_ERASE = /\x08+ *\x08+/g;
/** An escape sequence or an erase cut by a packet boundary: held back until the rest arrives. */
// eslint-disable-next-line no-control-regex
const PARTIAL_NOISE = /(?:\x1b(?:\[[0-9;?]{0,16})?|\x08[\x08 ]{0,64})$/;

export class Channel {
  readonly device: string;
  readonly #stream: ClientChannel;
  readonly #redactor: Redactor;
  readonly #transcript: Transcript | undefined;
  readonly #decoder = new StringDecoder('utf8');
  readonly #more: RegExp | undefined;
  readonly #maxReadBytes: number;
  readonly #maxSessionBytes: number;
  #chunks: string[] = [];
  /** Characters in `#chunks`. */
  #length = 0;
  /** Bytes received since the last read ended, and over the whole session. */
  #readBytes = 0;
  #sessionBytes = 0;
  /** Raw text held back because it ends in the first part of an escape sequence. */
  #carry = '';
  #waiter: Waiter | undefined;
  #closed = false;
  #failure: Error | undefined;

  constructor(device: string, stream: ClientChannel, redactor: Redactor, transcript?: Transcript, options: ChannelOptions = {}) {
    this.device = device;
    this.#stream = stream;
    this.#redactor = redactor;
    this.#transcript = transcript;
    this.#more = options.more;
    this.#maxReadBytes = options.maxReadBytes ?? DEFAULT_MAX_READ_BYTES;
    this.#maxSessionBytes = options.maxSessionBytes ?? DEFAULT_MAX_SESSION_BYTES;
    stream.on('data', (chunk: Buffer) => this.#onData(chunk.length, this.#decoder.write(chunk)));
    stream.stderr.on('data', (chunk: Buffer) => this.#onData(chunk.length, chunk.toString('utf8')));
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
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#closed) return Promise.reject(new ConnectionClosedError(this.device, options.command, this.#lastSeen()));
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(new ReadAbortedError(this.device, options.command, this.#lastSeen(), signal.reason));
    return new Promise<ReadResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#end();
        reject(new DeviceTimeoutError(this.device, options.command, options.timeoutMs, this.#lastSeen(), options.waitedFor ?? 'prompt'));
      }, options.timeoutMs);
      const onAbort = (): void => {
        this.#end();
        reject(new ReadAbortedError(this.device, options.command, this.#lastSeen(), signal?.reason));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const markers = matchers.map((m) => (m instanceof RegExp ? undefined : { next: 0, from: 0 }));
      this.#waiter = { matchers, markers, options, resolve, reject, timer, onAbort };
      this.#check(0);
    });
  }

  /** Clears the current wait's timer and abort listener; the caller settles its promise. */
  #end(): Waiter | undefined {
    const waiter = this.#waiter;
    if (!waiter) return undefined;
    this.#waiter = undefined;
    clearTimeout(waiter.timer);
    waiter.options.signal?.removeEventListener('abort', waiter.onAbort);
    return waiter;
  }

  #lastSeen(): string {
    return this.#redactor.redact(this.#slice(this.#length - 200));
  }

  /** The unread text from absolute position `start` to the end, joined from the chunks it spans. */
  #slice(start: number): string {
    const from = Math.max(0, start);
    const last = this.#chunks[this.#chunks.length - 1];
    // The common case (a tail, a marker search in new text) lies within the last chunk: no list to build.
    if (last !== undefined && this.#length - last.length <= from) return last.slice(from - (this.#length - last.length));
    const parts: string[] = [];
    let end = this.#length;
    for (let i = this.#chunks.length - 1; i >= 0 && end > from; i--) {
      const chunk = this.#chunks[i] as string;
      const chunkStart = end - chunk.length;
      parts.push(chunkStart >= from ? chunk : chunk.slice(from - chunkStart));
      end = chunkStart;
    }
    return parts.reverse().join('');
  }

  #onData(bytes: number, raw: string): void {
    if (this.#failure) return;
    this.#readBytes += bytes;
    this.#sessionBytes += bytes;
    if (this.#readBytes > this.#maxReadBytes || this.#sessionBytes > this.#maxSessionBytes) {
      this.#overflow();
      return;
    }
    let text = this.#carry + raw;
    const partial = PARTIAL_NOISE.exec(text);
    this.#carry = partial ? partial[0] : '';
    if (partial) text = text.slice(0, partial.index);
    text = text.replace(TERMINAL_NOISE, '').replace(MORE_ERASE, '');
    if (text === '') return;
    this.#transcript?.received(text);
    const before = this.#length;
    this.#append(text);
    const more = this.#more?.exec(this.#slice(this.#length - 16));
    if (more) {
      // Paging should be off (`terminal length 0`); if a page still stops, continue it rather than hang.
      this.#drop(more[0].length);
      this.#stream.write(' ');
    }
    this.#check(before);
  }

  #append(text: string): void {
    const last = this.#chunks.length - 1;
    const tail = this.#chunks[last];
    if (tail !== undefined && tail.length < CHUNK_MERGE) this.#chunks[last] = tail + text;
    else this.#chunks.push(text);
    this.#length += text.length;
  }

  /** Removes the last `count` characters (the pager's question, which is not output). */
  #drop(count: number): void {
    let left = Math.min(count, this.#length);
    this.#length -= left;
    while (left > 0) {
      const chunk = this.#chunks.pop() as string;
      if (chunk.length > left) this.#chunks.push(chunk.slice(0, chunk.length - left));
      left -= Math.min(left, chunk.length);
    }
  }

  /** The tail patterns are tested on: at most TAIL characters, cut at a line start, not before `from`. */
  #tail(from: number): string {
    const start = Math.max(from, this.#length - TAIL);
    const window = this.#slice(start);
    if (start === 0) return window;
    // The window starts mid-line (after a marker, or cut); \0 keeps `^` from taking that for a line start.
    if (start === from) return `\0${window}`;
    const nl = window.indexOf('\n');
    // Without a line start in the window, nothing in it can be a whole-line prompt; \0 keeps `^` from matching.
    return nl >= 0 ? window.slice(nl) : `\0${window}`;
  }

  /** Tests the waiter's matchers; `arrived` is where the text new since the last check starts. */
  #check(arrived: number): void {
    const waiter = this.#waiter;
    if (!waiter) return;
    let tail: string | undefined;
    const matched = waiter.matchers.findIndex((m, i) => {
      if (m instanceof RegExp) return m.test((tail ??= this.#tail(0)));
      const state = waiter.markers[i] as MarkerState;
      const after = this.#advance(m, state, arrived);
      return after !== undefined && m.then.test(this.#tail(after));
    });
    if (matched < 0) return;
    this.#end();
    const text = this.#slice(0);
    this.#chunks = [];
    this.#length = 0;
    this.#readBytes = 0;
    waiter.resolve({ text, matched });
  }

  /** Finds the marker's texts not yet seen in the new text; returns where the text after the last one starts. */
  #advance(marker: Marker, state: MarkerState, arrived: number): number | undefined {
    while (state.next < marker.after.length) {
      const wanted = marker.after[state.next] as string;
      const start = Math.max(state.from, arrived - wanted.length + 1);
      const at = this.#slice(start).indexOf(wanted);
      if (at < 0) {
        state.from = Math.max(state.from, this.#length - wanted.length + 1);
        return undefined;
      }
      state.from = start + at + wanted.length;
      state.next++;
    }
    return state.from;
  }

  /** A cap was passed: stop buffering, fail the wait, and end the session (the device may keep sending). */
  #overflow(): void {
    const waiter = this.#end();
    const command = waiter?.options.command ?? '(between commands)';
    const limit =
      this.#readBytes > this.#maxReadBytes ? { bytes: this.#maxReadBytes, scope: 'one command' } : { bytes: this.#maxSessionBytes, scope: 'the session' };
    this.#failure = new OutputLimitError(this.device, command, limit.bytes, limit.scope, this.#lastSeen());
    this.#chunks = [];
    this.#length = 0;
    this.#transcript?.note(`output cap passed: ${this.#failure.message}`);
    waiter?.reject(this.#failure);
    this.#stream.close();
  }

  #onClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    const rest = this.#carry + this.#decoder.end();
    if (rest && !this.#failure) this.#append(rest);
    const waiter = this.#end();
    waiter?.reject(this.#failure ?? new ConnectionClosedError(this.device, waiter.options.command, this.#lastSeen()));
  }
}
