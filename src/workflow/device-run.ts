/**
 * One device, start to end: gather facts (retrying transient connection failures, as nothing has changed yet),
 * plan, apply, check the device now holds the plan, prove the applet mails, then `write memory`. A failure after
 * the first change undoes every started change in reverse (best effort, on a fresh session if the first one is
 * lost), checks that nothing is left half-configured, does not save, and reports `rolled-back`.
 */
import { Secret } from '../config/index.js';
import { saveSucceeded, WRITE_MEMORY } from '../device/index.js';
import type { ChangeRecord, DeviceOutcome } from '../report/events.js';
import { ConnectionClosedError, DeviceTimeoutError, OutputLimitError, ReadAbortedError, SessionUnusableError } from '../transport/ssh-cli/index.js';
import { saveTimeoutMs } from '../transport/timeouts.js';
import type { IosXeSession } from '../transport/ssh-cli/index.js';
import { enterConfig, runStep, stepName } from './apply.js';
import { desiredForDevice, withPinFallback } from './pins.js';
import type { DesiredState } from './desired.js';
import { applyCube, cubeChangeRecords, prepareCube, rollbackCube, verifyCube } from './cube/index.js';
import type { CubeRun } from './cube/index.js';
import { WorkflowError, VerificationError, errorDetail } from './errors.js';
import type { ErrorDetail } from './errors.js';
import { FACTS_COMMAND, parseFacts } from './facts.js';
import type { DeviceFacts } from './facts.js';
import { readCheapFacts } from './cheap-facts.js';
import { batches, planCommands, planFor, planNotes } from './plan.js';
import type { DevicePlan, PlannedChange } from './plan.js';
import { failIfExpired, ROTATE_KINDS } from './rotate.js';
import { proofRecord, RunContext } from './run-context.js';
import type { Undone } from './run-context.js';
import { refusedError } from './job.js';
import type { DeviceJob } from './job.js';
import { proveMail } from './prove-mail.js';
import { writeMemory } from './save.js';
import { residue } from './residue.js';
import { assertPlanApplied, CERTIFICATES_COMMAND, certificateMismatches, plannedCertificates } from './verify.js';
import { errorMessage } from '../shared/error-message.js';

class SshRun extends RunContext<IosXeSession> {
  /** The current session, or a new one when the current is lost (a cheap command tells). */
  fresh(): Promise<IosXeSession> {
    return this.reuseOrReconnect(
      async (session) => {
        await session.ensureExec();
        await session.send('show clock');
      },
      async (session) => session,
    );
  }
}

async function gather(session: IosXeSession): Promise<DeviceFacts> {
  return marked(session, parseFacts(await session.send(FACTS_COMMAND)));
}

function marked(session: IosXeSession, facts: DeviceFacts): DeviceFacts {
  for (const value of facts.environment.values()) if (value instanceof Secret) session.markSecret(value.reveal());
  return facts;
}

/** The full facts, the certificate hex read only of trustpoints that will change. */
async function gatherCheaply(session: IosXeSession, desired: DesiredState): Promise<DeviceFacts> {
  const read = await readCheapFacts(session, desired, { certificatesOnly: false });
  if (read.kind !== 'facts') throw new Error('readCheapFacts answered without facts to a read that asked for them');
  return marked(session, read.facts);
}

/** A run that can end after the fingerprints when every certificate is in place: it plans certificates only and
 * has nothing else to do on the device (no proof, no save, no CUBE trunk, no diagnosis). */
function certificatesOnly(job: DeviceJob): boolean {
  const only = job.planOptions?.only;
  return only !== undefined && only.every((k) => ROTATE_KINDS.includes(k)) && !job.alwaysProve && !job.saveAlways && !job.diagnose && !job.desired.cube;
}

/** The CUBE step's changes undone first: they were made last. */
async function rollbackCubeStep(run: SshRun, cube: CubeRun): Promise<Undone> {
  run.step('roll back CUBE configuration');
  try {
    return await rollbackCube(await run.fresh(), cube);
  } catch (err) {
    return { records: [], left: [`cannot reconnect to roll back the CUBE configuration: ${errorMessage(err)}`] };
  }
}

async function rollback(run: SshRun, started: readonly PlannedChange[], before: DeviceFacts): Promise<Undone> {
  const records: ChangeRecord[] = [];
  let session: IosXeSession;
  try {
    session = await run.fresh();
  } catch (err) {
    return { records, left: [`cannot reconnect to roll back: ${errorMessage(err)}`] };
  }
  for (const change of [...started].reverse()) {
    run.step(`roll back ${change.record.object}`);
    const failures: string[] = [];
    for (const step of change.rollback) {
      try {
        await runStep(session, step);
      } catch (err) {
        failures.push(`${stepName(step)}: ${errorMessage(err)}`);
        try {
          session = await run.fresh();
        } catch {
          break;
        }
      }
    }
    records.push({
      object: change.record.object,
      action: failures.length === 0 ? 'restored' : 'restore failed',
      ...(failures.length > 0 && { detail: failures.join('; ') }),
    });
  }
  try {
    await session.ensureExec();
    const after = await gather(session);
    return { records, left: residue(before, after, started) };
  } catch (err) {
    return { records, left: [`cannot re-read the device after rolling back: ${errorMessage(err)}`] };
  }
}

/** A `write memory` that ended this way may have stored the configuration before it failed. */
export function writeMayHaveHappened(err: unknown): boolean {
  return (
    err instanceof DeviceTimeoutError ||
    err instanceof ConnectionClosedError ||
    err instanceof SessionUnusableError ||
    err instanceof ReadAbortedError ||
    err instanceof OutputLimitError
  );
}

/**
 * After a `write memory` that may have stored the changes (it printed `[OK]`, then hung or dropped) and a complete
 * rollback, startup-config could hold what running-config no longer does: the next reload would bring the undone
 * changes back. Saving the rolled-back running-config again makes them agree (it holds nothing the interrupted
 * save had not stored already). When the rollback is incomplete, saving would store a half state: say so instead.
 */
async function saveAfterRollback(run: SshRun, undone: { records: ChangeRecord[]; left: string[] }): Promise<void> {
  const device = run.job.device;
  if (undone.left.length > 0) {
    undone.left.push(
      `startup-config may hold the changes: the interrupted 'write memory' may have saved them; compare startup-config with running-config on ${device}`,
    );
    return;
  }
  run.step('write memory (again, after the rollback)');
  try {
    const session = await run.fresh();
    const saved = await session.send(WRITE_MEMORY, { timeoutMs: saveTimeoutMs(session.commandTimeoutMs) });
    if (!saveSucceeded(saved)) throw new Error(`'write memory' did not confirm [OK]: ${saved.trim()}`);
    undone.records.push({
      object: 'startup-config',
      action: 'saved',
      detail: "saved again after the rollback: the interrupted 'write memory' may have stored the changes",
    });
  } catch (err) {
    undone.left.push(
      `startup-config may hold the undone changes (the interrupted 'write memory' may have saved them) and saving again failed: ${errorMessage(err)}`,
    );
  }
}

export function runDevice(job: DeviceJob): Promise<DeviceOutcome> {
  return withPinFallback(job, runDeviceOnce);
}

async function runDeviceOnce(job: DeviceJob): Promise<DeviceOutcome> {
  const run = new SshRun(job);
  job.reporter.deviceStarted(job.device);
  let plan: DevicePlan | undefined;
  const started: PlannedChange[] = [];
  let before: DeviceFacts | undefined;
  let diagnoses: string[] | undefined;
  let cube: CubeRun | undefined;
  let cubeStarted = false;
  let stepNow = 'connect';
  let deviceDesired: DesiredState;
  let batchesSent = 0;
  try {
    run.forward('gather facts');
    const read = await run.connect((s) =>
      readCheapFacts(s, job.desired, { certificatesOnly: certificatesOnly(job), staleChains: job.planOptions?.renewBeforeSeconds !== undefined }),
    );
    const session = run.session as IosXeSession;
    if (read.kind === 'certificates-unchanged') {
      const notes = planNotes(read.trustpoints, job.desired, job.planOptions);
      await run.close();
      return run.outcome('unchanged', [], { commands: [], ...(notes.length > 0 && { diagnoses: notes }) });
    }
    before = marked(session, read.facts);
    stepNow = 'plan';
    deviceDesired = await desiredForDevice(session, job.desired);
    plan = planFor(job.device, before, deviceDesired, job.planOptions);
    if (job.desired.cube) {
      stepNow = 'read CUBE configuration';
      run.forward(stepNow);
      cube = await prepareCube(session, job.desired.cube, { dryRun: job.dryRun, configure: job.command !== 'rotate' });
    }
    diagnoses = [
      ...(job.diagnose ? await job.diagnose(before, plan, session) : []),
      ...plan.notes,
      ...(cube?.notes ?? []),
      ...(session.sshWarning !== undefined ? [session.sshWarning] : []),
    ];
    const commands = [...planCommands(plan), ...(cube?.commands ?? [])];
    const cubeChanges = cube ? cubeChangeRecords(cube) : [];
    const changing = plan.changes.length > 0 || cubeChanges.length > 0;
    const extra = { commands, ...(diagnoses.length > 0 && { diagnoses }) };
    if (job.dryRun) {
      await run.close();
      return failIfExpired(
        plan,
        run.outcome(changing ? 'planned' : 'unchanged', [...plan.changes.map((c) => c.record), ...cubeChanges, ...(cube?.exports ?? [])], extra),
      );
    }
    const refused = refusedError(job);
    if (refused) {
      await run.close();
      return run.outcome('failed', [], { ...extra, error: refused });
    }
    // With a CUBE the run goes on: the trunk is verified (and the export files written) on every run.
    if (plan.changes.length === 0 && !job.alwaysProve && !cube && !job.saveAlways) {
      await run.close();
      return failIfExpired(plan, run.outcome('unchanged', [], extra));
    }
    const wait = { ...job.retry, ...(job.signal && { signal: job.signal }) };
    if (plan.changes.length > 0 && (job.diagnose !== undefined || cube !== undefined)) {
      // Steps ran since the facts (fix's diagnosis, the CUBE reads): someone at the console may have changed
      // the router meanwhile, so what the plan would touch must still be as read. Without such a gap the facts and
      // the first change are back to back, and the check after the changes re-reads the device anyway.
      stepNow = 're-check before changing';
      run.forward(stepNow);
      const moved = residue(before, await gather(session), plan.changes);
      if (moved.length > 0) {
        throw new WorkflowError(
          job.device,
          stepNow,
          `${job.device}: changed by someone else since certagent read it (${moved.join('; ')}); nothing was applied`,
          'run again once the other change is finished: the plan is made from what the device holds then',
        );
      }
    }
    for (const batch of batches(plan.changes)) {
      stepNow = stepName(batch.step);
      run.forward(stepNow);
      // Another session's configuration lock refuses before anything of the batch is sent: wait it out first.
      await enterConfig(session, wait);
      for (const change of batch.changes) if (!started.includes(change)) started.push(change);
      await runStep(session, batch.step, wait);
      batchesSent++;
    }
    await session.ensureExec();
    if (plan.changes.length > 0) {
      stepNow = 'verify configuration';
      run.forward(stepNow);
      const after = await gatherCheaply(session, deviceDesired);
      assertPlanApplied(job.device, stepNow, after, deviceDesired, job.planOptions, 'read the transcript: the device accepted a command but did not apply it');
      const expected = plannedCertificates(plan);
      if (expected.length > 0) {
        // What the PKI subsystem itself reports (the running config shows only what was stored): serials and fingerprints as planned.
        const wrong = certificateMismatches(await session.send(CERTIFICATES_COMMAND), expected);
        if (wrong.length > 0) {
          throw new VerificationError(
            job.device,
            CERTIFICATES_COMMAND,
            `${job.device}: '${CERTIFICATES_COMMAND}' shows other certificates than planned: ${wrong.join('; ')}`,
            'read the transcript; the trustpoints may have been changed by someone else during the run',
          );
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
      await writeMemory(session, job.device);
    }
    await run.close();
    const records: ChangeRecord[] = [...plan.changes.map((c) => c.record), ...cubeChanges, ...(cube?.exports ?? []), ...cubeRecords];
    if (job.saveAlways && !changing)
      records.push({ object: 'startup-config', action: 'saved', detail: 'the device was under way when an earlier run stopped' });
    if (proof) records.push(proofRecord(proof));
    return failIfExpired(plan, run.outcome(changing ? 'changed' : 'unchanged', records, { commands, ...(diagnoses.length > 0 && { diagnoses }) }));
  } catch (err) {
    const detail: { -readonly [K in keyof ErrorDetail]: ErrorDetail[K] } = { ...errorDetail(err, stepNow) };
    const extra = { ...(plan && { commands: [...planCommands(plan), ...(cube?.commands ?? [])] }), ...(diagnoses && diagnoses.length > 0 && { diagnoses }) };
    const exported = cube?.exports ?? [];
    // Lost or stuck at the very first `configure terminal`: no configuration line was sent, so there is nothing to
    // restore (eight failed restores on a dead session would say the opposite).
    const neverConfigured =
      batchesSent === 0 && (err instanceof DeviceTimeoutError || err instanceof ConnectionClosedError) && err.command === 'configure terminal';
    if (neverConfigured) detail.message = `${detail.message}; nothing was applied: the device never took a configuration line`;
    if ((started.length === 0 && !cubeStarted) || before === undefined || neverConfigured) {
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
