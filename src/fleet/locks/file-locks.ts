/**
 * Device locks as files in one folder, for every certagent process of a machine: a lock is a file created with
 * O_CREAT|O_EXCL (atomic on local file systems, and it never follows a planted symlink) holding its holder as JSON.
 * A lock whose holder process is gone (same host, PID no longer alive: kill -9, a crash, a reboot) is stale and is
 * taken over: it is renamed away first, so two processes finding the same stale lock cannot both win. A lock file
 * written before the machine last booted is stale too, whatever it holds: its writer is gone.
 *
 * No fsync: a lock excludes live processes, which see the file as soon as it is created; durability would only
 * matter across a power loss, after which the boot-time rule frees the lock anyway. (A synchronous fsync per device
 * also stalled every SSH session of the run: 8 ms per lock on a busy disk, 80 s over 10,000 routers.)
 */
import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname, tmpdir, uptime, userInfo } from 'node:os';
import { join } from 'node:path';
import { makeFolders } from '../../shared/make-folders.js';
import type { DeviceLocks, HeldLock, LockAttempt, LockHolder } from './types.js';

/** The folder every run of this user shares unless told otherwise (`CERTAGENT_LOCK_DIR`). */
export function defaultLockDir(env: NodeJS.ProcessEnv = process.env): string {
  const given = env['CERTAGENT_LOCK_DIR'];
  if (given !== undefined && given !== '') return given;
  return join(env['XDG_RUNTIME_DIR'] ?? tmpdir(), `certagent-${userInfo().uid}`, 'locks');
}

function fileName(target: string): string {
  // `[::1]:22` and `r1.example:22` as safe, readable, reversible file names.
  return `${encodeURIComponent(target).replace(/\./g, '%2E')}.lock`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Written before the machine last booted (a boot after a power loss can leave a lock file empty). */
function beforeBoot(path: string): boolean {
  try {
    return statSync(path).mtimeMs < Date.now() - uptime() * 1000;
  } catch {
    return false;
  }
}

function readHolder(path: string): LockHolder | undefined {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockHolder>;
    if (typeof value.runId === 'string' && typeof value.pid === 'number' && typeof value.hostname === 'string' && typeof value.startedAt === 'string') {
      return { runId: value.runId, command: String(value.command ?? 'run'), pid: value.pid, hostname: value.hostname, startedAt: value.startedAt };
    }
  } catch {
    // Gone meanwhile, or written by something else: the caller says so.
  }
  return undefined;
}

export class FileDeviceLocks implements DeviceLocks {
  readonly #host = hostname();

  constructor(readonly dir: string = defaultLockDir()) {}

  async acquire(target: string, holder: LockHolder): Promise<LockAttempt> {
    const path = join(this.dir, fileName(target));
    const folderProblem = this.prepare();
    if (folderProblem !== undefined) return { acquired: false, holder: undefined, why: folderProblem };
    for (let attempt = 0; attempt < 2; attempt++) {
      let fd: number;
      try {
        fd = openSync(path, 'wx', 0o600);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'EEXIST')
          return {
            acquired: false,
            holder: undefined,
            why: `the lock file ${path} cannot be created (${code ?? String(err)}; set CERTAGENT_LOCK_DIR to a writable folder)`,
          };
        const current = readHolder(path);
        if (beforeBoot(path)) {
          this.#removeStale(path, current);
          continue;
        }
        if (current === undefined) return { acquired: false, holder: undefined, why: `an unreadable lock file ${path}` };
        if (current.hostname !== this.#host || alive(current.pid))
          return { acquired: false, holder: current, why: `held by process ${current.pid} on ${current.hostname}` };
        this.#removeStale(path, current);
        continue;
      }
      try {
        writeSync(fd, `${JSON.stringify(holder)}\n`);
      } finally {
        closeSync(fd);
      }
      return { acquired: true, lock: this.#held(path, holder) };
    }
    const current = readHolder(path);
    return { acquired: false, holder: current, why: `another process took over the stale lock file ${path} just now` };
  }

  /**
   * Makes the lock folder if missing; says why it cannot be made. A run asks once before it starts, so a folder
   * that cannot exist is refused as bad input rather than as a failure of every device; each lock asks again,
   * since the folder may go away during a long run.
   */
  prepare(): string | undefined {
    try {
      makeFolders(this.dir, 0o700);
      return undefined;
    } catch (err) {
      return `the lock folder ${this.dir} cannot be created (${(err as NodeJS.ErrnoException).code ?? String(err)}; set CERTAGENT_LOCK_DIR to a writable folder)`;
    }
  }

  async describe(target: string): Promise<LockHolder | undefined> {
    return readHolder(join(this.dir, fileName(target)));
  }

  #removeStale(path: string, stale: LockHolder | undefined): void {
    const aside = `${path}.stale-${randomBytes(4).toString('hex')}`;
    try {
      renameSync(path, aside);
    } catch {
      return; // Another process moved it first; the next attempt sees whatever lock is there now.
    }
    const moved = readHolder(aside);
    if (moved !== undefined && (moved.runId !== stale?.runId || moved.pid !== stale.pid)) {
      // Between our read and the rename another process replaced the stale lock with its live one: put it back
      // (link never overwrites) rather than take a device someone holds.
      try {
        linkSync(aside, path);
      } catch {
        // A third process holds the path now; its lock stands either way.
      }
    }
    try {
      unlinkSync(aside);
    } catch {
      // Already gone.
    }
  }

  #held(path: string, holder: LockHolder): HeldLock {
    let released = false;
    return {
      release: async () => {
        if (released) return;
        released = true;
        // Only our own lock: after a stale take-over elsewhere the file may be someone else's.
        const current = readHolder(path);
        if (current?.runId === holder.runId && current.pid === holder.pid) {
          try {
            unlinkSync(path);
          } catch {
            // Already gone.
          }
        }
      },
    };
  }
}
