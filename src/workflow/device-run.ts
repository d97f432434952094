/**
 * One device, start to end: gather facts (retrying transient connection failures, as nothing has changed yet),
 * plan, apply, check the device now holds the plan, prove the applet mails, then `write memory`. A failure after
 * the first change undoes every started change in reverse (best effort, on a fresh session if the first one is
 * lost), checks that nothing is left half-configured, does not save, and reports `rolled-back`.
 */
import { randomBytes } from 'node:crypto';
import { Secret } from '../config/index.js';
import { REDACTED, saveSucceeded, WRITE_MEMORY } from '../device/index.js';
import type { ChangeRecord, DeviceOutcome } from '../report/events.js';
import { ConnectionClosedError, DeviceTimeoutError, OutputLimitError, ReadAbortedError, SessionUnusableError } from '../transport/ssh-cli/index.js';
import { saveTimeoutMs } from '../transport/timeouts.js';
import type { IosXeSession } from '../transport/ssh-cli/index.js';
import { enterConfig, leaveConfigMode, runStep, stepName } from './apply.js';
import { applyCube, cubeChangeRecords, prepareCube, rollbackCube, verifyCube } from './cube/index.js';
import type { CubeRun } from './cube/index.js';
import type { DesiredState } from './desired.js';
import { sameApplet } from './eem-render.js';
import { WorkflowError, VerificationError, errorDetail } from './errors.js';
import type { ErrorDetail } from './errors.js';
import { FACTS_COMMAND, parseFacts } from './facts.js';
import type { DeviceFacts } from './facts.js';
import { batches, planCommands, planDevice } from './plan.js';
import type { DevicePlan, PlanOptions, PlannedChange, Step } from './plan.js';
import { proofRecord, RunContext } from './run-context.js';
import type { RunJob, Undone } from './run-context.js';
import { CERTIFICATES_COMMAND, certificateMismatches, proveApplet } from './verify.js';
import type { Proof } from './verify.js';

export type WorkflowCommand = 'rollout' | 'plan' | 'rotate' | 'fix';

export interface DeviceJob extends RunJob<IosXeSession> {
  readonly command: WorkflowCommand;
  readonly desired: DesiredState;
  readonly dryRun: boolean;
  readonly planOptions?: PlanOptions;
  /** Run the applet even when nothing changed (`fix` proves the mail goes out). */
  readonly alwaysProve?: boolean;
  readonly pollIntervalMs?: number;
  /** Prove and `write memory` even when nothing differs: the device was under way when an earlier run was killed,
   * so its changes may be in running-config but not saved. */
  readonly saveAlways?: boolean;
  /** Plain-word findings from the facts, before anything changes (`fix`). */
  readonly diagnose?: (facts: DeviceFacts, plan: DevicePlan, session: IosXeSession) => Promise<string[]>;
  /** Change nothing and fail with this: no change on the device can make it work (`fix` and an expired server
   * certificate). The facts and findings are still gathered and reported. */
  readonly refuse?: { readonly message: string; readonly hint: string };
}

/** The outcome of a device the job refuses to change (DeviceJob.refuse), after its findings were gathered. */
export function refusedError(job: Pick<DeviceJob, 'device' | 'refuse'>): ErrorDetail | undefined {
  return job.refuse && { step: 'diagnose', message: `${job.device}: nothing changed: ${job.refuse.message}`, hint: job.refuse.hint };
}

/** Replaces every secret value the run knows with `<redacted>`. */
export function secretRedactor(desired: DesiredState): (text: string) => string {
  const values = desired.secrets.map((s) => s.reveal()).filter((v) => v.length >= 3).sort((a, b) => b.length - a.length);
  return (text) => values.reduce((t, v) => t.split(v).join(REDACTED), text);
}

class Run extends RunContext<IosXeSession> {
  /** The current session, or a new one when the current is lost (a cheap command tells). */
  async fresh(): Promise<IosXeSession> {
    if (this.session !== undefined) {
      try {
        await leaveConfigMode(this.session);
        await this.session.send('show clock');
        return this.session;
      } catch {
        await this.close();
      }
    }
    return this.connect(async (session) => session);
  }
}

async function gather(session: IosXeSession): Promise<DeviceFacts> {
  const facts = parseFacts(await session.send(FACTS_COMMAND));
  for (const value of facts.environment.values()) if (value instanceof Secret) session.markSecret(value.reveal());
  return facts;
}

function objectName(change: PlannedChange): { kind: 'trustpoint' | 'environment' | 'applet' | 'ip-host'; name: string } {
  if (change.trustpoint !== undefined) return { kind: 'trustpoint', name: change.trustpoint };
  const object = change.record.object;
  if (change.kind === 'environment') return { kind: 'environment', name: object.replace(/^environment /, '') };
  if (change.kind === 'applet') return { kind: 'applet', name: object.replace(/^applet /, '') };
  return { kind: 'ip-host', name: object.replace(/^ip host /, '') };
}

/** What of the touched objects differs from how the device had it before the run. */
export function residue(before: DeviceFacts, after: DeviceFacts, changes: readonly PlannedChange[]): string[] {
  const out: string[] = [];
  const plain = (v: string | Secret | undefined) => (v instanceof Secret ? v.reveal() : v);
  for (const change of changes) {
    const { kind, name } = objectName(change);
    if (kind === 'trustpoint') {
      const a = before.trustpoints.get(name);
      const b = after.trustpoints.get(name);
      if (!a !== !b || a?.ca?.sha1 !== b?.ca?.sha1) out.push(`trustpoint ${name} is ${b ? (b.ca ? `holding SHA1 ${b.ca.sha1}` : 'present without certificate') : 'missing'}, was ${a ? (a.ca ? `holding SHA1 ${a.ca.sha1}` : 'present without certificate') : 'absent'}`);
    } else if (kind === 'environment') {
      if (plain(before.environment.get(name)) !== plain(after.environment.get(name))) out.push(`environment ${name} differs from before`);
    } else if (kind === 'applet') {
      const a = before.applets.get(name);
      const b = after.applets.get(name);
      if (!a !== !b || (a && b && !sameApplet(a.parsed, b.parsed))) out.push(`applet ${name} differs from before`);
    } else if (before.ipHosts.get(name) !== after.ipHosts.get(name)) out.push(`ip host ${name} differs from before`);
  }
  return out;
}

/** The CUBE step's changes undone first: they were made last. */
async function rollbackCubeStep(run: Run, cube: CubeRun): Promise<Undone> {
  run.step('roll back CUBE configuration');
  try {
    return await rollbackCube(await run.fresh(), cube);
  } catch (err) {
    return { records: [], left: [`cannot reconnect to roll back the CUBE configuration: ${(err as Error).message}`] };
  }
}

async function rollback(run: Run, started: readonly PlannedChange[], before: DeviceFacts): Promise<Undone> {
  const records: ChangeRecord[] = [];
  let session: IosXeSession;
  try {
    session = await run.fresh();
  } catch (err) {
    return { records, left: [`cannot reconnect to roll back: ${(err as Error).message}`] };
  }
  for (const change of [...started].reverse()) {
    run.step(`roll back ${change.record.object}`);
    const failures: string[] = [];
    for (const step of change.rollback) {
      try {
        await runStep(session, step);
      } catch (err) {
        failures.push(`${stepName(step)}: ${(err as Error).message}`);
        try {
          session = await run.fresh();
        } catch {
          break;
        }
      }
    }
    records.push({ object: change.record.object, action: failures.length === 0 ? 'restored' : 'restore failed', ...(failures.length > 0 && { detail: failures.join('; ') }) });
  }
  try {
    await leaveConfigMode(session);
    const after = await gather(session);
    return { records, left: residue(before, after, started) };
  } catch (err) {
    return { records, left: [`cannot re-read the device after rolling back: ${(err as Error).message}`] };
  }
}

/**
 * How the applet's run can be proven on this device once the plan is applied: by certagent's marker when the
 * device holds the playbook's applet (installed now or before), by the absence of logged failures when it holds
 * another version (a rotation leaves applets alone), not at all when it has none.
 */
function proofMode(applet: string, before: DeviceFacts, plan: DevicePlan, desired: DesiredState): 'marker' | 'failures-only' | 'absent' {
  const wanted = desired.applets.find((a) => a.name === applet);
  const installsIt = plan.changes.some((c) => c.kind === 'applet' && c.record.object === `applet ${applet}`);
  if (wanted && installsIt) return wanted.marker ? 'marker' : 'failures-only';
  const present = before.applets.get(applet);
  if (!present) return 'absent';
  return wanted?.marker === true && sameApplet(present.parsed, wanted.parsed) ? 'marker' : 'failures-only';
}

/**
 * Runs the playbook's applet and proves the mail went out, as far as the device can show it; says in `diagnoses`
 * why the proof was weaker or impossible. `forward` starts the step.
 */
export async function proveMail(session: IosXeSession, job: Pick<DeviceJob, 'desired' | 'pollIntervalMs' | 'signal'>, before: DeviceFacts, plan: DevicePlan, diagnoses: string[], forward: (step: string) => void): Promise<Proof | undefined> {
  const verify = job.desired.verify;
  if (!verify) return undefined;
  const mode = proofMode(verify.applet, before, plan, job.desired);
  if (mode === 'absent') {
    diagnoses.push(`applet ${verify.applet} is not on the device, so the mail could not be proven: run certagent rollout first`);
    return undefined;
  }
  forward(`run applet ${verify.applet}`);
  if (mode === 'failures-only') {
    diagnoses.push(`applet ${verify.applet} on the device differs from the playbook's (no certagent marker): only a logged failure can show, so the proof waited the whole ${verify.waitForLogSeconds} s`);
  }
  return proveApplet(session, verify, {
    nonce: randomBytes(4).toString('hex'),
    redact: secretRedactor(job.desired),
    marker: mode === 'marker',
    ...(job.pollIntervalMs !== undefined && { pollIntervalMs: job.pollIntervalMs }),
    ...(job.signal && { signal: job.signal }),
  });
}

/** A `write memory` that ended this way may have stored the configuration before it failed. */
export function writeMayHaveHappened(err: unknown): boolean {
  return err instanceof DeviceTimeoutError || err instanceof ConnectionClosedError || err instanceof SessionUnusableError || err instanceof ReadAbortedError || err instanceof OutputLimitError;
}

/**
 * After a `write memory` that may have stored the changes (it printed `[OK]`, then hung or dropped) and a complete
 * rollback, startup-config could hold what running-config no longer does: the next reload would bring the undone
 * changes back. Saving the rolled-back running-config again makes them agree (it holds nothing the interrupted
 * save had not stored already). When the rollback is incomplete, saving would store a half state: say so instead.
 */
async function saveAfterRollback(run: Run, undone: { records: ChangeRecord[]; left: string[] }): Promise<void> {
  const device = run.job.device;
  if (undone.left.length > 0) {
    undone.left.push(`startup-config may hold the changes: the interrupted 'write memory' may have saved them; compare startup-config with running-config on ${device}`);
    return;
  }
  run.step('write memory (again, after the rollback)');
  try {
    const session = await run.fresh();
    const saved = await session.send(WRITE_MEMORY, { timeoutMs: saveTimeoutMs(session.commandTimeoutMs) });
    if (!saveSucceeded(saved)) throw new Error(`'write memory' did not confirm [OK]: ${saved.trim()}`);
    undone.records.push({ object: 'startup-config', action: 'saved', detail: "saved again after the rollback: the interrupted 'write memory' may have stored the changes" });
  } catch (err) {
    undone.left.push(`startup-config may hold the undone changes (the interrupted 'write memory' may have saved them) and saving again failed: ${(err as Error).message}`);
  }
}

export async function runDevice(job: DeviceJob): Promise<DeviceOutcome> {
  const run = new Run(job);
  job.reporter.deviceStarted(job.device);
  let plan: DevicePlan | undefined;
  const started: PlannedChange[] = [];
  let before: DeviceFacts | undefined;
  let diagnoses: string[] | undefined;
  let cube: CubeRun | undefined;
  let cubeStarted = false;
  let stepNow = 'connect';
  try {
    run.forward('gather facts');
    before = await run.connect(gather);
    const session = run.session as IosXeSession;
    stepNow = 'plan';
    plan = planDevice(before, job.desired, job.planOptions);
    if (job.desired.cube) {
      stepNow = 'read CUBE configuration';
      run.forward(stepNow);
      cube = await prepareCube(session, job.desired.cube, { dryRun: job.dryRun, configure: job.command !== 'rotate' });
    }
    diagnoses = [...(job.diagnose ? await job.diagnose(before, plan, session) : []), ...plan.notes, ...(cube?.notes ?? [])];
    const commands = [...planCommands(plan), ...(cube?.commands ?? [])];
    const cubeChanges = cube ? cubeChangeRecords(cube) : [];
    const changing = plan.changes.length > 0 || cubeChanges.length > 0;
    const extra = { commands, ...(diagnoses.length > 0 && { diagnoses }) };
    if (job.dryRun) {
      await run.close();
      return run.outcome(changing ? 'planned' : 'unchanged', [...plan.changes.map((c) => c.record), ...cubeChanges, ...(cube?.exports ?? [])], extra);
    }
    const refused = refusedError(job);
    if (refused) {
      await run.close();
      return run.outcome('failed', [], { ...extra, error: refused });
    }
    // With a CUBE the run goes on: the trunk is verified (and the export files written) on every run.
    if (plan.changes.length === 0 && !job.alwaysProve && !cube && !job.saveAlways) {
      await run.close();
      return run.outcome('unchanged', [], extra);
    }
    const wait = { ...job.retry, ...(job.signal && { signal: job.signal }) };
    for (const batch of batches(plan.changes)) {
      stepNow = stepName(batch.step);
      run.forward(stepNow);
      // Another session's configuration lock refuses before anything of the batch is sent: wait it out first.
      await enterConfig(session, wait);
      for (const change of batch.changes) if (!started.includes(change)) started.push(change);
      await runStep(session, batch.step, wait);
    }
    await leaveConfigMode(session);
    if (plan.changes.length > 0) {
      stepNow = 'verify configuration';
      run.forward(stepNow);
      const after = await gather(session);
      const left = planDevice(after, job.desired, { ...job.planOptions, renewBeforeSeconds: undefined }).changes;
      if (left.length > 0) {
        throw new VerificationError(job.device, stepNow, `${job.device}: after the changes the device still differs: ${left.map((c) => `${c.record.object} (${c.record.action})`).join(', ')}`, 'read the transcript: the device accepted a command but did not apply it');
      }
      const installed = plan.changes.flatMap((c) => c.steps).filter((s): s is Extract<Step, { kind: 'authenticate' }> => s.kind === 'authenticate');
      if (installed.length > 0) {
        // What the PKI subsystem itself reports (the running config shows only what was stored): serials and fingerprints as planned.
        const expected = installed.map((s) => ({ trustpoint: s.trustpoint, serialHex: s.serialHex, md5: s.md5, sha1: s.sha1 }));
        const wrong = certificateMismatches(await session.send(CERTIFICATES_COMMAND), expected);
        if (wrong.length > 0) {
          throw new VerificationError(job.device, CERTIFICATES_COMMAND, `${job.device}: '${CERTIFICATES_COMMAND}' shows other certificates than planned: ${wrong.join('; ')}`, 'read the transcript; the trustpoints may have been changed by someone else during the run');
        }
      }
    }
    const cubeRecords: ChangeRecord[] = [];
    if (cube) {
      if (cube.changes.length > 0) {
        stepNow = 'configure CUBE';
        run.forward(stepNow);
        cubeStarted = true;
        await applyCube(session, cube);
      }
      stepNow = 'verify CUBE';
      run.forward(stepNow);
      cubeRecords.push(...(await verifyCube(session, cube, { diagnoses, ...(job.pollIntervalMs !== undefined && { pollIntervalMs: job.pollIntervalMs }) })));
    }
    const proof = await proveMail(session, job, before, plan, diagnoses, (name) => {
      stepNow = name;
      run.forward(name);
    });
    if (changing || job.saveAlways) {
      stepNow = 'write memory';
      run.forward(stepNow);
      const saved = await session.send(WRITE_MEMORY, { timeoutMs: saveTimeoutMs(session.commandTimeoutMs) });
      if (!saveSucceeded(saved)) {
        throw new WorkflowError(job.device, stepNow, `${job.device}: 'write memory' did not confirm [OK]`, 'check NVRAM space and the device log', saved.trim());
      }
    }
    await run.close();
    const records: ChangeRecord[] = [...plan.changes.map((c) => c.record), ...cubeChanges, ...(cube?.exports ?? []), ...cubeRecords];
    if (job.saveAlways && !changing) records.push({ object: 'startup-config', action: 'saved', detail: 'the device was under way when an earlier run stopped' });
    if (proof) records.push(proofRecord(proof));
    return run.outcome(changing ? 'changed' : 'unchanged', records, { commands, ...(diagnoses.length > 0 && { diagnoses }) });
  } catch (err) {
    const detail: { -readonly [K in keyof ErrorDetail]: ErrorDetail[K] } = { ...errorDetail(err, stepNow) };
    const extra = { ...(plan && { commands: [...planCommands(plan), ...(cube?.commands ?? [])] }), ...(diagnoses && diagnoses.length > 0 && { diagnoses }) };
    const exported = cube?.exports ?? [];
    if ((started.length === 0 && !cubeStarted) || before === undefined) {
      await run.close();
      return run.outcome('failed', exported, { ...extra, error: detail });
    }
    // The deadline may have passed: the undo gets its own allowance.
    run.startRollback();
    const cubeUndone = cube && cubeStarted ? await rollbackCubeStep(run, cube) : { records: [], left: [] };
    const trustpointsUndone = await rollback(run, started, before);
    const undone = { records: [...cubeUndone.records, ...trustpointsUndone.records, ...exported], left: [...cubeUndone.left, ...trustpointsUndone.left] };
    if (stepNow === 'write memory' && writeMayHaveHappened(err)) await saveAfterRollback(run, undone);
    await run.close();
    // The re-read device is the judge: a restore step may fail only because its object never changed.
    return run.undoneOutcome(undone, detail, extra);
  }
}
