/**
 * A deliberately small SMTP client for the mail server's tests: it sends one line and waits for the complete
 * reply (multi-line `250-` aware) with a deadline, over plain TCP and, after STARTTLS, over TLS. It records the
 * certificate chain the server presented so tests can see which chain is served.
 */
import net from 'node:net';
import tls from 'node:tls';
import { X509Certificate } from 'node:crypto';

export interface SmtpReply {
  readonly code: number;
  readonly text: string;
}

export class SmtpLineClient {
  private buffer = '';
  private pending: string[] = [];
  private waiter: (() => void) | undefined;
  private socket: net.Socket;
  /** Leaf first, as sent by the server (after `startTls`). */
  servedChain: X509Certificate[] = [];
  cipher: string | undefined;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    this.attach(socket);
  }

  static connect(port: number, host = '127.0.0.1', timeoutMs = 5000): Promise<SmtpLineClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      const timer = setTimeout(() => reject(new Error(`SMTP test client: connect to ${host}:${port} timed out`)), timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(new SmtpLineClient(socket));
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  private attach(stream: net.Socket): void {
    stream.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString('utf8');
      let newline: number;
      while ((newline = this.buffer.indexOf('\n')) !== -1) {
        this.pending.push(this.buffer.slice(0, newline).replace(/\r$/, ''));
        this.buffer = this.buffer.slice(newline + 1);
      }
      this.waiter?.();
    });
  }

  /** The next complete reply. */
  reply(timeoutMs = 5000): Promise<SmtpReply> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new Error(`SMTP test client: no complete reply within ${timeoutMs} ms; have: ${JSON.stringify(this.pending)}`));
      }, timeoutMs);
      const check = (): void => {
        const end = this.pending.findIndex((l) => !/^\d{3}-/.test(l));
        if (end === -1) return;
        const lines = this.pending.splice(0, end + 1);
        clearTimeout(timer);
        this.waiter = undefined;
        resolve({ code: Number.parseInt(lines[0]?.slice(0, 3) ?? '0', 10), text: lines.join('\n') });
      };
      this.waiter = check;
      check();
    });
  }

  async command(line: string, timeoutMs = 5000): Promise<SmtpReply> {
    this.socket.write(`${line}\r\n`);
    return this.reply(timeoutMs);
  }

  /** Sends STARTTLS and upgrades; accepts any chain (the test inspects `servedChain`). */
  async startTls(timeoutMs = 5000): Promise<SmtpReply> {
    const reply = await this.command('STARTTLS', timeoutMs);
    if (reply.code !== 220) return reply;
    const plain = this.socket;
    plain.removeAllListeners('data');
    const secure = await new Promise<tls.TLSSocket>((resolve, reject) => {
      const s = tls.connect({ socket: plain, rejectUnauthorized: false });
      const timer = setTimeout(() => reject(new Error('SMTP test client: TLS handshake timed out')), timeoutMs);
      s.once('secureConnect', () => {
        clearTimeout(timer);
        resolve(s);
      });
      s.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    const chain: X509Certificate[] = [];
    let cert: tls.DetailedPeerCertificate | undefined = secure.getPeerCertificate(true);
    const seen = new Set<string>();
    while (cert?.raw && !seen.has(cert.fingerprint256)) {
      seen.add(cert.fingerprint256);
      chain.push(new X509Certificate(cert.raw));
      cert = cert.issuerCertificate;
    }
    this.servedChain = chain;
    this.cipher = secure.getCipher().name;
    this.socket = secure;
    this.attach(secure);
    return reply;
  }

  close(): void {
    this.socket.destroy();
  }
}
