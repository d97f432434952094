import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import net from 'node:net';
import { LabRouter, NO_FAULTS } from '../../../src/lab/router/index.js';
import { TestShell } from './shell.js';

let router: LabRouter;

beforeAll(async () => {
  router = await LabRouter.start({ hostname: 'F1', users: [{ username: 'admin', password: 'cisco123', privilege: 15 }] });
});

afterAll(async () => {
  await router.stop();
});

async function shell(): Promise<TestShell> {
  const s = await TestShell.connect(router);
  await s.expect(/F1#$/);
  await s.command('terminal length 0');
  return s;
}

describe('faults', () => {
  test('command latency delays the output, line latency each line', async () => {
    const s = await shell();
    router.setFaults({ commandLatencyMs: 300 });
    let started = Date.now();
    await s.command('show privilege');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    router.setFaults({ lineLatencyMs: 20 });
    started = Date.now();
    await s.command('show version', /F1#$/, 10000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(60 * 20);
    router.setFaults(NO_FAULTS);
    s.close();
  });

  test('refused connections close TCP before the SSH banner', async () => {
    router.setFaults({ refuseConnections: true });
    const received = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(router.port, router.host);
      let data = '';
      socket.on('data', (d) => (data += d.toString()));
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
    });
    expect(received).toBe('');
    router.setFaults(NO_FAULTS);
    const ok = await shell();
    ok.close();
  });

  test('rejected passwords: even the right one fails', async () => {
    router.setFaults({ rejectPasswords: true });
    await expect(TestShell.connect(router)).rejects.toThrow(/authentication methods failed/);
    router.setFaults(NO_FAULTS);
  });

  test('drop at a command closes the session when the line is entered', async () => {
    const s = await shell();
    router.setFaults({ dropAtCommand: 'show clock' });
    s.send('show clock\r');
    await s.waitClosed();
    expect(s.text).not.toContain('UTC');
    router.setFaults(NO_FAULTS);
  });

  test('drop after N bytes of output', async () => {
    const s = await shell();
    router.setFaults({ dropAfterBytes: 500 });
    s.send('show version\r');
    await s.waitClosed();
    expect(s.text.length).toBeLessThan(600);
    expect(s.text).toContain('Cisco IOS XE Software');
    router.setFaults(NO_FAULTS);
  });

  test('hang at a command: output but never the prompt again', async () => {
    const s = await shell();
    router.setFaults({ hangAtCommand: 'show privilege' });
    s.send('show privilege\r');
    await s.expect(/Current privilege level is 15\r\n$/);
    s.send('\r');
    await expect(s.expect(/F1#/, 500)).rejects.toThrow(/timed out after 500 ms/);
    router.setFaults(NO_FAULTS);
    s.close();
  });

  test('write memory fails with the NVRAM error', async () => {
    const s = await shell();
    router.setFaults({ failWriteMemory: true });
    expect(await s.command('write memory')).toBe(
      'write memory\r\nBuilding configuration...\r\n%Error opening nvram:startup-config (No space left on device)\r\nF1#',
    );
    router.setFaults(NO_FAULTS);
    expect(await s.command('show startup-config')).toContain('startup-config is not present');
    s.close();
  });
});
