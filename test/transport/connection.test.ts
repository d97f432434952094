import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { ed25519KeyPair } from '../helpers/ssh-keys.js';
import { LabRouter } from '../../src/lab/router/index.js';
import { pkiFeature } from '../../src/lab/router/pki/index.js';
import {
  AuthenticationError,
  ConnectError,
  ConnectionClosedError,
  DeviceTimeoutError,
  HostKeyMismatchError,
  HostKeyUnknownError,
  IosXeSession,
} from '../../src/transport/ssh-cli/index.js';
import { optionsFor, startLab, tempDir } from './lab.js';

/** A TCP relay in front of the lab that counts connections, to prove a failed login is not retried. */
async function countingRelay(target: LabRouter): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let count = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    count++;
    const upstream = net.connect(target.port, target.host);
    sockets.add(socket).add(upstream);
    socket.pipe(upstream).pipe(socket);
    const end = (): void => {
      socket.destroy();
      upstream.destroy();
    };
    socket.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as net.AddressInfo;
  return {
    port: address.port,
    connections: () => count,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('connecting: host keys and authentication', () => {
  let router: LabRouter;
  let other: LabRouter;
  beforeAll(async () => {
    router = await startLab('R1');
    other = await startLab('R2');
  });
  afterAll(async () => {
    await router.stop();
    await other.stop();
  });

  it('refuses a host key that does not match the pin, naming the host and both fingerprints', async () => {
    const error = await IosXeSession.open(optionsFor(router, { hostKey: { mode: 'pinned', fingerprints: [other.hostKeyFingerprint] } })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(HostKeyMismatchError);
    const message = (error as Error).message;
    expect(message).toContain(`${router.host}:${router.port}`);
    expect(message).toContain(router.hostKeyFingerprint);
    expect(message).toContain(other.hostKeyFingerprint);
  });

  it('refuses an unknown host key unless trust on first use is asked for, and then records it', async () => {
    const knownHosts = join(tempDir(), 'known_hosts');
    await expect(IosXeSession.open(optionsFor(router, { hostKey: { mode: 'strict', knownHosts: knownHosts } }))).rejects.toBeInstanceOf(HostKeyUnknownError);

    const first = await IosXeSession.open(optionsFor(router, { hostKey: { mode: 'tofu', knownHosts: knownHosts } }));
    expect(first.hostKeyFirstUse).toBe(true);
    await first.close();
    expect(readFileSync(knownHosts, 'utf8')).toMatch(/^\|1\|\S+ ssh-\S+ \S+\n$/);

    const second = await IosXeSession.open(optionsFor(router, { hostKey: { mode: 'strict', knownHosts: knownHosts } }));
    expect(second.hostKeyFirstUse).toBe(false);
    expect(second.hostKeyFingerprint).toBe(router.hostKeyFingerprint);
    await second.close();
  });

  it('refuses a key that differs from known_hosts even when trust on first use is allowed', async () => {
    const knownHosts = join(tempDir(), 'known_hosts');
    writeFileSync(knownHosts, `[${router.host}]:${router.port} ${other.hostPublicKey}\n`);
    const error = await IosXeSession.open(optionsFor(router, { hostKey: { mode: 'tofu', knownHosts: knownHosts } })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostKeyMismatchError);
    expect((error as HostKeyMismatchError).expected).toEqual([other.hostKeyFingerprint]);
  });

  it('reports a wrong password once, without retrying and without showing it', async () => {
    const relay = await countingRelay(router);
    try {
      const error = await IosXeSession.open(optionsFor(router, { port: relay.port, credentials: { username: 'admin', password: 'Wrong-Pa55' } })).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AuthenticationError);
      expect((error as AuthenticationError).methods).toEqual(['password']);
      expect((error as Error).message).not.toContain('Wrong-Pa55');
      expect(relay.connections()).toBe(1);
    } finally {
      await relay.close();
    }
  });

  it('logs in with a private key', async () => {
    const pair = ed25519KeyPair();
    const keyed = await LabRouter.start({ hostname: 'R3', users: [{ username: 'robot', publicKeys: [pair.public], privilege: 15 }], features: [pkiFeature] });
    try {
      const session = await IosXeSession.open(optionsFor(keyed, { credentials: { username: 'robot', privateKey: pair.private } }));
      expect(session.hostname).toBe('R3');
      await session.close();
    } finally {
      await keyed.stop();
    }
  });

  it('fails with ConnectError when the device closes the TCP connection (vty ACL)', async () => {
    router.setFaults({ refuseConnections: true });
    try {
      await expect(IosXeSession.open(optionsFor(router))).rejects.toBeInstanceOf(ConnectError);
    } finally {
      router.setFaults({});
    }
  });
});

describe('faults during a session', () => {
  let router: LabRouter;
  beforeAll(async () => {
    router = await startLab('R1');
  });
  afterAll(async () => {
    await router.stop();
  });

  it('times out naming the device, the command and what was seen, when the prompt never returns', async () => {
    const session = await IosXeSession.open(optionsFor(router, { commandTimeoutMs: 800 }));
    // The lab makes its self-signed key on the first PKI show (RSA generation takes a random few hundred ms): do that
    // before the fault, so the 800 ms deadline measures the hang, not the key generation.
    await session.send('show crypto pki trustpoints', { timeoutMs: 10_000 });
    router.setFaults({ hangAtCommand: 'show crypto pki trustpoints' });
    try {
      const error = await session.send('show crypto pki trustpoints').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeviceTimeoutError);
      expect(error).toMatchObject({ device: 'lab-r1', command: 'show crypto pki trustpoints', timeoutMs: 800 });
      expect((error as DeviceTimeoutError).lastSeen).toContain('SLA-TrustPoint');
      expect((error as DeviceTimeoutError).lastSeen.length).toBeLessThanOrEqual(200);
      // A late prompt could be taken for the next command's: the session refuses further use.
      await expect(session.send('show clock')).rejects.toThrow(/reopen/);
    } finally {
      router.setFaults({});
      await session.close();
    }
  });

  it('reports a session dropped mid-command as ConnectionClosedError naming the command', async () => {
    const session = await IosXeSession.open(optionsFor(router));
    router.setFaults({ dropAtCommand: 'show running-config' });
    try {
      const error = await session.send('show running-config').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectionClosedError);
      expect(error).toMatchObject({ device: 'lab-r1', command: 'show running-config' });
      await expect(session.send('show clock')).rejects.toBeInstanceOf(ConnectionClosedError);
    } finally {
      router.setFaults({});
      await session.close();
    }
  });

  it('keeps each credential secret in timeout errors', async () => {
    const session = await IosXeSession.open(optionsFor(router, { commandTimeoutMs: 500, secrets: ['Hidden-Value-42'] }));
    router.setFaults({ hangAtCommand: 'event manager environment' });
    try {
      const error = await session.sendConfig(['event manager environment _email_server u:Hidden-Value-42@smtp.example.net']).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeviceTimeoutError);
      expect((error as Error).message).not.toContain('Hidden-Value-42');
    } finally {
      router.setFaults({});
      await session.close();
    }
  });
});
