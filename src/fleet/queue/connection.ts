/**
 * Where the queue lives: `redis://[USER@]HOST[:PORT][/DB]` or `rediss://` (TLS). The URL never carries a password:
 * the password is a secret reference (`env:NAME` or `file:PATH`) resolved in the process's own environment, so no
 * secret sits in a command line, a process title, a manifest or a log. Before anything is queued the server is
 * pinged with a deadline, so an unreachable Redis is a clear error, not a silent reconnect loop.
 */
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { Secret, SecretResolver } from '../../config/index.js';
import type { SecretRef } from '../../config/index.js';

export const DEFAULT_REDIS_PORT = 6379;

/** A queue URL or a password reference is unusable (exit 2). */
export class QueueUrlError extends Error {
  override readonly name = 'QueueUrlError';
}

/** Redis did not answer a ping within the deadline: nothing was queued. */
export class QueueUnreachableError extends Error {
  override readonly name = 'QueueUnreachableError';
}

export interface QueueLocation {
  readonly tls: boolean;
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly username?: string;
  /** As given, for messages: it holds no password. */
  readonly url: string;
}

export function parseQueueUrl(text: string): QueueLocation {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new QueueUrlError(`--queue must be a URL like redis://HOST:6379/0 or rediss://HOST:6380/0, not '${text}'`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new QueueUrlError(`--queue ${text}: the scheme must be redis:// or rediss:// (TLS)`);
  if (url.password !== '') {
    throw new QueueUrlError(
      `--queue: the URL holds a password; give it as a reference instead (--redis-password env:NAME or file:PATH), so it never shows in a command line or a manifest`,
    );
  }
  if (url.hostname === '') throw new QueueUrlError(`--queue ${text}: the URL names no host`);
  const path = url.pathname.replace(/^\//, '');
  const db = path === '' ? 0 : Number(path);
  if (!Number.isInteger(db) || db < 0 || db > 15) throw new QueueUrlError(`--queue ${text}: the database after / must be a number 0..15`);
  const port = url.port === '' ? DEFAULT_REDIS_PORT : Number(url.port);
  return {
    tls: url.protocol === 'rediss:',
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port,
    db,
    ...(url.username !== '' && { username: decodeURIComponent(url.username) }),
    url: `${url.protocol}//${url.username === '' ? '' : `${url.username}@`}${url.host}/${db}`,
  };
}

/** `env:NAME` or `file:PATH`, as `--redis-password` takes it. */
export function parsePasswordRef(text: string): SecretRef {
  const env = /^env:([A-Za-z_][A-Za-z0-9_]*)$/.exec(text);
  if (env) return { kind: 'env', name: env[1] as string };
  if (text.startsWith('file:') && text.length > 'file:'.length) return { kind: 'file', path: text.slice('file:'.length) };
  throw new QueueUrlError(`--redis-password must be a reference, env:NAME or file:PATH, not a value`);
}

export interface QueueConnectionOptions {
  readonly location: QueueLocation;
  readonly password?: Secret;
  /** `--redis-ca FILE`: the CA that signed a rediss:// server's certificate, when not a public one. */
  readonly caFile?: string;
}

/** ioredis options for BullMQ: commands wait through reconnects (BullMQ's workers need that), TLS checked by name. */
export function redisOptions(options: QueueConnectionOptions): RedisOptions {
  const { location } = options;
  return {
    host: location.host,
    port: location.port,
    db: location.db,
    ...(location.username !== undefined && { username: location.username }),
    ...(options.password && { password: options.password.reveal() }),
    ...(location.tls && { tls: { servername: location.host, ...(options.caFile !== undefined && { ca: readFileSync(options.caFile) }) } }),
    maxRetriesPerRequest: null,
    connectionName: 'certagent',
  };
}

/** Resolves `--redis-password`'s reference in this process's environment. */
export async function resolveRedisPassword(ref: SecretRef | undefined, resolver: SecretResolver): Promise<Secret | undefined> {
  if (ref === undefined) return undefined;
  return resolver.resolve({ ref, origin: { file: '--redis-password', path: [] }, purpose: 'Redis password' });
}

/** One PING within `timeoutMs`; throws QueueUnreachableError saying where and why. */
export async function pingRedis(options: QueueConnectionOptions, timeoutMs = 5_000): Promise<void> {
  const client = new Redis({
    ...redisOptions(options),
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: timeoutMs,
    enableOfflineQueue: false,
  });
  // The socket's own error (ECONNREFUSED, a TLS failure) says more than the "Connection is closed" it leads to.
  let socketError: Error | undefined;
  client.on('error', (err: Error) => (socketError ??= err));
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    const why = (socketError ?? (err instanceof Error ? err : new Error(String(err)))).message;
    throw new QueueUnreachableError(
      `cannot reach Redis at ${options.location.url} (${why}): check the host, port and --redis-password, or that Redis is running`,
    );
  } finally {
    client.disconnect();
  }
}
