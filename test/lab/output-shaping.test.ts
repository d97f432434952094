/** The lab's output layer: chunked packets and interleaved syslog lines, seeded and without losing or reordering a byte. */
import { describe, expect, it } from '@jest/globals';
import { parseFaultSpec } from '../../src/lab/fault-spec.js';
import { seedOf, shapedTerminal } from '../../src/lab/router/output-shaping.js';
import type { FaultPlan } from '../../src/lab/router/faults.js';

const NOW = new Date(Date.UTC(2026, 11, 6, 8, 0, 1, 456));

/** Writes `texts` through a shaped terminal and collects what reaches the channel, packet by packet. */
async function shape(texts: readonly string[], faults: FaultPlan, seed = 1): Promise<{ packets: string[]; closed: boolean }> {
  const packets: string[] = [];
  let closed = false;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const terminal = shapedTerminal(
    {
      write: (t) => packets.push(t),
      close: () => {
        closed = true;
        done();
      },
    },
    { faults: () => faults, now: () => NOW, seed },
  );
  for (const t of texts) terminal.write(t);
  terminal.close(false);
  await finished;
  return { packets, closed };
}

const OUTPUT = [
  'R1#',
  'show running-config\r\n',
  'Building configuration...\r\n',
  '\r\n',
  'hostname R1\r\n',
  ' certificate ca 01 nvram:R1#1.cer\r\n',
  'end\r\n',
  '\r\n',
  'R1#',
];

describe('chunked output', () => {
  it('cuts every write into packets of 1..N characters, in order, nothing lost, and closes only after the last', async () => {
    const { packets, closed } = await shape(OUTPUT, { chunkMaxBytes: 4 });
    expect(packets.join('')).toBe(OUTPUT.join(''));
    expect(Math.max(...packets.map((p) => p.length))).toBeLessThanOrEqual(4);
    expect(packets.length).toBeGreaterThan(OUTPUT.join('').length / 4);
    // Line ends and prompts are split somewhere in a run this long.
    expect(packets.some((p) => p.endsWith('\r'))).toBe(true);
    expect(closed).toBe(true);
  });

  it('is reproducible: the same seed cuts the same way, another seed differently', async () => {
    const a = await shape(OUTPUT, { chunkMaxBytes: 6 }, seedOf('lab-r001/vty0'));
    const b = await shape(OUTPUT, { chunkMaxBytes: 6 }, seedOf('lab-r001/vty0'));
    const c = await shape(OUTPUT, { chunkMaxBytes: 6 }, seedOf('lab-r002/vty0'));
    expect(a.packets).toEqual(b.packets);
    expect(c.packets).not.toEqual(a.packets);
  });

  it('passes writes through untouched without the fault', async () => {
    expect((await shape(OUTPUT, {})).packets).toEqual(OUTPUT);
  });
});

describe('interleaved syslog lines', () => {
  it('prints real-format syslog lines only at line starts, never after the last write (where a prompt or question waits)', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => `line ${i}\r\n`);
    const written = ['R1#', 'show logging\r\n', ...lines, 'R1#'];
    const out = (await shape(written, { syslogEveryLines: 3 })).packets.join('');
    const logged = out.split('\r\n').filter((l) => l.startsWith('*'));
    expect(logged.length).toBeGreaterThan(20);
    for (const l of logged) expect(l).toMatch(/^\*Dec {2}6 08:00:01\.456: %[A-Z_]+-\d-[A-Z_]+: /);
    // Removing them gives back exactly what was written, and the output still ends with the prompt.
    expect(
      out
        .split('\r\n')
        .filter((l) => !l.startsWith('*'))
        .join('\r\n'),
    ).toBe(written.join(''));
    expect(out.endsWith('\r\nR1#')).toBe(true);
    expect(out.startsWith('R1#show logging\r\n')).toBe(true);
  });
});

describe('--fault kinds', () => {
  it('reads chunk=N and syslog=N', () => {
    expect(parseFaultSpec('lab-r001:chunk=8').plan).toEqual({ chunkMaxBytes: 8 });
    expect(parseFaultSpec('all:syslog=5').plan).toEqual({ syslogEveryLines: 5 });
    expect(() => parseFaultSpec('all:chunk=many')).toThrow(/chunk needs a whole number/);
  });
});
