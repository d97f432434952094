/**
 * What travels through Redis, and its names. A run is stored once (`certagent:run:<run-id>`, a JSON string): the
 * command, the desired state as secret-free templates, plan options and per-device settings. Each device is one
 * job whose id is `<run-id>/<device>`, so enqueuing a device twice (a restarted coordinator) finds the job already
 * there instead of duplicating it. Job data is the device's inventory entry: addresses, ports, host key policy and
 * credential REFERENCES; no secret value is ever part of a job or a run. Validated on arrival: a worker of another
 * version, or a foreign job in the queue, fails with a message instead of half-running.
 */
import { z } from 'zod';
import { QUEUE_NAME } from '../../config/index.js';
import type { Device } from '../../config/index.js';
import type { DeviceOutcome } from '../../report/events.js';
import type { RetryPolicy, SessionSettings, WorkflowCommand } from '../../workflow/index.js';

export const RUN_FORMAT = 'certagent-run/1';
export const JOB_FORMAT = 'certagent-job/1';
/** The queue of devices whose inventory names none. */
export const DEFAULT_QUEUE = 'certagent';
/** BullMQ's key prefix; run records sit beside it under `certagent:run:`. */
export const QUEUE_PREFIX = 'bull';
/** Runs, jobs and results stay this long in Redis, for `--resume RUN_ID` and for audits, then Redis drops them. */
export const KEEP_SECONDS = 7 * 86_400;

export interface RunSpec {
  readonly format: typeof RUN_FORMAT;
  readonly runId: string;
  readonly command: WorkflowCommand;
  readonly dryRun: boolean;
  /** The journal's fingerprint of the desired state (over templates): a resumed coordinator must present the same. */
  readonly fingerprint: string;
  /** `DesiredState` through codec.ts, secrets as templates. */
  readonly desired: unknown;
  /** `PlanOptions` through codec.ts. */
  readonly planOptions?: unknown;
  readonly alwaysProve?: boolean;
  readonly commandTimeoutMs: number;
  readonly deviceTimeoutMs?: number;
  readonly pollIntervalMs?: number;
  readonly retry?: RetryPolicy;
  /** `--max-output`, `--max-transcript` and the connect timeout: the run's, so a device gets the same wherever it runs. */
  readonly limits?: SessionLimits;
  /** `fix` when the mail server's own chain cannot work: every device gathers its findings and changes nothing. */
  readonly refuse?: { readonly message: string; readonly hint: string };
  /** Every device of the run in inventory order, with its queue: what a resumed coordinator re-attaches to. */
  readonly devices: readonly { readonly name: string; readonly queue: string }[];
}

export type SessionLimits = Pick<SessionSettings, 'maxOutputBytes' | 'maxSessionBytes' | 'connectTimeoutMs'>;

export interface DeviceJobData {
  readonly format: typeof JOB_FORMAT;
  readonly runId: string;
  readonly device: Device;
}

/** What a worker returns: the redacted outcome the reporters take, and who ran it. */
export interface DeviceJobResult {
  readonly outcome: DeviceOutcome;
  readonly worker: string;
}

export function queueNameProblem(name: string): string | undefined {
  return QUEUE_NAME.test(name) ? undefined : `queue name '${name}' must be 1..64 letters, digits, . _ - (starting with a letter or digit)`;
}

export function jobId(runId: string, device: string): string {
  // BullMQ refuses ':' in custom ids (it separates key parts); device names of Ansible inventories may hold one.
  return `${runId}/${encodeURIComponent(device)}`;
}

export function runKey(runId: string): string {
  return `certagent:run:${runId}`;
}

const deviceSchema = z.looseObject({
  name: z.string().min(1),
  host: z.string().min(1),
  port: z.number().int(),
  netconfPort: z.number().int(),
  transport: z.enum(['ssh', 'netconf']),
  credentials: z.looseObject({ username: z.string() }),
  hostKey: z.looseObject({ mode: z.enum(['pinned', 'strict', 'tofu']) }),
});

const jobSchema = z.object({ format: z.literal(JOB_FORMAT), runId: z.string().min(1), device: deviceSchema });

const bytes = z.number().int().positive().optional();

const runSchema = z.looseObject({
  format: z.literal(RUN_FORMAT),
  runId: z.string().min(1),
  command: z.enum(['rollout', 'plan', 'rotate', 'fix']),
  dryRun: z.boolean(),
  fingerprint: z.string(),
  desired: z.unknown(),
  commandTimeoutMs: z.number().int().positive(),
  limits: z.strictObject({ maxOutputBytes: bytes, maxSessionBytes: bytes, connectTimeoutMs: z.number().int().positive().optional() }).optional(),
  refuse: z.object({ message: z.string(), hint: z.string() }).optional(),
  devices: z.array(z.object({ name: z.string(), queue: z.string() })),
});

/** A job or run record is not certagent's, or of another format version. */
export class JobFormatError extends Error {
  override readonly name = 'JobFormatError';
}

function check<T>(schema: z.ZodType, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new JobFormatError(
      `${what} is not a ${what.startsWith('job') ? JOB_FORMAT : RUN_FORMAT} record (${parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ')}): is the worker the same certagent version as the coordinator?`,
    );
  return value as T;
}

export function parseJobData(value: unknown, id: string): DeviceJobData {
  return check<DeviceJobData>(jobSchema, value, `job ${id}`);
}

export function parseRunSpec(text: string, runId: string): RunSpec {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new JobFormatError(`run ${runId} in Redis is not JSON`);
  }
  return check<RunSpec>(runSchema, value, `run ${runId}`);
}
