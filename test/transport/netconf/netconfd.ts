/**
 * A real NETCONF server for interop tests: yuma123's netconfd (Debian package `netconfd`) behind an OpenSSH
 * sshd of its own on a loopback port, serving the `netconf` subsystem through netconf-subsystem, with a
 * throw-away local account for password and key authentication. Needs root (CI runs as root) and the
 * packages netconfd and openssh-server (.ci/run installs them).
 *
 * Readiness is detected, never slept for: netconfd's "Running netconfd server" line, sshd's "Server
 * listening" line, then a NETCONF hello over SSH. stop() ends both process groups and removes the account
 * and every file.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SSHD, sshdConfigText } from '../../helpers/openssh.js';
import { freePort, startServerProcess } from '../../helpers/server-process.js';
import type { ServerProcess } from '../../helpers/server-process.js';
import { ed25519KeyPair } from '../../helpers/ssh-keys.js';
import { NetconfClient } from '../../../src/transport/netconf/index.js';
import type { NetconfClientOptions } from '../../../src/transport/netconf/index.js';
import { sha256Fingerprint } from '../../../src/transport/ssh-cli/index.js';

const NETCONFD = '/usr/sbin/netconfd';
const SUBSYSTEM = '/usr/sbin/netconf-subsystem';
const TEST_MODULE = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'certagent-test.yang');
/**
 * Serialises useradd/userdel between test workers, which would otherwise meet on /etc/passwd's lock. The
 * flock is taken on a file of the checkout, so that no lock file is left behind.
 */
const ACCOUNT_LOCK = TEST_MODULE;
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;

export const TEST_NS = 'urn:certagent:test';

export interface NetconfdOptions {
  /** `running` gives :writable-running only; `candidate` (netconfd's default) gives :candidate. */
  readonly target: 'running' | 'candidate';
  /** Only base:1.0 (end-of-message framing), as `--protocols=netconf1.0`. */
  readonly base10Only?: boolean;
}

export interface Netconfd {
  readonly port: number;
  readonly username: string;
  readonly password: string;
  /** An OpenSSH private key authorised for the account. */
  readonly privateKey: string;
  readonly hostKeyFingerprint: string;
  /** Options for a NetconfClient of this server, password authentication. */
  clientOptions(device: string, overrides?: Partial<NetconfClientOptions>): NetconfClientOptions;
  stop(): Promise<void>;
}

function missingPrerequisite(): string | undefined {
  if (process.getuid?.() !== 0) return 'the netconfd interop tests need root (to run sshd and add a local account); CI runs as root';
  for (const bin of [NETCONFD, SUBSYSTEM, SSHD]) {
    if (!existsSync(bin)) return `${bin} is missing: apt-get install -y netconfd openssh-server (.ci/run installs them)`;
  }
  return undefined;
}

function withAccountLock(script: string, args: string[]): void {
  execFileSync('flock', [ACCOUNT_LOCK, 'sh', '-c', script, 'sh', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/**
 * sshd's per-connection processes leave its process group (setsid), so a session a test left open would
 * keep its netconf-subsystem alive; they all run as the fixture's own account, so they are found by it.
 */
function killAccountProcesses(username: string): void {
  const uid = execFileSync('id', ['-u', username], { encoding: 'utf8' }).trim();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let status: string;
    try {
      status = readFileSync(`/proc/${entry}/status`, 'utf8');
    } catch {
      continue; // the process ended while we looked
    }
    if (/^Uid:\s+(\d+)/m.exec(status)?.[1] !== uid) continue;
    try {
      process.kill(Number(entry), 'SIGKILL');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }
}

export async function startNetconfd(options: NetconfdOptions): Promise<Netconfd> {
  const missing = missingPrerequisite();
  if (missing) throw new Error(missing);

  const dir = mkdtempSync(join(tmpdir(), 'certagent-netconfd-'));
  // netconf-subsystem runs as the test account and must reach the socket in here.
  chmodSync(dir, 0o755);
  const username = `ncagent${randomBytes(3).toString('hex')}`;
  const password = `Nc-${randomBytes(9).toString('base64url')}`;
  const hostKey = ed25519KeyPair();
  const userKey = ed25519KeyPair();
  let netconfd: ServerProcess | undefined;
  let sshd: ServerProcess | undefined;
  let accountCreated = false;

  // If the test process ends without stop() (a crash, a failing afterAll), nothing may be left behind.
  const onExit = (): void => {
    for (const started of [sshd, netconfd]) {
      const pid = started?.child.pid;
      if (pid !== undefined && started?.child.exitCode === null) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    if (accountCreated) {
      killAccountProcesses(username);
      withAccountLock('userdel -f "$1"', [username]);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);

  const cleanup = async (): Promise<void> => {
    process.removeListener('exit', onExit);
    await sshd?.stop(STOP_TIMEOUT_MS);
    await netconfd?.stop(STOP_TIMEOUT_MS);
    if (accountCreated) {
      killAccountProcesses(username);
      withAccountLock('userdel -f "$1"', [username]);
      accountCreated = false;
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    withAccountLock('useradd --no-create-home --home-dir /nonexistent --shell /bin/sh "$1" && echo "$1:$2" | chpasswd', [username, password]);
    accountCreated = true;

    const socket = join(dir, 'ncxserver.sock');
    const module = join(dir, 'certagent-test.yang');
    copyFileSync(TEST_MODULE, module);
    const hostKeyFile = join(dir, 'ssh_host_ed25519_key');
    writeFileSync(hostKeyFile, hostKey.private, { mode: 0o600 });
    writeFileSync(join(dir, 'authorized_keys'), `${userKey.public}\n`, { mode: 0o644 });
    // sshd's privilege separation directory; Debian creates it only when its service starts.
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });

    let port = 0;
    // A port found free can be taken before sshd binds it; sshd then exits at once and another is tried.
    for (let attempt = 1; sshd === undefined; attempt++) {
      port = await freePort();
      const config = join(dir, 'sshd_config');
      writeFileSync(
        config,
        sshdConfigText({
          port,
          hostKeyFile,
          authorizedKeysFile: join(dir, 'authorized_keys'),
          pidFile: join(dir, 'sshd.pid'),
          passwordAuthentication: true,
          permitRootLogin: 'no',
          extra: [
            `AllowUsers ${username}`,
            // netconf-subsystem picks the netconfd socket by the server port in SSH_CONNECTION.
            `Subsystem netconf ${SUBSYSTEM} --ncxserver-sockname=${port}@${socket}`,
          ],
        }),
      );
      try {
        sshd = await startServerProcess({
          what: 'sshd',
          file: SSHD,
          args: ['-D', '-e', '-f', config],
          env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
          ready: /Server listening on 127\.0\.0\.1 port \d+/,
          timeoutMs: START_TIMEOUT_MS,
          cwd: dir,
          detached: true,
        });
      } catch (err) {
        if (attempt >= 3 || !/Bind to port|Address already in use/.test((err as Error).message)) throw err;
      }
    }

    const args = [
      `--port=${port}`,
      `--ncxserver-sockname=${socket}`,
      `--module=${module}`,
      '--no-startup',
      `--superuser=${username}`,
      `--target=${options.target}`,
      '--log-level=info',
      ...(options.base10Only ? ['--protocols=netconf1.0'] : []),
    ];
    // HOME points netconfd's ~/.yuma (it saves its startup transaction id there) into the test directory.
    // netconfd writes backup-cfg.xml into its working folder: keep it in the fixture's own folder.
    netconfd = await startServerProcess({
      what: 'netconfd',
      file: NETCONFD,
      args,
      env: { HOME: dir, PATH: process.env.PATH ?? '/usr/bin:/bin' },
      ready: /Running netconfd server/,
      timeoutMs: START_TIMEOUT_MS,
      cwd: dir,
      detached: true,
    });

    const fixture: Netconfd = {
      port,
      username,
      password,
      privateKey: userKey.private,
      hostKeyFingerprint: sha256Fingerprint(Buffer.from(hostKey.public.split(' ')[1] ?? '', 'base64')),
      clientOptions: (device, overrides = {}) => ({
        device,
        host: '127.0.0.1',
        port,
        credentials: { username, password },
        hostKey: { mode: 'pinned', fingerprints: [fixture.hostKeyFingerprint] },
        connectTimeoutMs: START_TIMEOUT_MS,
        rpcTimeoutMs: 15_000,
        ...overrides,
      }),
      stop: cleanup,
    };
    // Ready means a NETCONF session works end to end: sshd, the subsystem, the socket, netconfd.
    const probe = await NetconfClient.connect(fixture.clientOptions('netconfd-probe')).catch((err: unknown) => {
      throw new Error(
        `netconfd did not answer a NETCONF hello: ${(err as Error).message}; netconfd printed: ${JSON.stringify(netconfd?.output().slice(-500))}; sshd printed: ${JSON.stringify(sshd?.output().slice(-500))}`,
      );
    });
    await probe.close();
    return fixture;
  } catch (err) {
    await cleanup();
    throw err;
  }
}
