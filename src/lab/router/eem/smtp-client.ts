/**
 * The router's SMTP client, as EEM's `action mail` uses it: EHLO, STARTTLS when `secure tls`, AUTH with the
 * credentials of the server string, MAIL FROM, RCPT TO for every `to` and `cc` address, DATA. Every step waits
 * for its reply with a deadline; nothing sleeps. The TLS handshake is forced to TLS 1.2 so the server's
 * certificate can be judged mid-handshake (see tls-certificate-sniffer.ts) and a refused chain is answered with
 * a fatal bad_certificate alert.
 */
import { Duplex } from 'node:stream';
import net from 'node:net';
import tls from 'node:tls';
import type { ChainVerdict } from './chain-verify.js';
import { BAD_CERTIFICATE_ALERT, CertificateSniffer } from './tls-certificate-sniffer.js';

export interface MailRequest {
  /** Address to connect to (already resolved). */
  readonly address: string;
  /** Name the applet gave, used for SNI when it is not an address. */
  readonly serverName: string;
  readonly port: number;
  readonly secure: 'tls' | 'none';
  readonly username?: string;
  readonly password?: string;
  /** Name sent in EHLO (the router's hostname). */
  readonly heloName: string;
  readonly from: string;
  readonly to: readonly string[];
  readonly cc: readonly string[];
  readonly subject: string;
  readonly body: string;
  /** Deadline for the connection and for each reply. */
  readonly stepTimeoutMs: number;
  /** Judges the chain the server sent, leaf first. */
  readonly verifyChain: (served: readonly Buffer[]) => ChainVerdict;
}

export type MailFailureKind = 'connect' | 'timeout' | 'tls' | 'reply';

export type MailOutcome = { readonly ok: true; readonly anchoredOn?: string } | { readonly ok: false; readonly kind: MailFailureKind; readonly detail: string };

class MailFailure extends Error {
  constructor(
    readonly kind: MailFailureKind,
    detail: string,
  ) {
    super(detail);
  }
}

interface Reply {
  readonly code: number;
  readonly lines: readonly string[];
}

/** Collects SMTP replies (multi-line `250-...` up to `250 ...`) from one stream. */
class ReplyReader {
  private buffer = '';
  private readonly replies: Reply[] = [];
  private current: string[] = [];
  private waiter: ((r: Reply | Error) => void) | undefined;
  private failure: Error | undefined;
  private readonly onData = (chunk: Buffer): void => {
    this.buffer += chunk.toString('latin1');
    let newline: number;
    while ((newline = this.buffer.indexOf('\n')) !== -1) {
      const line = this.buffer.slice(0, newline).replace(/\r$/, '');
      this.buffer = this.buffer.slice(newline + 1);
      this.current.push(line);
      if (!/^\d{3}-/.test(line)) {
        this.replies.push({ code: Number.parseInt(line.slice(0, 3), 10) || 0, lines: this.current });
        this.current = [];
      }
    }
    this.deliver();
  };
  private readonly onEnd = (): void => {
    this.failure = new MailFailure('reply', 'connection closed by server');
    this.deliver();
  };
  private readonly onError = (err: Error): void => {
    this.failure = new MailFailure('connect', err.message);
    this.deliver();
  };

  constructor(private readonly stream: Duplex) {
    stream.on('data', this.onData);
    stream.on('end', this.onEnd);
    stream.on('error', this.onError);
  }

  detach(): void {
    this.stream.off('data', this.onData);
    this.stream.off('end', this.onEnd);
    this.stream.off('error', this.onError);
  }

  next(timeoutMs: number, awaiting: string): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new MailFailure('timeout', `no reply to ${awaiting} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiter = (r) => {
        clearTimeout(timer);
        this.waiter = undefined;
        if (r instanceof Error) reject(r);
        else resolve(r);
      };
      this.deliver();
    });
  }

  private deliver(): void {
    if (!this.waiter) return;
    const reply = this.replies.shift();
    if (reply) this.waiter(reply);
    else if (this.failure) this.waiter(this.failure);
  }
}

function connectTcp(address: string, port: number, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: address, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new MailFailure('timeout', `connect to ${address}:${port} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(new MailFailure('connect', err.message));
    });
  });
}

/** TLS over `tcp`, judging the server's chain before OpenSSL sees it. */
function startTls(tcp: net.Socket, request: MailRequest): Promise<{ socket: tls.TLSSocket; verdict: ChainVerdict }> {
  return new Promise((resolve, reject) => {
    const sniffer = new CertificateSniffer();
    const held: Buffer[] = [];
    let judged: ChainVerdict | undefined;
    let settled = false;
    const fail = (err: MailFailure): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(err);
    };
    const shim = new Duplex({
      read() {
        // Data is pushed from the TCP socket's 'data' events.
      },
      write(chunk: Buffer, _encoding, callback) {
        tcp.write(chunk, callback);
      },
      final(callback) {
        tcp.end();
        callback();
      },
    });
    tcp.on('data', (chunk: Buffer) => {
      if (judged) {
        shim.push(chunk);
        return;
      }
      held.push(chunk);
      const result = sniffer.feed(chunk);
      if (result.state === 'need-more') return;
      if (result.state === 'unexpected') {
        fail(new MailFailure('tls', result.detail));
        tcp.destroy();
        return;
      }
      const verdict = request.verifyChain(result.ders);
      if (!verdict.ok) {
        // What IOS's OpenSSL does when the chain anchors nowhere: fatal alert, then close.
        tcp.write(BAD_CERTIFICATE_ALERT, () => {
          tcp.end();
          fail(new MailFailure('tls', `certificate verify failed: ${verdict.reason} (depth ${verdict.depth})`));
        });
        return;
      }
      judged = verdict;
      for (const piece of held.splice(0)) shim.push(piece);
    });
    tcp.on('end', () => shim.push(null));
    tcp.on('error', (err) => fail(new MailFailure('connect', err.message)));
    const socket = tls.connect({
      socket: shim,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
      maxVersion: 'TLSv1.2',
      ...(net.isIP(request.serverName) === 0 ? { servername: request.serverName } : {}),
    });
    const timer = setTimeout(() => {
      tcp.destroy();
      fail(new MailFailure('timeout', `TLS handshake not finished within ${request.stepTimeoutMs} ms`));
    }, request.stepTimeoutMs);
    socket.once('secureConnect', () => {
      if (settled || !judged) return;
      settled = true;
      clearTimeout(timer);
      resolve({ socket, verdict: judged });
    });
    socket.on('error', (err) => fail(new MailFailure('tls', err.message)));
  });
}

function dotStuff(text: string): string {
  return text
    .replace(/\r?\n/g, '\r\n')
    .split('\r\n')
    .map((line) => (line.startsWith('.') ? `.${line}` : line))
    .join('\r\n');
}

/** The message as the router sends it: From/To/Cc/Subject headers and the body. */
export function composeMessage(request: Pick<MailRequest, 'from' | 'to' | 'cc' | 'subject' | 'body'>): string {
  const headers = [`From: ${request.from}`, `To: ${request.to.join(', ')}`];
  if (request.cc.length > 0) headers.push(`Cc: ${request.cc.join(', ')}`);
  headers.push(`Subject: ${request.subject}`);
  return `${headers.join('\r\n')}\r\n\r\n${dotStuff(request.body)}\r\n.\r\n`;
}

async function expect(reader: ReplyReader, code: number, awaiting: string, timeoutMs: number): Promise<Reply> {
  const reply = await reader.next(timeoutMs, awaiting);
  if (reply.code !== code) {
    throw new MailFailure('reply', `${awaiting}: ${reply.lines.join(' ')}`);
  }
  return reply;
}

export async function sendMail(request: MailRequest): Promise<MailOutcome> {
  let tcp: net.Socket | undefined;
  let secureSocket: tls.TLSSocket | undefined;
  try {
    tcp = await connectTcp(request.address, request.port, request.stepTimeoutMs);
    const t = request.stepTimeoutMs;
    let reader = new ReplyReader(tcp);
    let write = (line: string): void => {
      tcp?.write(`${line}\r\n`);
    };
    await expect(reader, 220, 'greeting', t);
    write(`EHLO ${request.heloName}`);
    let ehlo = await expect(reader, 250, 'EHLO', t);
    let anchoredOn: string | undefined;
    if (request.secure === 'tls') {
      write('STARTTLS');
      await expect(reader, 220, 'STARTTLS', t);
      reader.detach();
      const upgraded = await startTls(tcp, request);
      secureSocket = upgraded.socket;
      anchoredOn = upgraded.verdict.ok ? upgraded.verdict.trustpoint : undefined;
      reader = new ReplyReader(secureSocket);
      const out = secureSocket;
      write = (line: string): void => {
        out.write(`${line}\r\n`);
      };
      write(`EHLO ${request.heloName}`);
      ehlo = await expect(reader, 250, 'EHLO after STARTTLS', t);
    }
    if (request.username !== undefined) {
      const authLine = ehlo.lines.find((l) => /^250[- ]AUTH[ =]/i.test(l)) ?? '';
      const password = request.password ?? '';
      if (/\bLOGIN\b/i.test(authLine) || !/\bPLAIN\b/i.test(authLine)) {
        write('AUTH LOGIN');
        await expect(reader, 334, 'AUTH LOGIN', t);
        write(Buffer.from(request.username).toString('base64'));
        await expect(reader, 334, 'AUTH LOGIN username', t);
        write(Buffer.from(password).toString('base64'));
        await expect(reader, 235, 'AUTH LOGIN password', t);
      } else {
        write(`AUTH PLAIN ${Buffer.from(`\0${request.username}\0${password}`).toString('base64')}`);
        await expect(reader, 235, 'AUTH PLAIN', t);
      }
    }
    write(`MAIL FROM:<${request.from}>`);
    await expect(reader, 250, 'MAIL FROM', t);
    for (const rcpt of [...request.to, ...request.cc]) {
      write(`RCPT TO:<${rcpt}>`);
      await expect(reader, 250, `RCPT TO ${rcpt}`, t);
    }
    write('DATA');
    await expect(reader, 354, 'DATA', t);
    (secureSocket ?? tcp).write(composeMessage(request));
    await expect(reader, 250, 'end of data', t);
    write('QUIT');
    await reader.next(t, 'QUIT').catch(() => undefined);
    return anchoredOn === undefined ? { ok: true } : { ok: true, anchoredOn };
  } catch (err) {
    if (err instanceof MailFailure) return { ok: false, kind: err.kind, detail: err.message };
    return { ok: false, kind: 'connect', detail: err instanceof Error ? err.message : String(err) };
  } finally {
    secureSocket?.destroy();
    tcp?.destroy();
  }
}
