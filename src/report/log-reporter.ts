/**
 * Every run event as a structured log record, so the log file tells the whole story of a run: device
 * starts and steps at `debug`, finishes and the run's start and end at `verbose`. The progress display and
 * the final report already show these on the terminal, so the console repeats them only with `-v`/`-vv`;
 * the file (level `debug` by default) has them all, with the whole outcome as metadata.
 */
import type { DeviceOutcome, RunReporter, RunSummary } from './events.js';
import { renderSummaryLine } from './final-report.js';
import { renderFinishLine } from './plain-lines.js';

/** The part of a winston logger this reporter uses. */
export interface EventLogger {
  log(level: string, message: string, meta?: Record<string, unknown>): unknown;
}

export class LoggingReporter implements RunReporter {
  readonly #logger: EventLogger;

  constructor(logger: EventLogger) {
    this.#logger = logger;
  }

  runStarted(command: RunSummary['command'], devices: readonly string[]): void {
    this.#logger.log('verbose', `${command}: starting on ${devices.length} devices`, { event: 'runStarted', command, deviceCount: devices.length });
  }

  deviceStarted(device: string): void {
    this.#logger.log('debug', `${device} started`, { event: 'deviceStarted', device });
  }

  deviceStep(device: string, step: string): void {
    this.#logger.log('debug', `${device} ${step}`, { event: 'deviceStep', device, step });
  }

  deviceFinished(outcome: DeviceOutcome): void {
    this.#logger.log('verbose', renderFinishLine(outcome), { event: 'deviceFinished', device: outcome.device, result: outcome.result, outcome });
  }

  runFinished(summary: RunSummary): void {
    this.#logger.log('verbose', renderSummaryLine(summary), { event: 'runFinished', summary });
  }
}
