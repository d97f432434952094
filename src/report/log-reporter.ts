/**
 * Every run event as a structured log record, so the log file tells the whole story of a run: device
 * starts and steps at `debug`, finishes at `verbose` (failures at `warn`), run start and end at `info`.
 * The console shows warnings by default, the file everything.
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
    this.#logger.log('info', `${command}: starting on ${devices.length} devices`, { event: 'runStarted', command, deviceCount: devices.length });
  }

  deviceStarted(device: string): void {
    this.#logger.log('debug', `${device} started`, { event: 'deviceStarted', device });
  }

  deviceStep(device: string, step: string): void {
    this.#logger.log('debug', `${device} ${step}`, { event: 'deviceStep', device, step });
  }

  deviceFinished(outcome: DeviceOutcome): void {
    const level = outcome.result === 'failed' || outcome.result === 'rolled-back' ? 'warn' : 'verbose';
    this.#logger.log(level, renderFinishLine(outcome), { event: 'deviceFinished', outcome });
  }

  runFinished(summary: RunSummary): void {
    this.#logger.log('info', renderSummaryLine(summary), { event: 'runFinished', summary });
  }
}
