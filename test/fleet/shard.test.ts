/** Indexed Job shards: every device in exactly one shard, stable whatever else is selected, and the Job's environment. */
import { describe, expect, it } from '@jest/globals';
import { SHARD_COUNT_ENV, SHARD_INDEX_ENV, ShardError, inShard, selectShard, shardFrom, shardJournalDir } from '../../src/fleet/index.js';

const names = Array.from({ length: 1000 }, (_, i) => ({ name: `br${String(i).padStart(4, '0')}` }));

describe('shards', () => {
  it('puts every device in exactly one of COUNT shards, about 1/COUNT each', () => {
    const shards = [0, 1, 2, 3].map((index) => selectShard(names, { index, count: 4 }));
    expect(
      shards
        .flat()
        .map((d) => d.name)
        .sort(),
    ).toEqual(names.map((d) => d.name));
    for (const s of shards) expect(s.length).toBeGreaterThan(200);
    for (const s of shards) expect(s.length).toBeLessThan(300);
  });

  it('keeps a device in its shard whatever else the inventory or --limit selects', () => {
    const shard = { index: 1, count: 3 };
    const all = selectShard(names, shard).map((d) => d.name);
    const some = selectShard(names.slice(100, 200), shard).map((d) => d.name);
    expect(some.every((n) => all.includes(n))).toBe(true);
    expect(some.every((n) => inShard(n, shard))).toBe(true);
  });

  it('reads --shard, else the Indexed Job environment, else none', () => {
    expect(shardFrom('2/5', {})).toEqual({ index: 2, count: 5 });
    expect(shardFrom(undefined, { [SHARD_INDEX_ENV]: '3', [SHARD_COUNT_ENV]: '8' })).toEqual({ index: 3, count: 8 });
    expect(shardFrom('0/2', { [SHARD_INDEX_ENV]: '3', [SHARD_COUNT_ENV]: '8' })).toEqual({ index: 0, count: 2 });
    expect(shardFrom(undefined, {})).toBeUndefined();
    expect(shardJournalDir('.certagent/journal', { index: 3, count: 8 })).toBe('.certagent/journal/shard-3-of-8');
  });

  it.each([
    ['5/5', {}, 'the shard index must be a whole number 0..4'],
    ['1-4', {}, '--shard must be INDEX/COUNT'],
    ['0/0', {}, 'the shard count must be a whole number 1..10000'],
    [undefined, { [SHARD_INDEX_ENV]: '1' }, `${SHARD_COUNT_ENV} is not`],
  ])('%s %j is refused', (text, env, message) => {
    expect(() => shardFrom(text, env)).toThrow(ShardError);
    expect(() => shardFrom(text, env)).toThrow(message);
  });
});
