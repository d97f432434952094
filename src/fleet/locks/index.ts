/** One run at a time per router: the lock interface, the file locks of one machine, the Redis locks of queue workers, and the refusal text. */
export { busyMessage, parseLockHolder } from './types.js';
export type { DeviceLocks, HeldLock, LockAttempt, LockHolder } from './types.js';
export { FileDeviceLocks, defaultLockDir } from './file-locks.js';
export { DEFAULT_LOCK_TTL_MS, REDIS_LOCK_PREFIX, RedisDeviceLocks } from './redis-locks.js';
export type { RedisLockOptions } from './redis-locks.js';
export { EveryDeviceLock } from './every-lock.js';
export { lockDevice } from './device-lock.js';
export type { RunLocks } from './device-lock.js';
