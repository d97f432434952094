/**
 * The live display for a terminal: one status line per device in flight, the last few finished, and a
 * counter line, redrawn in place with ANSI escapes. Redraws are throttled (default at most one per 100 ms)
 * and a frame never holds more lines than the terminal, so 10,000 devices cost the same per redraw as 10:
 * state is a map of devices in flight, a short ring of recent results and counters.
 */
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import type { DeviceOutcome, DeviceResult, RunReporter, RunSummary } from './events.js';
import { RESULT_STYLE, RESULT_WORDS, formatClock, formatDuration, oneLine, painter, truncate } from './format.js';
import type { Paint } from './format.js';
import type { TextSink } from './sink.js';
import { useColor } from './sink.js';

const ESC = '\u001b[';
/** Cursor up `n` lines, then erase from there to the end of the screen. */
const eraseUp = (n: number): string => (n > 0 ? `${ESC}${n}A\r${ESC}J` : '');

interface InFlight {
  readonly since: number;
  step: string;
}

interface Finished {
  readonly device: string;
  readonly result: DeviceResult;
  readonly durationMs: number;
  readonly note: string;
}

/** Everything a frame is drawn from. */
export interface ProgressState {
  readonly command: string;
  readonly total: number;
  readonly startedAt: number;
  readonly inFlight: ReadonlyMap<string, { readonly since: number; readonly step: string }>;
  readonly recent: readonly Finished[];
  readonly done: number;
  readonly failed: number;
}

export interface FrameOptions {
  /** Terminal width: lines are cut to it so none wraps (a wrapped line would break the in-place redraw). */
  readonly width: number;
  /** Most lines a frame may take. */
  readonly height: number;
  readonly paint?: Paint;
}

const MARK: Readonly<Record<DeviceResult, string>> = {
  changed: '✔',
  unchanged: '✔',
  planned: '✔',
  skipped: '-',
  'rolled-back': '↺',
  failed: '✖',
};

/** `rollout  12/10000 done, 1 failed, 40 in flight  00:35  20.6 devices/min  ETA 8:04:12` (ETA at the rate so far) */
export function renderCounterLine(state: ProgressState, now: number): string {
  const elapsed = now - state.startedAt;
  const known = elapsed >= 1000 && state.done > 0;
  const rate = known ? `${((state.done * 60_000) / elapsed).toFixed(1)} devices/min` : '- devices/min';
  const remaining = state.total - state.done;
  const eta = known && remaining > 0 ? `  ETA ${formatClock((remaining * elapsed) / state.done)}` : '';
  return `${state.command}  ${state.done}/${state.total} done, ${state.failed} failed, ${state.inFlight.size} in flight  ${formatClock(elapsed)}  ${rate}${eta}`;
}

/** One frame, top to bottom: recent results, devices in flight (longest running first), the counter. */
export function renderProgressFrame(state: ProgressState, now: number, options: FrameOptions): string[] {
  const paint = options.paint ?? painter(false);
  const fit = (line: string): string => truncate(line, Math.max(10, options.width - 1));
  const height = Math.max(3, options.height);
  // Recent results give way to devices in flight on a short terminal (at least one in-flight line stays).
  const keep = Math.max(0, Math.min(state.recent.length, height - 3));
  const recent = keep === 0 ? [] : state.recent.slice(-keep);
  const room = height - 1 - recent.length;
  const lines = recent.map((f) => {
    const head = fit(`${MARK[f.result]} ${f.device} ${RESULT_WORDS[f.result]} ${formatDuration(f.durationMs)}${f.note === '' ? '' : `: ${f.note}`}`);
    return paint(RESULT_STYLE[f.result], head);
  });
  const flying = [...takeFirst(state.inFlight, state.inFlight.size > room ? room - 1 : room)];
  for (const [device, d] of flying) lines.push(fit(`… ${device}  ${d.step}  ${formatDuration(now - d.since)}`));
  if (state.inFlight.size > flying.length) lines.push(fit(`… and ${state.inFlight.size - flying.length} more in flight`));
  lines.push(paint('bold', fit(renderCounterLine(state, now))));
  return lines;
}

function* takeFirst<K, V>(map: ReadonlyMap<K, V>, n: number): Iterable<[K, V]> {
  if (n <= 0) return;
  let i = 0;
  for (const entry of map) {
    yield entry;
    if (++i >= n) return;
  }
}

export interface ProgressOptions {
  /** A terminal, usually `process.stderr`. */
  readonly out: TextSink;
  readonly clock?: Clock;
  readonly color?: boolean;
  /** Minimum time between redraws. Default 100 ms. */
  readonly minIntervalMs?: number;
  /** Finished devices kept on screen. Default 3. */
  readonly recent?: number;
  /** Most lines the display takes. Default: terminal rows less 2, at most 20. */
  readonly height?: number;
}

export class ProgressDisplay implements RunReporter {
  readonly #out: TextSink;
  readonly #clock: Clock;
  readonly #paint: Paint;
  readonly #interval: number;
  readonly #keepRecent: number;
  readonly #height: number | undefined;
  #command = '';
  #total = 0;
  #startedAt = 0;
  readonly #inFlight = new Map<string, InFlight>();
  #recent: Finished[] = [];
  #done = 0;
  #failed = 0;
  #drawn = 0;
  #lastDraw = Number.NEGATIVE_INFINITY;
  #cancelTimer: (() => void) | undefined;
  #timerDue = Number.POSITIVE_INFINITY;
  #running = false;

  /** Prints text above the live block (give it to the logger as its console), keeping the block intact. */
  readonly above: TextSink;

  constructor(options: ProgressOptions) {
    this.#out = options.out;
    this.#clock = options.clock ?? systemClock;
    this.#paint = painter(options.color ?? useColor(options.out));
    this.#interval = options.minIntervalMs ?? 100;
    this.#keepRecent = options.recent ?? 3;
    this.#height = options.height;
    const out = options.out;
    this.above = {
      isTTY: out.isTTY,
      columns: out.columns,
      rows: out.rows,
      write: (text: string) => this.#writeAbove(text),
    };
  }

  runStarted(command: RunSummary['command'], devices: readonly string[]): void {
    this.#command = command;
    this.#total = devices.length;
    this.#startedAt = this.#clock.now();
    this.#inFlight.clear();
    this.#recent = [];
    this.#done = 0;
    this.#failed = 0;
    this.#running = true;
    this.#request();
  }

  deviceStarted(device: string): void {
    this.#inFlight.set(device, { since: this.#clock.now(), step: 'connecting' });
    this.#request();
  }

  deviceStep(device: string, step: string): void {
    const d = this.#inFlight.get(device);
    if (d) d.step = oneLine(step);
    this.#request();
  }

  deviceFinished(outcome: DeviceOutcome): void {
    this.#inFlight.delete(outcome.device);
    this.#done += 1;
    if (outcome.result === 'failed') this.#failed += 1;
    const note = outcome.error === undefined ? '' : oneLine(`${outcome.error.step === undefined ? '' : `${outcome.error.step}: `}${outcome.error.message}`);
    this.#recent.push({ device: outcome.device, result: outcome.result, durationMs: outcome.durationMs, note });
    if (this.#recent.length > this.#keepRecent) this.#recent.shift();
    this.#request();
  }

  /** Erases the live block and leaves one final counter line; the final report follows on stdout. */
  runFinished(_summary?: RunSummary): void {
    if (!this.#running) return;
    this.#running = false;
    this.#cancel();
    const counter = truncate(renderCounterLine(this.#state(), this.#clock.now()), Math.max(10, this.#width() - 1));
    this.#out.write(`${eraseUp(this.#drawn)}${counter}\n`);
    this.#drawn = 0;
  }

  #state(): ProgressState {
    return {
      command: this.#command,
      total: this.#total,
      startedAt: this.#startedAt,
      inFlight: this.#inFlight,
      recent: this.#recent,
      done: this.#done,
      failed: this.#failed,
    };
  }

  #width(): number {
    return this.#out.columns ?? 80;
  }

  /** Draws now if the last redraw is old enough, else makes sure one is due when it is. */
  #request(): void {
    if (!this.#running) return;
    const now = this.#clock.now();
    const due = this.#lastDraw + this.#interval;
    if (now >= due) {
      this.#cancel();
      this.#draw();
      return;
    }
    this.#schedule(due);
  }

  #schedule(at: number): void {
    if (this.#cancelTimer !== undefined && this.#timerDue <= at) return;
    this.#cancel();
    this.#timerDue = at;
    this.#cancelTimer = this.#clock.setTimeout(() => {
      this.#cancelTimer = undefined;
      this.#timerDue = Number.POSITIVE_INFINITY;
      if (this.#running) this.#draw();
    }, at - this.#clock.now());
  }

  #cancel(): void {
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    this.#timerDue = Number.POSITIVE_INFINITY;
  }

  #frame(): string[] {
    const height = this.#height ?? Math.min(20, Math.max(3, (this.#out.rows ?? 24) - 2));
    return renderProgressFrame(this.#state(), this.#clock.now(), { width: this.#width(), height, paint: this.#paint });
  }

  #draw(): void {
    const lines = this.#frame();
    // One write per frame, so nothing else on the terminal can land between the erase and the redraw.
    this.#out.write(`${eraseUp(this.#drawn)}${lines.join('\n')}\n`);
    this.#drawn = lines.length;
    this.#lastDraw = this.#clock.now();
    // The elapsed clock and rate move even when no device event arrives: redraw as the next second begins.
    const elapsed = this.#lastDraw - this.#startedAt;
    this.#schedule(this.#startedAt + (Math.floor(elapsed / 1000) + 1) * 1000);
  }

  #writeAbove(text: string): void {
    if (!this.#running) {
      this.#out.write(text);
      return;
    }
    const body = text.endsWith('\n') ? text : `${text}\n`;
    const lines = this.#frame();
    this.#out.write(`${eraseUp(this.#drawn)}${body}${lines.join('\n')}\n`);
    this.#drawn = lines.length;
  }
}
