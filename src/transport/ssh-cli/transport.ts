/**
 * The bytes layer: an ssh2 client with a connect deadline, password / keyboard-interactive / private-key
 * authentication (one attempt each, never retried), host key verification and keepalives, giving an
 * interactive shell on a pty (as IOS vty sessions expect).
 */
import { Client } from 'ssh2';
import type { AnyAuthMethod, AuthenticationType, AuthHandlerMiddleware, ClientChannel, ConnectConfig } from 'ssh2';
import { DEFAULT_TIMEOUTS } from '../timeouts.js';
import { AuthenticationError, ConnectError, HostKeyMismatchError, HostKeyUnknownError } from './errors.js';
import { judgeHostKey, readKnownHosts, recordHostKey } from './host-keys.js';
import type { HostKeyPolicy, HostKeyVerdict } from './host-keys.js';

export interface SshCredentials {
  readonly username: string;
  readonly password?: string;
  /** OpenSSH or PEM private key text or bytes. */
  readonly privateKey?: string | Buffer;
  readonly passphrase?: string;
}

export interface SshTransportOptions {
  /** Name used in every error and log line (inventory name). */
  readonly device: string;
  readonly host: string;
  readonly port?: number;
  readonly credentials: SshCredentials;
  readonly hostKey: HostKeyPolicy;
  /** Deadline for TCP, SSH handshake and authentication together (ms). */
  readonly connectTimeoutMs?: number;
  /** SSH keepalive interval (ms); 0 disables. */
  readonly keepaliveIntervalMs?: number;
  readonly keepaliveCountMax?: number;
}

export interface SshShell {
  readonly client: Client;
  readonly stream: ClientChannel;
  readonly hostKey: Extract<HostKeyVerdict, { kind: 'trusted' | 'first-use' }>;
}

/**
 * One attempt per credential, in the order key, password, keyboard-interactive; keyboard-interactive (which
 * IOS with AAA may offer instead of password) only when the server does not take plain password, so a
 * wrong password is sent once and never again.
 */
function authHandler(creds: SshCredentials): { handler: AuthHandlerMiddleware; tried: string[] } {
  const username = creds.username;
  const tried: string[] = [];
  let keyTried = false;
  let passwordTried = false;
  const handler: AuthHandlerMiddleware = (authsLeft, _partial, next) => {
    // ssh2 passes null before the server has listed its methods: ask with `none`, as OpenSSH does,
    // so the password goes only to a method the server takes.
    if ((authsLeft as AuthenticationType[] | null) === null) {
      next({ type: 'none', username });
      return;
    }
    const offered = new Set<string>(authsLeft);
    if (!keyTried && creds.privateKey !== undefined && offered.has('publickey')) {
      keyTried = true;
      tried.push('publickey');
      next(creds.passphrase === undefined ? { type: 'publickey', username, key: creds.privateKey } : { type: 'publickey', username, key: creds.privateKey, passphrase: creds.passphrase });
      return;
    }
    const password = creds.password;
    if (!passwordTried && password !== undefined) {
      passwordTried = true;
      if (offered.has('password')) {
        tried.push('password');
        next({ type: 'password', username, password });
        return;
      }
      if (offered.has('keyboard-interactive')) {
        tried.push('keyboard-interactive');
        next({ type: 'keyboard-interactive', username, prompt: (_n, _i, _l, prompts, finish) => finish(prompts.map(() => password)) });
        return;
      }
    }
    // ssh2 ends authentication on `false` (lib/client.js doNextAuth); its type definitions omit that value.
    next(false as unknown as AnyAuthMethod);
  };
  return { handler, tried };
}

export interface SshConnection {
  readonly client: Client;
  readonly hostKey: Extract<HostKeyVerdict, { kind: 'trusted' | 'first-use' }>;
}

/**
 * Connects and authenticates, checking the host key, without opening a channel: the shell for the CLI,
 * the `netconf` subsystem for NETCONF.
 */
export async function connectSsh(options: SshTransportOptions): Promise<SshConnection> {
  const port = options.port ?? 22;
  const timeout = options.connectTimeoutMs ?? DEFAULT_TIMEOUTS.connectMs;
  const knownHosts = await readKnownHosts(options.hostKey.knownHostsFile);
  if (options.credentials.password === undefined && options.credentials.privateKey === undefined) throw new ConnectError(options.device, 'no password or private key given for SSH authentication', { transient: false });
  const auth = authHandler(options.credentials);
  const client = new Client();
  // Filled by the host verifier callback during the handshake.
  const presented: { verdict?: HostKeyVerdict; key?: Buffer } = {};

  const config: ConnectConfig = {
    host: options.host,
    port,
    username: options.credentials.username,
    readyTimeout: timeout,
    keepaliveInterval: options.keepaliveIntervalMs ?? 10_000,
    keepaliveCountMax: options.keepaliveCountMax ?? 3,
    authHandler: auth.handler,
    hostVerifier: (key: Buffer): boolean => {
      const verdict = judgeHostKey(options.hostKey, knownHosts, options.host, port, key);
      presented.verdict = verdict;
      presented.key = key;
      return verdict.kind === 'trusted' || verdict.kind === 'first-use';
    },
  };

  const ready = new Promise<void>((resolve, reject) => {
    const onError = (err: Error & { level?: string }): void => {
      client.removeListener('close', onClose);
      const verdict = presented.verdict;
      if (verdict?.kind === 'mismatch') reject(new HostKeyMismatchError(options.device, `${options.host}:${port}`, verdict.expected, verdict.fingerprint));
      else if (verdict?.kind === 'unknown') reject(new HostKeyUnknownError(options.device, `${options.host}:${port}`, verdict.fingerprint));
      else if (err.level === 'client-authentication') reject(new AuthenticationError(options.device, options.credentials.username, auth.tried));
      else if (err.level === 'client-timeout') reject(new ConnectError(options.device, `no SSH session within ${timeout} ms to ${options.host}:${port}`));
      else reject(new ConnectError(options.device, `${err.message} (${options.host}:${port})`));
    };
    const onClose = (): void => {
      client.removeListener('error', onError);
      reject(new ConnectError(options.device, `${options.host}:${port} closed the connection before the SSH session was set up`));
    };
    client.once('error', onError);
    client.once('close', onClose);
    // ssh2 may emit further errors (a reset after a refused login, a drop mid-session). Without a listener
    // Node would crash the process; the session learns of drops from its channel closing instead.
    client.on('error', () => undefined);
    client.once('ready', () => {
      client.removeListener('error', onError);
      client.removeListener('close', onClose);
      resolve();
    });
  });
  client.connect(config);
  try {
    await ready;
  } catch (err) {
    client.destroy();
    throw err;
  }

  const verdict = presented.verdict;
  if (verdict?.kind !== 'trusted' && verdict?.kind !== 'first-use') {
    client.end();
    throw new ConnectError(options.device, 'the host key was never checked');
  }
  if (verdict.kind === 'first-use' && options.hostKey.knownHostsFile && presented.key) {
    await recordHostKey(options.hostKey.knownHostsFile, options.host, port, presented.key);
  }
  return { client, hostKey: verdict };
}

/** Connects, authenticates and opens a shell on a pty 511 columns wide (no wrapping of long config lines). */
export async function openSshShell(options: SshTransportOptions): Promise<SshShell> {
  const { client, hostKey } = await connectSsh(options);
  const stream = await new Promise<ClientChannel>((resolve, reject) => {
    client.shell({ term: 'vt100', cols: 511, rows: 1000 }, (err, channel) => (err ? reject(new ConnectError(options.device, `shell refused: ${err.message}`)) : resolve(channel)));
  }).catch((err: unknown) => {
    client.end();
    throw err;
  });
  return { client, stream, hostKey };
}
