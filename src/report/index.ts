/** Everything people and machines see of a run: progress, tables, plans, the JSON report, logs, redaction. */
export type { ChangeRecord, DeviceOutcome, DeviceResult, RunReporter, RunSummary } from './events.js';
export { systemClock } from './clock.js';
export type { Clock } from './clock.js';
export { FileSink, OutputFileError, useColor } from './sink.js';
export type { TextSink } from './sink.js';
export { formatClock, formatDuration } from './format.js';
export { REDACTED, SECRET_PATTERNS, SecretRedactor, redactPatterns } from './redaction.js';
export type { Revealable } from './redaction.js';
export { consoleLevel, createLogger, redactionFormat } from './logging.js';
export type { CertagentLogger, LogLevel, LoggerOptions } from './logging.js';
export {
  FinalReportReporter,
  OutcomeCollector,
  describeChanges,
  renderFinalReport,
  renderFindings,
  renderProblems,
  renderSummaryLine,
  renderTable,
} from './final-report.js';
export type { FinalReportOptions, TableOptions } from './final-report.js';
export { DryRunReporter, groupPlans, renderDryRun, renderPlanGroup } from './dry-run.js';
export type { DryRunOptions, PlanGroup } from './dry-run.js';
export { ProgressDisplay, renderCounterLine, renderProgressFrame } from './progress.js';
export type { FrameOptions, ProgressOptions, ProgressState } from './progress.js';
export { PlainLinesReporter, renderFinishLine } from './plain-lines.js';
export type { PlainLinesOptions } from './plain-lines.js';
export { JsonReportWriter, REPORT_FORMAT, parseJsonReport } from './json-report.js';
export type { DeviceRecord, JsonReportOptions, ParsedReport, ReportRecord, RunRecord, SummaryRecord } from './json-report.js';
export { LoggingReporter } from './log-reporter.js';
export type { EventLogger } from './log-reporter.js';
export { MemoryReporter, combineReporters, escapingReporter, redactingReporter, warnOnce } from './combine.js';
export { escapeDeep, escapeText } from './escape.js';
export type { ReporterErrorHandler } from './combine.js';
export { createRunOutput } from './run-output.js';
export type { RunOutput, RunOutputOptions } from './run-output.js';
