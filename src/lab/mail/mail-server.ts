/**
 * The lab's mail submission server: what smtp.gmail.com:587 is to a router's EEM applet. STARTTLS is offered,
 * AUTH (PLAIN, LOGIN) is accepted only after TLS and is required before MAIL FROM, and the served certificate
 * chain can be swapped while running (a provider rotating its CA) so that only new connections see it.
 * Every message accepted is kept: in memory always, and as .eml files plus a messages.jsonl index when a
 * folder is given.
 */
import { EventEmitter } from 'node:events';
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { SMTPServerAuthentication, SMTPServerSession } from 'smtp-server';

/** The TLS identity the server presents: leaf then intermediates, and the leaf's key. */
export interface ServedChain {
  readonly servedChainPem: string;
  readonly leafKeyPem: string;
}

export interface LabMailUser {
  readonly username: string;
  readonly password: string;
}

export interface LabMailServerOptions {
  readonly chain: ServedChain;
  readonly users: readonly LabMailUser[];
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** Defaults to 127.0.0.1. */
  readonly host?: string;
  /** Name in the greeting and EHLO reply. */
  readonly serverName?: string;
  /** Folder for .eml files and messages.jsonl; omitted = in memory only. */
  readonly storeDir?: string;
  /** Refuse MAIL FROM addresses other than the authenticated user, as Gmail's submission service does. */
  readonly senderMustBeUser?: boolean;
}

export interface StoredMessage {
  readonly id: string;
  readonly envelopeFrom: string;
  readonly envelopeTo: readonly string[];
  readonly authUser: string;
  readonly subject: string;
  /** Header values as sent (unfolded). */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly tls: boolean;
  readonly cipher?: string;
  readonly receivedAt: string;
  readonly raw: string;
  /** Path of the .eml file when stored on disk. */
  readonly emlPath?: string;
}

const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

/** Splits an RFC 5322 message into unfolded headers (lower-case names) and body. */
export function parseMessage(raw: string): { headers: Record<string, string>; body: string } {
  const normalized = raw.replace(/\r\n/g, '\n');
  const split = normalized.indexOf('\n\n');
  const head = split === -1 ? normalized : normalized.slice(0, split);
  const body = split === -1 ? '' : normalized.slice(split + 2);
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) {
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
  }
  return { headers, body: body.replace(/\n$/, '') };
}

export class LabMailServer {
  readonly host: string;
  readonly port: number;
  private readonly server: SMTPServer;
  private readonly stored: StoredMessage[] = [];
  readonly events = new EventEmitter();
  private readonly storeDir: string | undefined;
  private sequence = 0;
  private closed = false;

  private constructor(
    server: SMTPServer,
    host: string,
    port: number,
    storeDir: string | undefined,
    private readonly connectionErrors: string[],
  ) {
    this.server = server;
    this.host = host;
    this.port = port;
    this.storeDir = storeDir;
  }

  static async start(options: LabMailServerOptions): Promise<LabMailServer> {
    if (options.users.length === 0) {
      throw new Error('LabMailServer: at least one user is needed (AUTH is required)');
    }
    const host = options.host ?? '127.0.0.1';
    const users = new Map(options.users.map((u) => [u.username, u.password]));
    if (options.storeDir) {
      await mkdir(options.storeDir, { recursive: true });
    }
    // onData needs the instance, which exists only once the server listens.
    const ready: { instance?: LabMailServer } = {};
    const server = new SMTPServer({
      name: options.serverName ?? 'smtp.lab.example',
      banner: 'ESMTP lab submission service',
      key: options.chain.leafKeyPem,
      cert: options.chain.servedChainPem,
      authMethods: ['PLAIN', 'LOGIN'],
      authOptional: false,
      allowInsecureAuth: false,
      size: MAX_MESSAGE_BYTES,
      logger: false,
      onAuth(auth: SMTPServerAuthentication, _session: SMTPServerSession, callback) {
        if (auth.username !== undefined && users.get(auth.username) === auth.password) {
          callback(null, { user: auth.username });
          return;
        }
        callback(Object.assign(new Error('Username and Password not accepted'), { responseCode: 535 }));
      },
      onMailFrom(address, session, callback) {
        if (options.senderMustBeUser && address.address !== session.user) {
          callback(
            Object.assign(new Error(`Sender address ${address.address} is not the authenticated user`), {
              responseCode: 553,
            }),
          );
          return;
        }
        callback();
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('error', (err: Error) => callback(err));
        stream.on('end', () => {
          if (!ready.instance) {
            callback(new Error('server not ready'));
            return;
          }
          ready.instance.accept(Buffer.concat(chunks).toString('utf8'), session).then(
            () => callback(),
            (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
          );
        });
      },
    });
    const connectionErrors: string[] = [];
    // Handshake failures (a client refusing our chain with an alert) surface here; kept for tests to inspect.
    server.on('error', (err: Error & { meta?: { message?: unknown } }) => {
      // smtp-server replaces OpenSSL's text (`... alert bad certificate ... alert number 42`) and keeps it in meta.
      const detail = typeof err.meta?.message === 'string' ? `${err.message}: ${err.meta.message}` : err.message;
      connectionErrors.push(detail);
      ready.instance?.events.emit('connection-error', detail);
    });
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => reject(new Error(`LabMailServer: cannot listen on ${host}:${options.port ?? 0}: ${err.message}`));
      server.server.once('error', onError);
      server.listen(options.port ?? 0, host, () => {
        server.server.off('error', onError);
        resolve();
      });
    });
    const port = (server.server.address() as AddressInfo).port;
    ready.instance = new LabMailServer(server, host, port, options.storeDir, connectionErrors);
    return ready.instance;
  }

  /** Messages received so far, oldest first. */
  messages(): readonly StoredMessage[] {
    return [...this.stored];
  }

  /** Errors of client connections (e.g. `... alert bad certificate` when a client refused the chain). */
  errors(): readonly string[] {
    return [...this.connectionErrors];
  }

  /** Resolves with the first connection error (already seen since `since`, or future) matching `pattern`. */
  waitForError(pattern: RegExp, timeoutMs: number, since = 0): Promise<string> {
    const seen = this.connectionErrors.slice(since).find((e) => pattern.test(e));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const onError = (message: string): void => {
        if (pattern.test(message)) {
          clearTimeout(timer);
          this.events.off('connection-error', onError);
          resolve(message);
        }
      };
      const timer = setTimeout(() => {
        this.events.off('connection-error', onError);
        reject(
          new Error(
            `LabMailServer ${this.host}:${this.port}: no connection error matching ${String(pattern)} within ${timeoutMs} ms (seen: ${this.connectionErrors.join(' | ') || 'none'})`,
          ),
        );
      }, timeoutMs);
      this.events.on('connection-error', onError);
    });
  }

  /** Resolves with the first message (already received or arriving) that matches; rejects after `timeoutMs`. */
  waitForMessage(predicate: (m: StoredMessage) => boolean, timeoutMs: number): Promise<StoredMessage> {
    const existing = this.stored.find(predicate);
    if (existing) {
      return Promise.resolve(existing);
    }
    return new Promise((resolve, reject) => {
      const onMessage = (m: StoredMessage): void => {
        if (predicate(m)) {
          clearTimeout(timer);
          this.events.off('message', onMessage);
          resolve(m);
        }
      };
      const timer = setTimeout(() => {
        this.events.off('message', onMessage);
        const seen = this.stored.map((m) => `"${m.subject}" from ${m.envelopeFrom}`).join(', ') || 'none';
        reject(new Error(`LabMailServer ${this.host}:${this.port}: no matching message within ${timeoutMs} ms (received: ${seen})`));
      }, timeoutMs);
      this.events.on('message', onMessage);
    });
  }

  /** Serves `chain` to every connection that starts TLS from now on; sessions already in TLS keep theirs. */
  rotateChain(chain: ServedChain): void {
    this.server.updateSecureContext({ key: chain.leafKeyPem, cert: chain.servedChainPem });
  }

  async stop(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.closed = true;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async accept(raw: string, session: SMTPServerSession): Promise<void> {
    this.sequence += 1;
    const receivedAt = new Date().toISOString();
    const id = `${receivedAt.replace(/[:.]/g, '-')}-${this.sequence}`;
    const { headers, body } = parseMessage(raw);
    const from = session.envelope.mailFrom;
    const cipher = session.secure ? (session.tlsOptions ? session.tlsOptions.name : undefined) : undefined;
    const base = {
      id,
      envelopeFrom: from === false ? '' : from.address,
      envelopeTo: session.envelope.rcptTo.map((r) => r.address),
      authUser: typeof session.user === 'string' ? session.user : '',
      subject: headers['subject'] ?? '',
      headers,
      body,
      tls: session.secure,
      ...(cipher !== undefined ? { cipher } : {}),
      receivedAt,
      raw,
    };
    let message: StoredMessage = base;
    if (this.storeDir) {
      const emlPath = join(this.storeDir, `${id}.eml`);
      await writeFile(emlPath, raw);
      message = { ...base, emlPath };
      const index = {
        id,
        from: message.envelopeFrom,
        to: message.envelopeTo,
        authUser: message.authUser,
        subject: message.subject,
        body,
        tls: message.tls,
        cipher: message.cipher ?? null,
        time: receivedAt,
        eml: `${id}.eml`,
      };
      await appendFile(join(this.storeDir, 'messages.jsonl'), `${JSON.stringify(index)}\n`);
    }
    this.stored.push(message);
    this.events.emit('message', message);
  }
}
