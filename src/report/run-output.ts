/**
 * Everything one CLI run shows and writes, put together from flags: live progress on a terminal or plain
 * lines otherwise (stderr), the final table or the dry-run plans (stdout), the JSON report, and the
 * logger whose console shares the terminal with the live display. All events pass redaction, then escaping
 * of device text, first.
 */
import type { RunReporter, RunSummary } from './events.js';
import { combineReporters, escapingReporter, redactingReporter, warnOnce } from './combine.js';
import type { ReporterErrorHandler } from './combine.js';
import { DryRunReporter } from './dry-run.js';
import { FinalReportReporter } from './final-report.js';
import { RunHtmlReport } from './html/writers.js';
import { JsonReportWriter } from './json-report.js';
import { LoggingReporter } from './log-reporter.js';
import { createLogger } from './logging.js';
import type { CertagentLogger, LogLevel } from './logging.js';
import { PlainLinesReporter } from './plain-lines.js';
import { ProgressDisplay } from './progress.js';
import type { SecretRedactor } from './redaction.js';
import { useColor } from './sink.js';
import type { TextSink } from './sink.js';
import type { Clock } from './clock.js';

export interface RunOutputOptions {
  readonly command: RunSummary['command'];
  /** The run's secret registry: every resolved secret registered on it before the run starts. */
  readonly redactor: SecretRedactor;
  /** Console log threshold (`consoleLevel(flags)`). Default `info`. */
  readonly level?: LogLevel;
  /** `--log-file`. */
  readonly logFile?: string;
  /** `--json FILE`. */
  readonly jsonFile?: string;
  /** `--html FILE`: the run as one self-contained page, written at the end. */
  readonly htmlFile?: string;
  /** Plans instead of a table. Default: true for `plan`. */
  readonly dryRun?: boolean;
  /** `auto` (default): live display when stderr is a terminal, plain lines otherwise. */
  readonly progress?: 'auto' | 'live' | 'lines' | 'none';
  /** Plain lines include every step. */
  readonly steps?: boolean;
  /** Table rows above which only problems are listed. Default 200. */
  readonly maxRows?: number;
  readonly stdout?: TextSink;
  readonly stderr?: TextSink;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly clock?: Clock;
  readonly onReporterError?: ReporterErrorHandler;
}

export interface RunOutput {
  /** Give this to the workflow. */
  readonly reporter: RunReporter;
  readonly logger: CertagentLogger;
  /** Flushes and closes the log and JSON files; call once, after the run (also after a crash). */
  close(): Promise<void>;
}

export function createRunOutput(options: RunOutputOptions): RunOutput {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const env = options.env ?? process.env;
  const mode = options.progress ?? 'auto';
  const live = mode === 'live' || (mode === 'auto' && stderr.isTTY === true);
  const progress = live ? new ProgressDisplay({ out: stderr, color: useColor(stderr, env), clock: options.clock }) : undefined;
  // Both files are opened now, so a bad path is an `OutputFileError` before any device is touched.
  const html = options.htmlFile === undefined ? undefined : new RunHtmlReport(options.htmlFile);
  const json = options.jsonFile === undefined ? undefined : JsonReportWriter.toFile(options.jsonFile);
  let logger: CertagentLogger;
  try {
    logger = createLogger({
      redactor: options.redactor,
      level: options.level,
      logFile: options.logFile,
      console: progress?.above ?? stderr,
      color: useColor(stderr, env),
    });
  } catch (err) {
    json?.close();
    throw err;
  }
  const reporters: RunReporter[] = [];
  if (progress) reporters.push(progress);
  else if (mode !== 'none') reporters.push(new PlainLinesReporter({ out: stderr, steps: options.steps }));
  const color = useColor(stdout, env);
  const dryRun = options.dryRun ?? options.command === 'plan';
  reporters.push(
    dryRun ? new DryRunReporter({ out: stdout, color, maxRows: options.maxRows }) : new FinalReportReporter({ out: stdout, color, maxRows: options.maxRows }),
  );
  if (json) reporters.push(json);
  if (html) reporters.push(html);
  reporters.push(new LoggingReporter(logger));
  // Redacted first, then escaped: a secret is matched on the text as the device had it.
  const combined = combineReporters(reporters, { onError: options.onReporterError ?? warnOnce(progress?.above ?? stderr) });
  const reporter = redactingReporter(escapingReporter(combined), options.redactor);
  let closed: Promise<void> | undefined;
  return {
    reporter,
    logger,
    close: () => {
      closed ??= (async () => {
        progress?.runFinished();
        json?.close();
        await html
          ?.write()
          .catch((err: unknown) =>
            stderr.write(`certagent: ${options.htmlFile ?? ''} could not be written (${err instanceof Error ? err.message : String(err)})\n`),
          );
        await logger.shutdown();
      })();
      return closed;
    },
  };
}
