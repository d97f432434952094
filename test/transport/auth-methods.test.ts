import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ssh2 from 'ssh2';
import { ed25519KeyPair } from '../helpers/ssh-keys.js';
import type { AddressInfo } from 'node:net';
import { IOS_XE_CLI } from '../../src/device/index.js';
import { IosXeSession, sha256Fingerprint } from '../../src/transport/ssh-cli/index.js';

/**
 * IOS with AAA commonly offers only keyboard-interactive. The lab router offers password and publickey,
 * so this small ssh2 server (real SSH) offers keyboard-interactive only, with an IOS-like prompt and echo.
 */
describe('keyboard-interactive authentication', () => {
  const hostKey = ed25519KeyPair();
  const fingerprint = sha256Fingerprint(Buffer.from(hostKey.public.split(' ')[1] ?? '', 'base64'));
  const methodsSeen: string[] = [];
  let server: ssh2.Server;
  let port = 0;

  beforeAll(async () => {
    server = new ssh2.Server({ hostKeys: [hostKey.private] }, (client) => {
      client.on('authentication', (ctx) => {
        methodsSeen.push(ctx.method);
        if (ctx.method !== 'keyboard-interactive') {
          ctx.reject(['keyboard-interactive']);
          return;
        }
        ctx.prompt([{ prompt: 'Password: ', echo: false }], (answers) => (answers[0] === 'Kbd-Secret' ? ctx.accept() : ctx.reject()));
      });
      client.on('ready', () => {
        client.on('session', (accept) => {
          const session = accept();
          session.on('pty', (ok) => ok?.());
          session.on('shell', (ok) => {
            const stream = ok();
            stream.write('\r\nAAA-R9#');
            let line = '';
            stream.on('data', (chunk: Buffer) => {
              for (const ch of chunk.toString('utf8')) {
                if (ch === '\n' || ch === '\r') {
                  stream.write(`${line}\r\nAAA-R9#`);
                  if (line === 'exit') stream.close();
                  line = '';
                } else line += ch;
              }
            });
          });
        });
      });
      client.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('answers the password prompt when the server offers only keyboard-interactive', async () => {
    const session = await IosXeSession.open({
      device: 'aaa-r9',
      platform: IOS_XE_CLI,
      host: '127.0.0.1',
      port,
      credentials: { username: 'netops', password: 'Kbd-Secret' },
      hostKey: { mode: 'pinned', fingerprints: [fingerprint] },
      commandTimeoutMs: 3_000,
    });
    expect(session.hostname).toBe('AAA-R9');
    expect(methodsSeen).toContain('keyboard-interactive');
    expect(methodsSeen).not.toContain('password');
    await session.close();
  });
});
