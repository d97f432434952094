/** The file device locks: one holder per router, the holder named in the refusal, stale locks of dead processes
 * taken over, other machines' locks respected, and release giving back only one's own lock. */
import { afterEach, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir, uptime } from 'node:os';
import { join } from 'node:path';
import { FileDeviceLocks, busyMessage, defaultLockDir } from '../../src/fleet/locks/index.js';
import type { LockHolder } from '../../src/fleet/locks/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function folder(): string {
  const d = mkdtempSync(join(tmpdir(), 'certagent-locks-'));
  dirs.push(d);
  return d;
}

const holder = (runId: string, pid = process.pid, host = hostname()): LockHolder => ({
  runId,
  command: 'rollout',
  pid,
  hostname: host,
  startedAt: '2026-12-06T08:00:00.000Z',
});

/** A PID that surely belonged to a process that has ended. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('FileDeviceLocks', () => {
  it('gives a router to one holder; the other learns who has it, and gets it once released', async () => {
    const dir = folder();
    const a = new FileDeviceLocks(dir);
    const b = new FileDeviceLocks(dir);
    const first = await a.acquire('127.0.0.1:22', holder('run-a'));
    expect(first.acquired).toBe(true);
    const second = await b.acquire('127.0.0.1:22', holder('run-b'));
    expect(second).toMatchObject({ acquired: false, holder: holder('run-a') });
    if (second.acquired) throw new Error('unreachable');
    expect(busyMessage('r1', '127.0.0.1:22', second)).toBe(
      `r1: device busy: run run-a (rollout) started at 2026-12-06T08:00:00.000Z by ${process.pid}/${hostname()} holds 127.0.0.1:22; nothing was sent: wait for that run to end (or stop it), then run again`,
    );
    expect(await b.describe('127.0.0.1:22')).toEqual(holder('run-a'));
    expect((await b.acquire('127.0.0.1:23', holder('run-b'))).acquired).toBe(true);
    if (first.acquired) await first.lock.release();
    expect(await b.describe('127.0.0.1:22')).toBeUndefined();
    expect((await b.acquire('127.0.0.1:22', holder('run-b'))).acquired).toBe(true);
  });

  it('takes over the lock of a process that died on this machine (kill -9), not that of another machine', async () => {
    const dir = folder();
    const locks = new FileDeviceLocks(dir);
    const dead = deadPid();
    const gone = await locks.acquire('[::1]:830', holder('crashed', dead));
    expect(gone.acquired).toBe(true);
    expect((await locks.acquire('[::1]:830', holder('next'))).acquired).toBe(true);
    expect(await locks.describe('[::1]:830')).toEqual(holder('next'));
    expect(readdirSync(dir).filter((n) => n.includes('stale'))).toEqual([]);

    await locks.acquire('r9.example:22', holder('elsewhere', dead, 'another-host'));
    expect(await locks.acquire('r9.example:22', holder('next'))).toMatchObject({ acquired: false, holder: { runId: 'elsewhere', hostname: 'another-host' } });
  });

  it('takes over a lock file written before the machine last booted, even an empty one or one naming a live PID', async () => {
    const dir = folder();
    const locks = new FileDeviceLocks(dir);
    const beforeBoot = (Date.now() - uptime() * 1000 - 3_600_000) / 1000;
    // A power loss can leave the file empty; after the reboot its PID may belong to an unrelated live process.
    writeFileSync(join(dir, '10%2E0%2E0%2E3%3A22.lock'), '');
    writeFileSync(join(dir, '10%2E0%2E0%2E4%3A22.lock'), JSON.stringify(holder('before-reboot', process.pid)));
    for (const name of readdirSync(dir)) utimesSync(join(dir, name), beforeBoot, beforeBoot);
    expect((await locks.acquire('10.0.0.3:22', holder('now'))).acquired).toBe(true);
    expect((await locks.acquire('10.0.0.4:22', holder('now'))).acquired).toBe(true);
    expect(await locks.describe('10.0.0.4:22')).toEqual(holder('now'));
    // The same files written since the boot still count as held.
    writeFileSync(join(dir, '10%2E0%2E0%2E5%3A22.lock'), JSON.stringify(holder('live', process.pid)));
    expect(await locks.acquire('10.0.0.5:22', holder('now'))).toMatchObject({ acquired: false, holder: { runId: 'live' } });
  });

  it('does not release a lock that another run took over meanwhile', async () => {
    const dir = folder();
    const locks = new FileDeviceLocks(dir);
    const mine = await locks.acquire('10.0.0.1:22', holder('mine'));
    if (!mine.acquired) throw new Error('not acquired');
    const [file] = readdirSync(dir);
    writeFileSync(join(dir, file ?? ''), JSON.stringify(holder('theirs')));
    await mine.lock.release();
    expect(await locks.describe('10.0.0.1:22')).toEqual(holder('theirs'));
  });

  it('refuses with the reason when the folder cannot be made, and an unreadable lock counts as held', async () => {
    const dir = folder();
    writeFileSync(join(dir, 'file'), '');
    const attempt = await new FileDeviceLocks(join(dir, 'file', 'locks')).acquire('10.0.0.1:22', holder('x'));
    expect(attempt).toMatchObject({ acquired: false, holder: undefined });
    if (attempt.acquired) throw new Error('unreachable');
    expect(busyMessage('r1', '10.0.0.1:22', attempt)).toMatch(
      /^r1: cannot lock 10\.0\.0\.1:22: the lock folder .* cannot be created \(ENOTDIR; set CERTAGENT_LOCK_DIR to a writable folder\); nothing was sent$/,
    );

    const locks = new FileDeviceLocks(dir);
    writeFileSync(join(dir, '10%2E0%2E0%2E2%3A22.lock'), '');
    expect(await locks.acquire('10.0.0.2:22', holder('x'))).toMatchObject({ acquired: false, holder: undefined });
  });

  it('shares one folder per user by default; CERTAGENT_LOCK_DIR overrides it', () => {
    expect(defaultLockDir({ CERTAGENT_LOCK_DIR: '/srv/locks' })).toBe('/srv/locks');
    expect(defaultLockDir({ XDG_RUNTIME_DIR: '/run/user/1000' })).toMatch(/^\/run\/user\/1000\/certagent-\d+\/locks$/);
  });
});
