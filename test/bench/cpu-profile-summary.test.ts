import { describe, expect, test } from '@jest/globals';
import { difference, moduleOf, summarise } from '../../src/bench/cpu-profile-summary.js';
import type { CpuProfile } from '../../src/bench/cpu-profile-summary.js';

const DIST = 'file:///work/certagent/dist';

/** root → main (certagent) → parse (ssh2) → decrypt (ssh2); root → (idle); root → (garbage collector). */
function profile(samples: readonly number[]): CpuProfile {
  const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });
  return {
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2, 5, 6, 7] },
      { id: 2, callFrame: frame('main', `${DIST}/cli/main.js`, 9), children: [3] },
      { id: 3, callFrame: frame('parse', '/work/certagent/node_modules/ssh2/lib/protocol/Protocol.js', 310), children: [4] },
      { id: 4, callFrame: frame('decrypt', '/work/certagent/node_modules/ssh2/lib/protocol/crypto.js', 1010) },
      { id: 5, callFrame: frame('(idle)') },
      { id: 6, callFrame: frame('(garbage collector)') },
      { id: 7, callFrame: frame('moduleStrategy', 'node:internal/modules/esm/translators', 140), children: [8] },
      { id: 8, callFrame: frame('(garbage collector)') },
    ],
    startTime: 0,
    endTime: samples.length * 1000,
    samples,
    // Each sample stands for the interval after it: 1 ms each (the last one has none after it).
    timeDeltas: samples.map(() => 1000),
  };
}

describe('CPU profile summary', () => {
  test('names modules by package, by path under dist, or as built-ins', () => {
    expect(moduleOf('/x/node_modules/@peculiar/asn1-schema/build/index.js')).toBe('@peculiar/asn1-schema');
    expect(moduleOf(`${DIST}/transport/ssh-cli/channel.js`)).toBe('transport/ssh-cli/channel.js');
    expect(moduleOf('node:internal/streams/readable')).toBe('node:internal/streams/readable');
    expect(moduleOf('')).toBe('(native/vm)');
  });

  test('self time goes to the top frame, total time once to every frame and module on the stack; idle and module loading are apart', () => {
    // decrypt, decrypt, parse, idle, gc, gc while loading a module, main (last: no interval after it).
    const s = summarise(profile([4, 4, 3, 5, 6, 8, 2]));
    expect(s.sampledMs).toBe(4);
    expect(s.loadingMs).toBe(1);
    const fn = (name: string) => s.functions.find((r) => r.name.startsWith(`${name} `) || r.name === name);
    expect(fn('decrypt')).toMatchObject({ selfMs: 2, totalMs: 2 });
    expect(fn('parse')).toMatchObject({ selfMs: 1, totalMs: 3 });
    expect(fn('main')).toMatchObject({ selfMs: 0, totalMs: 3 });
    expect(fn('(garbage collector)')).toMatchObject({ selfMs: 1, totalMs: 1 });
    expect(fn('(idle)')).toBeUndefined();
    // parse and decrypt are both ssh2: counted once per sample in the module's total.
    expect(s.modules.find((m) => m.name === 'ssh2')).toMatchObject({ selfMs: 3, totalMs: 3 });
  });

  test('the difference of two runs is the per-device part', () => {
    const many = summarise(profile([4, 4, 4, 4, 3, 6, 2, 2]));
    const one = summarise(profile([4, 3, 6, 2, 2]));
    const d = difference(many, one);
    expect(d.sampledMs).toBe(3);
    expect(d.functions.find((r) => r.name.startsWith('decrypt '))).toMatchObject({ selfMs: 3, totalMs: 3 });
    expect(d.modules.find((m) => m.name === 'ssh2')).toMatchObject({ selfMs: 3, totalMs: 3 });
  });
});
