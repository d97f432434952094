/** The proof step of a device's run, shared by the SSH CLI and NETCONF workflows (both prove through the CLI). */
import { randomBytes } from 'node:crypto';
import type { IosXeSession } from '../transport/ssh-cli/index.js';
import type { DesiredState } from './desired.js';
import { sameApplet } from './eem-render.js';
import type { DeviceFacts } from './facts.js';
import { secretRedactor } from './job.js';
import type { DeviceJob } from './job.js';
import type { DevicePlan } from './plan.js';
import { proveApplet } from './verify.js';
import type { Proof } from './verify.js';

/**
 * How the applet's run can be proven on this device once the plan is applied: by certagent's marker when the
 * device holds the playbook's applet (installed now or before), by the absence of logged failures when it holds
 * another version (a rotation leaves applets alone), not at all when it has none.
 */
function proofMode(applet: string, before: DeviceFacts, plan: DevicePlan, desired: DesiredState): 'marker' | 'failures-only' | 'absent' {
  const wanted = desired.applets.find((a) => a.name === applet);
  const installsIt = plan.changes.some((c) => c.kind === 'applet' && c.name === applet);
  if (wanted && installsIt) return wanted.marker ? 'marker' : 'failures-only';
  const present = before.applets.get(applet);
  if (!present) return 'absent';
  return wanted?.marker === true && sameApplet(present.parsed, wanted.parsed) ? 'marker' : 'failures-only';
}

/**
 * Runs the playbook's applet and proves the mail went out, as far as the device can show it; says in `diagnoses`
 * why the proof was weaker or impossible. `forward` starts the step.
 */
export async function proveMail(
  session: IosXeSession,
  job: Pick<DeviceJob, 'desired' | 'pollIntervalMs' | 'signal'>,
  before: DeviceFacts,
  plan: DevicePlan,
  diagnoses: string[],
  forward: (step: string) => void,
): Promise<Proof | undefined> {
  const verify = job.desired.verify;
  if (!verify) return undefined;
  const mode = proofMode(verify.applet, before, plan, job.desired);
  if (mode === 'absent') {
    diagnoses.push(`applet ${verify.applet} is not on the device, so the mail could not be proven: run certagent rollout first`);
    return undefined;
  }
  forward(`run applet ${verify.applet}`);
  if (mode === 'failures-only') {
    diagnoses.push(
      `applet ${verify.applet} on the device differs from the playbook's (no certagent marker): only a logged failure can show, so the proof waited the whole ${verify.waitForLogSeconds} s`,
    );
  }
  return proveApplet(session, verify, {
    nonce: randomBytes(4).toString('hex'),
    redact: secretRedactor(job.desired),
    marker: mode === 'marker',
    ...(job.pollIntervalMs !== undefined && { pollIntervalMs: job.pollIntervalMs }),
    ...(job.signal && { signal: job.signal }),
  });
}
