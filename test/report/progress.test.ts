import { describe, expect, test } from '@jest/globals';
import { ProgressDisplay, renderProgressFrame } from '../../src/report/progress.js';
import type { ProgressState } from '../../src/report/progress.js';
import { ManualClock, RecordingSink, outcome } from './helpers.js';

const ESC = '\u001b';
const ERASE = new RegExp(`${ESC}\\[(\\d+)A\r${ESC}\\[J`);

function setup(options: { columns?: number; rows?: number } = {}) {
  const out = new RecordingSink({ isTTY: true, columns: options.columns ?? 100, rows: options.rows ?? 24 });
  const clock = new ManualClock();
  const display = new ProgressDisplay({ out, clock, color: false });
  return { out, clock, display };
}

/** The screen after replaying the writes: lines erased by cursor-up + erase-down are dropped. */
function screen(writes: readonly string[]): string[] {
  const lines: string[] = [];
  for (const w of writes) {
    let rest = w;
    const m = ERASE.exec(rest);
    if (m?.index === 0) {
      lines.splice(lines.length - Number(m[1]));
      rest = rest.slice(m[0].length);
    }
    expect(rest).not.toMatch(ERASE);
    lines.push(...rest.split('\n').slice(0, -1));
  }
  return lines;
}

describe('renderProgressFrame', () => {
  const base = (inFlight: number): ProgressState => ({
    command: 'rollout',
    total: 10_000,
    startedAt: 0,
    inFlight: new Map(Array.from({ length: inFlight }, (_, i) => [`R${i}`, { since: 0, step: 'authenticate CA-X' }] as const)),
    recent: [{ device: 'R9999', result: 'failed', durationMs: 3000, note: 'verify mail: no mail' }],
    done: 120,
    failed: 1,
  });

  test('recent results, devices in flight and the counter with rate', () => {
    expect(renderProgressFrame(base(2), 60_000, { width: 100, height: 10 })).toEqual([
      '✖ R9999 failed 3.0 s: verify mail: no mail',
      '… R0  authenticate CA-X  1 min 00 s',
      '… R1  authenticate CA-X  1 min 00 s',
      'rollout  120/10000 done, 1 failed, 2 in flight  01:00  120.0 devices/min  ETA 1:22:20',
    ]);
  });

  test('never taller than asked however many devices fly, and lines cut to the width', () => {
    const frame = renderProgressFrame(base(5000), 60_000, { width: 40, height: 6 });
    expect(frame).toHaveLength(6);
    expect(frame[4]).toBe('… and 4997 more in flight');
    expect(frame.every((l) => l.length <= 39)).toBe(true);
    expect(frame[5]?.endsWith('…')).toBe(true);
  });

  test('a three-line terminal keeps a device in flight and the counter, no recent results', () => {
    const frame = renderProgressFrame(base(3), 60_000, { width: 100, height: 3 });
    expect(frame).toEqual([
      '… R0  authenticate CA-X  1 min 00 s',
      '… and 2 more in flight',
      'rollout  120/10000 done, 1 failed, 3 in flight  01:00  120.0 devices/min  ETA 1:22:20',
    ]);
  });
});

describe('ProgressDisplay', () => {
  test('redraws in place: each frame erases exactly the lines of the previous one', () => {
    const { out, clock, display } = setup();
    display.runStarted('rollout', ['R1', 'R2', 'R3']);
    display.deviceStarted('R1');
    clock.advance(150);
    display.deviceStarted('R2');
    clock.advance(150);
    display.deviceStep('R1', 'authenticate CA-GTS-Root-R1');
    clock.advance(150);
    display.deviceFinished(outcome('R2', 'changed', { durationMs: 300 }));
    expect(out.writes.length).toBeGreaterThanOrEqual(4);
    let previousLines = 0;
    for (const w of out.writes) {
      const m = ERASE.exec(w);
      expect(Number(m?.[1] ?? 0)).toBe(previousLines);
      previousLines = w.slice(m?.[0].length ?? 0).split('\n').length - 1;
    }
    expect(screen(out.writes)).toEqual([
      '✔ R2 changed 0.3 s',
      '… R1  authenticate CA-GTS-Root-R1  0.5 s',
      'rollout  1/3 done, 0 failed, 1 in flight  00:00  - devices/min',
    ]);
  });

  test('throttles: 10,000 devices at once cost two frames, and the next comes when the interval is up', () => {
    const { out, clock, display } = setup();
    const devices = Array.from({ length: 10_000 }, (_, i) => `R${i}`);
    display.runStarted('rollout', devices);
    for (const d of devices) display.deviceStarted(d);
    for (const d of devices.slice(0, 5000)) display.deviceFinished(outcome(d, d.endsWith('7') ? 'failed' : 'changed'));
    expect(out.writes).toHaveLength(1);
    clock.advance(99);
    expect(out.writes).toHaveLength(1);
    clock.advance(1);
    expect(out.writes).toHaveLength(2);
    const lines = screen(out.writes);
    expect(lines.length).toBeLessThanOrEqual(22);
    expect(lines.at(-1)).toBe('rollout  5000/10000 done, 500 failed, 5000 in flight  00:00  - devices/min');
    expect(lines.at(-2)).toMatch(/^… and \d+ more in flight$/);
    expect(out.writes[1]?.length).toBeLessThan(22 * 100);
  });

  test('at most one redraw per interval while events keep coming', () => {
    const { out, clock, display } = setup();
    display.runStarted(
      'rollout',
      Array.from({ length: 1000 }, (_, i) => `R${i}`),
    );
    for (let i = 0; i < 1000; i++) {
      display.deviceStarted(`R${i}`);
      clock.advance(1);
    }
    // 1000 events over one second: the first frame plus one per 100 ms.
    expect(out.writes.length).toBeGreaterThanOrEqual(10);
    expect(out.writes.length).toBeLessThanOrEqual(11);
  });

  test('the elapsed clock moves without events, and stops with the run', () => {
    const { out, clock, display } = setup();
    display.runStarted('rollout', ['R1']);
    display.deviceStarted('R1');
    clock.advance(5000);
    expect(screen(out.writes).at(-1)).toBe('rollout  0/1 done, 0 failed, 1 in flight  00:05  - devices/min');
    display.deviceFinished(outcome('R1', 'failed', { error: { message: 'timeout', step: 'connect' } }));
    clock.advance(60_000);
    display.runFinished();
    expect(clock.pending).toBe(0);
    const writes = out.writes.length;
    clock.advance(10_000);
    expect(out.writes).toHaveLength(writes);
    expect(screen(out.writes)).toEqual(['rollout  1/1 done, 1 failed, 0 in flight  01:05  0.9 devices/min']);
  });

  test('text written above (the logger console) keeps the live block below it', () => {
    const { out, clock, display } = setup();
    display.runStarted('rollout', ['R1', 'R2']);
    display.deviceStarted('R1');
    clock.advance(200);
    display.above.write('07:40:01 warn    R9 host key changed\n');
    display.deviceStarted('R2');
    clock.advance(1000);
    expect(screen(out.writes)).toEqual([
      '07:40:01 warn    R9 host key changed',
      '… R1  connecting  1.0 s',
      '… R2  connecting  0.8 s',
      'rollout  0/2 done, 0 failed, 2 in flight  00:01  - devices/min',
    ]);
  });
});
