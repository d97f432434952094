/**
 * `--pin-fingerprints auto`: a device whose release refuses unpinned CAs (IOS XE 26.x and later) gets every CA
 * pinned; others get only the pins the playbook gives. The release is read once per session, only when a pin
 * could depend on it.
 */
import { FIRST_RELEASE_REQUIRING_PIN, iosXeMajorRelease, RELEASE_LINE_COMMAND } from '../device/index.js';
import type { IosXeSession } from '../transport/ssh-cli/index.js';
import { mayNeedPins, pinnedWhereNeeded } from './desired.js';
import type { DesiredState } from './desired.js';

export async function desiredForDevice(session: IosXeSession, desired: DesiredState): Promise<DesiredState> {
  if (!mayNeedPins(desired)) return desired;
  const major = iosXeMajorRelease(await session.send(RELEASE_LINE_COMMAND));
  return major !== undefined && major >= FIRST_RELEASE_REQUIRING_PIN ? pinnedWhereNeeded(desired) : desired;
}
