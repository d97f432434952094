/** Output sinks that record what reporters write, a clock the test moves by hand, and sample outcomes. */
import type { Clock } from '../../src/report/clock.js';
import type { DeviceOutcome, DeviceResult } from '../../src/report/events.js';
import type { TextSink } from '../../src/report/sink.js';

export class RecordingSink implements TextSink {
  readonly writes: string[] = [];
  readonly isTTY: boolean;
  readonly columns: number | undefined;
  readonly rows: number | undefined;

  constructor(options: { isTTY?: boolean; columns?: number; rows?: number } = {}) {
    this.isTTY = options.isTTY ?? false;
    this.columns = options.columns;
    this.rows = options.rows;
  }

  write(text: string): void {
    this.writes.push(text);
  }

  get text(): string {
    return this.writes.join('');
  }
}

/** Timers fire only when the test advances time, in due order. */
export class ManualClock implements Clock {
  #now: number;
  #timers: { due: number; fn: () => void; id: number }[] = [];
  #next = 0;

  constructor(start = 1_000_000) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): () => void {
    const id = this.#next++;
    this.#timers.push({ due: this.#now + Math.max(0, ms), fn, id });
    return () => {
      this.#timers = this.#timers.filter((t) => t.id !== id);
    };
  }

  get pending(): number {
    return this.#timers.length;
  }

  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      const next = [...this.#timers].sort((a, b) => a.due - b.due || a.id - b.id)[0];
      if (next === undefined || next.due > end) break;
      this.#timers = this.#timers.filter((t) => t.id !== next.id);
      this.#now = next.due;
      next.fn();
    }
    this.#now = end;
  }
}

export function outcome(device: string, result: DeviceResult, extra: Partial<DeviceOutcome> = {}): DeviceOutcome {
  return {
    device,
    host: `10.0.0.${device.replace(/\D/g, '') || '1'}`,
    result,
    changes: [],
    roundTrips: 4,
    startedAt: '2026-11-23T07:00:00.000Z',
    durationMs: 1234,
    ...extra,
  };
}

export const CHANGED = outcome('R1', 'changed', {
  changes: [
    { object: 'trustpoint CA-GTS-Root-R1', action: 'created', detail: 'serial 6E47A9C5 SHA1 E58C1CC4' },
    { object: 'applet SendSecureEmailEEM', action: 'replaced' },
  ],
  roundTrips: 12,
  durationMs: 2345,
});
export const UNCHANGED = outcome('R2', 'unchanged', { changes: [{ object: 'trustpoint CA-GTS-Root-R1', action: 'unchanged' }], durationMs: 310 });
export const FAILED = outcome('R3', 'failed', {
  roundTrips: 7,
  durationMs: 3050,
  error: {
    message: 'the CA certificate was not accepted',
    step: 'authenticate CA-GTS-Root-R1',
    deviceText: '% Error in receiving Certificate Authority certificate\n% Certificate not imported',
    hint: 'check the PEM is a CA certificate (basicConstraints CA:TRUE)',
  },
  transcript: '/var/log/certagent/R3.txt',
});
export const ROLLED_BACK = outcome('R4', 'rolled-back', {
  changes: [{ object: 'trustpoint CA-GTS-Root-R1', action: 'restored' }],
  roundTrips: 20,
  durationMs: 8000,
  error: { message: 'mail did not arrive within 60 s', step: 'verify mail', hint: 'check the SMTP server accepts the router' },
});
export const PLANNED = outcome('R5', 'planned', {
  changes: [{ object: 'trustpoint CA-GTS-Root-R1', action: 'created' }],
  commands: ['crypto pki trustpoint CA-GTS-Root-R1', ' enrollment terminal', ' revocation-check none', 'exit'],
  roundTrips: 3,
});
export const SKIPPED = outcome('R6', 'skipped', { roundTrips: 0, durationMs: 0 });
