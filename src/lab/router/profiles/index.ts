/** The IOS XE releases a lab router can play (`certagent lab --profile`, `--fault DEVICE:profile=...`). */
import { IOSXE_16_9 } from './iosxe-16-9.js';
import { IOSXE_17 } from './iosxe-17.js';
import { IOSXE_26 } from './iosxe-26.js';
import type { ProfileName, RouterProfile } from './profile.js';

export type { ProfileName, RouterProfile } from './profile.js';

export const PROFILES: Readonly<Record<ProfileName, RouterProfile>> = {
  'iosxe-16.9': IOSXE_16_9,
  'iosxe-17': IOSXE_17,
  'iosxe-26': IOSXE_26,
};

export const DEFAULT_PROFILE: ProfileName = 'iosxe-17';

export function isProfileName(name: string): name is ProfileName {
  return Object.hasOwn(PROFILES, name);
}
