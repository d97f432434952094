/**
 * A NETCONF session over any byte stream (the SSH `netconf` subsystem in practice): hello and capability
 * exchange, framing switch to base:1.1 when both sides offer it, message-id allocation, one map of RPCs
 * awaiting their reply, a deadline per RPC, and a clear error for every waiting RPC when the peer breaks
 * framing or closes the channel.
 */
import type { Duplex } from 'node:stream';
import { Redactor } from '../../shared/redact.js';
import { DEFAULT_TIMEOUTS } from '../timeouts.js';
import { BASE_1_0, BASE_1_1 } from './capabilities.js';
import type { Capabilities } from './capabilities.js';
import {
  NetconfAbortedError,
  NetconfCapabilityError,
  NetconfFramingError,
  NetconfHelloError,
  NetconfMalformedReplyError,
  NetconfRequestError,
  NetconfRpcError,
  NetconfSessionClosedError,
  NetconfTimeoutError,
} from './errors.js';
import type { NetconfError, RpcErrorDetail } from './errors.js';
import { FrameDecoder, FramingError, encodeMessage } from './framing.js';
import type { Framing } from './framing.js';
import { MessageError, buildHello, buildRpc, classifyMessage, negotiateBase, parseServerHello, toRpcReply } from './messages.js';
import type { RpcReply } from './messages.js';
import { RequestError, customRpc } from './operations.js';
import type { Operation } from './operations.js';
import { XmlSyntaxError, parseXml } from './xml.js';
import { errorMessage } from '../../shared/error-message.js';

export interface NetconfSessionOptions {
  /** Name used in every error (inventory name). */
  readonly device: string;
  /** Default deadline for each RPC's reply (ms). */
  readonly rpcTimeoutMs?: number;
  /** Deadline for the server's hello (ms). */
  readonly helloTimeoutMs?: number;
  /** Base protocol versions to offer; both by default. Offering only 1.0 keeps end-of-message framing. */
  readonly baseVersions?: readonly ('1.0' | '1.1')[];
  /** Further capability URIs to announce in the client hello. */
  readonly capabilities?: readonly string[];
  /** Removes secrets (passwords in config payloads) from what errors quote. */
  readonly redactor?: Redactor;
  /** Largest message accepted (bytes). */
  readonly maxMessageBytes?: number;
}

export interface RpcOptions {
  /** Deadline for this RPC's reply (ms), instead of the session default. */
  readonly timeoutMs?: number;
}

interface Pending {
  readonly operation: string;
  readonly resolve: (reply: RpcReply) => void;
  readonly reject: (error: NetconfError) => void;
  readonly timer: NodeJS.Timeout;
}

const TAIL_CHARS = 200;

export class NetconfSession {
  readonly device: string;
  #sessionId = 0;
  #capabilities: Capabilities | undefined;
  #framing: Framing = 'end-of-message';
  readonly #stream: Duplex;
  readonly #decoder: FrameDecoder;
  readonly #redactor: Redactor;
  readonly #rpcTimeoutMs: number;
  readonly #pending = new Map<string, Pending>();
  #signal: AbortSignal | undefined;
  #nextMessageId = 101;
  #bytesReceived = 0;
  #tail = '';
  /** Why the session can no longer send; set once. */
  #ended: string | undefined;
  #hello: { resolve: () => void; reject: (e: NetconfError) => void } | undefined;
  /** The base capabilities our hello offered, to negotiate framing with the server's. */
  #helloOffered: readonly string[] = [];
  readonly #closed: Promise<void>;

  private constructor(stream: Duplex, options: NetconfSessionOptions) {
    this.device = options.device;
    this.#stream = stream;
    this.#decoder = new FrameDecoder(options.maxMessageBytes === undefined ? {} : { maxMessageBytes: options.maxMessageBytes });
    this.#redactor = options.redactor ?? new Redactor();
    this.#rpcTimeoutMs = options.rpcTimeoutMs ?? 60_000;
    this.#closed = new Promise<void>((resolve) => {
      stream.once('close', () => {
        this.#end('the device closed the NETCONF channel');
        resolve();
      });
    });
    stream.on('data', (chunk: Buffer) => this.#onData(chunk));
    stream.on('error', (err: Error) => this.#end(`channel error: ${err.message}`));
  }

  /** Exchanges hellos on a fresh channel and returns a session ready for RPCs. */
  static async start(stream: Duplex, options: NetconfSessionOptions): Promise<NetconfSession> {
    const session = new NetconfSession(stream, options);
    await session.#exchangeHello(options);
    return session;
  }

  get sessionId(): number {
    return this.#sessionId;
  }

  /** What the server announced in its hello. */
  get capabilities(): Capabilities {
    if (!this.#capabilities) throw new Error('no hello yet');
    return this.#capabilities;
  }

  get framing(): Framing {
    return this.#framing;
  }

  /** False once the channel closed or broke; every later RPC fails at once. */
  get usable(): boolean {
    return this.#ended === undefined;
  }

  /** Resolves when the channel has closed. */
  get closed(): Promise<void> {
    return this.#closed;
  }

  /** Checks capabilities, builds the request and waits for its reply. rpc-errors of severity error reject with NetconfRpcError. */
  async execute<A>(operation: Operation<A>, args: A, options: RpcOptions = {}): Promise<RpcReply> {
    for (const capability of operation.requires(args)) {
      if (!this.capabilities.has(capability)) throw new NetconfCapabilityError(this.device, operation.name, capability);
    }
    let body: string;
    try {
      body = operation.build(args);
    } catch (err) {
      if (err instanceof RequestError) throw new NetconfRequestError(this.device, operation.name, err.reason);
      throw err;
    }
    return this.#send(operation.name, body, options.timeoutMs ?? this.#rpcTimeoutMs);
  }

  /** Sends any RPC given as its XML element (vendor RPCs) and waits for the reply. */
  async rpc(xml: string, options: RpcOptions = {}): Promise<RpcReply> {
    let operation: Operation<Record<string, never>>;
    try {
      operation = customRpc(xml);
    } catch (err) {
      if (err instanceof RequestError) throw new NetconfRequestError(this.device, 'rpc', err.reason);
      throw err;
    }
    return this.execute(operation, {}, options);
  }

  /** Ends the channel without close-session (after a fault, or once close-session was answered). */
  destroy(): void {
    this.#end('the session was closed by certagent');
    this.#stream.destroy();
  }

  async #exchangeHello(options: NetconfSessionOptions): Promise<void> {
    const versions = options.baseVersions ?? ['1.0', '1.1'];
    const offered = [...(versions.includes('1.0') ? [BASE_1_0] : []), ...(versions.includes('1.1') ? [BASE_1_1] : [])];
    if (offered.length === 0) throw new Error('baseVersions must name 1.0, 1.1 or both');
    const timeoutMs = options.helloTimeoutMs ?? DEFAULT_TIMEOUTS.helloMs;
    const received = new Promise<void>((resolve, reject) => {
      this.#hello = { resolve, reject };
    });
    const timer = setTimeout(() => this.#failHello(`no hello within ${timeoutMs} ms`), timeoutMs);
    this.#helloOffered = offered;
    try {
      // RFC 6241 8.1: both peers send their hello at once; ours goes out in base:1.0 framing like every hello.
      this.#stream.write(encodeMessage(buildHello([...offered, ...(options.capabilities ?? [])]), 'end-of-message'));
      await received;
    } finally {
      clearTimeout(timer);
    }
  }

  #failHello(reason: string): void {
    const hello = this.#hello;
    if (!hello) return;
    this.#hello = undefined;
    hello.reject(new NetconfHelloError(this.device, reason, this.#seen()));
    this.destroy();
  }

  #onData(chunk: Buffer): void {
    this.#bytesReceived += chunk.length;
    this.#tail = (this.#tail + chunk.toString('utf8')).slice(-TAIL_CHARS);
    this.#decoder.push(chunk);
    try {
      for (let message = this.#decoder.next(); message !== undefined; message = this.#decoder.next()) {
        if (this.#hello) this.#onHello(message);
        else if (this.#capabilities) this.#onMessage(message);
      }
    } catch (err) {
      if (!(err instanceof FramingError)) throw err;
      const error = new NetconfFramingError(this.device, err.reason, this.#redactor.redact(err.seen));
      if (this.#hello) {
        this.#failHello(error.message);
        return;
      }
      this.#rejectAll(() => error);
      this.#end(error.message);
      this.#stream.destroy();
    }
  }

  #onHello(message: string): void {
    const hello = this.#hello;
    if (!hello) return;
    try {
      const server = parseServerHello(parseXml(message.trimStart()));
      const base = negotiateBase(this.#helloOffered, server.capabilities);
      this.#capabilities = server.capabilities;
      this.#sessionId = server.sessionId;
      if (base === '1.1') {
        this.#framing = 'chunked';
        this.#decoder.setFraming('chunked');
      }
      this.#hello = undefined;
      hello.resolve();
    } catch (err) {
      if (err instanceof XmlSyntaxError || err instanceof MessageError) this.#failHello(`${err.message}`);
      else throw err;
    }
  }

  #onMessage(text: string): void {
    let incoming: ReturnType<typeof classifyMessage>;
    try {
      incoming = classifyMessage(text);
    } catch (err) {
      if (!(err instanceof XmlSyntaxError || err instanceof MessageError)) throw err;
      // The framing held, so only the RPC this was meant for is lost; a message-id written before the fault still tells which.
      // Only the head, where the start tag stands: a lazy scan per `<` over a large broken reply would be quadratic.
      const id = /<(?:\w+:)?rpc-reply\b[^>]*?\bmessage-id\s*=\s*["']([^"']*)["']/.exec(text.slice(0, 4096))?.[1];
      this.#rejectUnmatched(id, (operation) => new NetconfMalformedReplyError(this.device, operation, err.message, this.#excerpt(text)));
      return;
    }
    // Notifications come only after create-subscription, which this client does not send.
    if (incoming.kind === 'notification') return;
    if (incoming.kind === 'hello') {
      this.#rejectUnmatched(
        undefined,
        (operation) => new NetconfMalformedReplyError(this.device, operation, 'a second <hello> instead of a reply', this.#excerpt(text)),
      );
      return;
    }
    const id = incoming.messageId ?? (this.#pending.size === 1 ? [...this.#pending.keys()][0] : undefined);
    if (id === undefined) {
      this.#rejectUnmatched(
        undefined,
        (operation) => new NetconfMalformedReplyError(this.device, operation, 'an rpc-reply without message-id', this.#excerpt(text)),
      );
      return;
    }
    const pending = this.#pending.get(id);
    // A reply to an RPC that already timed out (or one this session never sent) has nobody waiting for it.
    if (!pending) return;
    this.#settle(id);
    if (incoming.errors.some((e) => e.severity === 'error'))
      pending.reject(
        new NetconfRpcError(
          this.device,
          pending.operation,
          id,
          incoming.errors.map((e) => this.#redactDetail(e)),
        ),
      );
    else
      pending.resolve(
        toRpcReply(
          id,
          incoming.root,
          incoming.errors.map((e) => this.#redactDetail(e)),
        ),
      );
  }

  #redactDetail(e: RpcErrorDetail): RpcErrorDetail {
    const r = (s: string | undefined): string | undefined => (s === undefined ? undefined : this.#redactor.redact(s));
    return {
      ...e,
      message: r(e.message),
      path: r(e.path),
      infoXml: r(e.infoXml),
      info: Object.fromEntries(Object.entries(e.info).map(([k, v]) => [k, this.#redactor.redact(v)])),
    };
  }

  /** A reply that cannot be matched by message-id: the one RPC it names, the only one waiting, or else all of them. */
  #rejectUnmatched(id: string | undefined, error: (operation: string) => NetconfError): void {
    const targets = id !== undefined && this.#pending.has(id) ? [id] : [...this.#pending.keys()];
    for (const target of targets) {
      const pending = this.#pending.get(target);
      if (!pending) continue;
      this.#settle(target);
      pending.reject(error(pending.operation));
    }
  }

  #rejectAll(error: (operation: string) => NetconfError): void {
    this.#rejectUnmatched(undefined, error);
  }

  #settle(id: string): void {
    const pending = this.#pending.get(id);
    if (pending) clearTimeout(pending.timer);
    this.#pending.delete(id);
  }

  /** Every later RPC's wait ends when `signal` aborts (the device deadline). */
  useSignal(signal: AbortSignal | undefined): void {
    this.#signal = signal;
  }

  #send(operation: string, body: string, timeoutMs: number): Promise<RpcReply> {
    if (this.#ended !== undefined) return Promise.reject(new NetconfSessionClosedError(this.device, operation, this.#ended, ''));
    const signal = this.#signal;
    if (signal?.aborted) return Promise.reject(new NetconfAbortedError(this.device, operation, signal.reason));
    const id = String(this.#nextMessageId++);
    let message: Buffer;
    try {
      message = encodeMessage(buildRpc(id, body), this.#framing);
    } catch (err) {
      return Promise.reject(new NetconfRequestError(this.device, operation, errorMessage(err)));
    }
    const bytesAtSend = this.#bytesReceived;
    return new Promise<RpcReply>((resolve, reject) => {
      const onAbort = (): void => {
        this.#settle(id);
        reject(new NetconfAbortedError(this.device, operation, signal?.reason));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        this.#settle(id);
        reject(new NetconfTimeoutError(this.device, operation, id, timeoutMs, this.#bytesReceived - bytesAtSend, this.#seen()));
      }, timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      const settle = (finish: () => void): void => {
        signal?.removeEventListener('abort', onAbort);
        finish();
      };
      this.#pending.set(id, { operation, resolve: (r) => settle(() => resolve(r)), reject: (e) => settle(() => reject(e)), timer });
      this.#stream.write(message);
    });
  }

  #end(reason: string): void {
    if (this.#ended !== undefined) return;
    this.#ended = reason;
    if (this.#hello) this.#failHello(`${reason} before its hello`);
    const lastSeen = this.#redactor.redact(this.#decoder.pendingText());
    this.#rejectAll((operation) => new NetconfSessionClosedError(this.device, operation, reason, lastSeen));
  }

  #seen(): string {
    return this.#redactor.redact(this.#tail);
  }

  #excerpt(text: string): string {
    return this.#redactor.redact(text.length > TAIL_CHARS ? `${text.slice(0, TAIL_CHARS)}…` : text);
  }
}
