/**
 * The agent's logger: winston with a human console transport on stderr (stdout stays for tables and JSON)
 * and an optional JSON Lines file. Every record passes a redaction format first (message and metadata,
 * deep) and every formatted line is redacted once more, so a secret passed by mistake never lands in a log;
 * device text in records is escaped (escape.ts) after redaction, before the console adds its own colours.
 */
import winston from 'winston';
import type { Logform } from 'winston';
// winston's own base class for transports (a winston dependency; `winston.transport` is typed as a namespace).
import TransportStream from 'winston-transport';
import { escapeDeep } from './escape.js';
import { oneLine } from './format.js';
import { FileSink, useColor } from './sink.js';
import type { TextSink } from './sink.js';
import type { SecretRedactor } from './redaction.js';
import { errorMessage } from '../shared/error-message.js';

export type LogLevel = 'error' | 'warn' | 'info' | 'verbose' | 'debug';

const LEVEL_RANK: Readonly<Record<LogLevel, number>> = { error: 0, warn: 1, info: 2, verbose: 3, debug: 4 };

const MESSAGE = Symbol.for('message');
const SPLAT = Symbol.for('splat');

export interface LoggerOptions {
  /** The run's secret registry; register secrets on it as they are resolved, the logger sees them at once. */
  readonly redactor: SecretRedactor;
  /** Console threshold; see `consoleLevel` for the `--verbose`/`--quiet` mapping. Default `info`. */
  readonly level?: LogLevel;
  /** Where console records go. Default `process.stderr`. */
  readonly console?: TextSink;
  /** `--log-file`: JSON Lines, one record per line, appended. */
  readonly logFile?: string;
  /** Threshold of the file. Default `debug`: the file is for finding out afterwards what happened. */
  readonly fileLevel?: LogLevel;
  /** Default: colour when the console is a terminal and NO_COLOR is unset. */
  readonly color?: boolean;
  /** Clock for console timestamps (tests). */
  readonly now?: () => Date;
}

/** A winston logger that can be flushed and closed at the end of a run. */
export type CertagentLogger = winston.Logger & {
  /** Ends the logger and closes the log file; resolves when every record is written. */
  shutdown(): Promise<void>;
};

/** `--quiet` → errors only; `-v` → verbose; `-vv` → debug (every step of every device). */
export function consoleLevel(flags: { readonly verbose?: number | boolean; readonly quiet?: boolean }): LogLevel {
  if (flags.quiet === true) return 'error';
  const v = typeof flags.verbose === 'boolean' ? (flags.verbose ? 1 : 0) : (flags.verbose ?? 0);
  if (v >= 2) return 'debug';
  return v === 1 ? 'verbose' : 'info';
}

/** Redacts a record in place: every field but the level, deep, plus the extra `splat` arguments. */
export function redactionFormat(redactor: SecretRedactor): Logform.Format {
  return winston.format((info) => {
    const record = info as Record<string | symbol, unknown>;
    for (const key of Object.keys(record)) {
      if (key !== 'level') record[key] = escapeDeep(redactor.redactDeep(record[key]));
    }
    if (Array.isArray(record[SPLAT])) record[SPLAT] = escapeDeep(redactor.redactDeep(record[SPLAT]));
    return info;
  })();
}

/** The formatted line itself, redacted: catches anything a later format might have expanded. */
function redactLine(redactor: SecretRedactor): Logform.Format {
  return winston.format((info) => {
    const record = info as Record<string | symbol, unknown>;
    const line = record[MESSAGE];
    if (typeof line === 'string') record[MESSAGE] = redactor.redact(line);
    return info;
  })();
}

const HIDDEN_FIELDS = new Set(['level', 'message', 'timestamp', 'stack', 'event']);

/**
 * Console metadata stays one short line: scalars as `key=value`, errors as their message; structures
 * (a whole outcome, a summary) are for the log file and left out here.
 */
function consoleField([key, value]: [string, unknown]): string | undefined {
  if (HIDDEN_FIELDS.has(key) || value === undefined || value === null) return undefined;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return `${key}=${String(value)}`;
  const message = (value as { message?: unknown }).message;
  return typeof message === 'string' ? `${key}=${oneLine(message)}` : undefined;
}

/** A terminal shows the local time of day; a log collector (cron mail, Kubernetes) gets full ISO time. */
function consoleFormat(color: boolean, now: () => Date, terminal: boolean): Logform.Format {
  const levelColor: Record<string, string> = { error: '\u001b[31m', warn: '\u001b[33m', verbose: '\u001b[2m', debug: '\u001b[2m' };
  return winston.format.printf((info) => {
    const time = terminal ? now().toTimeString().slice(0, 8) : now().toISOString();
    const level = info.level.padEnd(7);
    const painted = color && levelColor[info.level] !== undefined ? `${levelColor[info.level]}${level}\u001b[0m` : level;
    const fields = Object.entries(info).flatMap((entry) => consoleField(entry) ?? []);
    const meta = fields.length === 0 ? '' : ` ${fields.join(' ')}`;
    const stack = typeof info.stack === 'string' && (info.level === 'debug' || info.level === 'error') ? `\n${info.stack}` : '';
    return `${time} ${painted} ${String(info.message)}${meta}${stack}`;
  });
}

/**
 * A transport writing each formatted line to a sink synchronously, in order, with no buffering to lose.
 * A sink that fails (a full disk under `--log-file`) is reported once and dropped: logging must never
 * stop a run half-way through a fleet.
 */
class SinkTransport extends TransportStream {
  readonly #sink: TextSink;
  readonly #onFailure: (err: unknown) => void;
  #failed = false;

  constructor(sink: TextSink, options: TransportStream.TransportStreamOptions, onFailure: (err: unknown) => void) {
    super(options);
    this.#sink = sink;
    this.#onFailure = onFailure;
  }

  override log(info: Record<string | symbol, unknown>, next: () => void): void {
    if (!this.#failed) {
      try {
        this.#sink.write(`${String(info[MESSAGE])}\n`);
      } catch (err) {
        this.#failed = true;
        this.#onFailure(err);
      }
    }
    next();
  }
}

export function createLogger(options: LoggerOptions): CertagentLogger {
  const consoleSink = options.console ?? process.stderr;
  const color = options.color ?? useColor(consoleSink);
  const now = options.now ?? (() => new Date());
  const transports: TransportStream[] = [
    new SinkTransport(
      consoleSink,
      {
        level: options.level ?? 'info',
        format: winston.format.combine(consoleFormat(color, now, consoleSink.isTTY === true), redactLine(options.redactor)),
      },
      () => undefined,
    ),
  ];
  const file = options.logFile === undefined ? undefined : new FileSink(options.logFile, { append: true });
  if (file) {
    transports.push(
      new SinkTransport(
        file,
        {
          level: options.fileLevel ?? 'debug',
          format: winston.format.combine(winston.format.timestamp(), winston.format.json(), redactLine(options.redactor)),
        },
        (err) => {
          const why = options.redactor.redact(errorMessage(err));
          consoleSink.write(`certagent: cannot write the log file ${file.path} (${why}); it is no longer written, the run goes on\n`);
        },
      ),
    );
  }
  // winston formats every record before its transports look at levels: drop what no transport wants
  // first, so debug records of a 10,000-device run cost nothing without -vv or a log file.
  const wanted = Math.max(LEVEL_RANK[options.level ?? 'info'], file ? LEVEL_RANK[options.fileLevel ?? 'debug'] : 0);
  const levelFilter = winston.format((info) => ((LEVEL_RANK[info.level as LogLevel] ?? 0) <= wanted ? info : false))();
  const logger = winston.createLogger({
    level: (Object.keys(LEVEL_RANK) as LogLevel[]).find((l) => LEVEL_RANK[l] === wanted) ?? 'debug',
    format: winston.format.combine(levelFilter, winston.format.errors({ stack: true }), redactionFormat(options.redactor)),
    transports,
    exitOnError: false,
  });
  // A record logged after `shutdown` (a late callback of a device) is dropped, not a crash of the process.
  logger.on('error', () => undefined);
  let closed: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    closed ??= new Promise<void>((resolve) => {
      logger.once('finish', () => {
        file?.close();
        resolve();
      });
      logger.end();
    });
    return closed;
  };
  return Object.assign(logger, { shutdown });
}
