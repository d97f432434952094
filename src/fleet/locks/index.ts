/** One run at a time per router: the lock interface, the file locks of one machine, and the refusal text. */
export { busyMessage } from './types.js';
export type { DeviceLocks, HeldLock, LockAttempt, LockHolder } from './types.js';
export { FileDeviceLocks, defaultLockDir } from './file-locks.js';
export { lockDevice } from './device-lock.js';
export type { RunLocks } from './device-lock.js';
