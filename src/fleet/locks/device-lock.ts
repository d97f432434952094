/** The fleet runner's one call: take a device's lock before touching it, or the refusal to report instead. */
import type { Device } from '../../config/index.js';
import { targetKey } from '../../config/targets.js';
import type { DeviceOutcome } from '../../report/events.js';
import { busyMessage } from './types.js';
import type { DeviceLocks, HeldLock, LockHolder } from './types.js';

export interface RunLocks {
  readonly locks: DeviceLocks;
  /** This run, as other runs will see it in their refusal. */
  readonly holder: Omit<LockHolder, 'startedAt'>;
}

export async function lockDevice(run: RunLocks, device: Device): Promise<{ readonly lock: HeldLock } | { readonly refused: DeviceOutcome }> {
  const target = targetKey(device.host, device.port);
  const startedAt = new Date().toISOString();
  const attempt = await run.locks.acquire(target, { ...run.holder, startedAt });
  if (attempt.acquired) return { lock: attempt.lock };
  return {
    refused: {
      device: device.name,
      host: device.host,
      result: 'failed',
      changes: [],
      roundTrips: 0,
      startedAt,
      durationMs: 0,
      error: {
        message: busyMessage(device.name, target, attempt),
        step: 'lock',
        hint: 'another certagent run is changing this router; nothing was sent to it',
      },
    },
  };
}
