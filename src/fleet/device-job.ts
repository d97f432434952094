/**
 * One device of a fleet through the per-device workflow: the job the workflow takes, built the same way by every
 * runner (in-process, a queue worker, a shard), the device's deadline around it, and the transport chosen by the
 * inventory (NETCONF devices: YANG edits on their NETCONF port, the CLI-only steps on their SSH port).
 */
import type { Device, ResolvedCredentials } from '../config/index.js';
import type { DeviceOutcome, RunReporter } from '../report/events.js';
import { NetconfDeviceSession, deviceDeadline, openDeviceSession, runDevice, runNetconfDevice, transcriptPath } from '../workflow/index.js';
import type { DesiredState, DeviceJob, PlanOptions, RetryPolicy, SessionSettings, WorkflowCommand } from '../workflow/index.js';

/** What is the same for every device of a run. */
export interface DeviceRunSettings {
  readonly command: WorkflowCommand;
  readonly desired: DesiredState;
  readonly dryRun: boolean;
  readonly reporter: RunReporter;
  /** Sessions' settings, `secrets` included (every value their transcripts and errors must not show). */
  readonly session: SessionSettings;
  readonly planOptions?: PlanOptions;
  readonly alwaysProve?: boolean;
  readonly retry?: RetryPolicy;
  readonly pollIntervalMs?: number;
  readonly diagnose?: DeviceJob['diagnose'];
  /** Gather the findings but change nothing (`fix` on a device it cannot cure). */
  readonly refuse?: DeviceJob['refuse'];
  /** Per device: no step starts after this long; changes made are rolled back. */
  readonly deviceTimeoutMs?: number;
}

/** Runs one device to its outcome; `saveAlways` when the device was under way when an earlier run (or worker) died. */
export async function runFleetDevice(device: Device, creds: ResolvedCredentials, settings: DeviceRunSettings, saveAlways = false): Promise<DeviceOutcome> {
  const deadline = settings.deviceTimeoutMs === undefined ? undefined : deviceDeadline(device.name, settings.deviceTimeoutMs);
  const job: DeviceJob = {
    device: device.name,
    host: device.host,
    command: settings.command,
    desired: settings.desired,
    dryRun: settings.dryRun,
    ...(settings.planOptions && { planOptions: settings.planOptions }),
    ...(settings.alwaysProve !== undefined && { alwaysProve: settings.alwaysProve }),
    open: () => openDeviceSession(device, creds, settings.session),
    ...(settings.retry && { retry: settings.retry }),
    reporter: settings.reporter,
    ...(settings.pollIntervalMs !== undefined && { pollIntervalMs: settings.pollIntervalMs }),
    ...(settings.session.transcriptDir !== undefined && { transcript: transcriptPath(settings.session.transcriptDir, device.name) }),
    ...(settings.diagnose && { diagnose: settings.diagnose }),
    ...(settings.refuse && { refuse: settings.refuse }),
    ...(deadline && { signal: deadline.signal }),
    ...(saveAlways && { saveAlways: true }),
  };
  try {
    return device.transport === 'netconf'
      ? await runNetconfDevice({ ...job, open: () => NetconfDeviceSession.open(device, creds, settings.session) })
      : await runDevice(job);
  } finally {
    deadline?.clear();
  }
}
