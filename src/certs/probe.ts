/** Fetches the certificate chain a mail (or HTTPS) server sends, as
 * `openssl s_client -showcerts -starttls smtp` would: SMTP greeting, EHLO, STARTTLS on 25/587 (or any port
 * with smtp://), implicit TLS on 465/443. The only module of certs/ that does I/O. */
import { connect as netConnect } from 'node:net';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import type { DetailedPeerCertificate, TLSSocket } from 'node:tls';
import { certificatesFromTlsRecords } from './tls-records.js';
import { parseCertificate } from './x509.js';
import { parseIp } from './host.js';
import type { CertificateFacts } from './types.js';
import { errorMessage } from '../shared/error-message.js';

export type ProbeMode = 'starttls-smtp' | 'implicit-tls';

export interface ProbeTarget {
  readonly host: string;
  readonly port: number;
  readonly mode: ProbeMode;
}

export interface ProbeOptions {
  /** Limit for each step (connect, greeting, EHLO, STARTTLS, handshake). Default 10 s. */
  readonly timeoutMs?: number;
  /** Name sent in EHLO. Default `certagent.invalid`. */
  readonly ehloName?: string;
  /** SNI name; defaults to the host when it is a name (never sent for IP literals). */
  readonly servername?: string;
}

export interface ProbeResult {
  readonly target: ProbeTarget;
  /** The certificates as the server sent them, in its order. */
  readonly chain: readonly CertificateFacts[];
  /** `handshake`: read from the TLS 1.2 Certificate message (exact); `peer-chain`: rebuilt by Node after a
   * TLS 1.3 handshake (ordered leaf → root, strays dropped). */
  readonly chainSource: 'handshake' | 'peer-chain';
  readonly protocol: string;
  readonly cipher: string;
  /** SMTP greeting and EHLO reply lines (empty for implicit TLS). */
  readonly greeting: readonly string[];
  readonly ehlo: readonly string[];
}

export type ProbeStage = 'target' | 'connect' | 'greeting' | 'ehlo' | 'starttls' | 'tls';

/** A probe failure: says which server, at which step, and what the server said or did. */
export class ProbeError extends Error {
  override readonly name = 'ProbeError';
  constructor(
    readonly target: string,
    readonly stage: ProbeStage,
    message: string,
  ) {
    super(`${target}: ${message}`);
  }
}

const DEFAULT_PORTS: Readonly<Record<string, { port: number; mode: ProbeMode }>> = {
  smtp: { port: 25, mode: 'starttls-smtp' },
  submission: { port: 587, mode: 'starttls-smtp' },
  smtps: { port: 465, mode: 'implicit-tls' },
  https: { port: 443, mode: 'implicit-tls' },
  tls: { port: 443, mode: 'implicit-tls' },
};

const MODE_BY_PORT: Readonly<Record<number, ProbeMode>> = { 25: 'starttls-smtp', 587: 'starttls-smtp', 465: 'implicit-tls', 443: 'implicit-tls' };

/** `smtp://host[:port]` (STARTTLS), `submission://host` (587), `smtps://host[:port]`, `https://host[:port]`,
 * `tls://host:port` (implicit TLS), or `host:port` for the well-known ports 25, 587, 465, 443. */
export function parseProbeTarget(text: string): ProbeTarget {
  const fail = (why: string): never => {
    throw new ProbeError(text, 'target', why);
  };
  const schemeMatch = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text);
  let url: URL;
  try {
    url = new URL(schemeMatch ? text : `none://${text}`);
  } catch {
    return fail('not a host:port or URL');
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') fail('no host name');
  const scheme = schemeMatch ? (schemeMatch[1] ?? '').toLowerCase() : undefined;
  const explicitPort = url.port === '' ? undefined : Number(url.port);
  if (scheme !== undefined) {
    const known = DEFAULT_PORTS[scheme];
    if (!known) return fail(`unknown scheme '${scheme}': use smtp:// (STARTTLS), submission://, smtps://, https:// or tls://`);
    return { host, port: explicitPort ?? known.port, mode: known.mode };
  }
  if (explicitPort === undefined) return fail('no port: give host:25, host:587, host:465, host:443 or a URL such as smtp://host');
  const mode = MODE_BY_PORT[explicitPort];
  if (!mode) return fail(`port ${explicitPort} is not a well-known mail/TLS port: say smtp://${text} for STARTTLS or tls://${text} for implicit TLS`);
  return { host, port: explicitPort, mode };
}

/** Connects, upgrades to TLS and returns the chain the server sent. Throws ProbeError. */
export async function probe(target: ProbeTarget | string, options: ProbeOptions = {}): Promise<ProbeResult> {
  const t = typeof target === 'string' ? parseProbeTarget(target) : target;
  try {
    return await attempt(t, options, 'TLSv1.2');
  } catch (err) {
    // A TLS 1.3-only server refuses the 1.2 handshake we prefer for an exact chain: ask again with 1.3.
    if (err instanceof ProbeError && err.stage === 'tls' && /protocol version|unsupported protocol|wrong version/i.test(err.message)) {
      return attempt(t, options, 'TLSv1.3').catch((again: unknown) => {
        throw plainTextServer(t, again);
      });
    }
    throw err;
  }
}

/**
 * OpenSSL reads an SMTP greeting ("220 ...") where a TLS record should be as a record of a wrong version: on an
 * implicit-TLS probe that means the port speaks plain SMTP and wants STARTTLS.
 */
function plainTextServer(t: ProbeTarget, err: unknown): unknown {
  if (t.mode !== 'implicit-tls' || !(err instanceof ProbeError) || !/wrong version|packet length too long|record layer/i.test(err.message)) return err;
  return new ProbeError(
    label(t),
    'tls',
    `the server answered in plain text, not with TLS: it speaks SMTP with STARTTLS on this port, not implicit TLS (smtps://); probe smtp://${label(t)} instead`,
  );
}

function label(t: ProbeTarget): string {
  return `${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}`;
}

async function attempt(t: ProbeTarget, options: ProbeOptions, maxVersion: 'TLSv1.2' | 'TLSv1.3'): Promise<ProbeResult> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const where = label(t);
  const socket = await connectTcp(t, where, timeoutMs);
  try {
    let greeting: string[] = [];
    let ehlo: string[] = [];
    if (t.mode === 'starttls-smtp') {
      const smtp = new SmtpReader(socket, where, timeoutMs);
      greeting = await smtp.reply('greeting', 'the SMTP greeting', [220]);
      ehlo = await smtp.command('ehlo', `EHLO ${options.ehloName ?? 'certagent.invalid'}`, [250]);
      const capabilities = ehlo.map((l) => l.slice(4).trim());
      if (!capabilities.some((c) => /^STARTTLS$/i.test(c))) {
        socket.write('QUIT\r\n');
        throw new ProbeError(where, 'starttls', `the server does not offer STARTTLS (its EHLO reply lists: ${capabilities.slice(1).join(', ') || 'nothing'})`);
      }
      await smtp.command('starttls', 'STARTTLS', [220]);
      smtp.detach();
    }
    const received: Buffer[] = [];
    const tap = new TapStream(socket, (chunk) => received.push(chunk));
    const tlsSocket = await handshake(tap, t, options, where, timeoutMs, maxVersion);
    try {
      const sent = certificatesFromTlsRecords(Buffer.concat(received));
      const ders = sent ?? peerChain(tlsSocket);
      if (ders.length === 0) throw new ProbeError(where, 'tls', 'the server sent no certificate');
      const cipher = tlsSocket.getCipher();
      return {
        target: t,
        chain: ders.map((der, i) => {
          try {
            return parseCertificate(der);
          } catch (err) {
            throw new ProbeError(where, 'tls', `certificate ${i + 1} the server sent is not valid X.509: ${errorMessage(err)}`);
          }
        }),
        chainSource: sent ? 'handshake' : 'peer-chain',
        protocol: tlsSocket.getProtocol() ?? 'unknown',
        cipher: cipher.name,
        greeting,
        ehlo,
      };
    } finally {
      if (t.mode === 'starttls-smtp') tlsSocket.end('QUIT\r\n');
      else tlsSocket.end();
      tlsSocket.destroy();
    }
  } finally {
    socket.destroy();
  }
}

function connectTcp(t: ProbeTarget, where: string, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: t.host, port: t.port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new ProbeError(where, 'connect', `no TCP connection within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const why = err.code === 'ECONNREFUSED' ? 'connection refused' : err.code === 'ENOTFOUND' ? 'host name not found in DNS' : err.message;
      reject(new ProbeError(where, 'connect', why));
    });
  });
}

function handshake(
  stream: Duplex,
  t: ProbeTarget,
  options: ProbeOptions,
  where: string,
  timeoutMs: number,
  maxVersion: 'TLSv1.2' | 'TLSv1.3',
): Promise<TLSSocket> {
  const servername = options.servername ?? (parseIp(t.host) ? undefined : t.host);
  return new Promise((resolve, reject) => {
    // Verification is certagent's job (diagnose), so the handshake accepts any chain and reports it.
    const socket = tlsConnect({ socket: stream, rejectUnauthorized: false, maxVersion, ...(servername ? { servername } : {}) });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new ProbeError(where, 'tls', `TLS handshake did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      // Late errors (the server resetting after our QUIT) must not crash the caller.
      socket.on('error', () => undefined);
      resolve(socket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      socket.destroy();
      reject(new ProbeError(where, 'tls', `TLS handshake failed: ${err.message}`));
    });
  });
}

/** Node's view of the chain (TLS 1.3): leaf first, each issuer after it. */
function peerChain(socket: TLSSocket): Buffer[] {
  const ders: Buffer[] = [];
  const seen = new Set<DetailedPeerCertificate>();
  let cert: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  while (cert?.raw && !seen.has(cert)) {
    seen.add(cert);
    ders.push(cert.raw);
    cert = cert.issuerCertificate;
  }
  return ders;
}

/** Reads SMTP replies (`250-...` continuation lines up to `250 ...`) with a deadline per reply. */
class SmtpReader {
  private buffer = '';
  private lines: string[] = [];
  private waiter: (() => void) | undefined;
  private closed: Error | undefined;
  private readonly onData = (chunk: Buffer): void => {
    this.buffer += chunk.toString('latin1');
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      this.lines.push(this.buffer.slice(0, nl).replace(/\r$/, ''));
      this.buffer = this.buffer.slice(nl + 1);
    }
    this.waiter?.();
  };
  private readonly onEnd = (): void => {
    this.closed ??= new Error('the server closed the connection');
    this.waiter?.();
  };
  private readonly onError = (err: Error): void => {
    this.closed = new Error(`connection error (${err.message})`);
    this.waiter?.();
  };

  constructor(
    private readonly socket: Socket,
    private readonly where: string,
    private readonly timeoutMs: number,
  ) {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onEnd);
    socket.on('error', this.onError);
  }

  async command(stage: ProbeStage, line: string, expected: readonly number[]): Promise<string[]> {
    this.socket.write(`${line}\r\n`);
    return this.reply(stage, `the reply to ${line.split(' ')[0] ?? line}`, expected);
  }

  /** Stops reading: after `220` to STARTTLS the bytes belong to TLS. */
  detach(): void {
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onEnd);
    this.socket.off('close', this.onEnd);
    this.socket.off('error', this.onError);
  }

  async reply(stage: ProbeStage, what: string, expected: readonly number[]): Promise<string[]> {
    const collected: string[] = [];
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const line = this.lines.shift();
      if (line !== undefined) {
        collected.push(line);
        const m = /^(\d{3})([ -])/.exec(line);
        if (!m) throw new ProbeError(this.where, stage, `not an SMTP server: expected ${what}, received '${line.slice(0, 80)}'`);
        if (m[2] === '-') continue;
        const code = Number(m[1]);
        if (!expected.includes(code)) throw new ProbeError(this.where, stage, `${what} was ${collected.join(' / ')}`);
        return collected;
      }
      if (this.closed)
        throw new ProbeError(
          this.where,
          stage,
          `${this.closed.message} while waiting for ${what}${collected.length ? ` (received: ${collected.join(' / ')})` : ''}`,
        );
      const left = deadline - Date.now();
      if (left <= 0) {
        const seen = [...collected, this.buffer].filter((s) => s !== '').join(' / ');
        throw new ProbeError(
          this.where,
          stage,
          `timed out after ${this.timeoutMs} ms waiting for ${what} (received: ${seen === '' ? 'nothing' : `'${seen.slice(0, 120)}'`})`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          this.waiter = undefined;
          resolve();
        };
      });
    }
  }
}

/** Passes a socket's bytes through unchanged while recording what the server sends. */
class TapStream extends Duplex {
  constructor(
    private readonly inner: Socket,
    onData: (chunk: Buffer) => void,
  ) {
    super();
    inner.on('data', (chunk: Buffer) => {
      onData(chunk);
      if (!this.push(chunk)) inner.pause();
    });
    inner.on('end', () => this.push(null));
    inner.on('error', (err) => this.destroy(err));
  }

  override _read(): void {
    this.inner.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.inner.write(chunk, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.inner.end(callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.inner.destroy();
    callback(error);
  }
}
