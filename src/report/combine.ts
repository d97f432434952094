/**
 * Fan-out and safety wrappers around reporters. A reporter is an observer: a bug in one (a full disk
 * under the JSON report, a closed terminal) must never stop the run or the other reporters.
 */
import type { DeviceOutcome, RunReporter, RunSummary } from './events.js';
import type { SecretRedactor } from './redaction.js';
import type { TextSink } from './sink.js';
import { escapeDeep, escapeText } from './escape.js';
import { errorMessage } from '../shared/error-message.js';

export type ReporterErrorHandler = (error: unknown, event: keyof RunReporter, reporterIndex: number) => void;

/** Default: one line on stderr the first time each reporter fails, then silence for that reporter. */
export function warnOnce(sink: TextSink = process.stderr): ReporterErrorHandler {
  const warned = new Set<number>();
  return (error, event, index) => {
    if (warned.has(index)) return;
    warned.add(index);
    const why = errorMessage(error);
    sink.write(`certagent: reporter ${index + 1} failed on ${event} (${why}); the run goes on, later failures of this reporter are not shown\n`);
  };
}

/** Sends every event to each reporter in turn; a throwing reporter is reported to `onError` and skipped. */
export function combineReporters(reporters: readonly RunReporter[], options: { readonly onError?: ReporterErrorHandler } = {}): RunReporter {
  const onError = options.onError ?? warnOnce();
  const each = <E extends keyof RunReporter>(event: E, call: (r: RunReporter) => void): void => {
    reporters.forEach((r, i) => {
      try {
        call(r);
      } catch (err) {
        try {
          onError(err, event, i);
        } catch {
          // The error handler itself failing must not break the run either.
        }
      }
    });
  };
  return {
    runStarted: (command, devices) => each('runStarted', (r) => r.runStarted(command, devices)),
    deviceStarted: (device) => each('deviceStarted', (r) => r.deviceStarted(device)),
    deviceStep: (device, step) => each('deviceStep', (r) => r.deviceStep(device, step)),
    deviceFinished: (outcome) => each('deviceFinished', (r) => r.deviceFinished(outcome)),
    runFinished: (summary) => each('runFinished', (r) => r.runFinished(summary)),
  };
}

/**
 * Redacts every event before `inner` sees it: the workflow promises redacted events, this makes the
 * promise hold even when it slips (a device error quoting a config line, a registered secret echoed back).
 */
export function redactingReporter(inner: RunReporter, redactor: SecretRedactor): RunReporter {
  const r = (text: string): string => redactor.redact(text);
  return {
    runStarted: (command, devices) => inner.runStarted(command, devices.map(r)),
    deviceStarted: (device) => inner.deviceStarted(r(device)),
    deviceStep: (device, step) => inner.deviceStep(r(device), r(step)),
    deviceFinished: (outcome) => inner.deviceFinished(redactor.redactDeep(outcome) as DeviceOutcome),
    runFinished: (summary) => inner.runFinished(redactor.redactDeep(summary) as RunSummary),
  };
}

/** Escapes every string of every event before `inner` sees it (see escape.ts): no renderer shows raw device bytes. */
export function escapingReporter(inner: RunReporter): RunReporter {
  return {
    runStarted: (command, devices) => inner.runStarted(command, devices.map(escapeText)),
    deviceStarted: (device) => inner.deviceStarted(escapeText(device)),
    deviceStep: (device, step) => inner.deviceStep(escapeText(device), escapeText(step)),
    deviceFinished: (outcome) => inner.deviceFinished(escapeDeep(outcome)),
    runFinished: (summary) => inner.runFinished(escapeDeep(summary)),
  };
}

/** Keeps every event, in order: for tests of the workflow and for embedding certagent in another program. */
export class MemoryReporter implements RunReporter {
  readonly events: (
    | { readonly type: 'runStarted'; readonly command: RunSummary['command']; readonly devices: readonly string[] }
    | { readonly type: 'deviceStarted'; readonly device: string }
    | { readonly type: 'deviceStep'; readonly device: string; readonly step: string }
    | { readonly type: 'deviceFinished'; readonly outcome: DeviceOutcome }
    | { readonly type: 'runFinished'; readonly summary: RunSummary }
  )[] = [];

  runStarted(command: RunSummary['command'], devices: readonly string[]): void {
    this.events.push({ type: 'runStarted', command, devices: [...devices] });
  }

  deviceStarted(device: string): void {
    this.events.push({ type: 'deviceStarted', device });
  }

  deviceStep(device: string, step: string): void {
    this.events.push({ type: 'deviceStep', device, step });
  }

  deviceFinished(outcome: DeviceOutcome): void {
    this.events.push({ type: 'deviceFinished', outcome });
  }

  runFinished(summary: RunSummary): void {
    this.events.push({ type: 'runFinished', summary });
  }

  get outcomes(): DeviceOutcome[] {
    return this.events.flatMap((e) => (e.type === 'deviceFinished' ? [e.outcome] : []));
  }
}
