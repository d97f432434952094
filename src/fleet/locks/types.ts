/**
 * Device locks: one run at a time changes a router. The fleet runner asks a `DeviceLocks` for each device before
 * touching it; on one machine files do it (`FileDeviceLocks`), and queue workers spread over machines hold Redis
 * keys with the same holder record (`RedisDeviceLocks`) as well as their machine's files.
 */

/** Who holds a device: enough for the refusal to tell an operator which run to wait for or stop. */
export interface LockHolder {
  readonly runId: string;
  readonly command: string;
  readonly pid: number;
  readonly hostname: string;
  /** ISO time the lock was taken. */
  readonly startedAt: string;
}

export interface HeldLock {
  /** Gives the device back; safe to call twice. */
  release(): Promise<void>;
}

export type LockAttempt =
  { readonly acquired: true; readonly lock: HeldLock } | { readonly acquired: false; readonly holder: LockHolder | undefined; readonly why: string };

export interface DeviceLocks {
  /** Takes the lock of `target` (a `host:port` key) for `holder`, or says who has it. Never waits. */
  acquire(target: string, holder: LockHolder): Promise<LockAttempt>;
  /** Who holds `target` now, if anyone. */
  describe(target: string): Promise<LockHolder | undefined>;
}

/** A holder record read back from a lock store (JSON text), or undefined when it is not one; extra fields are dropped. */
export function parseLockHolder(text: string): LockHolder | undefined {
  let value: Partial<LockHolder>;
  try {
    value = JSON.parse(text) as Partial<LockHolder>;
  } catch {
    return undefined;
  }
  if (typeof value.runId !== 'string' || typeof value.pid !== 'number' || typeof value.hostname !== 'string' || typeof value.startedAt !== 'string')
    return undefined;
  return { runId: value.runId, command: String(value.command ?? 'run'), pid: value.pid, hostname: value.hostname, startedAt: value.startedAt };
}

/** The refusal an operator reads: `device busy: run R started at T by PID/host`. */
export function busyMessage(device: string, target: string, attempt: Extract<LockAttempt, { acquired: false }>): string {
  const h = attempt.holder;
  if (h === undefined) return `${device}: cannot lock ${target}: ${attempt.why}; nothing was sent`;
  return `${device}: device busy: run ${h.runId} (${h.command}) started at ${h.startedAt} by ${h.pid}/${h.hostname} holds ${target}; nothing was sent: wait for that run to end (or stop it), then run again`;
}
