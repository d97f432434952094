/**
 * Old and new SSH stacks: a lab router playing IOS XE 16.9 offers only SHA-1 key exchange and an ssh-rsa host key;
 * certagent reaches it with its default offer (modern first, legacy appended) and says the connection was weak, reaches
 * a 17.x profile with modern algorithms and no warning, and an `ssh_algorithms` override is what is offered.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ssh2 from 'ssh2';
import { LabRouter } from '../../../src/lab/router/index.js';
import { pkiFeature } from '../../../src/lab/router/pki/index.js';
import { IosXeSession } from '../../../src/transport/ssh-cli/index.js';
import { ConnectError, connectSsh, offeredAlgorithms, weakAlgorithmWarning } from '../../../src/transport/ssh/index.js';
import { ADMIN, optionsFor } from '../lab.js';

describe('SSH algorithms against IOS XE 16.9 and 17 profiles', () => {
  let old: LabRouter;
  let modern: LabRouter;
  beforeAll(async () => {
    [old, modern] = await Promise.all([
      LabRouter.start({ hostname: 'R169', users: [{ ...ADMIN, privilege: 15 }], features: [pkiFeature], profile: 'iosxe-16.9' }),
      LabRouter.start({ hostname: 'R17', users: [{ ...ADMIN, privilege: 15 }], features: [pkiFeature] }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([old.stop(), modern.stop()]);
  });

  it('the 16.9 router refuses a client that offers only modern algorithms (ssh2 defaults)', async () => {
    const client = new ssh2.Client();
    const failed = new Promise<string>((resolve) => {
      client.on('error', (err) => resolve(err.message));
      client.on('ready', () => resolve('connected'));
    });
    client.connect({ host: old.host, port: old.port, username: ADMIN.username, password: ADMIN.password, readyTimeout: 5_000 });
    expect(await failed).toMatch(/no matching/i);
    client.end();
  });

  it('certagent reaches the 16.9 router with SHA-1 and an ssh-rsa key, warns, and reads its 16.9 show version', async () => {
    expect(old.hostPublicKey).toMatch(/^ssh-rsa /);
    const session = await IosXeSession.open(optionsFor(old, { hostKey: { mode: 'pinned', fingerprints: [old.hostKeyFingerprint] } }));
    try {
      expect(session.sshWarning).toMatch(/^SSH reached only with SHA-1 key exchange diffie-hellman-group14-sha1 and an ssh-rsa \(SHA-1 signed\) host key/);
      const version = await session.send('show version');
      expect(version).toContain('Cisco IOS XE Software, Version 16.09.03');
      expect(version).toMatch(/^R169 uptime is /m);
    } finally {
      await session.close();
    }
  });

  it('certagent negotiates modern algorithms with the 17.x router and has nothing to warn about', async () => {
    const { client, negotiated } = await connectSsh(optionsFor(modern));
    client.end();
    expect(negotiated?.kex).toMatch(/^curve25519-sha256/);
    expect(weakAlgorithmWarning(negotiated)).toBeUndefined();
  });

  it('offers exactly an ssh_algorithms override, which here leaves nothing in common with 16.9', async () => {
    expect(offeredAlgorithms({ kex: ['curve25519-sha256'] }).kex).toEqual(['curve25519-sha256']);
    const err = await connectSsh(optionsFor(old, { algorithms: { kex: ['curve25519-sha256'] } })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as Error).message).toMatch(/no matching key exchange/i);
    const { client, negotiated } = await connectSsh(optionsFor(old, { algorithms: { kex: ['diffie-hellman-group14-sha1'], cipher: ['aes256-cbc'] } }));
    client.end();
    expect(negotiated).toMatchObject({ kex: 'diffie-hellman-group14-sha1', cipher: 'aes256-cbc', serverHostKey: 'ssh-rsa' });
  });
});
