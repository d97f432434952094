/**
 * A real OpenSSH server (Debian's openssh-server, /usr/sbin/sshd) for jump host tests: started on loopback with
 * its own sshd_config, host key and authorized key in a temp folder, in the foreground (`-D -e`), no system
 * service. The test user is the user running the tests; it logs in with a key generated here.
 */
import { execFileSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { sha256Fingerprint } from '../../src/transport/ssh/index.js';
import { freePort, startServerProcess } from './server-process.js';

export const SSHD = '/usr/sbin/sshd';

export interface OpenSshOptions {
  /** `AllowTcpForwarding no` when false. */
  readonly forwarding?: boolean;
  /** An sshd host key type ssh-keygen knows (ed25519 unless told). */
  readonly hostKeyType?: 'ed25519' | 'rsa';
  /** Reuse this port (to bring a killed jump host back where it was). */
  readonly port?: number;
  /** Reuse this folder's keys (a restarted jump host keeps its identity). */
  readonly dir?: string;
}

export interface OpenSsh {
  readonly host: string;
  readonly port: number;
  readonly dir: string;
  readonly username: string;
  /** The client private key in authorized_keys (OpenSSH format, file path and text). */
  readonly clientKeyFile: string;
  readonly hostKeyFingerprint: string;
  readonly process: ChildProcess;
  /** What sshd logged (`-e`: to stderr). */
  log(): string;
  /** Kills sshd and every session process it forked (a jump host that dies, not one that stops accepting). */
  kill(): Promise<void>;
  /** kill() and removes the folder. */
  stop(): Promise<void>;
}

/** An sshd_config for a test server on loopback: keys from the test's folder, no PAM, no system files. */
export interface SshdConfig {
  readonly port: number;
  readonly hostKeyFile: string;
  /** In the test's folder, not a home directory (hence `StrictModes no`). */
  readonly authorizedKeysFile: string;
  /** `none`, or a file in the test's folder. */
  readonly pidFile: string;
  readonly passwordAuthentication: boolean;
  readonly permitRootLogin: 'prohibit-password' | 'no';
  /** Further lines: forwarding, subsystems, allowed users. */
  readonly extra: readonly string[];
}

export function sshdConfigText(c: SshdConfig): string {
  return [
    `Port ${c.port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${c.hostKeyFile}`,
    `AuthorizedKeysFile ${c.authorizedKeysFile}`,
    `PidFile ${c.pidFile}`,
    'StrictModes no',
    'UsePAM no',
    `PasswordAuthentication ${c.passwordAuthentication ? 'yes' : 'no'}`,
    'KbdInteractiveAuthentication no',
    'PubkeyAuthentication yes',
    `PermitRootLogin ${c.permitRootLogin}`,
    ...c.extra,
    '',
  ].join('\n');
}

/** Every process below `pid`, read from /proc (sshd's session processes call setsid(), so no process group holds them). */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while the list was read.
    }
  }
  const out: number[] = [];
  const walk = (p: number): void => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

export async function startOpenSsh(options: OpenSshOptions = {}): Promise<OpenSsh> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'certagent-sshd-'));
  const hostKeyFile = join(dir, 'ssh_host_key');
  const clientKeyFile = join(dir, 'client_key');
  if (!existsSync(hostKeyFile)) execFileSync('ssh-keygen', ['-q', '-t', options.hostKeyType ?? 'ed25519', '-N', '', '-f', hostKeyFile]);
  if (!existsSync(clientKeyFile)) execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', clientKeyFile]);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${clientKeyFile}.pub`));
  // As root, sshd wants its privilege separation folder, which only the system service's start-up creates.
  if (process.getuid?.() === 0 && !existsSync('/run/sshd')) mkdirSync('/run/sshd', { mode: 0o755 });
  const port = options.port ?? (await freePort());
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    sshdConfigText({
      port,
      hostKeyFile,
      authorizedKeysFile: join(dir, 'authorized_keys'),
      pidFile: 'none',
      passwordAuthentication: false,
      permitRootLogin: 'prohibit-password',
      extra: [`AllowTcpForwarding ${options.forwarding === false ? 'no' : 'yes'}`, 'MaxStartups 100', 'LogLevel VERBOSE'],
    }),
  );
  const server = await startServerProcess({
    what: 'sshd',
    file: SSHD,
    args: ['-f', config, '-D', '-e'],
    ready: /Server listening on 127\.0\.0\.1 port/,
    timeoutMs: 10_000,
  });
  const child = server.child;
  const publicKey = readFileSync(`${hostKeyFile}.pub`, 'utf8').split(/\s+/)[1] ?? '';
  const kill = async (): Promise<void> => {
    if (child.pid === undefined || child.exitCode !== null) return;
    for (const pid of [child.pid, ...descendants(child.pid)]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    await server.exited;
  };
  return {
    host: '127.0.0.1',
    port,
    dir,
    username: userInfo().username,
    clientKeyFile,
    hostKeyFingerprint: sha256Fingerprint(Buffer.from(publicKey, 'base64')),
    process: child,
    log: () => server.output(),
    kill,
    stop: async () => {
      await kill();
      if (options.dir === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}
