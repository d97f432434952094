import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import net from 'node:net';
import type { LabRouter } from '../../src/lab/router/index.js';
import { ANY_PROMPT, DIALOG, parseShowCryptoPkiTrustpoints, promptPatterns } from '../../src/device/index.js';
import { Channel, ConnectError, openSshShell, Redactor } from '../../src/transport/ssh-cli/index.js';
import { optionsFor, startLab } from './lab.js';

describe('channel over a raw shell', () => {
  let router: LabRouter;
  beforeAll(async () => {
    router = await startLab('R1');
  });
  afterAll(async () => {
    await router.stop();
  });

  it('continues --More-- pages by itself when paging is still on, and reads until the whole-line prompt', async () => {
    const shell = await openSshShell(optionsFor(router));
    try {
      const channel = new Channel('lab-r1', shell.stream, new Redactor(), undefined, { more: DIALOG.more });
      let raw = '';
      shell.stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
      await channel.readUntil([ANY_PROMPT], { timeoutMs: 5_000, command: '(login)' });
      // The pty is 1000 rows high; a 10-line page makes the router page this output.
      channel.write('terminal length 10\n');
      await channel.readUntil([promptPatterns('R1').exec], { timeoutMs: 5_000, command: 'terminal length 10' });
      channel.write('show crypto pki trustpoints\n');
      const read = await channel.readUntil([promptPatterns('R1').exec], { timeoutMs: 5_000, command: 'show crypto pki trustpoints' });
      expect(read.text.split('\n').length).toBeGreaterThan(12);
      expect(raw).toContain(' --More-- ');
      expect(read.text).not.toContain('--More--');
      expect(parseShowCryptoPkiTrustpoints(read.text).map((t) => t.name)).toContain('SLA-TrustPoint');
    } finally {
      shell.client.end();
    }
  });

  it('refuses overlapping reads', async () => {
    const shell = await openSshShell(optionsFor(router));
    try {
      const channel = new Channel('lab-r1', shell.stream, new Redactor());
      const first = channel.readUntil([ANY_PROMPT], { timeoutMs: 5_000, command: '(login)' });
      expect(() => channel.readUntil([ANY_PROMPT], { timeoutMs: 5_000, command: 'again' })).toThrow(/overlap/);
      await first;
    } finally {
      shell.client.end();
    }
  });

  it('gives up on a server that never speaks SSH within the connect timeout', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as net.AddressInfo).port;
      const error = await openSshShell(optionsFor(router, { port, connectTimeoutMs: 300 })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectError);
      expect((error as Error).message).toContain('300 ms');
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
