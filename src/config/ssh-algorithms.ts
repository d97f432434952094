/**
 * `ssh_algorithms` in inventories: per device or group, the exact SSH algorithm lists to offer, when certagent's
 * default (modern first, IOS XE 16.x's legacy ones appended) must be narrowed or reordered. Names are those the
 * SSH library (ssh2 1.17) implements, checked here so a typo is a configuration error, not a failed connection.
 */
import { z } from 'zod';

const KEX = [
  'curve25519-sha256',
  'curve25519-sha256@libssh.org',
  'ecdh-sha2-nistp256',
  'ecdh-sha2-nistp384',
  'ecdh-sha2-nistp521',
  'diffie-hellman-group-exchange-sha256',
  'diffie-hellman-group14-sha256',
  'diffie-hellman-group15-sha512',
  'diffie-hellman-group16-sha512',
  'diffie-hellman-group17-sha512',
  'diffie-hellman-group18-sha512',
  'diffie-hellman-group-exchange-sha1',
  'diffie-hellman-group14-sha1',
  'diffie-hellman-group1-sha1',
] as const;
const CIPHER = [
  'aes128-gcm@openssh.com',
  'aes256-gcm@openssh.com',
  'chacha20-poly1305@openssh.com',
  'aes128-ctr',
  'aes192-ctr',
  'aes256-ctr',
  'aes128-cbc',
  'aes192-cbc',
  'aes256-cbc',
  '3des-cbc',
] as const;
const HMAC = [
  'hmac-sha2-256-etm@openssh.com',
  'hmac-sha2-512-etm@openssh.com',
  'hmac-sha1-etm@openssh.com',
  'hmac-sha2-256',
  'hmac-sha2-512',
  'hmac-sha1',
  'hmac-sha1-96',
  'hmac-md5',
  'hmac-md5-96',
] as const;
const HOST_KEY = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
  'ssh-dss',
] as const;

function names<T extends readonly [string, ...string[]]>(all: T) {
  return z.array(z.enum(all, { error: `must be one of ${all.join(', ')}` })).min(1, { error: 'must list at least one algorithm' });
}

export const sshAlgorithmsSchema = z
  .object({ kex: names(KEX).optional(), cipher: names(CIPHER).optional(), hmac: names(HMAC).optional(), server_host_key: names(HOST_KEY).optional() })
  .strict();

/** Each list, when given, replaces certagent's offer for that kind. */
export interface SshAlgorithmsConfig {
  readonly kex?: readonly string[];
  readonly cipher?: readonly string[];
  readonly hmac?: readonly string[];
  readonly serverHostKey?: readonly string[];
}

export function sshAlgorithmsOf(raw: z.infer<typeof sshAlgorithmsSchema>): SshAlgorithmsConfig {
  return {
    ...(raw.kex && { kex: raw.kex }),
    ...(raw.cipher && { cipher: raw.cipher }),
    ...(raw.hmac && { hmac: raw.hmac }),
    ...(raw.server_host_key && { serverHostKey: raw.server_host_key }),
  };
}
