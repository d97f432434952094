/**
 * The machine-readable report (`--json FILE`), streamed to disk as devices finish.
 *
 * Format: JSON Lines (UTF-8, one JSON object per line, `\n` ends every line), `format` `certagent-report/1`:
 *
 *   {"type":"run","format":"certagent-report/1","command":"rollout","startedAt":"2026-...Z","deviceCount":3,"devices":["R1","R2","R3"]}
 *   {"type":"device","device":"R1","host":"10.0.0.1","result":"changed","changes":[...],"roundTrips":12,"startedAt":"...","durationMs":1234, ...}
 *   {"type":"device", ...}                       one per finished device, in finishing order; fields as `DeviceOutcome`
 *   {"type":"summary","command":"rollout","startedAt":"...","durationMs":4567,"devices":3,"byResult":{...},"stoppedEarly":"..."}
 *
 * The first line is always `run`; `summary` is the last line of a complete run. A file without a
 * `summary` line is from an interrupted run: every `device` line in it is complete (each line is written
 * with one synchronous write as the device finishes), and the devices of the `run` line that have no
 * `device` line never finished. Readers should ignore a last line without its `\n` (a write cut by a
 * crash). `parseJsonReport` reads the format. Nothing is held in memory per device.
 */
import type { DeviceOutcome, RunReporter, RunSummary } from './events.js';
import { FileSink } from './sink.js';
import type { TextSink } from './sink.js';

export const REPORT_FORMAT = 'certagent-report/1';

export interface RunRecord {
  readonly type: 'run';
  readonly format: typeof REPORT_FORMAT;
  readonly command: RunSummary['command'];
  readonly startedAt: string;
  readonly deviceCount: number;
  readonly devices: readonly string[];
}

export type DeviceRecord = { readonly type: 'device' } & DeviceOutcome;
export type SummaryRecord = { readonly type: 'summary' } & RunSummary;
export type ReportRecord = RunRecord | DeviceRecord | SummaryRecord;

export interface JsonReportOptions {
  readonly now?: () => Date;
}

export class JsonReportWriter implements RunReporter {
  readonly #sink: TextSink & { close?(): void };
  readonly #now: () => Date;

  /** Writes to `sink` (tests, stdout); see `JsonReportWriter.toFile` for `--json FILE`. */
  constructor(sink: TextSink & { close?(): void }, options: JsonReportOptions = {}) {
    this.#sink = sink;
    this.#now = options.now ?? (() => new Date());
  }

  /** Creates (truncates) FILE now, so a bad path fails before any device is touched. */
  static toFile(path: string, options: JsonReportOptions = {}): JsonReportWriter {
    return new JsonReportWriter(new FileSink(path), options);
  }

  #record(record: ReportRecord): void {
    this.#sink.write(`${JSON.stringify(record)}\n`);
  }

  runStarted(command: RunSummary['command'], devices: readonly string[]): void {
    this.#record({ type: 'run', format: REPORT_FORMAT, command, startedAt: this.#now().toISOString(), deviceCount: devices.length, devices });
  }

  deviceStarted(_device: string): void {}

  deviceStep(_device: string, _step: string): void {}

  deviceFinished(outcome: DeviceOutcome): void {
    this.#record({ type: 'device', ...outcome });
  }

  /** Writes the summary line and closes the file. */
  runFinished(summary: RunSummary): void {
    this.#record({ type: 'summary', ...summary });
    this.close();
  }

  /** Closes the file (idempotent); what was written stays a valid, interrupted-run report. */
  close(): void {
    this.#sink.close?.();
  }
}

export interface ParsedReport {
  readonly run: RunRecord;
  readonly devices: DeviceRecord[];
  /** Absent when the run was interrupted. */
  readonly summary?: SummaryRecord;
  /** Devices named in the run line that have no device line. */
  readonly unfinished: string[];
}

/** Reads a report file's text; tolerates a cut last line, rejects anything else malformed with its line number. */
export function parseJsonReport(text: string): ParsedReport {
  const lines = text.split('\n');
  // Every whole line ends with `\n`, so the last piece is either empty or a write cut short: drop it.
  const complete = lines.slice(0, -1);
  let run: RunRecord | undefined;
  let summary: SummaryRecord | undefined;
  const devices: DeviceRecord[] = [];
  complete.forEach((line, i) => {
    let record: ReportRecord;
    try {
      record = JSON.parse(line) as ReportRecord;
    } catch {
      throw new Error(`JSON report line ${i + 1} is not JSON: ${line.slice(0, 80)}`);
    }
    if (record.type === 'run') {
      if (record.format !== REPORT_FORMAT) throw new Error(`JSON report format ${String(record.format)} is not ${REPORT_FORMAT}`);
      run = record;
    } else if (record.type === 'device') devices.push(record);
    else if (record.type === 'summary') summary = record;
    else throw new Error(`JSON report line ${i + 1} has unknown type ${JSON.stringify((record as { type?: unknown }).type)}`);
  });
  if (run === undefined) throw new Error('JSON report has no run line: the file is empty or not a certagent report');
  const finished = new Set(devices.map((d) => d.device));
  return { run, devices, summary, unfinished: run.devices.filter((d) => !finished.has(d)) };
}
