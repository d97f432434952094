/**
 * `--pin-fingerprints auto`: a device whose release refuses unpinned CAs (IOS XE 26.x and later) gets every CA
 * pinned; others get only the pins the playbook gives. The release is read once per session, only when a pin
 * could depend on it.
 */
import { FIRST_RELEASE_REQUIRING_PIN, iosXeMajorRelease, RELEASE_LINE_COMMAND } from '../device/index.js';
import type { DeviceOutcome, RunReporter } from '../report/events.js';
import type { IosXeSession } from '../transport/ssh-cli/index.js';
import { mayNeedPins, pinnedWhereNeeded } from './desired.js';
import type { DesiredState } from './desired.js';

export async function desiredForDevice(session: IosXeSession, desired: DesiredState): Promise<DesiredState> {
  if (!mayNeedPins(desired)) return desired;
  const major = iosXeMajorRelease(await session.send(RELEASE_LINE_COMMAND));
  return major !== undefined && major >= FIRST_RELEASE_REQUIRING_PIN ? pinnedWhereNeeded(desired) : desired;
}

/** The 26.x refusal of an unpinned CA, as the device prints it (dossier: C9300 26.1.1, C8235-G2 26.2). */
const PIN_REQUIRED = /Trustpoint fingerprint must be supplied/;

/**
 * A device that refused an unpinned CA although its release did not say it would is run once more, after its clean
 * rollback, with every CA pinned. Only with `auto`, only once, and only from a clean `rolled-back`.
 */
export async function withPinFallback<J extends { readonly device: string; readonly desired: DesiredState; readonly reporter: RunReporter }>(
  job: J,
  run: (job: J) => Promise<DeviceOutcome>,
): Promise<DeviceOutcome> {
  const first = await run(job);
  if (first.result !== 'rolled-back' || !mayNeedPins(job.desired) || !PIN_REQUIRED.test(first.error?.message ?? '')) return first;
  job.reporter.deviceStep(job.device, 'authenticate refused an unpinned CA: running again with every CA pinned');
  // The device has started once already; the reporter hears of it once.
  const reporter = Object.create(job.reporter) as RunReporter;
  reporter.deviceStarted = () => undefined;
  const again = await run({ ...job, desired: pinnedWhereNeeded(job.desired), reporter });
  return { ...again, startedAt: first.startedAt, durationMs: first.durationMs + again.durationMs, roundTrips: first.roundTrips + again.roundTrips };
}
