/**
 * NETCONF message framing over SSH (RFC 6242): base:1.0 end-of-message (`]]>]]>`) and base:1.1 chunked
 * framing. The decoder works on bytes (chunk sizes count octets; a UTF-8 character may straddle chunks) and
 * accepts data split anywhere, down to one byte at a time. Messages are taken out one by one so that the
 * session can switch framing right after the hello, with bytes of the next message possibly already buffered.
 */

export type Framing = 'end-of-message' | 'chunked';

const EOM = Buffer.from(']]>]]>');
/** RFC 6242 section 4.2: chunk-size is 1..4294967295. */
const MAX_CHUNK_SIZE = 4294967295;
const MAX_CHUNK_DIGITS = 10;
/** How much to quote of the bytes around a framing fault. */
const EXCERPT = 40;

/** The peer broke the framing rules; the byte stream can no longer be split into messages. */
export class FramingError extends Error {
  constructor(
    readonly reason: string,
    /** The bytes around the fault, as text. */
    readonly seen: string,
  ) {
    super(`${reason}; seen: ${JSON.stringify(seen)}`);
    this.name = 'FramingError';
  }
}

export interface FrameDecoderOptions {
  /** A message larger than this (bytes) is refused instead of buffered without end. */
  readonly maxMessageBytes?: number;
}

type ChunkState =
  | { readonly at: 'lf' }
  | { readonly at: 'hash' }
  | { readonly at: 'size-or-end' }
  | { readonly at: 'size'; readonly digits: string }
  | { readonly at: 'end-lf' }
  | { readonly at: 'data'; readonly remaining: number };

export class FrameDecoder {
  #framing: Framing = 'end-of-message';
  #buffer: Buffer = Buffer.alloc(0);
  /** End-of-message: how far the buffer has been searched for the delimiter already. */
  #searched = 0;
  #chunk: ChunkState = { at: 'lf' };
  #parts: Buffer[] = [];
  #partsBytes = 0;
  readonly #maxMessageBytes: number;

  constructor(options: FrameDecoderOptions = {}) {
    this.#maxMessageBytes = options.maxMessageBytes ?? 256 * 1024 * 1024;
  }

  get framing(): Framing {
    return this.#framing;
  }

  /** Switches framing for the next message. Only between messages: a half-read message would be cut. */
  setFraming(framing: Framing): void {
    if (this.#partsBytes > 0 || this.#chunk.at !== 'lf') throw new Error('cannot switch framing in the middle of a message');
    this.#framing = framing;
    this.#searched = 0;
  }

  push(data: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? data : Buffer.concat([this.#buffer, data]);
  }

  /** The next complete message, or undefined until more bytes arrive. Throws FramingError on a framing fault. */
  next(): string | undefined {
    return this.#framing === 'end-of-message' ? this.#nextEndOfMessage() : this.#nextChunked();
  }

  /** Bytes of an unfinished message (for error reports: what was seen when the peer stopped). */
  pendingText(maxChars = 200): string {
    const text = Buffer.concat([...this.#parts, this.#buffer]).toString('utf8');
    return text.length > maxChars ? text.slice(-maxChars) : text;
  }

  #nextEndOfMessage(): string | undefined {
    const at = this.#buffer.indexOf(EOM, Math.max(0, this.#searched - (EOM.length - 1)));
    if (at < 0) {
      this.#searched = this.#buffer.length;
      this.#checkSize(this.#buffer.length);
      return undefined;
    }
    const message = this.#buffer.subarray(0, at).toString('utf8');
    this.#buffer = this.#buffer.subarray(at + EOM.length);
    this.#searched = 0;
    return message;
  }

  #nextChunked(): string | undefined {
    let i = 0;
    const buf = this.#buffer;
    const fault = (reason: string): FramingError => {
      const start = Math.max(0, i - EXCERPT / 2);
      return new FramingError(`malformed chunked framing: ${reason}`, buf.subarray(start, start + EXCERPT).toString('latin1'));
    };
    try {
      while (i < buf.length) {
        const state = this.#chunk;
        if (state.at === 'data') {
          const take = Math.min(state.remaining, buf.length - i);
          this.#parts.push(buf.subarray(i, i + take));
          this.#partsBytes += take;
          this.#checkSize(this.#partsBytes);
          i += take;
          this.#chunk = state.remaining === take ? { at: 'lf' } : { at: 'data', remaining: state.remaining - take };
          continue;
        }
        const byte = buf[i] as number;
        const ch = String.fromCharCode(byte);
        switch (state.at) {
          case 'lf':
            if (ch !== '\n') throw fault(`expected LF before a chunk header, got ${JSON.stringify(ch)}`);
            this.#chunk = { at: 'hash' };
            break;
          case 'hash':
            if (ch !== '#') throw fault(`expected '#' in a chunk header, got ${JSON.stringify(ch)}`);
            this.#chunk = { at: 'size-or-end' };
            break;
          case 'size-or-end':
            if (ch === '#') this.#chunk = { at: 'end-lf' };
            else if (ch >= '1' && ch <= '9') this.#chunk = { at: 'size', digits: ch };
            else throw fault(`a chunk size must start with a digit 1-9, got ${JSON.stringify(ch)}`);
            break;
          case 'size':
            if (ch >= '0' && ch <= '9') {
              const digits = state.digits + ch;
              if (digits.length > MAX_CHUNK_DIGITS || Number(digits) > MAX_CHUNK_SIZE) throw fault(`chunk size ${digits}… exceeds ${MAX_CHUNK_SIZE}`);
              this.#chunk = { at: 'size', digits };
            } else if (ch === '\n') {
              this.#chunk = { at: 'data', remaining: Number(state.digits) };
            } else throw fault(`expected a digit or LF in chunk size ${state.digits}, got ${JSON.stringify(ch)}`);
            break;
          case 'end-lf': {
            if (ch !== '\n') throw fault(`expected LF after '##', got ${JSON.stringify(ch)}`);
            i++;
            if (this.#partsBytes === 0) throw fault('end of chunks without any chunk (a message needs at least one)');
            const message = Buffer.concat(this.#parts).toString('utf8');
            this.#parts = [];
            this.#partsBytes = 0;
            this.#chunk = { at: 'lf' };
            return message;
          }
        }
        i++;
      }
      return undefined;
    } finally {
      this.#buffer = buf.subarray(i);
    }
  }

  #checkSize(bytes: number): void {
    if (bytes > this.#maxMessageBytes) throw new FramingError(`message larger than ${this.#maxMessageBytes} bytes`, this.pendingText(EXCERPT));
  }
}

/** One message in the given framing. Chunked messages are cut into chunks of at most maxChunkBytes. */
export function encodeMessage(xml: string, framing: Framing, maxChunkBytes = 64 * 1024): Buffer {
  const body = Buffer.from(xml, 'utf8');
  if (framing === 'end-of-message') {
    // RFC 6242 4.3: the delimiter must not occur inside a base:1.0 message; it would end it early.
    if (body.includes(EOM)) throw new Error("a message containing ']]>]]>' cannot be sent with base:1.0 framing");
    return Buffer.concat([body, EOM]);
  }
  if (body.length === 0) throw new Error('a chunked message needs at least one byte');
  const parts: Buffer[] = [];
  for (let off = 0; off < body.length; off += maxChunkBytes) {
    const chunk = body.subarray(off, off + maxChunkBytes);
    parts.push(Buffer.from(`\n#${chunk.length}\n`), chunk);
  }
  parts.push(Buffer.from('\n##\n'));
  return Buffer.concat(parts);
}
