/**
 * Sharding without Redis, for a Kubernetes Indexed Job: shard INDEX of COUNT runs the devices whose name hashes to
 * INDEX, in-process, with its own journal. The hash (SHA-256 of the name) keeps a device in the same shard whatever
 * else the inventory or `--limit` holds, so a pod restarted with the same index resumes the same devices. Pure.
 */
import { createHash } from 'node:crypto';

export interface Shard {
  /** 0-based. */
  readonly index: number;
  readonly count: number;
}

/** Bad `--shard` text or Job environment. */
export class ShardError extends Error {
  override readonly name = 'ShardError';
}

/** The environment variable the Indexed Job manifest sets to its `completions`: Kubernetes gives pods only their index. */
export const SHARD_COUNT_ENV = 'CERTAGENT_SHARD_COUNT';
export const SHARD_INDEX_ENV = 'JOB_COMPLETION_INDEX';

function shardOf(index: number, count: number, what: string): Shard {
  if (!Number.isInteger(count) || count < 1 || count > 10_000) throw new ShardError(`${what}: the shard count must be a whole number 1..10000`);
  if (!Number.isInteger(index) || index < 0 || index >= count) throw new ShardError(`${what}: the shard index must be a whole number 0..${count - 1}`);
  return { index, count };
}

/** `--shard INDEX/COUNT`, else the Indexed Job's environment, else none. */
export function shardFrom(text: string | undefined, env: Readonly<Record<string, string | undefined>>): Shard | undefined {
  if (text !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(text.trim());
    if (!m) throw new ShardError(`--shard must be INDEX/COUNT with INDEX from 0, e.g. 0/4, not '${text}'`);
    return shardOf(Number(m[1]), Number(m[2]), `--shard ${text}`);
  }
  const index = env[SHARD_INDEX_ENV];
  if (index === undefined || index === '') return undefined;
  const count = env[SHARD_COUNT_ENV];
  if (count === undefined || count === '') {
    throw new ShardError(
      `${SHARD_INDEX_ENV} is set (an Indexed Job) but ${SHARD_COUNT_ENV} is not: set it to the Job's completions, or give --shard INDEX/COUNT`,
    );
  }
  return shardOf(Number(index), Number(count), `${SHARD_INDEX_ENV}=${index} ${SHARD_COUNT_ENV}=${count}`);
}

export function inShard(name: string, shard: Shard): boolean {
  return createHash('sha256').update(name).digest().readUInt32BE(0) % shard.count === shard.index;
}

export function selectShard<T extends { readonly name: string }>(devices: readonly T[], shard: Shard | undefined): T[] {
  return shard === undefined ? [...devices] : devices.filter((d) => inShard(d.name, shard));
}

/** The journal folder of a shard: `--resume` without a file finds this shard's latest run, never another's. */
export function shardJournalDir(base: string, shard: Shard): string {
  return `${base}/shard-${shard.index}-of-${shard.count}`;
}
