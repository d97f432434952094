/**
 * One device over NETCONF, start to end, with the SSH CLI workflow's plan, results and report: facts (get-config
 * plus one CLI read), the same planDevice, then lock → removals commit → edits commit → CLI steps (authenticate
 * dialogs, applet mail lines) → verify (facts again, `show crypto pki certificates`, crypto-pki-oper-data where
 * populated) → prove the mail (CLI `event manager run` and `show logging`) → confirm the commit → `write memory`
 * → unlock. A failure once the datastores are locked undoes every change (each step of the undo is idempotent,
 * so objects that never changed come to no harm): NETCONF edits putting each object back as get-config had it (committed as
 * the final word, which also settles a pending confirmed commit), then the CLI's part (old CA certificates
 * re-authenticated, old mail lines), then a re-read that must show the objects as before.
 */
import { operMismatches } from '../../device/netconf/index.js';
import type { ChangeRecord, DeviceOutcome } from '../../report/events.js';
import { runStep, stepName } from '../apply.js';
import { refusedError } from '../job.js';
import type { DeviceJob } from '../job.js';
import { proveMail } from '../prove-mail.js';
import { writeMemory } from '../save.js';
import { residue } from '../residue.js';
import { errorDetail, VerificationError, WorkflowError } from '../errors.js';
import type { ErrorDetail } from '../errors.js';
import { planCommands, planFor } from '../plan.js';
import { desiredForDevice, withPinFallback } from '../pins.js';
import type { DevicePlan, Step } from '../plan.js';
import { proofRecord, RunContext } from '../run-context.js';
import { failIfExpired } from '../rotate.js';
import type { Undone } from '../run-context.js';
import { assertPlanApplied, CERTIFICATES_COMMAND, certificateMismatches, plannedCertificates } from '../verify.js';
import type { NetconfFacts } from './facts.js';
import type { NetconfDeviceSession } from './session.js';
import { combine, translatePlan } from './translate.js';
import type { NetconfChange } from './translate.js';
import { errorMessage } from '../../shared/error-message.js';

export interface NetconfDeviceJob extends Omit<DeviceJob, 'open'> {
  /** One attempt at both sessions; retries are the job's. */
  readonly open: () => Promise<NetconfDeviceSession>;
}

class NetconfRun extends RunContext<NetconfDeviceSession> {
  /** The sessions when both still answer, else new ones (locked again). */
  fresh(): Promise<NetconfDeviceSession> {
    return this.reuseOrReconnect(
      async (session) => {
        if (!session.usable) throw new Error('the NETCONF or CLI session was lost');
        await session.cli.send('show clock');
      },
      async (session) => {
        await session.lock();
        return session;
      },
    );
  }
}

async function undo(run: NetconfRun, started: readonly NetconfChange[], before: NetconfFacts): Promise<Undone> {
  let session: NetconfDeviceSession;
  try {
    session = await run.fresh();
  } catch (err) {
    return { records: [], left: [`cannot reconnect to roll back: ${errorMessage(err)}`] };
  }
  const reversed = [...started].reverse();
  const failures = new Map<NetconfChange, string[]>(reversed.map((c) => [c, []]));
  const all = combine(reversed.map((c) => c.undo));
  run.step('roll back over NETCONF');
  await session.discard();
  for (const phase of [all.removals, all.edits]) {
    if (phase.length === 0) continue;
    try {
      await session.commit(phase, { final: true });
    } catch (err) {
      for (const list of failures.values()) list.push(`NETCONF: ${errorMessage(err)}`);
      break;
    }
  }
  for (const change of reversed) {
    for (const step of change.undo.cli) {
      run.step(`roll back ${change.change.record.object}: ${stepName(step)}`);
      try {
        await runStep(session.cli, step);
      } catch (err) {
        failures.get(change)?.push(`${stepName(step)}: ${errorMessage(err)}`);
      }
    }
  }
  await session.cli.ensureExec().catch(() => undefined);
  const records = reversed.map((c): ChangeRecord => {
    const failed = failures.get(c) ?? [];
    return {
      object: c.change.record.object,
      action: failed.length === 0 ? 'restored' : 'restore failed',
      ...(failed.length > 0 && { detail: failed.join('; ') }),
    };
  });
  try {
    const after = await session.readFacts();
    return {
      records,
      left: residue(
        before,
        after,
        started.map((c) => c.change),
      ),
    };
  } catch (err) {
    return { records, left: [`cannot re-read the device after rolling back: ${errorMessage(err)}`] };
  }
}

async function runCli(run: NetconfRun, session: NetconfDeviceSession, steps: readonly Step[], at: (name: string) => void): Promise<void> {
  for (const step of steps) {
    const name = stepName(step);
    at(name);
    run.forward(name);
    await runStep(session.cli, step);
  }
  await session.cli.ensureExec();
}

export function runNetconfDevice(job: NetconfDeviceJob): Promise<DeviceOutcome> {
  return withPinFallback(job, runNetconfDeviceOnce);
}

async function runNetconfDeviceOnce(job: NetconfDeviceJob): Promise<DeviceOutcome> {
  const run = new NetconfRun(job);
  job.reporter.deviceStarted(job.device);
  let plan: DevicePlan | undefined;
  let before: NetconfFacts | undefined;
  let diagnoses: string[] | undefined;
  let started: NetconfChange[] = [];
  let stepNow = 'connect';
  try {
    if (job.desired.cube) {
      throw new WorkflowError(
        job.device,
        'plan',
        `${job.device}: the playbook's cube: section is applied over the SSH CLI only`,
        'run this device with transport: ssh (or --transport ssh)',
      );
    }
    run.forward('gather facts');
    before = await run.connect((s) => s.readFacts());
    const session = run.session as NetconfDeviceSession;
    stepNow = 'plan';
    const deviceDesired = await desiredForDevice(session.cli, job.desired);
    plan = planFor(job.device, before, deviceDesired, job.planOptions);
    diagnoses = [...(job.diagnose ? await job.diagnose(before, plan, session.cli) : []), ...plan.notes];
    const commands = planCommands(plan);
    const extra = { commands, ...(diagnoses.length > 0 && { diagnoses }) };
    if (job.dryRun) {
      await run.close();
      return failIfExpired(
        plan,
        run.outcome(
          plan.changes.length === 0 ? 'unchanged' : 'planned',
          plan.changes.map((c) => c.record),
          extra,
        ),
      );
    }
    const refused = refusedError(job);
    if (refused) {
      await run.close();
      return run.outcome('failed', [], { ...extra, error: refused });
    }
    if (plan.changes.length === 0 && !job.alwaysProve) {
      await run.close();
      return failIfExpired(plan, run.outcome('unchanged', [], extra));
    }
    const changes = translatePlan(plan.changes, before, job.desired);
    const apply = combine(changes.map((c) => c.apply));
    if (changes.length > 0) {
      stepNow = `lock the ${session.target} datastore`;
      run.forward(stepNow);
      await session.lock();
      started = changes;
      for (const [phase, what] of [
        [apply.removals, 'remove'],
        [apply.edits, 'edit'],
      ] as const) {
        if (phase.length === 0) continue;
        stepNow = `NETCONF ${what} ${phase.length} object${phase.length === 1 ? '' : 's'} (${session.confirmedCommit ? 'confirmed commit' : session.target === 'candidate' ? 'candidate commit' : 'running'})`;
        run.forward(stepNow);
        await session.commit(phase);
      }
      await runCli(run, session, apply.cli, (name) => (stepNow = name));

      stepNow = 'verify configuration';
      run.forward(stepNow);
      const after = await session.readFacts();
      assertPlanApplied(
        job.device,
        stepNow,
        after,
        deviceDesired,
        job.planOptions,
        'the device accepted an edit but did not apply it: compare get-config with the plan',
      );
      const expected = plannedCertificates(plan);
      if (expected.length > 0) {
        // The CLI's view is the judge (real captures back its parser); the operational model, where populated, must agree.
        const wrong = [
          ...certificateMismatches(await session.cli.send(CERTIFICATES_COMMAND), expected),
          ...operMismatches(await session.readPkiOper(), expected),
        ];
        if (wrong.length > 0) {
          throw new VerificationError(
            job.device,
            CERTIFICATES_COMMAND,
            `${job.device}: '${CERTIFICATES_COMMAND}' and crypto-pki-oper-data show other certificates than planned: ${wrong.join('; ')}`,
            'the trustpoints may have been changed by someone else during the run',
          );
        }
      }
    }
    const proof = await proveMail(session.cli, job, before, plan, diagnoses, (name) => {
      stepNow = name;
      run.forward(name);
    });
    if (plan.changes.length > 0) {
      stepNow = 'confirm commit';
      await session.confirm();
      stepNow = 'write memory';
      run.forward(stepNow);
      await writeMemory(session.cli, job.device);
    }
    await run.close();
    const records: ChangeRecord[] = plan.changes.map((c) => c.record);
    if (proof) records.push(proofRecord(proof));
    return failIfExpired(plan, run.outcome(plan.changes.length > 0 ? 'changed' : 'unchanged', records, extra));
  } catch (err) {
    const detail: ErrorDetail = errorDetail(err, stepNow);
    const extra = { ...(plan && { commands: planCommands(plan) }), ...(diagnoses && diagnoses.length > 0 && { diagnoses }) };
    if (started.length === 0 || before === undefined) {
      await run.close();
      return run.outcome('failed', [], { ...extra, error: detail });
    }
    // The deadline may have passed: the undo gets its own allowance.
    run.startRollback();
    const undone = await undo(run, started, before);
    await run.close();
    return run.undoneOutcome(undone, detail, extra);
  }
}
