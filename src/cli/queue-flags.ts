/**
 * The flags of running through Redis, as data: parsing and help need them for every command line, while the queue
 * machinery (BullMQ, ioredis) is loaded only when `--queue` or `certagent worker` runs.
 */
import type { ParseArgsConfig } from 'node:util';

export const QUEUE_FLAGS = {
  queue: { type: 'string' },
  'redis-password': { type: 'string' },
  'redis-ca': { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

export type QueueFlagValues = { readonly [K in keyof typeof QUEUE_FLAGS]?: string };

export const QUEUE_HELP = [
  '      --queue URL          redis://HOST:PORT/DB or rediss://HOST:PORT/DB (TLS); no password in the URL',
  '      --redis-password REF env:NAME or file:PATH holding the Redis password (AUTH / ACL user from the URL)',
  '      --redis-ca FILE      CA certificate of a rediss:// server signed by a private CA',
].join('\n');

export const QUEUE_RUN_FLAGS = {
  ...QUEUE_FLAGS,
  attempts: { type: 'string' },
  'queue-concurrency': { type: 'string' },
  'redis-lost-after': { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

export type QueueRunFlagValues = QueueFlagValues & { readonly attempts?: string; readonly 'queue-concurrency'?: string; readonly 'redis-lost-after'?: string };

export const QUEUE_RUN_HELP = [
  'Through Redis (workers on other machines run the devices; see certagent worker --help):',
  QUEUE_HELP,
  '      --concurrency N      with --queue: devices at once per queue, over all workers',
  "      --queue-concurrency Q=N,...  another cap for these queues (a region's jump host or TACACS+ server)",
  '      --attempts N         tries per device job before it fails for good (default 3; a worker that died counts)',
  '      --redis-lost-after D Redis unanswered this long (default 60s): devices still out are reported of unknown outcome',
  "      --resume RUN_ID      with --queue: re-attach to a run's jobs in Redis and finish its report",
].join('\n');
