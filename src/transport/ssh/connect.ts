/**
 * The bytes layer: an ssh2 client with a connect deadline, password / keyboard-interactive / private-key
 * authentication (one attempt each, never retried), host key verification and keepalives, directly or through
 * jump hosts. The CLI opens a shell on it, NETCONF its subsystem.
 */
import { Client } from 'ssh2';
import type { AnyAuthMethod, AuthenticationType, AuthHandlerMiddleware, ConnectConfig } from 'ssh2';
import type { Duplex } from 'node:stream';
import { errorMessage } from '../../shared/error-message.js';
import { DEFAULT_TIMEOUTS } from '../timeouts.js';
import { offeredAlgorithms } from './algorithms.js';
import type { Negotiated, SshAlgorithms } from './algorithms.js';
import { AuthenticationError, ConnectError, HostKeyMismatchError, HostKeyUnknownError, KnownHostsError } from './errors.js';
import { judgeHostKey, knownHostsFileOf, readKnownHosts, recordHostKey } from './host-keys.js';
import type { HostKeyPolicy, HostKeyVerdict } from './host-keys.js';
import type { JumpRoute } from './jump-pool.js';

export interface SshCredentials {
  readonly username: string;
  readonly password?: string;
  /** OpenSSH or PEM private key text or bytes. */
  readonly privateKey?: string | Buffer;
  readonly passphrase?: string;
}

/** One SSH endpoint: a device, or a jump host on the way to one. */
export interface SshEndpoint {
  readonly host: string;
  readonly port?: number;
  readonly credentials: SshCredentials;
  readonly hostKey: HostKeyPolicy;
  readonly algorithms?: SshAlgorithms;
}

export interface SshTransportOptions extends SshEndpoint {
  /** Name used in every error and log line (inventory name). */
  readonly device: string;
  /** Deadline for TCP, SSH handshake and authentication together (ms), per hop. */
  readonly connectTimeoutMs?: number;
  /** SSH keepalive interval (ms); 0 disables. */
  readonly keepaliveIntervalMs?: number;
  readonly keepaliveCountMax?: number;
  /** The jump hosts to go through, first hop first, with the run's shared connections to them. */
  readonly jump?: JumpRoute;
}

export type TrustedHostKey = Extract<HostKeyVerdict, { kind: 'trusted' | 'first-use' }>;

export interface SshConnection {
  readonly client: Client;
  readonly hostKey: TrustedHostKey;
  /** The algorithms the handshake settled on (for the weak-algorithm warning). */
  readonly negotiated?: Negotiated;
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
      next(
        creds.passphrase === undefined
          ? { type: 'publickey', username, key: creds.privateKey }
          : { type: 'publickey', username, key: creds.privateKey, passphrase: creds.passphrase },
      );
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

export interface HandshakeOptions {
  readonly device: string;
  readonly endpoint: SshEndpoint;
  /** The jump host's name when this endpoint is one: errors then name the hop. */
  readonly hop?: string;
  /** A tunnel (direct-tcpip channel of the previous hop) instead of a TCP connection. */
  readonly sock?: Duplex;
  readonly connectTimeoutMs?: number;
  readonly keepaliveIntervalMs?: number;
  readonly keepaliveCountMax?: number;
}

/**
 * Connects and authenticates one endpoint, checking its host key before any credential goes out (ssh2 verifies
 * the key during key exchange, before the authentication phase).
 */
export async function handshake(options: HandshakeOptions): Promise<SshConnection> {
  const { device, endpoint, hop } = options;
  const port = endpoint.port ?? 22;
  const where = `${endpoint.host}:${port}`;
  const timeout = options.connectTimeoutMs ?? DEFAULT_TIMEOUTS.connectMs;
  const knownHostsFile = knownHostsFileOf(endpoint.hostKey);
  const knownHosts = await readKnownHosts(knownHostsFile).catch((err: unknown) => {
    throw new KnownHostsError(device, knownHostsFile ?? '', `cannot read the known_hosts file: ${errorMessage(err)}`);
  });
  if (endpoint.credentials.password === undefined && endpoint.credentials.privateKey === undefined)
    throw new ConnectError(device, 'no password or private key given for SSH authentication', { hop, transient: false });
  const auth = authHandler(endpoint.credentials);
  const client = new Client();
  // Filled by the host verifier callback and the handshake event.
  const presented: { verdict?: HostKeyVerdict; key?: Buffer; negotiated?: Negotiated } = {};

  const config: ConnectConfig = {
    host: endpoint.host,
    port,
    ...(options.sock && { sock: options.sock }),
    username: endpoint.credentials.username,
    readyTimeout: timeout,
    keepaliveInterval: options.keepaliveIntervalMs ?? 10_000,
    keepaliveCountMax: options.keepaliveCountMax ?? 3,
    authHandler: auth.handler,
    algorithms: offeredAlgorithms(endpoint.algorithms),
    hostVerifier: (key: Buffer): boolean => {
      const verdict = judgeHostKey(endpoint.hostKey, knownHosts, endpoint.host, port, key);
      presented.verdict = verdict;
      presented.key = key;
      return verdict.kind === 'trusted' || verdict.kind === 'first-use';
    },
  };
  client.once('handshake', (n) => {
    presented.negotiated = { kex: n.kex, serverHostKey: n.serverHostKey, cipher: n.cs.cipher, hmac: n.cs.mac };
  });

  const ready = new Promise<void>((resolve, reject) => {
    const onError = (err: Error & { level?: string }): void => {
      client.removeListener('close', onClose);
      const verdict = presented.verdict;
      if (verdict?.kind === 'mismatch') reject(new HostKeyMismatchError(device, where, verdict.expected, verdict.fingerprint, hop));
      else if (verdict?.kind === 'unknown') reject(new HostKeyUnknownError(device, where, verdict.fingerprint, hop));
      else if (err.level === 'client-authentication') reject(new AuthenticationError(device, endpoint.credentials.username, auth.tried, hop));
      else if (err.level === 'client-timeout') reject(new ConnectError(device, `no SSH session within ${timeout} ms to ${where}`, { hop }));
      else reject(new ConnectError(device, `${err.message} (${where})`, { hop }));
    };
    const onClose = (): void => {
      client.removeListener('error', onError);
      reject(new ConnectError(device, `${where} closed the connection before the SSH session was set up`, { hop }));
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
    throw new ConnectError(device, 'the host key was never checked', { hop });
  }
  if (verdict.kind === 'first-use' && knownHostsFile !== undefined && presented.key) {
    try {
      await recordHostKey(knownHostsFile, endpoint.host, port, presented.key);
    } catch (err) {
      // Without the record the next run could not check the key: do not go on with a key nobody will remember.
      client.end();
      throw new KnownHostsError(
        device,
        knownHostsFile,
        `cannot record the host key of ${where}${hop === undefined ? '' : ` (jump host ${hop})`}: ${errorMessage(err)}`,
      );
    }
  }
  return { client, hostKey: verdict, ...(presented.negotiated && { negotiated: presented.negotiated }) };
}

/**
 * Connects and authenticates, checking the host key, without opening a channel: the shell for the CLI,
 * the `netconf` subsystem for NETCONF. Through jump hosts when the route has any.
 */
export async function connectSsh(options: SshTransportOptions): Promise<SshConnection> {
  const timing = {
    ...(options.connectTimeoutMs !== undefined && { connectTimeoutMs: options.connectTimeoutMs }),
    ...(options.keepaliveIntervalMs !== undefined && { keepaliveIntervalMs: options.keepaliveIntervalMs }),
    ...(options.keepaliveCountMax !== undefined && { keepaliveCountMax: options.keepaliveCountMax }),
  };
  const route = options.jump;
  if (route === undefined || route.hops.length === 0) return handshake({ device: options.device, endpoint: options, ...timing });
  const tunnel = await route.pool.tunnel(options.device, route.hops, options.host, options.port ?? 22, timing);
  let connection: SshConnection;
  try {
    connection = await handshake({ device: options.device, endpoint: options, sock: tunnel.stream, ...timing });
  } catch (err) {
    tunnel.release();
    throw err;
  }
  connection.client.once('close', tunnel.release);
  return connection;
}
