/**
 * `certagent audit`: the trust state of the fleet without touching it. Reads each device (show commands only),
 * reports trustpoints, expiry, weak certificates, drift from the playbook and the mail path's health, and writes
 * the table, JSON Lines, a Prometheus textfile and an HTML report. Exit: 0 nothing found, 1 findings, 2 bad input.
 */
import { parseArgs } from 'node:util';
import { runAudit } from '../../audit/index.js';
import { DEFAULT_CONCURRENCY } from '../../audit/fleet.js';
import { ProbeError } from '../../certs/probe.js';
import { ConfigError, SecretResolver, loadInventory, loadPlaybook, parseDuration, processSecretSources, selectDevices } from '../../config/index.js';
import type { Device, SecretSources } from '../../config/index.js';
import { OutputFileError, SecretRedactor } from '../../report/index.js';
import type { TextSink } from '../../report/index.js';
import { createAuditOutput } from '../../report/audit/output.js';
import { AuditHtmlReport } from '../../report/html/writers.js';
import { resolveDesired } from '../../workflow/index.js';
import type { DesiredState, RetryPolicy, SessionSettings } from '../../workflow/index.js';
import { EXIT_DEVICE_FAILED, EXIT_OK, EXIT_USAGE, UsageError } from '../command.js';
import type { Command } from '../command.js';
import { positiveInteger, progressMode, withTransport } from './rollout.js';
import { makeOutputFolders } from '../run-files.js';
import { SUMMARIES } from './summaries.js';

export interface AuditCommandDeps {
  readonly secrets?: SecretSources;
  readonly stdout?: TextSink;
  readonly stderr?: TextSink;
  readonly retry?: RetryPolicy;
  readonly session?: Omit<SessionSettings, 'secrets'>;
  readonly now?: () => Date;
}

const OPTIONS = {
  inventory: { type: 'string', short: 'i' },
  playbook: { type: 'string', short: 'p' },
  limit: { type: 'string' },
  concurrency: { type: 'string' },
  'warn-before': { type: 'string' },
  'all-trustpoints': { type: 'boolean' },
  json: { type: 'string' },
  prometheus: { type: 'string' },
  html: { type: 'string' },
  transcripts: { type: 'string' },
  'command-timeout': { type: 'string' },
  progress: { type: 'string' },
  transport: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const USAGE =
  'certagent audit -i INVENTORY [-p PLAYBOOK] [--limit NAMES] [--concurrency N] [--warn-before 30d] [--json FILE] [--prometheus FILE] [--html FILE]';

const HELP = [
  '  -i, --inventory SRC      devices: certagent or Ansible YAML, or any Ansible inventory source (INI, directory,',
  '                           script, plugin config) read through ansible-inventory',
  '  -p, --playbook FILE      also report drift from this playbook (missing, extra, different chain members, EEM)',
  '      --limit NAMES        devices or groups, comma-separated, globs and !exclusions',
  `      --concurrency N      devices at once (default ${DEFAULT_CONCURRENCY})`,
  '      --warn-before D      certificates expiring within D are findings (default 30d)',
  "      --all-trustpoints    also report IOS's own trustpoints (SLA-TrustPoint, TP-self-signed-*, CISCO_IDEVID_SUDI*)",
  '      --json FILE          JSON Lines report (certagent-audit/1)',
  '      --prometheus FILE    node_exporter textfile-collector metrics, written atomically',
  '      --html FILE          one self-contained HTML report',
  '      --transcripts DIR    a redacted session transcript per device',
  '      --command-timeout S  seconds to wait for each command (default 30)',
  '      --progress MODE      auto, live, lines or none',
  "      --transport T        ssh or netconf for every device, instead of the inventory's",
  '',
  'Read-only: two show commands per device (NETCONF: one get-config and two), never configuration mode.',
  'Exit codes: 0 nothing found, 1 findings (expired, expiring, weak, drift, failing mail, unreachable), 2 bad input.',
].join('\n');

export const DEFAULT_WARN_BEFORE = '30d';

function parse(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

export function auditCommand(deps: AuditCommandDeps = {}): Command {
  return {
    name: 'audit',
    summary: SUMMARIES.audit,
    usage: USAGE,
    async run(argv) {
      const values = parse(argv);
      const stdout = deps.stdout ?? process.stdout;
      const stderr = deps.stderr ?? process.stderr;
      if (values.help === true) {
        stdout.write(`usage: ${USAGE}\n\n${this.summary}\n\n${HELP}\n`);
        return EXIT_OK;
      }
      if (values.inventory === undefined) throw new UsageError('give the inventory with -i INVENTORY');
      const concurrency = positiveInteger(values.concurrency, '--concurrency', DEFAULT_CONCURRENCY);
      const commandTimeoutMs = positiveInteger(values['command-timeout'], '--command-timeout', 30) * 1000;
      const warnText = values['warn-before'] ?? DEFAULT_WARN_BEFORE;
      const warnBeforeSeconds = parseDuration(warnText);
      if (warnBeforeSeconds === undefined) throw new UsageError(`--warn-before must be a duration like 30d, 12h or 2w, not '${warnText}'`);
      const progress = progressMode(values.progress);
      const resolver = new SecretResolver(deps.secrets ?? processSecretSources());

      let devices: Device[];
      let desired: DesiredState | undefined;
      try {
        devices = withTransport(selectDevices(await loadInventory(values.inventory), values.limit), values.transport);
        if (values.playbook !== undefined) desired = await resolveDesired(await loadPlaybook(values.playbook, { secrets: resolver }));
      } catch (err) {
        if (err instanceof ConfigError) {
          stderr.write(`certagent audit: ${err.message}\n`);
          return EXIT_USAGE;
        }
        if (err instanceof ProbeError) {
          stderr.write(`certagent audit: cannot read a certificate source of the playbook: ${err.message}\n`);
          return EXIT_DEVICE_FAILED;
        }
        throw err;
      }

      makeOutputFolders({ transcripts: values.transcripts });
      const redactor = new SecretRedactor(desired?.secrets ?? []);
      let output;
      try {
        output = createAuditOutput({
          redactor,
          progress,
          devices: devices.map((d) => d.name),
          warnBeforeSeconds,
          ...(values.json !== undefined && { jsonFile: values.json }),
          ...(values.prometheus !== undefined && { prometheusFile: values.prometheus }),
          ...(values.html !== undefined && { files: [new AuditHtmlReport(values.html, deps.now)] }),
          stdout,
          stderr,
        });
      } catch (err) {
        if (err instanceof OutputFileError) {
          stderr.write(`certagent audit: ${err.message}\n`);
          return EXIT_USAGE;
        }
        throw err;
      }
      const stop = new AbortController();
      const onSignal = (signal: NodeJS.Signals): void => stop.abort(`${signal} received`);
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        const result = await runAudit({
          devices,
          resolver,
          progress: output.progress,
          reporter: output.reporter,
          concurrency,
          warnBeforeSeconds,
          allTrustpoints: values['all-trustpoints'] === true,
          ...(desired && { desired }),
          redact: (text) => redactor.redact(text),
          registerSecret: (value) => redactor.add(value),
          session: { commandTimeoutMs, ...(values.transcripts !== undefined && { transcriptDir: values.transcripts }), ...deps.session },
          ...(deps.retry && { retry: deps.retry }),
          ...(deps.now && { now: deps.now }),
          signal: stop.signal,
        });
        return result.exitCode === 0 ? EXIT_OK : EXIT_DEVICE_FAILED;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        await output.close();
      }
    },
  };
}
