/** The lab for end-to-end tests: three routers and the mail server, the files certagent reads, secrets from a map
 * instead of the process environment, and a reporter that keeps the events for assertions. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretResolver, loadInventory, loadPlaybook } from '../../src/config/index.js';
import { resolveCredentials } from '../../src/config/index.js';
import type { Device, Inventory, Playbook, SecretSources } from '../../src/config/index.js';
import type { WorkflowCommandDeps } from '../../src/cli/commands/rollout.js';
import { runFleet } from '../../src/fleet/index.js';
import type { FleetOptions, FleetResult } from '../../src/fleet/index.js';
import { LAB_ENV, startLab } from '../../src/lab/index.js';
import type { Lab, LabOptions } from '../../src/lab/index.js';
import type { DeviceOutcome, RunReporter, RunSummary } from '../../src/report/events.js';
import { resolveDesired } from '../../src/workflow/index.js';
import { NetconfDeviceSession, runNetconfDevice } from '../../src/workflow/netconf/index.js';
import type { NetconfSettings } from '../../src/workflow/netconf/index.js';

export interface E2eLab {
  readonly lab: Lab;
  readonly dir: string;
  readonly inventoryFile: string;
  readonly playbookFile: string;
  readonly env: Readonly<Record<string, string>>;
  /** The lab's secrets by name instead of the process environment; no prompts. */
  readonly secrets: SecretSources;
  resolver(): SecretResolver;
  inventory(): Promise<Inventory>;
  playbook(): Promise<Playbook>;
  /** Stops the lab and removes its folder. */
  stop(): Promise<void>;
}

/** What a rollout of the lab playbook changes on a fresh lab router, in the order the report lists it. */
export const FRESH_ROUTER_CHANGES: readonly string[] = [
  'ip host smtp.lab.example created',
  'trustpoint LAB-Lab-Root-R1 created',
  'trustpoint LAB-Lab-Root-R1-CA-1C3 created',
  'trustpoint LAB-smtp.lab.example created',
  'environment _email_server created',
  'environment _email_from created',
  'environment _email_to created',
  'applet SendSecureEmailEEM created',
  'applet SendSecureEmailEEM proven',
];

/** The lab playbook, with the run's nonce as the mail subject so each received mail names the run that sent it. */
export async function startE2eLab(options: Partial<LabOptions> = {}): Promise<E2eLab> {
  const dir = mkdtempSync(join(tmpdir(), 'certagent-e2e-'));
  const lab = await startLab({ stateDir: join(dir, 'lab'), devices: 3, ...options });
  const inventoryFile = await lab.writeInventory(join(dir, 'inventory.yaml'));
  const playbookFile = await lab.writePlaybook(join(dir, 'playbook.yaml'));
  const text = readFileSync(playbookFile, 'utf8');
  writeFileSync(
    playbookFile,
    text.replace(/subject: .*/, 'subject: certagent proof $_none_arg1').replace(/wait_for_log_seconds: \d+/, 'wait_for_log_seconds: 15'),
  );
  const c = lab.credentials;
  const env: Record<string, string> = {
    [LAB_ENV.password]: c.password,
    [LAB_ENV.enableSecret]: c.enableSecret,
    [LAB_ENV.smtpUser]: c.smtpUser,
    [LAB_ENV.smtpPassword]: c.smtpPassword,
  };
  const sources: SecretSources = {
    env: (name: string) => env[name],
    readFile: (path: string) => readFileSync(path, 'utf8'),
    prompt: () => Promise.reject(new Error('no prompts in tests')),
  };
  return {
    lab,
    dir,
    inventoryFile,
    playbookFile,
    env,
    secrets: sources,
    resolver: () => new SecretResolver(sources),
    inventory: () => loadInventory(inventoryFile),
    playbook: () => loadPlaybook(playbookFile, { secrets: sources }),
    stop: async () => {
      await lab.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export class RecordingReporter implements RunReporter {
  readonly lines: string[] = [];
  readonly outcomes: DeviceOutcome[] = [];
  summary: RunSummary | undefined;

  runStarted(command: string, devices: readonly string[]): void {
    this.lines.push(`run ${command} ${devices.join(',')}`);
  }
  deviceStarted(device: string): void {
    this.lines.push(`${device}: started`);
  }
  deviceStep(device: string, step: string): void {
    this.lines.push(`${device}: ${step}`);
  }
  deviceFinished(outcome: DeviceOutcome): void {
    this.outcomes.push(outcome);
    this.lines.push(`${outcome.device}: ${outcome.result}${outcome.error ? ` ${outcome.error.message}` : ''}`);
  }
  runFinished(summary: RunSummary): void {
    this.summary = summary;
  }

  outcome(device: string): DeviceOutcome {
    const found = this.outcomes.find((o) => o.device === device);
    if (!found) throw new Error(`no outcome for ${device}; have ${this.outcomes.map((o) => o.device).join(', ')}`);
    return found;
  }
}

export type LabFleetOverrides = Partial<Omit<FleetOptions, 'reporter'>> & { readonly reporter?: RecordingReporter };

/**
 * One fleet run over the lab's inventory and playbook: a rollout, told by a fresh RecordingReporter (or the one
 * given), polling the lab's log every 50 ms (the lab answers at once); `overrides` replace any option.
 */
export async function runLabFleet(
  e2e: E2eLab,
  overrides: LabFleetOverrides = {},
): Promise<{ reporter: RecordingReporter; result: FleetResult; exitCode: 0 | 1 }> {
  const reporter = overrides.reporter ?? new RecordingReporter();
  const result = await runFleet({
    command: 'rollout',
    devices: (await e2e.inventory()).devices,
    desired: await resolveDesired(await e2e.playbook()),
    resolver: e2e.resolver(),
    pollIntervalMs: 50,
    ...overrides,
    reporter,
  });
  return { reporter, result, exitCode: result.exitCode };
}

/** A command's stdout or stderr, kept for assertions. */
export class Capture {
  text = '';
  write(chunk: string): void {
    this.text += chunk;
  }
}

/** What rollout, plan, fix and rotate take here: the lab's secrets, the given sinks, no retries, short timeouts, fast polling. */
export function labCommandDeps(e2e: E2eLab, stdout: Capture, stderr: Capture): WorkflowCommandDeps {
  return {
    secrets: e2e.secrets,
    stdout,
    stderr,
    fleet: { retry: { retries: 0 }, pollIntervalMs: 50, session: { commandTimeoutMs: 5_000, connectTimeoutMs: 5_000 } },
  };
}

/** A device of the lab's inventory by name. */
export async function labDevice(e2e: E2eLab, name: string): Promise<Device> {
  const found = (await e2e.inventory()).devices.find((d) => d.name === name);
  if (!found) throw new Error(`no ${name} in the inventory`);
  return found;
}

/** A rollout of one lab device over NETCONF (short timeouts, one retry); `session` adds to or replaces the session's settings. */
export async function runNetconfLabDevice(
  e2e: E2eLab,
  name: string,
  options: { readonly dryRun?: boolean; readonly session?: NetconfSettings } = {},
): Promise<{ outcome: DeviceOutcome; reporter: RecordingReporter }> {
  const d = await labDevice(e2e, name);
  const creds = await resolveCredentials(d, e2e.resolver());
  const desired = await resolveDesired(await e2e.playbook());
  const reporter = new RecordingReporter();
  const outcome = await runNetconfDevice({
    device: d.name,
    host: d.host,
    command: 'rollout',
    desired,
    dryRun: options.dryRun ?? false,
    open: () =>
      NetconfDeviceSession.open(d, creds, {
        secrets: desired.secrets.map((s) => s.reveal()),
        commandTimeoutMs: 5_000,
        connectTimeoutMs: 5_000,
        ...options.session,
      }),
    retry: { retries: 1, minTimeoutMs: 50 },
    reporter,
    pollIntervalMs: 50,
  });
  return { outcome, reporter };
}
