/**
 * The fleet audit: every selected device read (at most `concurrency` at once) and analysed as it finishes; each
 * result goes to the audit reporters (table, JSON Lines, Prometheus, HTML) and, as a progress event, to the same
 * live display rollout uses, then is dropped. Nothing is ever configured. Exit: 0 no findings, 1 findings.
 */
import { resolveCredentials } from '../config/index.js';
import type { Device, SecretResolver } from '../config/index.js';
import type { AuditReporter, AuditSummary, DeviceAudit, FindingKind } from '../report/audit/types.js';
import type { RunReporter } from '../report/events.js';
import type { RetryPolicy, SessionSettings } from '../workflow/index.js';
import { analyseDevice, unreachableDevice } from './analyse.js';
import type { AuditSettings, DeviceInfo } from './analyse.js';
import { forEachBounded } from '../shared/bounded-pool.js';
import { DEFAULT_CONCURRENCY } from './fleet.js';
import { NETCONF_AUDIT_COMMANDS, SSH_AUDIT_COMMANDS, readDevice } from './read.js';

export interface AuditOptions extends Omit<AuditSettings, 'now'> {
  readonly devices: readonly Device[];
  readonly resolver: SecretResolver;
  /** Live progress (the rollout display). */
  readonly progress: RunReporter;
  readonly reporter: AuditReporter;
  readonly concurrency?: number;
  readonly session?: Omit<SessionSettings, 'secrets'>;
  readonly retry?: RetryPolicy;
  /** Told every secret value resolved for the run before anything is reported. */
  readonly registerSecret?: (value: string) => void;
  readonly signal?: AbortSignal;
  readonly now?: () => Date;
}

export interface AuditResult {
  readonly summary: AuditSummary;
  readonly exitCode: 0 | 1;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export async function runAudit(options: AuditOptions): Promise<AuditResult> {
  const now = options.now ?? (() => new Date());
  const started = now();
  const secrets = (options.desired?.secrets ?? []).map((s) => s.reveal());
  for (const s of secrets) options.registerSecret?.(s);
  const settings: SessionSettings = { ...options.session, secrets };
  options.progress.runStarted(
    'audit',
    options.devices.map((d) => d.name),
  );
  const counts: Partial<Record<FindingKind, number>> = {};
  let up = 0;
  let withFindings = 0;

  const finish = (audit: DeviceAudit): void => {
    if (audit.up) up++;
    if (audit.findings.length > 0) withFindings++;
    for (const f of audit.findings) counts[f.kind] = (counts[f.kind] ?? 0) + 1;
    options.reporter.deviceAudited(audit);
    options.progress.deviceFinished({
      device: audit.device,
      host: audit.host,
      result: audit.up ? 'unchanged' : 'failed',
      changes: [],
      roundTrips: audit.commands.length,
      startedAt: audit.startedAt,
      durationMs: audit.durationMs,
      ...(audit.error !== undefined && { error: { message: audit.error } }),
    });
  };

  const begun = new Set<string>();
  await forEachBounded(
    options.devices,
    options.concurrency ?? DEFAULT_CONCURRENCY,
    async (device) => {
      const startedAt = new Date();
      begun.add(device.name);
      options.progress.deviceStarted(device.name);
      const info = (roundTrips?: number): DeviceInfo => ({
        device: device.name,
        host: device.host,
        transport: device.transport,
        commands: roundTrips === 0 ? [] : device.transport === 'netconf' ? NETCONF_AUDIT_COMMANDS : SSH_AUDIT_COMMANDS,
        startedAt: startedAt.toISOString(),
        durationMs: Date.now() - startedAt.getTime(),
      });
      try {
        // Credentials per device: a missing variable is that device's finding, not the end of the audit.
        const credentials = await resolveCredentials(device, options.resolver);
        for (const s of [credentials.password, credentials.enableSecret, credentials.privateKey?.passphrase]) if (s) options.registerSecret?.(s.reveal());
        const { read } = await readDevice({ device, credentials, settings, reporter: options.progress, ...(options.retry && { retry: options.retry }) });
        finish(analyseDevice(info(), read, { ...options, now: now() }));
      } catch (err) {
        finish(unreachableDevice(info(0), options.redact ? options.redact(message(err)) : message(err)));
      }
    },
    options.signal,
  );
  // Devices a Ctrl-C or SIGTERM kept from starting are findings too: the audit does not vouch for them.
  const reason = options.signal?.reason;
  const why = reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : 'stopped';
  for (const device of options.devices) {
    if (begun.has(device.name)) continue;
    const at = new Date().toISOString();
    finish(
      unreachableDevice(
        { device: device.name, host: device.host, transport: device.transport, commands: [], startedAt: at, durationMs: 0 },
        `${device.name}: not started: the audit was stopped (${why})`,
      ),
    );
  }

  const finished = now();
  const summary: AuditSummary = {
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationMs: finished.getTime() - started.getTime(),
    devices: options.devices.length,
    up,
    withFindings,
    findings: counts,
    warnBeforeSeconds: options.warnBeforeSeconds,
  };
  options.reporter.auditFinished(summary);
  options.progress.runFinished({
    command: 'audit',
    startedAt: summary.startedAt,
    durationMs: summary.durationMs,
    devices: summary.devices,
    byResult: { changed: 0, unchanged: up, failed: summary.devices - up, 'rolled-back': 0, planned: 0, skipped: 0 },
  });
  return { summary, exitCode: withFindings > 0 ? 1 : 0 };
}
