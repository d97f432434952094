/**
 * A scripted IOS-like CLI over real SSH (an ssh2 server with a shell), for what the lab router will not do on
 * demand: cut its output into chosen packets, print a stale prompt between commands, ask an unexpected question.
 * Like IOS it reads typed-ahead input only when it wants the next line (or key), and echoes it then.
 */
import ssh2 from 'ssh2';
import type { AddressInfo } from 'node:net';
import type { ServerChannel } from 'ssh2';
import { ed25519KeyPair } from '../helpers/ssh-keys.js';
import { IOS_XE_CLI } from '../../src/device/index.js';
import { sha256Fingerprint } from '../../src/transport/ssh-cli/index.js';
import type { IosXeSessionOptions } from '../../src/transport/ssh-cli/index.js';

export const CLI_USER = { username: 'admin', password: 'Scripted-Secret-1' };

export interface CliIo {
  /** One write, so (on loopback) one packet the client reads on its own. */
  write(text: string): void;
  /** The next whole input line, echoed as IOS does. */
  readLine(): Promise<string>;
  /** One key press (as `[confirm]` reads it), not echoed. */
  readKey(): Promise<string>;
  /** Lets the client read what was written so far before the next write (a packet boundary it will see). */
  settle(): Promise<void>;
  mode: 'exec' | 'config';
}

export interface CliScript {
  readonly hostname?: string;
  /** Pieces written before the first prompt, one write each. */
  readonly banner?: readonly string[];
  /** Output of a command line (not a `!` comment); returning false prints the invalid-input error. */
  onCommand(line: string, io: CliIo): Promise<boolean | void> | boolean | void;
  /** Called after each prompt is written. */
  afterPrompt?(io: CliIo, line: string): void;
}

export interface ScriptedCli {
  readonly port: number;
  readonly hostKeyFingerprint: string;
  /** Every line the client sent, in order. */
  readonly lines: string[];
  options(overrides?: Partial<IosXeSessionOptions>): IosXeSessionOptions;
  close(): Promise<void>;
}

const hostKey = ed25519KeyPair();

/** Long enough for the client to take a written packet on its own under load, the only wait in the script. */
const SETTLE_MS = 30;

export async function startScriptedCli(script: CliScript): Promise<ScriptedCli> {
  const hostname = script.hostname ?? 'R1';
  const lines: string[] = [];
  const connections = new Set<ssh2.Connection>();

  const serve = async (channel: ServerChannel): Promise<void> => {
    let input = '';
    let wake: (() => void) | undefined;
    let closed = false;
    channel.on('data', (chunk: Buffer) => {
      input += chunk.toString('utf8');
      wake?.();
    });
    channel.on('close', () => {
      closed = true;
      wake?.();
    });
    const more = async (): Promise<void> => {
      if (closed) throw new Error('closed');
      await new Promise<void>((resolve) => (wake = resolve));
      if (closed) throw new Error('closed');
    };
    const io: CliIo = {
      mode: 'exec',
      write: (text) => {
        if (!closed) channel.write(text);
      },
      readLine: async () => {
        for (;;) {
          const nl = input.search(/\r?\n|\r/);
          if (nl >= 0) {
            const line = input.slice(0, nl);
            input = input.slice(nl).replace(/^(\r\n|\n|\r)/, '');
            io.write(`${line}\r\n`);
            return line;
          }
          await more();
        }
      },
      readKey: async () => {
        while (input === '') await more();
        const key = input[0] as string;
        input = input.slice(1);
        return key;
      },
      settle: () => new Promise((resolve) => setTimeout(resolve, SETTLE_MS)),
    };
    const prompt = (): string => (io.mode === 'exec' ? `${hostname}#` : `${hostname}(config)#`);
    for (const piece of script.banner ?? []) {
      io.write(piece);
      await io.settle();
    }
    io.write(prompt());
    try {
      for (;;) {
        const line = await io.readLine();
        lines.push(line);
        const trimmed = line.trim();
        if (trimmed === 'exit') {
          channel.close();
          return;
        }
        if (trimmed === 'end') io.mode = 'exec';
        else if (trimmed !== '' && !trimmed.startsWith('!') && !trimmed.startsWith('terminal ')) {
          if ((await script.onCommand(trimmed, io)) === false) io.write(`${' '.repeat(prompt().length)}^\r\n% Invalid input detected at '^' marker.\r\n\r\n`);
        }
        io.write(prompt());
        script.afterPrompt?.(io, trimmed);
      }
    } catch {
      // The client left.
    }
  };

  const server = new ssh2.Server({ hostKeys: [hostKey.private] }, (connection) => {
    connections.add(connection);
    connection.on('close', () => connections.delete(connection));
    connection.on('error', () => undefined);
    connection.on('authentication', (ctx) => {
      if (ctx.method === 'password' && ctx.username === CLI_USER.username && ctx.password === CLI_USER.password) ctx.accept();
      else ctx.reject(['password']);
    });
    connection.on('ready', () => {
      connection.on('session', (accept) => {
        const session = accept();
        session.on('pty', (acceptPty) => acceptPty());
        session.on('shell', (acceptShell) => void serve(acceptShell()));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const hostKeyFingerprint = sha256Fingerprint(Buffer.from(hostKey.public.split(' ')[1] ?? '', 'base64'));
  return {
    port,
    hostKeyFingerprint,
    lines,
    options: (overrides = {}) => ({
      device: 'scripted-r1',
      host: '127.0.0.1',
      port,
      credentials: CLI_USER,
      hostKey: { mode: 'pinned', fingerprints: [hostKeyFingerprint] },
      commandTimeoutMs: 10_000,
      connectTimeoutMs: 5_000,
      ...overrides,
      platform: overrides.platform ?? IOS_XE_CLI,
    }),
    close: async () => {
      for (const c of connections) c.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
