/**
 * IOS XE 26.x: `crypto pki authenticate` refuses a CA unless the trustpoint pins its fingerprint (seen on C9300
 * 26.1.1 and C8235-G2 26.2, /work/shared/iosxe dossier, transcript_crypto_pki_authenticate_fingerprint_required_26x_1).
 * GUESS: no 26.x `show version` capture was found; the text is the 17.9.2a C8000V one with the version lines of a
 * 26.1.1 release, and the SSH stack is taken to be 17.x's (no document says it changed).
 */
import { showVersion } from '../show-texts.js';
import { IOSXE_17 } from './iosxe-17.js';
import type { RouterProfile } from './profile.js';

function showVersion26(hostname: string, upMs: number): string {
  return showVersion(hostname, upMs)
    .replace('Cisco IOS XE Software, Version 17.09.02a', 'Cisco IOS XE Software, Version 26.01.01')
    .replace(
      '[Cupertino], Virtual XE Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 17.9.2a,',
      '[IOSXE], Virtual XE Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 26.1.1,',
    );
}

export const IOSXE_26: RouterProfile = {
  ...IOSXE_17,
  name: 'iosxe-26',
  showVersion: showVersion26,
  requiresFingerprintPin: true,
};
