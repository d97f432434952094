/**
 * The end-of-run report on stdout: an aligned table (device, result, what changed, round trips, time), the
 * problems with their error and hint below it, findings of `fix`, and a one-line summary. Rendering is pure;
 * `FinalReportReporter` only collects outcomes (bounded for large fleets) and prints once at the end.
 */
import type { DeviceOutcome, DeviceResult, RunReporter, RunSummary } from './events.js';
import { RESULT_ORDER, RESULT_STYLE, RESULT_WORDS, formatDuration, oneLine, painter, plural, truncate } from './format.js';
import type { Paint } from './format.js';
import type { TextSink } from './sink.js';
import { useColor } from './sink.js';

const PROBLEMS: ReadonlySet<DeviceResult> = new Set(['failed', 'rolled-back']);
const CHANGES_WIDTH = 60;

export function isProblem(outcome: DeviceOutcome): boolean {
  return PROBLEMS.has(outcome.result);
}

/** `trustpoint CA-X created, applet Y replaced`, cut to fit a table cell; `-` when nothing changed. */
export function describeChanges(outcome: DeviceOutcome, width = CHANGES_WIDTH): string {
  const done = outcome.changes.filter((c) => c.action !== 'unchanged');
  if (done.length === 0) return '-';
  return truncate(oneLine(done.map((c) => `${c.object} ${c.action}`).join(', ')), width);
}

/** `rollout: 10 devices, 8 changed, 1 unchanged, 1 failed in 12.3 s` (kinds with zero devices left out). */
export function renderSummaryLine(summary: RunSummary): string {
  const counts = RESULT_ORDER.filter((r) => (summary.byResult[r] ?? 0) > 0).map((r) => `${summary.byResult[r]} ${RESULT_WORDS[r]}`);
  const stopped = summary.stoppedEarly === undefined ? '' : `; stopped early: ${oneLine(summary.stoppedEarly)}`;
  return `${summary.command}: ${[plural(summary.devices, 'device'), ...counts].join(', ')} in ${formatDuration(summary.durationMs)}${stopped}`;
}

export interface TableOptions {
  readonly color?: boolean;
  /** Devices finished but not listed (large fleets); named in a line under the table. */
  readonly omitted?: Readonly<Partial<Record<DeviceResult, number>>>;
}

interface Column {
  readonly title: string;
  readonly right?: boolean;
  cell(o: DeviceOutcome): string;
}

const COLUMNS: readonly Column[] = [
  { title: 'DEVICE', cell: (o) => o.device },
  { title: 'RESULT', cell: (o) => RESULT_WORDS[o.result] },
  { title: 'CHANGES', cell: (o) => describeChanges(o) },
  { title: 'ROUND TRIPS', right: true, cell: (o) => String(o.roundTrips) },
  { title: 'TIME', right: true, cell: (o) => formatDuration(o.durationMs) },
];

/** The aligned table; colour (the result column only) is applied after padding so alignment holds. */
export function renderTable(outcomes: readonly DeviceOutcome[], options: TableOptions = {}): string {
  const paint = painter(options.color === true);
  const rows = outcomes.map((o) => COLUMNS.map((c) => c.cell(o)));
  const widths = COLUMNS.map((c, i) => Math.max(c.title.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[], result?: DeviceResult): string =>
    cells
      .map((cell, i) => {
        const col = COLUMNS[i];
        const width = widths[i] ?? 0;
        const padded = col?.right === true ? cell.padStart(width) : cell.padEnd(width);
        return i === 1 && result !== undefined ? paint(RESULT_STYLE[result], padded) : padded;
      })
      .join('  ')
      .trimEnd();
  const out = [line(COLUMNS.map((c) => c.title)), ...rows.map((cells, i) => line(cells, outcomes[i]?.result))];
  const omitted = RESULT_ORDER.filter((r) => (options.omitted?.[r] ?? 0) > 0).map((r) => `${options.omitted?.[r]} ${RESULT_WORDS[r]}`);
  if (omitted.length > 0) out.push(`… and ${omitted.join(', ')} not listed (the JSON report has every device)`);
  return out.join('\n');
}

function problemBlock(o: DeviceOutcome, paint: Paint): string[] {
  const where = o.error?.step === undefined ? '' : ` at ${oneLine(o.error.step)}`;
  const what = o.error === undefined ? 'no error recorded' : oneLine(o.error.message);
  const head = `  ${o.device} (${o.host}) ${paint(RESULT_STYLE[o.result], RESULT_WORDS[o.result])}${where}: ${what}`;
  const lines = [head];
  if (o.error?.deviceText !== undefined && o.error.deviceText.trim() !== '') {
    const said = o.error.deviceText.trim().split(/\r?\n/);
    lines.push(`    device said: ${said[0] ?? ''}`, ...said.slice(1).map((l) => `                 ${l}`));
  }
  if (o.error?.hint !== undefined) lines.push(`    hint: ${oneLine(o.error.hint)}`);
  if (o.transcript !== undefined) lines.push(`    transcript: ${o.transcript}`);
  return lines;
}

/** Failed and rolled-back devices with what went wrong, where, what the device said and what to do. */
export function renderProblems(outcomes: readonly DeviceOutcome[], options: { readonly color?: boolean; readonly more?: number } = {}): string {
  const problems = outcomes.filter(isProblem);
  if (problems.length === 0) return '';
  const paint = painter(options.color === true);
  const lines = ['Problems:', ...problems.flatMap((o) => problemBlock(o, paint))];
  if ((options.more ?? 0) > 0) lines.push(`  … and ${plural(options.more ?? 0, 'more device')} (see the JSON report or the log file)`);
  return lines.join('\n');
}

/** The plain-word diagnoses of `fix`, per device. */
export function renderFindings(outcomes: readonly DeviceOutcome[]): string {
  const withFindings = outcomes.filter((o) => (o.diagnoses?.length ?? 0) > 0);
  if (withFindings.length === 0) return '';
  return ['Findings:', ...withFindings.flatMap((o) => [`  ${o.device}:`, ...(o.diagnoses ?? []).map((d) => `    - ${oneLine(d)}`)])].join('\n');
}

/**
 * Keeps what the final report needs and no more: every outcome up to `maxRows` devices; past that only the
 * problems (themselves capped at `maxRows`) and counts, so memory stays flat for a 10,000-router fleet.
 */
export class OutcomeCollector {
  readonly #maxRows: number;
  #all: DeviceOutcome[] = [];
  #problems: DeviceOutcome[] = [];
  #count = 0;
  #omitted: Partial<Record<DeviceResult, number>> = {};
  #moreProblems = 0;
  #large = false;

  constructor(maxRows: number) {
    this.#maxRows = maxRows;
  }

  add(outcome: DeviceOutcome): void {
    this.#count += 1;
    if (isProblem(outcome)) {
      if (this.#problems.length < this.#maxRows) this.#problems.push(outcome);
      else this.#moreProblems += 1;
    }
    if (this.#large) {
      if (!isProblem(outcome)) this.#omit(outcome.result);
      return;
    }
    this.#all.push(outcome);
    if (this.#count > this.#maxRows) {
      this.#large = true;
      for (const o of this.#all) if (!isProblem(o)) this.#omit(o.result);
      this.#all = [];
    }
  }

  #omit(result: DeviceResult): void {
    this.#omitted[result] = (this.#omitted[result] ?? 0) + 1;
  }

  /** Rows for the table: all devices, or for a large fleet the problems only. */
  get rows(): readonly DeviceOutcome[] {
    return this.#large ? this.#problems : this.#all;
  }

  get problems(): readonly DeviceOutcome[] {
    return this.#problems;
  }

  get moreProblems(): number {
    return this.#moreProblems;
  }

  get omitted(): Readonly<Partial<Record<DeviceResult, number>>> {
    return this.#omitted;
  }
}

export interface FinalReportOptions {
  /** Usually `process.stdout`. */
  readonly out: TextSink;
  /** Default: colour on a terminal unless NO_COLOR. */
  readonly color?: boolean;
  /** Above this many devices the table lists only problems plus counts. Default 200. */
  readonly maxRows?: number;
}

/** Renders the whole end-of-run report from what a collector kept. */
export function renderFinalReport(collected: OutcomeCollector, summary: RunSummary, color: boolean): string {
  const parts = [
    collected.rows.length > 0 || Object.keys(collected.omitted).length > 0 ? renderTable(collected.rows, { color, omitted: collected.omitted }) : '',
    renderProblems(collected.problems, { color, more: collected.moreProblems }),
    renderFindings(collected.rows),
    renderSummaryLine(summary),
  ];
  return `${parts.filter((p) => p !== '').join('\n\n')}\n`;
}

export class FinalReportReporter implements RunReporter {
  readonly #out: TextSink;
  readonly #color: boolean;
  readonly #maxRows: number;
  #collected: OutcomeCollector;

  constructor(options: FinalReportOptions) {
    this.#out = options.out;
    this.#color = options.color ?? useColor(options.out);
    this.#maxRows = options.maxRows ?? 200;
    this.#collected = new OutcomeCollector(this.#maxRows);
  }

  runStarted(_command: RunSummary['command'], _devices: readonly string[]): void {
    this.#collected = new OutcomeCollector(this.#maxRows);
  }

  deviceStarted(_device: string): void {}

  deviceStep(_device: string, _step: string): void {}

  deviceFinished(outcome: DeviceOutcome): void {
    this.#collected.add(outcome);
  }

  runFinished(summary: RunSummary): void {
    this.#out.write(renderFinalReport(this.#collected, summary, this.#color));
  }
}
