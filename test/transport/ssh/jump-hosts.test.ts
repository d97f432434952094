/**
 * Jump hosts against REAL OpenSSH servers (Debian's sshd, started here on loopback with their own config and keys):
 * a two-hop chain to a lab router for the CLI and NETCONF, one shared connection per jump host, the jump host's key
 * checked before anything else, forwarding refused, a device the jump host cannot reach, a refused login not tried
 * again, the per-jump-host cap, and a jump host that dies under a session and comes back.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { LabRouter } from '../../../src/lab/router/index.js';
import { pkiFeature } from '../../../src/lab/router/pki/index.js';
import { NetconfClient } from '../../../src/transport/netconf/index.js';
import { ConnectionClosedError, IosXeSession } from '../../../src/transport/ssh-cli/index.js';
import { AuthenticationError, ConnectError, ForwardingRefusedError, HostKeyMismatchError, JumpPool } from '../../../src/transport/ssh/index.js';
import type { JumpHop } from '../../../src/transport/ssh/index.js';
import { isTransient } from '../../../src/workflow/index.js';
import { startOpenSsh } from '../../helpers/openssh.js';
import { until } from '../../helpers/until.js';
import type { OpenSsh } from '../../helpers/openssh.js';
import { ADMIN, optionsFor, startLab } from '../lab.js';

function hop(sshd: OpenSsh, overrides: Partial<JumpHop> = {}): JumpHop {
  return {
    name: `${sshd.username}@${sshd.host}:${sshd.port}`,
    host: sshd.host,
    port: sshd.port,
    credentials: { username: sshd.username, privateKey: readFileSync(sshd.clientKeyFile) },
    hostKey: { mode: 'pinned', fingerprints: [sshd.hostKeyFingerprint] },
    ...overrides,
  };
}

function count(sshd: OpenSsh, what: RegExp): number {
  return (sshd.log().match(what) ?? []).length;
}

/** Accepted logins sshd logged (LogLevel VERBOSE): one per SSH connection made to it. */
function logins(sshd: OpenSsh): number {
  return count(sshd, /Accepted publickey/g);
}

describe('jump hosts: real OpenSSH in front of lab routers', () => {
  let first: OpenSsh;
  let second: OpenSsh;
  let router: LabRouter;
  beforeAll(async () => {
    [first, second, router] = await Promise.all([startOpenSsh(), startOpenSsh(), startLab('R1')]);
  });
  afterAll(async () => {
    await Promise.all([first.stop(), second.stop(), router.stop()]);
  });

  it('reaches a router through a two-hop chain, sharing one connection per jump host between sessions', async () => {
    const pool = new JumpPool();
    const jump = { hops: [hop(first), hop(second)], pool };
    const before = [logins(first), logins(second)];
    const a = await IosXeSession.open(optionsFor(router, { jump }));
    const b = await IosXeSession.open(optionsFor(router, { jump }));
    try {
      expect(await a.send('show clock')).toMatch(/\d\d:\d\d:\d\d/);
      expect(await b.send('show version')).toMatch(/Cisco IOS XE Software/);
      expect(pool.inUse(jump.hops, 1)).toBe(2);
      // Two device sessions, one login on each jump host; the second hop's login came through the first.
      expect([logins(first), logins(second)]).toEqual([before[0]! + 1, before[1]! + 1]);
      expect(second.log()).toMatch(/Accepted publickey for \S+ from 127\.0\.0\.1/);
    } finally {
      await a.close();
      await b.close();
      pool.close();
    }
    expect(pool.inUse(jump.hops, 1)).toBe(0);
  });

  it('takes NETCONF through the same jump hosts', async () => {
    const nc = await LabRouter.start({ hostname: 'N1', users: [{ ...ADMIN, privilege: 15 }], features: [pkiFeature], netconfPort: 0 });
    const pool = new JumpPool();
    try {
      const client = await NetconfClient.connect({
        device: 'N1',
        host: nc.host,
        port: nc.netconfPort as number,
        credentials: ADMIN,
        hostKey: { mode: 'pinned', fingerprints: [nc.hostKeyFingerprint] },
        jump: { hops: [hop(first), hop(second)], pool },
      });
      expect(client.sessionId).toBeGreaterThan(0);
      await client.close();
    } finally {
      pool.close();
      await nc.stop();
    }
  });

  it("checks the jump host's key before anything is sent to it, naming the hop", async () => {
    const pool = new JumpPool();
    const accepted = logins(first);
    const err = await IosXeSession.open(
      optionsFor(router, { jump: { hops: [hop(first, { hostKey: { mode: 'pinned', fingerprints: [second.hostKeyFingerprint] } })], pool } }),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostKeyMismatchError);
    expect((err as Error).message).toContain(`jump host ${first.username}@127.0.0.1:${first.port}`);
    expect((err as Error).message).toContain(first.hostKeyFingerprint);
    expect(isTransient(err)).toBe(false);
    // No authentication happened: sshd saw the connection end before the user authentication phase.
    expect(logins(first)).toBe(accepted);
    expect(first.log()).not.toMatch(/Failed publickey/);
    pool.close();
  });

  it('refuses for good at a jump host that rejects the login, trying the key once', async () => {
    const pool = new JumpPool();
    const dir = join(first.dir, 'stranger');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', dir]);
    const stranger = hop(first, { credentials: { username: first.username, privateKey: readFileSync(dir) } });
    const connectionsBefore = count(first, /Connection from/g);
    const failedBefore = count(first, /Failed publickey/g);
    const errors = await Promise.all(
      [1, 2, 3].map((i) => IosXeSession.open(optionsFor(router, { device: `R${i}`, jump: { hops: [stranger], pool } })).catch((e: unknown) => e)),
    );
    const again = await IosXeSession.open(optionsFor(router, { device: 'R4', jump: { hops: [stranger], pool } })).catch((e: unknown) => e);
    for (const [i, err] of [...errors, again].entries()) {
      expect(err).toBeInstanceOf(AuthenticationError);
      expect((err as AuthenticationError).device).toBe(`R${i + 1}`);
      expect((err as Error).message).toMatch(new RegExp(`^R${i + 1}: authentication failed at jump host`));
      expect(isTransient(err)).toBe(false);
    }
    // Four devices, one login attempt at the jump host. sshd may log its refusal a moment after the client saw it.
    await until(
      'sshd log line for the refused key',
      () => count(first, /Failed publickey/g) > failedBefore,
      () => first.log(),
      5_000,
    );
    expect(count(first, /Connection from/g) - connectionsBefore).toBe(1);
    expect(count(first, /Failed publickey/g) - failedBefore).toBe(1);
    pool.close();
    rmSync(dir);
  });

  it('says so when the jump host does not allow forwarding (AllowTcpForwarding no)', async () => {
    const closed = await startOpenSsh({ forwarding: false });
    const pool = new JumpPool();
    try {
      const err = await IosXeSession.open(optionsFor(router, { jump: { hops: [hop(closed)], pool } })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ForwardingRefusedError);
      expect((err as Error).message).toContain(
        `jump host ${closed.username}@127.0.0.1:${closed.port} refused to forward to 127.0.0.1:${router.port} (administratively prohibited`,
      );
      expect((err as ForwardingRefusedError).advice).toMatch(/AllowTcpForwarding yes/);
      expect(isTransient(err)).toBe(false);
    } finally {
      pool.close();
      await closed.stop();
    }
  });

  it('names the jump host that cannot reach the device, and retries that', async () => {
    const pool = new JumpPool();
    const err = await IosXeSession.open(optionsFor(router, { port: first.port === 1 ? 2 : 1, jump: { hops: [hop(first), hop(second)], pool } })).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).hop).toBe(`${second.username}@127.0.0.1:${second.port}`);
    expect((err as Error).message).toMatch(/at jump host .*: the jump host cannot reach the device at 127\.0\.0\.1:\d+: Connection refused/);
    expect(isTransient(err)).toBe(true);
    pool.close();
  });

  it('names an unreachable jump host and retries that', async () => {
    const gone = await startOpenSsh();
    const pool = new JumpPool();
    const hops = [hop(gone)];
    await gone.stop();
    const err = await IosXeSession.open(optionsFor(router, { jump: { hops, pool } })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as Error).message).toMatch(new RegExp(`cannot open an SSH connection at jump host \\S+@127\\.0\\.0\\.1:${gone.port}: .*ECONNREFUSED`));
    expect(isTransient(err)).toBe(true);
    pool.close();
  });

  it('holds at most jump_concurrency device sessions through a jump host', async () => {
    const pool = new JumpPool();
    const jump = { hops: [hop(first, { concurrency: 2 })], pool };
    const a = await IosXeSession.open(optionsFor(router, { jump }));
    const b = await IosXeSession.open(optionsFor(router, { jump }));
    let thirdOpen = false;
    const third = IosXeSession.open(optionsFor(router, { jump })).then((s) => {
      thirdOpen = true;
      return s;
    });
    // The third waits for a place; a round trip on the open sessions gives it every chance to get ahead wrongly.
    await a.send('show clock');
    await b.send('show clock');
    expect(thirdOpen).toBe(false);
    expect(pool.inUse(jump.hops, 0)).toBe(2);
    await a.close();
    const c = await third;
    expect(pool.inUse(jump.hops, 0)).toBe(2);
    await b.close();
    await c.close();
    pool.close();
  });

  it('counts a jump host against one cap in every chain it appears in (direct, and behind another jump host)', async () => {
    const pool = new JumpPool();
    const direct = { hops: [hop(second, { concurrency: 2 })], pool };
    const chained = { hops: [hop(first), hop(second, { concurrency: 2 })], pool };
    const a = await IosXeSession.open(optionsFor(router, { jump: direct }));
    const b = await IosXeSession.open(optionsFor(router, { jump: chained }));
    let thirdOpen = false;
    const third = IosXeSession.open(optionsFor(router, { jump: direct })).then((s) => {
      thirdOpen = true;
      return s;
    });
    // Two paths to the second jump host (two connections to it), one cap: the third session waits for a place.
    await a.send('show clock');
    await b.send('show clock');
    expect(thirdOpen).toBe(false);
    expect([pool.inUse(direct.hops, 0), pool.inUse(chained.hops, 1), pool.inUse(chained.hops, 0)]).toEqual([2, 2, 1]);
    await b.close();
    const c = await third;
    expect(pool.inUse(chained.hops, 1)).toBe(2);
    await a.close();
    await c.close();
    pool.close();
  });

  it('fails the sessions under way when the jump host dies, and connects afresh once it is back', async () => {
    const dying = await startOpenSsh();
    const pool = new JumpPool();
    const jump = { hops: [hop(dying)], pool };
    try {
      const session = await IosXeSession.open(optionsFor(router, { jump }));
      await session.send('show clock');
      await dying.kill();
      const err = await session.send('show clock').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConnectionClosedError);
      await session.close();
      const back = await startOpenSsh({ port: dying.port, dir: dying.dir });
      try {
        const again = await IosXeSession.open(optionsFor(router, { jump }));
        expect(await again.send('show clock')).toMatch(/\d\d:\d\d/);
        await again.close();
        expect(logins(back)).toBe(1);
      } finally {
        await back.kill();
      }
    } finally {
      pool.close();
      await dying.stop();
    }
  });
});
