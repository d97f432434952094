/**
 * The fleet runner: every selected device through the per-device workflow, at most `concurrency` at once, in
 * stages (an optional canary, then waves), each device's outcome handed to the reporters and the journal as it
 * finishes and then dropped: the runner keeps counters only, so its memory does not grow with the finished part
 * of the fleet. The run stops starting devices (the rest end `skipped`, devices under way finish or roll back)
 * when the canary fails, the failure budget is exceeded, the run deadline passes or `signal` aborts; the summary
 * says which. Exit code: 0 when every device ended changed, unchanged or planned; 1 otherwise.
 */
import { resolveCredentials } from '../config/index.js';
import { lockDevice } from './locks/index.js';
import type { RunLocks } from './locks/index.js';
import type { Device, ResolvedCredentials, SecretResolver } from '../config/index.js';
import type { DeviceOutcome, RunReporter, RunSummary } from '../report/events.js';
import { JumpPool } from '../transport/ssh/index.js';
import type { FailureBudget } from './budget.js';
import { RunStop } from './run-stop.js';
import type { SessionSettings, DesiredState, DeviceJob, WorkflowCommand, RetryPolicy, PlanOptions } from '../workflow/index.js';
import { FleetTally, isFailure, skippedOutcome, stopReason } from './tally.js';
import { runFleetDevice } from './device-job.js';
import type { DeviceRunSettings } from './device-job.js';
import type { FleetJournal } from './journal.js';
import { describeStage, planStages } from './stages.js';
import { forEachBounded } from '../shared/bounded-pool.js';
import type { Stage } from './stages.js';
import { DEFAULT_CONCURRENCY } from './concurrency.js';

export { DEFAULT_CONCURRENCY } from './concurrency.js';

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
  readonly refuse?: DeviceJob['refuse'];
  /** Aborting stops starting devices (those not started end `skipped`); devices under way finish, rollback included. */
  readonly signal?: AbortSignal;
  /** Told every secret value resolved for the run (credentials included) before anything is reported. */
  readonly registerSecret?: (value: string) => void;
  /** The first N devices run alone; if any of them does not end well, no other device starts. */
  readonly canary?: number;
  /** After the canary, devices start in waves of this size, each when the previous one has finished. */
  readonly waveSize?: number;
  /** Once more devices than this fail or roll back, no other device starts. */
  readonly maxFailures?: FailureBudget;
  /** Per device: no step starts after this long; changes made are rolled back. */
  readonly deviceTimeoutMs?: number;
  /** The whole run: no device starts after this long. */
  readonly deadlineMs?: number;
  /** Told each device's start and outcome; the runner waits for the outcome to be on disk. */
  readonly journal?: FleetJournal;
  /** Devices proven and saved even when nothing differs (under way when a resumed run was killed). */
  readonly saveAlways?: ReadonlySet<string>;
  /** Each device's lock is taken before it is touched; a device another run holds fails with who holds it. */
  readonly locks?: RunLocks;
}

export interface FleetResult {
  readonly summary: RunSummary;
  readonly exitCode: 0 | 1;
}

export async function runFleet(options: FleetOptions): Promise<FleetResult> {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_CONCURRENCY));
  const devices = options.devices;
  // Every reference at once, before any connection: one error lists every missing variable or file.
  const credentials = new Map<string, ResolvedCredentials>();
  for (const device of devices) credentials.set(device.name, await resolveCredentials(device, options.resolver));
  const secrets = options.desired.secrets.map((s) => s.reveal());
  for (const creds of credentials.values()) {
    const jumpSecrets = (creds.jumpHosts ?? []).flatMap((j) => [j.password, j.privateKey?.passphrase]);
    for (const s of [creds.password, creds.enableSecret, creds.privateKey?.passphrase, ...jumpSecrets]) if (s) options.registerSecret?.(s.reveal());
  }
  for (const s of secrets) options.registerSecret?.(s);
  const started = Date.now();
  const startedAt = new Date().toISOString();
  const command = options.command === 'rollout' && options.dryRun ? 'plan' : options.command;
  options.reporter.runStarted(
    command,
    devices.map((d) => d.name),
  );

  // One stop for every cause: the caller's signal, the run deadline, the canary, the failure budget. The first wins.
  const stop = new RunStop(options.signal, options.deadlineMs);

  const tally = new FleetTally(devices.length, options.maxFailures);
  // One connection per jump host for the whole run, shared by the devices behind it.
  const jumpPool = new JumpPool();
  const deviceSettings: DeviceRunSettings = {
    command: options.command,
    desired: options.desired,
    dryRun: options.dryRun ?? false,
    reporter: options.reporter,
    session: { ...options.session, secrets, jumpPool },
    ...(options.planOptions && { planOptions: options.planOptions }),
    ...(options.alwaysProve !== undefined && { alwaysProve: options.alwaysProve }),
    ...(options.retry && { retry: options.retry }),
    ...(options.pollIntervalMs !== undefined && { pollIntervalMs: options.pollIntervalMs }),
    ...(options.diagnose && { diagnose: options.diagnose }),
    ...(options.refuse && { refuse: options.refuse }),
    ...(options.deviceTimeoutMs !== undefined && { deviceTimeoutMs: options.deviceTimeoutMs }),
  };

  const finish = async (outcome: DeviceOutcome): Promise<void> => {
    const over = tally.add(outcome);
    options.reporter.deviceFinished(outcome);
    if (outcome.result !== 'skipped') {
      try {
        await options.journal?.deviceFinished(outcome);
      } catch (err) {
        stop.journalFailed(err);
      }
    }
    if (over !== undefined) stop.stop(over);
  };

  const runOne = async (device: Device): Promise<DeviceOutcome> => {
    const lease = options.locks ? await lockDevice(options.locks, device) : undefined;
    if (lease && 'refused' in lease) return lease.refused;
    try {
      return await runLocked(device);
    } finally {
      await lease?.lock.release();
    }
  };

  const runLocked = async (device: Device): Promise<DeviceOutcome> => {
    const creds = credentials.get(device.name) as ResolvedCredentials;
    try {
      await options.journal?.deviceStarted(device.name);
    } catch (err) {
      // A device touched without its start on disk could be left unsaved by a crash where --resume would not look.
      stop.journalFailed(err);
      return skippedOutcome(device, stopReason(stop.signal));
    }
    return runFleetDevice(device, creds, deviceSettings, options.saveAlways?.has(device.name) === true);
  };

  // Every device of a stage is taken, even after a stop: those not started end `skipped`, so no stop signal here.
  const runStage = (stage: Stage): Promise<void> =>
    forEachBounded(devices.slice(stage.start, stage.end), concurrency, async (device) => {
      const outcome = stop.signal.aborted ? skippedOutcome(device, stopReason(stop.signal)) : await runOne(device);
      await finish(outcome);
      if (isFailure(outcome.result) && stage.kind === 'canary' && !stop.signal.aborted) {
        stop.stop(`the ${describeStage(stage)} failed on ${device.name} (${outcome.result}): no other device was started`);
      }
    });

  try {
    for (const stage of planStages(devices.length, { canary: options.canary, waveSize: options.waveSize })) await runStage(stage);
  } finally {
    stop.dispose();
    jumpPool.close();
  }

  const summary = tally.summary(command, startedAt, Date.now() - started, stop.signal.aborted ? stopReason(stop.signal) : undefined);
  options.reporter.runFinished(summary);
  // Without its end record the journal reads as a killed run, which --resume handles the same way.
  await options.journal?.runFinished(summary).catch(() => undefined);
  return { summary, exitCode: tally.exitCode() };
}
