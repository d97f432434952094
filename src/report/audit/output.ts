/**
 * Everything an audit shows and writes, put together from flags: the live progress rollout uses (stderr), the
 * final table (stdout), and the files (`--json`, `--prometheus`, `--html`). Every result passes redaction first.
 * Output files are opened (JSON) or checked (the others, written whole at the end) before any device is read.
 */
import { redactingReporter } from '../combine.js';
import type { RunReporter } from '../events.js';
import { PlainLinesReporter } from '../plain-lines.js';
import { ProgressDisplay } from '../progress.js';
import type { SecretRedactor } from '../redaction.js';
import { useColor } from '../sink.js';
import type { TextSink } from '../sink.js';
import { AuditJsonWriter, combineAuditReporters } from './json.js';
import { AuditTableReporter } from './table.js';
import { PrometheusTextfile } from '../prometheus/textfile.js';
import type { AuditFileWriter, AuditReporter, DeviceAudit } from './types.js';

export interface AuditOutputOptions {
  readonly redactor: SecretRedactor;
  readonly progress?: 'auto' | 'live' | 'lines' | 'none';
  readonly jsonFile?: string;
  /** `--prometheus FILE`. */
  readonly prometheusFile?: string;
  /** Reports written whole at the end (HTML), given results after the table and the JSON report. */
  readonly files?: readonly AuditFileWriter[];
  readonly devices: readonly string[];
  readonly warnBeforeSeconds: number;
  readonly stdout?: TextSink;
  readonly stderr?: TextSink;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface AuditOutput {
  readonly progress: RunReporter;
  readonly reporter: AuditReporter;
  /** Writes the whole-file reports of a finished audit and closes the JSON report; call once, also after a crash. */
  close(): Promise<void>;
}

export function createAuditOutput(options: AuditOutputOptions): AuditOutput {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const env = options.env ?? process.env;
  const mode = options.progress ?? 'auto';
  const live = mode === 'live' || (mode === 'auto' && stderr.isTTY === true);
  const display = live ? new ProgressDisplay({ out: stderr, color: useColor(stderr, env) }) : undefined;
  const lines = !live && mode !== 'none' ? new PlainLinesReporter({ out: stderr }) : undefined;
  // Every output checked before the JSON file is created, so bad input leaves no empty report behind.
  const files: AuditFileWriter[] = [
    ...(options.prometheusFile === undefined ? [] : [new PrometheusTextfile(options.prometheusFile)]),
    ...(options.files ?? []),
  ];
  const json = options.jsonFile === undefined ? undefined : AuditJsonWriter.toFile(options.jsonFile);
  json?.auditStarted(options.devices, options.warnBeforeSeconds);
  const quiet: RunReporter = {
    runStarted: () => undefined,
    deviceStarted: () => undefined,
    deviceStep: () => undefined,
    deviceFinished: () => undefined,
    runFinished: () => undefined,
  };
  const progress = redactingReporter(display ?? lines ?? quiet, options.redactor);
  const table = new AuditTableReporter({ out: stdout, color: useColor(stdout, env) });
  const all = [table, ...(json ? [json] : []), ...files];
  const warn = (err: unknown): void => {
    (display?.above ?? stderr).write(
      `certagent audit: a report could not be written (${err instanceof Error ? err.message : String(err)}); the audit goes on without it\n`,
    );
  };
  const combined = combineAuditReporters(all, warn);
  const reporter: AuditReporter = {
    deviceAudited: (a) => combined.deviceAudited(options.redactor.redactDeep(a) as DeviceAudit),
    auditFinished: (s) => combined.auditFinished(s),
  };
  return {
    progress,
    reporter,
    close: async () => {
      json?.close();
      for (const file of files) {
        try {
          await file.write();
        } catch (err) {
          warn(new Error(`${file.path}: ${err instanceof Error ? err.message : String(err)}`));
        }
      }
    },
  };
}
