/** IOS XE 17.x, the lab's default: the SSH algorithms paramiko 2.x and OpenSSH negotiate, the C8000V 17.9.2a `show version`. */
import { showVersion } from '../show-texts.js';
import type { RouterProfile } from './profile.js';

export const IOSXE_17: RouterProfile = {
  name: 'iosxe-17',
  sshAlgorithms: {
    cipher: ['aes128-ctr', 'aes192-ctr', 'aes256-ctr', 'aes128-gcm@openssh.com', 'aes256-gcm@openssh.com', 'aes128-cbc', 'aes192-cbc', 'aes256-cbc'],
    hmac: ['hmac-sha2-256-etm@openssh.com', 'hmac-sha2-512-etm@openssh.com', 'hmac-sha2-256', 'hmac-sha2-512', 'hmac-sha1'],
  },
  hostKey: { type: 'ed25519' },
  showVersion,
  requiresFingerprintPin: false,
};
