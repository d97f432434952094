/**
 * Progress for logs that are not a terminal (cron mail, `kubectl logs`): one plain line when a device
 * starts and one when it finishes, no escapes, no colour, nothing redrawn. Each line stands alone
 * (timestamp, position, device) so a log grep for one router tells its whole story.
 */
import type { DeviceOutcome, RunReporter, RunSummary } from './events.js';
import { RESULT_WORDS, formatDuration, oneLine, plural } from './format.js';
import { describeChanges } from './final-report.js';
import type { TextSink } from './sink.js';

export interface PlainLinesOptions {
  readonly out: TextSink;
  /** Prefix lines with an ISO timestamp (cron mail has none of its own). Default true. */
  readonly timestamps?: boolean;
  /** Also print each step of each device (`-v`). Default false. */
  readonly steps?: boolean;
  readonly now?: () => Date;
}

/** `R1 changed in 1.2 s, 12 round trips: trustpoint CA-X created` / `R3 FAILED in 3.0 s at authenticate CA-X: ... (hint: ...)` */
export function renderFinishLine(o: DeviceOutcome): string {
  const head = `${o.device} ${o.result === 'failed' ? 'FAILED' : RESULT_WORDS[o.result]} in ${formatDuration(o.durationMs)}, ${plural(o.roundTrips, 'round trip')}`;
  if (o.error !== undefined) {
    const where = o.error.step === undefined ? '' : ` at ${oneLine(o.error.step)}`;
    const hint = o.error.hint === undefined ? '' : ` (hint: ${oneLine(o.error.hint)})`;
    return `${head}${where}: ${oneLine(o.error.message)}${hint}`;
  }
  const changes = describeChanges(o, 200);
  return changes === '-' ? head : `${head}: ${changes}`;
}

export class PlainLinesReporter implements RunReporter {
  readonly #out: TextSink;
  readonly #timestamps: boolean;
  readonly #steps: boolean;
  readonly #now: () => Date;
  #total = 0;
  #done = 0;
  #width = 1;

  constructor(options: PlainLinesOptions) {
    this.#out = options.out;
    this.#timestamps = options.timestamps ?? true;
    this.#steps = options.steps ?? false;
    this.#now = options.now ?? (() => new Date());
  }

  #line(text: string): void {
    this.#out.write(`${this.#timestamps ? `${this.#now().toISOString()} ` : ''}${text}\n`);
  }

  runStarted(command: RunSummary['command'], devices: readonly string[]): void {
    this.#total = devices.length;
    this.#done = 0;
    this.#width = String(devices.length).length;
    this.#line(`${command}: starting on ${plural(devices.length, 'device')}`);
  }

  deviceStarted(device: string): void {
    this.#line(`${device} started`);
  }

  deviceStep(device: string, step: string): void {
    if (this.#steps) this.#line(`${device} ${oneLine(step)}`);
  }

  deviceFinished(outcome: DeviceOutcome): void {
    this.#done += 1;
    this.#line(`[${String(this.#done).padStart(this.#width)}/${this.#total}] ${renderFinishLine(outcome)}`);
  }

  runFinished(_summary?: RunSummary): void {}
}
