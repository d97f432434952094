/** Sends planned steps to a device: config blocks in one write, and the `crypto pki authenticate` and removal
 * dialogs, answering `yes` only when the fingerprints the device printed are the ones computed locally. */
import pRetry from 'p-retry';
import { hexGroups } from '../certs/ios-format.js';
import { authenticateCommand, authenticateDialog, parseAuthenticateOutput, parsePromptLine, removeTrustpointDialog } from '../device/index.js';
import { ConfigLockedError, DeviceCommandError } from '../transport/ssh-cli/index.js';
import type { DialogStep, IosXeSession } from '../transport/ssh-cli/index.js';
import { CertificateRefusedError, FingerprintMismatchError } from './errors.js';
import { revealLine } from './lines.js';
import type { Step } from './plan.js';
import type { RetryPolicy } from './run-context.js';

/** How long to wait out another session's configuration lock: backoff with jitter, ended by the device deadline. */
export interface LockWait extends RetryPolicy {
  readonly signal?: AbortSignal;
}

/**
 * Enters config mode, waiting out a configuration lock another session holds (NETCONF, `configure terminal lock`)
 * with backoff: nothing of the step has been sent when the lock refuses, so trying again later is safe. Jitter
 * keeps many workers from knocking in step.
 */
export async function enterConfig(session: IosXeSession, wait: LockWait = {}): Promise<void> {
  if (session.level === 'config') return;
  await pRetry(() => session.enterConfig(), {
    retries: wait.retries ?? 2,
    minTimeout: wait.minTimeoutMs ?? 500,
    maxTimeout: wait.maxTimeoutMs ?? 5_000,
    factor: 2,
    randomize: true,
    ...(wait.signal && { signal: wait.signal }),
    shouldRetry: ({ error }) => error instanceof ConfigLockedError,
  });
}

/**
 * A dialog in config mode. The session stays there afterwards, as after a config block, so the next block or
 * dialog needs no `configure terminal` and nothing before it an `end` (two round trips each); the caller returns
 * to privileged EXEC (`session.ensureExec()`, no round trip when already there). After a failure the session goes back to EXEC at once, while it is usable.
 */
async function dialog(session: IosXeSession, steps: readonly DialogStep[], wait: LockWait): Promise<{ output: string }> {
  const [first, ...rest] = steps;
  if (first === undefined) return { output: '' };
  // The dialog's name in device errors, chosen as the session chooses it; unlabelled, the opening step would say
  // 'configure terminal'.
  const label = first.label ?? (typeof first.send === 'string' ? first.send : 'dialog');
  await enterConfig(session, wait);
  try {
    return await session.interact([{ ...first, label }, ...rest]);
  } catch (err) {
    await session.ensureExec().catch(() => undefined);
    throw err;
  }
}

export function stepName(step: Step): string {
  switch (step.kind) {
    case 'config':
      return `configure ${step.lines.length} line${step.lines.length === 1 ? '' : 's'}`;
    case 'authenticate':
      return `authenticate ${step.trustpoint}`;
    case 'remove-trustpoint':
      return `remove trustpoint ${step.trustpoint}`;
  }
}

async function authenticate(session: IosXeSession, step: Extract<Step, { kind: 'authenticate' }>, wait: LockWait): Promise<void> {
  const command = authenticateCommand(step.trustpoint);
  let mismatch: string | undefined;
  const steps = authenticateDialog(step.trustpoint, step.der, (seen) => {
    if (seen.md5 === step.md5 && seen.sha1 === step.sha1) return true;
    mismatch = `MD5 ${hexGroups(seen.md5 ?? '?')} SHA1 ${hexGroups(seen.sha1 ?? '?')}`;
    return false;
  });
  const expected = `MD5 ${hexGroups(step.md5)} SHA1 ${hexGroups(step.sha1)}`;
  let output = '';
  let failure: unknown;
  try {
    output = (await dialog(session, steps, wait)).output;
  } catch (err) {
    failure = err;
  }
  // certagent's own comparison decides, whatever the device printed after `no` (no capture shows its wording).
  if (mismatch !== undefined) {
    if (failure === undefined) await session.ensureExec().catch(() => undefined);
    throw new FingerprintMismatchError(
      session.device,
      command,
      `${session.device}: '${command}': the device computed ${mismatch} for ${step.label}, certagent computed ${expected}; answered no`,
      'the certificate was altered on the way or the device read another paste; check the session transcript',
      mismatch,
      failure === undefined ? undefined : { cause: failure },
    );
  }
  if (
    failure instanceof DeviceCommandError &&
    (failure.errorId === 'fingerprint-required' || failure.errorId === 'certificate-rejected' || failure.errorId === 'error')
  ) {
    const advice =
      failure.errorId === 'fingerprint-required'
        ? 'this IOS XE release accepts a CA only with a pinned fingerprint: add fingerprint: to the trustpoint or run with --pin-fingerprints'
        : failure.advice;
    throw new CertificateRefusedError(
      session.device,
      command,
      `${session.device}: '${command}' refused ${step.label}: ${failure.deviceSays}`,
      advice,
      afterPaste(failure.output),
      { cause: failure },
    );
  }
  if (failure !== undefined) throw failure;
  const seen = parseAuthenticateOutput(output);
  if (!seen.accepted) {
    await session.ensureExec().catch(() => undefined);
    throw new CertificateRefusedError(
      session.device,
      command,
      `${session.device}: '${command}' did not accept ${step.label}`,
      'read the device output; the trustpoint may be in an unexpected state',
      afterPaste(output),
    );
  }
}

/** What the device said after the pasted certificate, without the echoed PEM and the closing prompt. */
function afterPaste(output: string): string {
  const end = output.lastIndexOf('-----END CERTIFICATE-----');
  const lines = (end < 0 ? output : output.slice(end + '-----END CERTIFICATE-----'.length)).split('\n').map((l) => l.trimEnd());
  if (parsePromptLine(lines[lines.length - 1]?.trim() ?? '') !== undefined) lines.pop();
  return lines.filter((l) => l !== '').join('\n');
}

export async function runStep(session: IosXeSession, step: Step, wait: LockWait = {}): Promise<void> {
  switch (step.kind) {
    case 'config':
      await enterConfig(session, wait);
      // Every line's echo is checked before the next step starts, so a dialog never follows a refused line.
      await session.sendConfig(step.lines.map(revealLine), { bulk: true, stayInConfigMode: true });
      return;
    case 'authenticate':
      await authenticate(session, step, wait);
      return;
    case 'remove-trustpoint':
      await dialog(session, removeTrustpointDialog(step.trustpoint), wait);
      return;
  }
}
