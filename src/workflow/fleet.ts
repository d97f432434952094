/**
 * The fleet runner: every selected device through the per-device workflow, at most `concurrency` at once, each
 * device's outcome reported as it finishes. Nothing per device is kept in memory beyond its outcome (transcripts
 * go to files). Exit code: 0 when every device ended changed, unchanged or planned; 1 otherwise.
 */
import { resolveCredentials } from '../config/index.js';
import type { Device, ResolvedCredentials, SecretResolver } from '../config/index.js';
import type { DeviceOutcome, DeviceResult, RunReporter, RunSummary } from '../report/events.js';
import { openDeviceSession, transcriptPath } from './connect.js';
import type { SessionSettings } from './connect.js';
import type { DesiredState } from './desired.js';
import { runDevice } from './device-run.js';
import type { DeviceJob, RetryPolicy, WorkflowCommand } from './device-run.js';
import type { PlanOptions } from './plan.js';

export const DEFAULT_CONCURRENCY = 10;

export interface FleetOptions {
  readonly command: WorkflowCommand;
  readonly devices: readonly Device[];
  readonly desired: DesiredState;
  readonly resolver: SecretResolver;
  readonly reporter: RunReporter;
  readonly concurrency?: number;
  readonly dryRun?: boolean;
  readonly planOptions?: PlanOptions;
  readonly alwaysProve?: boolean;
  readonly session?: Omit<SessionSettings, 'secrets'>;
  readonly retry?: RetryPolicy;
  readonly pollIntervalMs?: number;
  readonly diagnose?: DeviceJob['diagnose'];
  /** Aborting stops starting devices (those not started end `skipped`); devices under way finish, rollback included. */
  readonly signal?: AbortSignal;
  /** Told every secret value resolved for the run (credentials included) before anything is reported. */
  readonly registerSecret?: (value: string) => void;
}

export interface FleetResult {
  readonly outcomes: readonly DeviceOutcome[];
  readonly summary: RunSummary;
  readonly exitCode: 0 | 1;
}

const GOOD: readonly DeviceResult[] = ['changed', 'unchanged', 'planned'];

function stopReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : 'stopped';
}

export async function runFleet(options: FleetOptions): Promise<FleetResult> {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_CONCURRENCY));
  // Every reference at once, before any connection: one error lists every missing variable or file.
  const credentials = new Map<string, ResolvedCredentials>();
  for (const device of options.devices) credentials.set(device.name, await resolveCredentials(device, options.resolver));
  const secrets = options.desired.secrets.map((s) => s.reveal());
  for (const creds of credentials.values()) {
    for (const s of [creds.password, creds.enableSecret, creds.privateKey?.passphrase]) if (s) options.registerSecret?.(s.reveal());
  }
  for (const s of secrets) options.registerSecret?.(s);
  const started = Date.now();
  const startedAt = new Date().toISOString();
  const command = options.command === 'rollout' && options.dryRun ? 'plan' : options.command;
  options.reporter.runStarted(command, options.devices.map((d) => d.name));

  const outcomes: DeviceOutcome[] = new Array<DeviceOutcome>(options.devices.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < options.devices.length) {
      const index = next++;
      const device = options.devices[index] as Device;
      if (device.transport !== 'ssh') {
        const refused: DeviceOutcome = {
          device: device.name,
          host: device.host,
          result: 'failed',
          changes: [],
          roundTrips: 0,
          startedAt: new Date().toISOString(),
          durationMs: 0,
          error: { message: `${device.name}: transport ${device.transport} is not supported by the workflow yet`, hint: 'set transport: ssh for this device; the workflow speaks SSH CLI only' },
        };
        outcomes[index] = refused;
        options.reporter.deviceFinished(refused);
        continue;
      }
      if (options.signal?.aborted) {
        const skipped: DeviceOutcome = { device: device.name, host: device.host, result: 'skipped', changes: [], roundTrips: 0, startedAt: new Date().toISOString(), durationMs: 0, error: { message: `${device.name}: not started: the run was stopped (${stopReason(options.signal)})` } };
        outcomes[index] = skipped;
        options.reporter.deviceFinished(skipped);
        continue;
      }
      const creds = credentials.get(device.name) as ResolvedCredentials;
      const settings: SessionSettings = { ...options.session, secrets };
      const job: DeviceJob = {
        device: device.name,
        host: device.host,
        command: options.command,
        desired: options.desired,
        dryRun: options.dryRun ?? false,
        ...(options.planOptions && { planOptions: options.planOptions }),
        ...(options.alwaysProve !== undefined && { alwaysProve: options.alwaysProve }),
        open: () => openDeviceSession(device, creds, settings),
        ...(options.retry && { retry: options.retry }),
        reporter: options.reporter,
        ...(options.pollIntervalMs !== undefined && { pollIntervalMs: options.pollIntervalMs }),
        ...(options.session?.transcriptDir !== undefined && { transcript: transcriptPath(options.session.transcriptDir, device.name) }),
        ...(options.diagnose && { diagnose: options.diagnose }),
      };
      const outcome = await runDevice(job);
      outcomes[index] = outcome;
      options.reporter.deviceFinished(outcome);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, options.devices.length) }, worker));

  const byResult: Record<DeviceResult, number> = { changed: 0, unchanged: 0, failed: 0, 'rolled-back': 0, planned: 0, skipped: 0 };
  for (const o of outcomes) byResult[o.result]++;
  const summary: RunSummary = {
    command,
    startedAt,
    durationMs: Date.now() - started,
    devices: outcomes.length,
    byResult,
    ...(options.signal?.aborted && byResult.skipped > 0 && { stoppedEarly: stopReason(options.signal) }),
  };
  options.reporter.runFinished(summary);
  return { outcomes, summary, exitCode: outcomes.every((o) => GOOD.includes(o.result)) ? 0 : 1 };
}
