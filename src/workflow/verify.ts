/**
 * Proof that the applet's mail went out. `event manager run` returns at once and the mail action reports a
 * failure only later, in the log (`%HA_EM-3-FMPD_SMTP` + `%HA_EM-3-FMPD_ERROR`); success logs nothing. So the
 * applet ends with certagent's marker action (see eem-render.ts), run with a fresh nonce: the marker line proves
 * success, a new forbidden line proves failure. Where the device streams its syslog to the session (`terminal
 * monitor`), the outcome is seen as it is logged; elsewhere the log is polled with backoff until one of them or
 * the deadline.
 */
import { SHOW, monitorLoggingSeverity, outputLines, parseEemLogEntries, parseShowCryptoPkiCertificates, runAppletCommand } from '../device/index.js';
import { redactServerCredentials } from '../shared/redact.js';
import { DeviceCommandError, DeviceTimeoutError } from '../transport/ssh-cli/index.js';
import type { IosXeSession } from '../transport/ssh-cli/index.js';
import type { DesiredState, VerifyPlan } from './desired.js';
import { markerMessage } from './eem-render.js';
import { ProofError, VerificationError } from './errors.js';
import type { DeviceFacts } from './facts.js';
import { planFor } from './plan.js';
import type { DevicePlan, PlanOptions, Step } from './plan.js';

export const LOG_COMMAND = SHOW.eemLog;

export interface ProofOptions {
  readonly nonce: string;
  /** First poll interval (ms); doubles up to `maxPollIntervalMs`. */
  readonly pollIntervalMs?: number;
  readonly maxPollIntervalMs?: number;
  /** Removes secret values from device text before it is shown. */
  readonly redact: (text: string) => string;
  /** Whether the applet carries the marker; without it only failures can be seen, so silence until the deadline passes. */
  readonly marker: boolean;
  /** The device deadline: polling stops when it aborts. */
  readonly signal?: AbortSignal;
  /** Watch the syslog stream (`terminal monitor`) where the device offers it; default true. */
  readonly monitor?: boolean;
}

export interface Proof {
  readonly applet: string;
  readonly nonce: string;
  readonly markerLine?: string;
  /** Looks at `show logging` after the run: 0 when the outcome was streamed. */
  readonly polls: number;
  /** The outcome was seen on the `terminal monitor` stream. */
  readonly streamed: boolean;
}

/** Lines of `after` beyond those already in `before` (counted, so a repeated identical line still counts as new). */
export function newLines(before: string, after: string): string[] {
  const seen = new Map<string, number>();
  for (const l of outputLines(before)) if (l.trim() !== '') seen.set(l, (seen.get(l) ?? 0) + 1);
  const out: string[] = [];
  for (const l of outputLines(after)) {
    if (l.trim() === '') continue;
    const n = seen.get(l) ?? 0;
    if (n > 0) seen.set(l, n - 1);
    else out.push(l);
  }
  return out;
}

/** Waits `ms` between two polls; rejects with the signal's reason as soon as it aborts. */
function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * `show logging` cut to the EEM lines and the `Monitor logging:` line, which says whether a `terminal monitor`
 * session would be shown the marker (genieparser capture: `Monitor logging: level debugging, 0 messages logged`).
 */
export const MONITOR_LOG_COMMAND = `${LOG_COMMAND}|Monitor logging`;

/** `action syslog msg` logs at severity 6 (`%HA_EM-6-LOG`, dossier's EEM log captures). */
const MARKER_SEVERITY = 6;

/** Complete lines (the last one ended by a newline) of text the device printed. */
function completeLines(text: string): string[] {
  return outputLines(text.slice(0, text.lastIndexOf('\n') + 1));
}

function failed(session: IosXeSession, verify: VerifyPlan, options: ProofOptions, run: string, failures: readonly string[]): ProofError {
  const said = failures.map((l) => options.redact(redactServerCredentials(l.trim()))).join('\n');
  const reason = parseEemLogEntries(failures.join('\n')).find((e) => e.reason !== undefined)?.reason;
  return new ProofError(
    session.device,
    run,
    `${session.device}: applet ${verify.applet} failed${reason ? `: ${reason}` : ''} (the device logged it after '${run}')`,
    'the mail did not go out: check that the mail server chain anchors on a trustpoint, the server name resolves (ip host), the account and sender; certagent fix shows a diagnosis',
    said,
  );
}

/** `terminal monitor`; false when the device refuses it (the proof then polls). */
async function startMonitor(session: IosXeSession): Promise<boolean> {
  try {
    await session.send('terminal monitor');
    return true;
  } catch (err) {
    if (err instanceof DeviceCommandError) return false;
    throw err;
  }
}

/**
 * Waits for the marker or a failure line as the device streams its syslog to this session. Undefined when neither
 * came before the deadline (the log then decides). `terminal no monitor` is read up to the prompt after its own
 * echo, so a prompt the device reprinted after a streamed line cannot end it early.
 */
async function watchLog(
  session: IosXeSession,
  verify: VerifyPlan,
  run: string,
  runOutput: string,
  marker: string,
  deadline: number,
): Promise<string[] | undefined> {
  const decisive = (line: string): boolean => line.includes(marker) || verify.forbiddenLogPatterns.some((p) => p.test(line));
  try {
    // IOS may print a line logged while the run command was still in hand before that command's prompt.
    if (completeLines(runOutput).some(decisive)) return completeLines(runOutput);
    const text = await session.waitForOutput(decisive, {
      timeoutMs: Math.max(1, deadline - Date.now()),
      command: run,
      waitedFor: `'${marker}' or a logged failure on the terminal monitor`,
    });
    return completeLines(text);
  } catch (err) {
    if (err instanceof DeviceTimeoutError) return undefined;
    throw err;
  } finally {
    await session.interact([{ send: 'terminal no monitor', expect: [] }]);
  }
}

/**
 * Runs the applet and proves its outcome. Where the device streams informational syslog to a `terminal monitor`
 * session, the marker or a failure is seen the moment it is logged; otherwise (the marker-less failures-only mode,
 * `no logging monitor`, a refused `terminal monitor`, or nothing streamed by the deadline) the log is polled.
 */
export async function proveApplet(session: IosXeSession, verify: VerifyPlan, options: ProofOptions): Promise<Proof> {
  const device = session.device;
  const run = runAppletCommand(verify.applet, options.nonce);
  const marker = markerMessage(verify.applet, options.nonce);
  const wantStream = options.marker && options.monitor !== false;
  const baseline = await session.send(wantStream ? MONITOR_LOG_COMMAND : LOG_COMMAND);
  const streaming = wantStream && (monitorLoggingSeverity(baseline) ?? -1) >= MARKER_SEVERITY && (await startMonitor(session));
  const ranOutput = await session.send(run);
  const deadline = Date.now() + verify.waitForLogSeconds * 1000;
  if (streaming) {
    const streamed = await watchLog(session, verify, run, ranOutput, marker, deadline);
    const done = streamed?.find((l) => l.includes(marker));
    if (done !== undefined) return { applet: verify.applet, nonce: options.nonce, markerLine: options.redact(done.trim()), polls: 0, streamed: true };
    const failures = streamed?.filter((l) => verify.forbiddenLogPatterns.some((p) => p.test(l))) ?? [];
    if (failures.length > 0) throw failed(session, verify, options, run, failures);
  }
  let interval = options.pollIntervalMs ?? 200;
  let polls = 0;
  let fresh: string[];
  for (;;) {
    const text = await session.send(LOG_COMMAND);
    polls++;
    fresh = newLines(baseline, text);
    const done = fresh.find((l) => l.includes(marker));
    if (done !== undefined) return { applet: verify.applet, nonce: options.nonce, markerLine: options.redact(done.trim()), polls, streamed: false };
    const failures = fresh.filter((l) => verify.forbiddenLogPatterns.some((p) => p.test(l)));
    if (failures.length > 0) throw failed(session, verify, options, run, failures);
    if (Date.now() >= deadline) break;
    await delay(Math.min(interval, Math.max(0, deadline - Date.now())), options.signal);
    interval = Math.min(interval * 2, options.maxPollIntervalMs ?? 2_000);
  }
  if (!options.marker) return { applet: verify.applet, nonce: options.nonce, polls, streamed: false };
  const seen = fresh.map((l) => options.redact(l.trim())).join('\n');
  throw new ProofError(
    device,
    run,
    `${device}: no result of '${run}' within ${verify.waitForLogSeconds} s: '${LOG_COMMAND}' showed neither '${marker}' nor a failure; new lines seen: ${seen === '' ? 'none' : JSON.stringify(seen)}`,
    "the applet may still be waiting on the mail server (SMTP timeout): raise verify.wait_for_log_seconds or check reachability; the marker is an informational syslog, so 'logging buffered' must keep informational messages",
    seen,
  );
}

/**
 * The lines `certificateMismatches` reads: headings (column 0), serial, fingerprints, trustpoints. A CA's verbose
 * entry is some 30 lines (issuer, subject, validity, key usages, CRL points); IOS applies `include` on the device,
 * so the cut lines never cross the link. The regex avoids escapes and `$`, read alike by IOS and POSIX.
 */
export const CERTIFICATES_FILTER = '^[A-Za-z]|Serial Number|Fingerprint|Associated Trustpoints';

export const CERTIFICATES_COMMAND = `${SHOW.certificates()} | include ${CERTIFICATES_FILTER}`;

export interface ExpectedCertificate {
  readonly trustpoint: string;
  readonly serialHex: string;
  readonly md5: string;
  readonly sha1: string;
}

/** What `show crypto pki certificates verbose` contradicts of the expected serials and fingerprints. Pure. */
export function certificateMismatches(shown: string, expected: readonly ExpectedCertificate[]): string[] {
  const certs = parseShowCryptoPkiCertificates(shown);
  const out: string[] = [];
  for (const want of expected) {
    const got = certs.find((c) => c.kind === 'ca' && c.associatedTrustpoints.includes(want.trustpoint));
    if (!got) {
      out.push(`${want.trustpoint}: no CA certificate shown`);
      continue;
    }
    const differs = [
      got.serialHex !== want.serialHex ? `serial ${got.serialHex ?? '?'} (planned ${want.serialHex})` : '',
      got.fingerprintMd5 !== want.md5 ? `MD5 ${got.fingerprintMd5 ?? '?'} (planned ${want.md5})` : '',
      got.fingerprintSha1 !== want.sha1 ? `SHA1 ${got.fingerprintSha1 ?? '?'} (planned ${want.sha1})` : '',
    ].filter((d) => d !== '');
    if (differs.length > 0) out.push(`${want.trustpoint}: ${differs.join(', ')}`);
  }
  return out;
}

/** Re-plans from the facts read after the changes: anything still planned was accepted but not applied. */
export function assertPlanApplied(
  device: string,
  step: string,
  after: DeviceFacts,
  desired: DesiredState,
  options: PlanOptions | undefined,
  advice: string,
): void {
  const left = planFor(device, after, desired, { ...options, renewBeforeSeconds: undefined }).changes;
  if (left.length > 0) {
    throw new VerificationError(
      device,
      step,
      `${device}: after the changes the device still differs: ${left.map((c) => `${c.record.object} (${c.record.action})`).join(', ')}`,
      advice,
    );
  }
}

/** The serials and fingerprints the PKI subsystem must show for every certificate the plan authenticates. */
export function plannedCertificates(plan: DevicePlan): ExpectedCertificate[] {
  return plan.changes
    .flatMap((c) => c.steps)
    .filter((s): s is Extract<Step, { kind: 'authenticate' }> => s.kind === 'authenticate')
    .map((s) => ({ trustpoint: s.trustpoint, serialHex: s.serialHex, md5: s.md5, sha1: s.sha1 }));
}
