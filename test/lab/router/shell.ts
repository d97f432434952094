/** Test helper: an ssh2 client shell on a lab router, read by pattern with deadlines (no sleeps). */
import ssh2 from 'ssh2';
import type { ClientChannel } from 'ssh2';
import type { LabRouter } from '../../../src/lab/router/index.js';

export interface ShellOptions {
  readonly username?: string;
  readonly password?: string;
  readonly privateKey?: string;
  /** Log in by keyboard-interactive, answering every prompt with this. */
  readonly keyboardInteractive?: string;
}

export class TestShell {
  private buffer = '';
  private closed = false;
  private listeners = new Set<() => void>();

  private constructor(
    private readonly client: ssh2.Client,
    private readonly channel: ClientChannel,
    private readonly name: string,
  ) {
    channel.on('data', (data: Buffer) => {
      this.buffer += data.toString('utf8');
      for (const l of this.listeners) l();
    });
    channel.on('close', () => {
      this.closed = true;
      for (const l of this.listeners) l();
    });
  }

  static connect(router: LabRouter, options: ShellOptions = {}): Promise<TestShell> {
    const client = new ssh2.Client();
    return new Promise((resolve, reject) => {
      client.on('error', reject);
      client.on('ready', () => {
        client.shell({ term: 'vt100', rows: 24, cols: 80 }, (error, channel) => {
          if (error) reject(error);
          else resolve(new TestShell(client, channel, `${router.state.hostname}:${router.port}`));
        });
      });
      const answer = options.keyboardInteractive;
      if (answer !== undefined) {
        client.on('keyboard-interactive', (_name, _instructions, _lang, prompts, finish) => finish(prompts.map(() => answer)));
      }
      client.connect({
        host: router.host,
        port: router.port,
        username: options.username ?? 'admin',
        password: options.privateKey || answer !== undefined ? undefined : (options.password ?? 'cisco123'),
        privateKey: options.privateKey,
        tryKeyboard: answer !== undefined,
        readyTimeout: 5000,
      });
    });
  }

  get text(): string {
    return this.buffer;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  send(data: string): void {
    this.channel.write(data);
  }

  /** Waits until everything received so far matches `pattern`; returns the text and clears it. */
  async expect(pattern: RegExp, timeoutMs = 5000): Promise<string> {
    await this.until(() => pattern.test(this.buffer), `${String(pattern)}`, timeoutMs);
    const text = this.buffer;
    this.buffer = '';
    return text;
  }

  /** Sends `line` + CR and returns what came back up to the next prompt ending in `#` or `>`. */
  async command(line: string, prompt = /[>#] ?$/, timeoutMs = 5000): Promise<string> {
    this.send(`${line}\r`);
    return this.expect(new RegExp(`${escape(line.slice(-20))}[\\s\\S]*${prompt.source}`), timeoutMs);
  }

  waitClosed(timeoutMs = 5000): Promise<void> {
    return this.until(() => this.closed, 'the session to close', timeoutMs);
  }

  close(): void {
    this.client.end();
  }

  private until(done: () => boolean, what: string, timeoutMs: number): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (done()) {
          clearTimeout(timer);
          this.listeners.delete(check);
          resolve();
        } else if (this.closed) {
          clearTimeout(timer);
          this.listeners.delete(check);
          reject(new Error(`${this.name}: session closed while waiting for ${what}; received:\n${JSON.stringify(this.buffer)}`));
        }
      };
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(new Error(`${this.name}: timed out after ${timeoutMs} ms waiting for ${what}; received:\n${JSON.stringify(this.buffer)}`));
      }, timeoutMs);
      this.listeners.add(check);
    });
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
