/**
 * Host key verification: a pinned SHA256 fingerprint, or an OpenSSH known_hosts file (plain and hashed
 * entries, `[host]:port` for other ports), and trust-on-first-use only when the caller asks, which then
 * records the key in known_hosts.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { appendFile, readFile } from 'node:fs/promises';
import { makeFolders } from '../../shared/make-folders.js';
import { dirname } from 'node:path';

/** How an endpoint's host key is trusted: the inventory's `host_key` / `host_key_policy`, as the transports take it. */
export type HostKeyPolicy =
  /** Only these `SHA256:` fingerprints (as `ssh-keygen -lf` prints them; several during a key roll) are accepted. */
  | { readonly mode: 'pinned'; readonly fingerprints: readonly string[] }
  /** The host must already be in this OpenSSH known_hosts file. */
  | { readonly mode: 'strict'; readonly knownHosts: string }
  /** Trust on first use: an unknown host is recorded in this known_hosts file, a changed key is refused. */
  | { readonly mode: 'tofu'; readonly knownHosts: string };

/** The known_hosts file a policy reads (and, on first use, writes); none for pinned keys. */
export function knownHostsFileOf(policy: HostKeyPolicy): string | undefined {
  return policy.mode === 'pinned' ? undefined : policy.knownHosts;
}

/** `SHA256:...` fingerprint of a public key blob, as OpenSSH prints it (base64 without padding). */
export function sha256Fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named inside an SSH public key blob (`ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`). */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return 'unknown';
  const len = keyBlob.readUInt32BE(0);
  return keyBlob.subarray(4, 4 + len).toString('ascii');
}

/** How known_hosts names a host: bare for port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function hashedNameMatches(entry: string, name: string): boolean {
  const [, magic, salt, hash] = entry.split('|');
  if (magic !== '1' || !salt || !hash) return false;
  return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
}

function patternMatches(pattern: string, name: string): boolean {
  if (pattern.startsWith('|')) return hashedNameMatches(pattern, name);
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return re.test(name);
}

/** The SHA256 fingerprints known_hosts holds for a host (revoked and CA lines ignored). */
export function knownFingerprints(knownHosts: string, host: string, port: number): string[] {
  const name = knownHostsName(host, port);
  const found: string[] = [];
  for (const raw of knownHosts.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('@')) continue;
    const [hosts, , key] = line.split(/\s+/);
    if (!hosts || !key) continue;
    const patterns = hosts.split(',');
    if (patterns.some((p) => p.startsWith('!') && patternMatches(p.slice(1), name))) continue;
    if (patterns.some((p) => !p.startsWith('!') && patternMatches(p, name))) {
      found.push(sha256Fingerprint(Buffer.from(key, 'base64')));
    }
  }
  return found;
}

/** A hashed known_hosts line, as `ssh-keyscan -H` writes it (the host name is not stored in clear). */
export function knownHostsLine(host: string, port: number, keyBlob: Buffer): string {
  const salt = randomBytes(20);
  const hash = createHmac('sha1', salt).update(knownHostsName(host, port)).digest('base64');
  return `|1|${salt.toString('base64')}|${hash} ${keyTypeOf(keyBlob)} ${keyBlob.toString('base64')}`;
}

export type HostKeyVerdict =
  | { readonly kind: 'trusted'; readonly fingerprint: string; readonly source: 'pin' | 'known_hosts' }
  | { readonly kind: 'first-use'; readonly fingerprint: string }
  | { readonly kind: 'mismatch'; readonly fingerprint: string; readonly expected: readonly string[] }
  | { readonly kind: 'unknown'; readonly fingerprint: string };

/** Decides on a presented key. known_hosts content is read beforehand so that the decision stays pure. */
export function judgeHostKey(policy: HostKeyPolicy, knownHosts: string, host: string, port: number, keyBlob: Buffer): HostKeyVerdict {
  const fingerprint = sha256Fingerprint(keyBlob);
  const pins = policy.mode === 'pinned' ? policy.fingerprints : [];
  const normalisedPins = pins.map((p) => (p.startsWith('SHA256:') ? p : `SHA256:${p}`).replace(/=+$/, ''));
  if (normalisedPins.length > 0) {
    return normalisedPins.includes(fingerprint) ? { kind: 'trusted', fingerprint, source: 'pin' } : { kind: 'mismatch', fingerprint, expected: normalisedPins };
  }
  const known = knownFingerprints(knownHosts, host, port);
  if (known.length > 0) {
    return known.includes(fingerprint) ? { kind: 'trusted', fingerprint, source: 'known_hosts' } : { kind: 'mismatch', fingerprint, expected: known };
  }
  return policy.mode === 'tofu' ? { kind: 'first-use', fingerprint } : { kind: 'unknown', fingerprint };
}

export async function readKnownHosts(file: string | undefined): Promise<string> {
  if (!file) return '';
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
}

/** Creates a missing known_hosts folder (0700) and file (0600) as OpenSSH would, so a first run can record keys. */
export async function recordHostKey(file: string, host: string, port: number, keyBlob: Buffer): Promise<void> {
  makeFolders(dirname(file), 0o700);
  await appendFile(file, `${knownHostsLine(host, port, keyBlob)}\n`, { mode: 0o600 });
}
