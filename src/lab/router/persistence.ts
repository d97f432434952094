/**
 * A router's state folder: its SSH host key (kept across restarts so clients' known_hosts stay valid) and
 * its startup-config as text (what `write memory` saved, replayed at boot).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import type { StartupStore } from './runtime.js';

export type HostKeyType = { readonly type: 'ed25519' } | { readonly type: 'rsa'; readonly bits: number };

const ED25519: HostKeyType = { type: 'ed25519' };
const STARTUP_FILE = 'startup-config';

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Writes through a temporary file, so a crash never leaves half a file behind. */
async function writeAtomically(path: string, text: string, mode = 0o644): Promise<void> {
  const temporary = `${path}.tmp`;
  await writeFile(temporary, text, { mode });
  await rename(temporary, path);
}

/**
 * A new host key (ed25519 unless told). ssh2's generator drops leading zero bytes of the key (about one key in
 * 256 comes out 31 bytes long and cannot be parsed back), so such keys are thrown away.
 */
export function generateHostKey(kind: HostKeyType = ED25519): string {
  for (;;) {
    const key = kind.type === 'rsa' ? ssh2.utils.generateKeyPairSync('rsa', { bits: kind.bits }).private : ssh2.utils.generateKeyPairSync('ed25519').private;
    if (!(ssh2.utils.parseKey(key) instanceof Error)) return key;
  }
}

/** The folder's host key of that type (as sshd keeps one file per type), created on first use. */
export async function loadOrCreateHostKey(dir: string, kind: HostKeyType = ED25519): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `ssh_host_${kind.type}_key`);
  const existing = await readIfExists(path);
  if (existing !== undefined) return existing;
  const key = generateHostKey(kind);
  await writeAtomically(path, key, 0o600);
  return key;
}

export class FileStartupStore implements StartupStore {
  constructor(private readonly dir: string) {}

  load(): Promise<string | undefined> {
    return readIfExists(join(this.dir, STARTUP_FILE));
  }

  async save(text: string): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await writeAtomically(join(this.dir, STARTUP_FILE), text);
  }
}
