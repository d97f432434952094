/**
 * The lab as one thing: N simulated IOS XE routers and the TLS mail server they send EEM mail to, with the
 * files an operator needs to point certagent at it (inventory, playbook, chain, secrets). Everything that
 * must survive a restart (host keys, saved configs, the mail chain, the credentials) lives in the state folder.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { renderLabPlaybook } from '../config/lab-playbook.js';
import { forEachBounded } from '../shared/bounded-pool.js';
import { LAB_ENV, parseEnvFile, renderEnvFile } from './env-file.js';
import { renderLabInventory, type LabInventoryDevice } from './inventory-text.js';
import { LabMailServer } from './mail/mail-server.js';
import { generateMailChain, loadMailChain, MAIL_SERVER_NAME, saveMailChain, writePrivate, type LabMailChain } from './mail-chain-store.js';
import { LabRouter } from './router/lab-router.js';
import { startTlsScenarios, type TlsScenarioLab } from './tls-scenarios/index.js';
import {
  CUBE_HOSTNAME_PREFIX,
  CUBE_IDENTITY_TRUSTPOINT,
  CUCM_ADDRESS,
  CUCM_PORT,
  prepareCubeKit,
  renderLabCubePlaybook,
  type CubeKit,
  type CubeLabFiles,
} from './cube/index.js';
import type { Feature } from './router/feature.js';
import type { FaultPlan } from './router/faults.js';
import type { ProfileName } from './router/profiles/index.js';

export interface LabCredentials {
  /** The routers' admin account (privilege 15). */
  readonly username: string;
  readonly password: string;
  readonly enableSecret: string;
  /** The mail account; never with `@`, which IOS cannot send (Cisco bug CSCwe75439). */
  readonly smtpUser: string;
  readonly smtpPassword: string;
}

export interface LabLatency {
  /** Delay before each command's output (ms). */
  readonly commandMs?: number;
  /** Delay per output line (ms). */
  readonly lineMs?: number;
}

export interface LabOptions {
  /** Host keys, saved configs, the mail chain, received mail and the secrets file live here. */
  readonly stateDir: string;
  /** Number of routers (default 3). */
  readonly devices?: number;
  /** First router's port, the next ones counting up. 0 (default): each router's port of the last run in this
   * state folder while it is free, else a free one. */
  readonly basePort?: number;
  /** Address to listen on (default 127.0.0.1). */
  readonly host?: string;
  /** Router names are this plus a 3-digit number: lab-r001, lab-r002, ... */
  readonly hostnamePrefix?: string;
  /** The mail server's port; 0 (default): the port of the last run while it is free, else a free one. */
  readonly smtpPort?: number;
  /** Fleet-wide latency; a device's own faults override it. */
  readonly latency?: LabLatency;
  /** Fleet-wide output shaping (chunked packets, interleaved syslog lines); a device's own faults override it. */
  readonly output?: Pick<FaultPlan, 'chunkMaxBytes' | 'syslogEveryLines'>;
  /** The IOS XE release every router plays unless its faults name another (default iosxe-17). */
  readonly profile?: ProfileName;
  /** Faults per hostname. */
  readonly faults?: Readonly<Record<string, FaultPlan>>;
  /** Fixed credentials; what is not given is taken from the state folder's secrets file, else generated. */
  readonly credentials?: Partial<LabCredentials>;
  /** Routers starting at once (default 32): enough to start 1000 in seconds without a burst of open files. */
  readonly startConcurrency?: number;
  readonly features?: readonly Feature[];
  /** Each router also serves NETCONF (as IOS XE with `netconf-yang`) on a free port of its own. */
  readonly netconf?: boolean;
  /** With `netconf`: announce :confirmed-commit:1.1 (the 17.15 C8000v capture does not). */
  readonly netconfConfirmedCommit?: boolean;
  /** CUBEs beside the routers (lab-cube001, ...): enrolled SIP TLS identity, trunk to one simulated CUCM. */
  readonly cubes?: number;
  /** Loopback TLS servers for each TLS failure class (tls-scenarios/), with a playbook each. */
  readonly tlsScenarios?: boolean;
}

/** A running router: what the inventory lists of it, and the router itself. */
export interface LabDevice extends LabInventoryDevice {
  /** The faults given for this device at start (fleet-wide latency not included). */
  readonly faults: FaultPlan;
  readonly router: LabRouter;
}

export interface LabFiles {
  readonly stateDir: string;
  /** The secrets as `export NAME='value'` lines, mode 0600. */
  readonly envFile: string;
  /** The mail server's chain, leaf first then intermediate and root. */
  readonly chainFile: string;
  /** Received mail: one .eml per message and messages.jsonl. */
  readonly inbox: string;
}

export interface Lab {
  readonly devices: readonly LabDevice[];
  readonly routers: readonly LabRouter[];
  /** The CUBEs (LabOptions.cubes), in the inventory's `cube` group; not among `devices`. */
  readonly cubes: readonly LabDevice[];
  /** The simulated CUCM's files, when the lab has CUBEs. */
  readonly cucm?: CubeLabFiles & { readonly address: string; readonly port: number };
  /** The TLS failure-class servers (LabOptions.tlsScenarios). */
  readonly tlsScenarios?: TlsScenarioLab;
  readonly mail: LabMailServer;
  /** The address routers and clients reach the mail server at. */
  readonly mailHost: string;
  readonly mailServerName: string;
  readonly mailChain: LabMailChain;
  readonly credentials: LabCredentials;
  readonly files: LabFiles;
  readonly latency: LabLatency;
  device(name: string): LabDevice;
  /** Serves a new chain (new root and intermediate) to new connections and rewrites the chain file. */
  rotateMailChain(): Promise<LabMailChain>;
  /** Writes the certagent inventory (no secrets); returns the absolute path. With `transport: 'netconf'` the
   * devices are reached over NETCONF (the lab must serve it); the NETCONF ports are written whenever served. */
  writeInventory(path: string, options?: { readonly transport?: 'ssh' | 'netconf' }): Promise<string>;
  /** Writes the lab playbook with the real mail port and the chain file; returns the absolute path. */
  writePlaybook(path: string): Promise<string>;
  /** Writes the CUBE playbook (needs a lab with CUBEs); returns the absolute path. */
  writeCubePlaybook(path: string): Promise<string>;
  /** Closes every router and the mail server; calling it again waits for the same shutdown. */
  stop(): Promise<void>;
}

/** A port the lab was told to use is taken by another program. */
export class LabPortInUseError extends Error {
  override readonly name = 'LabPortInUseError';
  constructor(
    readonly what: string,
    readonly host: string,
    readonly port: number,
  ) {
    super(`${what}: port ${port} on ${host} is already in use; choose other ports or 0 for free ones`);
  }
}

export const DEFAULT_LAB_DEVICES = 3;
export const DEFAULT_HOSTNAME_PREFIX = 'lab-r';
const DEFAULT_USERNAME = 'admin';
const DEFAULT_SMTP_USER = 'certagent-lab';
const DEFAULT_START_CONCURRENCY = 32;

export function labHostnames(count: number, prefix = DEFAULT_HOSTNAME_PREFIX): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${String(i + 1).padStart(3, '0')}`);
}

/** Letters and digits only: safe inside EEM's `user:password@host` server string and in any shell. */
function randomSecret(length = 20): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  return [...randomBytes(length)].map((b) => alphabet[b % alphabet.length] ?? 'x').join('');
}

function wholeNumber(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`startLab: ${name} must be a whole number ${min}..${max}, not ${value}`);
  return value;
}

async function credentialsFor(options: LabOptions, envFile: string): Promise<LabCredentials> {
  let saved = new Map<string, string>();
  try {
    saved = parseEnvFile(await readFile(envFile, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const given = options.credentials ?? {};
  const credentials: LabCredentials = {
    username: given.username ?? DEFAULT_USERNAME,
    password: given.password ?? saved.get(LAB_ENV.password) ?? randomSecret(),
    enableSecret: given.enableSecret ?? saved.get(LAB_ENV.enableSecret) ?? randomSecret(),
    smtpUser: given.smtpUser ?? saved.get(LAB_ENV.smtpUser) ?? DEFAULT_SMTP_USER,
    smtpPassword: given.smtpPassword ?? saved.get(LAB_ENV.smtpPassword) ?? randomSecret(),
  };
  if (credentials.smtpUser.includes('@')) {
    throw new Error(`startLab: the SMTP user "${credentials.smtpUser}" contains @, which IOS cannot send in a mail server string (CSCwe75439)`);
  }
  return credentials;
}

/** The variables the secrets file exports, as a map (tests give it to a SecretResolver instead of the process env). */
export function labEnvironment(credentials: LabCredentials): Readonly<Record<string, string>> {
  return {
    [LAB_ENV.password]: credentials.password,
    [LAB_ENV.enableSecret]: credentials.enableSecret,
    [LAB_ENV.smtpUser]: credentials.smtpUser,
    [LAB_ENV.smtpPassword]: credentials.smtpPassword,
  };
}

function envFileText(credentials: LabCredentials): string {
  return renderEnvFile(labEnvironment(credentials), [
    'certagent lab secrets: `source` this file before running certagent against the lab.',
    `Router account: ${credentials.username} (privilege 15). Kept across lab restarts; delete it for new secrets.`,
  ]);
}

const PORTS_FILE = 'ports.json';

interface RememberedPorts {
  readonly routers: Readonly<Record<string, number>>;
  readonly smtp?: number;
}

/** The ports of the last run: reusing them keeps the inventory and the routers' saved mail settings right. */
async function rememberedPorts(path: string): Promise<RememberedPorts> {
  try {
    const value: unknown = JSON.parse(await readFile(path, 'utf8'));
    const v = value as { routers?: unknown; smtp?: unknown };
    const routers = typeof v.routers === 'object' && v.routers !== null ? (v.routers as Record<string, unknown>) : {};
    const ports = Object.fromEntries(Object.entries(routers).filter((e): e is [string, number] => Number.isInteger(e[1])));
    return { routers: ports, ...(Number.isInteger(v.smtp) && { smtp: v.smtp as number }) };
  } catch {
    // Missing or unreadable: only a convenience, so the lab simply takes free ports.
    return { routers: {} };
  }
}

function inUse(error: unknown): boolean {
  const e = error as NodeJS.ErrnoException;
  return e.code === 'EADDRINUSE' || /EADDRINUSE/.test(e.message ?? '');
}

/**
 * Runs `start` for every item with at most `limit` in flight. On the first failure no new one starts; the ones
 * that did start are handed to `undo`, and the first error is thrown.
 */
async function startBounded<T, R>(
  items: readonly T[],
  limit: number,
  start: (item: T, index: number) => Promise<R>,
  undo: (started: readonly R[]) => Promise<void>,
): Promise<R[]> {
  const results: (R | undefined)[] = new Array<R | undefined>(items.length);
  const started = (): R[] => results.filter((r): r is R => r !== undefined);
  try {
    await forEachBounded(items, limit, async (item, index) => {
      results[index] = await start(item, index);
    });
  } catch (error) {
    await undo(started());
    throw error;
  }
  return started();
}

export async function startLab(options: LabOptions): Promise<Lab> {
  const count = wholeNumber('devices', options.devices ?? DEFAULT_LAB_DEVICES, 1, 10_000);
  const basePort = wholeNumber('basePort', options.basePort ?? 0, 0, 65535);
  if (basePort > 0 && basePort + count - 1 > 65535) throw new RangeError(`startLab: ${count} routers from port ${basePort} go past 65535`);
  const smtpPort = wholeNumber('smtpPort', options.smtpPort ?? 0, 0, 65535);
  const concurrency = wholeNumber('startConcurrency', options.startConcurrency ?? DEFAULT_START_CONCURRENCY, 1, 10_000);
  for (const [what, ms] of [
    ['latency.commandMs', options.latency?.commandMs],
    ['latency.lineMs', options.latency?.lineMs],
  ] as const) {
    if (ms !== undefined) wholeNumber(what, ms, 0, 600_000);
  }
  const hostnames = labHostnames(count, options.hostnamePrefix);
  const cubeNames = labHostnames(wholeNumber('cubes', options.cubes ?? 0, 0, 1000), CUBE_HOSTNAME_PREFIX);
  const unknown = Object.keys(options.faults ?? {}).filter((name) => !hostnames.includes(name) && !cubeNames.includes(name));
  if (unknown.length > 0) throw new Error(`startLab: faults name devices the lab does not have: ${unknown.join(', ')}`);

  const stateDir = resolve(options.stateDir);
  const files: LabFiles = {
    stateDir,
    envFile: join(stateDir, 'lab.env'),
    chainFile: join(stateDir, 'mail-chain.pem'),
    inbox: join(stateDir, 'mail', 'inbox'),
  };
  await mkdir(stateDir, { recursive: true });
  const credentials = await credentialsFor(options, files.envFile);
  await writePrivate(files.envFile, envFileText(credentials));

  const host = options.host ?? '127.0.0.1';
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host;
  const chainStore = join(stateDir, 'mail', 'chain.json');
  let chain = await loadMailChain(chainStore);
  if (chain === undefined) {
    chain = await generateMailChain(1);
    await saveMailChain(chainStore, chain);
  }
  await writeFile(files.chainFile, chain.bundlePem);

  const portsFile = join(stateDir, PORTS_FILE);
  const remembered = await rememberedPorts(portsFile);
  /** An explicit port must be free; a remembered one is given up for a free one when another program took it. */
  const onPort = async <T>(what: string, explicit: number, previous: number | undefined, start: (port: number) => Promise<T>): Promise<T> => {
    const port = explicit !== 0 ? explicit : (previous ?? 0);
    try {
      return await start(port);
    } catch (error) {
      if (!inUse(error)) throw error;
      if (explicit === 0 && port !== 0) return start(0);
      throw new LabPortInUseError(what, host, port);
    }
  };

  const latency: FaultPlan = {
    ...(options.latency?.commandMs !== undefined && { commandLatencyMs: options.latency.commandMs }),
    ...(options.latency?.lineMs !== undefined && { lineLatencyMs: options.latency.lineMs }),
    ...options.output,
  };
  const cubeKit = cubeNames.length > 0 ? await prepareCubeKit(stateDir, cubeNames) : undefined;
  const startRouter = (name: string, index: number): Promise<LabRouter> =>
    onPort(`router ${name}`, basePort === 0 ? 0 : basePort + index, remembered.routers[name], (port) =>
      LabRouter.start({
        hostname: name,
        host,
        port,
        stateDir: join(stateDir, 'routers', name),
        users: [{ username: credentials.username, password: credentials.password, privilege: 15 }],
        enableSecret: credentials.enableSecret,
        faults: { ...latency, ...(options.profile && { profile: options.profile }), ...options.faults?.[name] },
        ...(options.features && { features: options.features }),
        // A free port each start: the inventory is rewritten at every start anyway.
        ...(options.netconf === true && { netconfPort: 0, netconfConfirmedCommit: options.netconfConfirmedCommit ?? false }),
        ...(cubeKit && cubeNames.includes(name) && { stagedConfig: cubeKit.stagedConfig(name) }),
      }),
    );
  const startMail = (): Promise<LabMailServer> =>
    onPort('mail server', smtpPort, remembered.smtp, (port) =>
      LabMailServer.start({
        chain,
        users: [{ username: credentials.smtpUser, password: credentials.smtpPassword }],
        host,
        port,
        serverName: MAIL_SERVER_NAME,
        storeDir: files.inbox,
      }),
    );

  const mailStart = startMail();
  let routers: LabRouter[];
  try {
    // CUBEs take the ports after the routers' when a base port is given.
    routers = await startBounded([...hostnames, ...cubeNames], concurrency, startRouter, async (started) => {
      await Promise.all(started.map((r) => r.stop()));
    });
  } catch (error) {
    await mailStart.then(
      (m) => m.stop(),
      () => undefined,
    );
    throw error;
  }
  let mail: LabMailServer;
  try {
    mail = await mailStart;
  } catch (error) {
    await Promise.all(routers.map((r) => r.stop()));
    throw error;
  }
  let scenarios: TlsScenarioLab | undefined;
  if (options.tlsScenarios === true) {
    try {
      scenarios = await startTlsScenarios({
        dir: join(stateDir, 'tls-scenarios'),
        host: reachable,
        userEnv: LAB_ENV.smtpUser,
        passwordEnv: LAB_ENV.smtpPassword,
      });
    } catch (error) {
      await Promise.all([...routers.map((r) => r.stop()), mail.stop()]);
      throw error;
    }
  }
  const names = [...hostnames, ...cubeNames];
  const ports: RememberedPorts = { routers: Object.fromEntries(routers.map((r, i) => [names[i] ?? '', r.port])), smtp: mail.port };
  await writeFile(portsFile, `${JSON.stringify(ports, null, 2)}\n`);
  const cubes = cubeKit ? { kit: cubeKit, count: cubeNames.length } : undefined;
  if (cubes) for (const router of routers.slice(hostnames.length)) cubes.kit.attach(router);
  return new RunningLab(
    names,
    routers,
    mail,
    reachable,
    chain,
    credentials,
    files,
    chainStore,
    options.latency ?? {},
    options.faults ?? {},
    options.netconf === true,
    cubes,
    scenarios,
  );
}

class RunningLab implements Lab {
  readonly devices: readonly LabDevice[];
  readonly cubes: readonly LabDevice[];
  readonly cucm?: CubeLabFiles & { readonly address: string; readonly port: number };
  readonly routers: readonly LabRouter[];
  readonly tlsScenarios?: TlsScenarioLab;
  readonly mailServerName = MAIL_SERVER_NAME;
  #chain: LabMailChain;
  #rotation: Promise<unknown> = Promise.resolve();
  #stopping: Promise<void> | undefined;

  constructor(
    names: readonly string[],
    all: readonly LabRouter[],
    readonly mail: LabMailServer,
    readonly mailHost: string,
    chain: LabMailChain,
    readonly credentials: LabCredentials,
    readonly files: LabFiles,
    private readonly chainStore: string,
    readonly latency: LabLatency,
    faults: Readonly<Record<string, FaultPlan>>,
    netconf: boolean,
    cubes?: { readonly kit: CubeKit; readonly count: number },
    scenarios?: TlsScenarioLab,
  ) {
    this.#chain = chain;
    // Inventory names stay the lab's even if someone configures another `hostname` on a router.
    const devices: LabDevice[] = all.map((router, i) => ({
      name: names[i] ?? router.state.hostname,
      host: mailHost,
      port: router.port,
      ...(netconf && { netconfPort: router.netconfPort }),
      hostKeyFingerprint: router.hostKeyFingerprint,
      faults: faults[names[i] ?? ''] ?? {},
      router,
    }));
    const plain = devices.length - (cubes?.count ?? 0);
    this.devices = devices.slice(0, plain);
    this.cubes = devices.slice(plain).map((d) => ({ ...d, group: 'cube' }));
    this.routers = all.slice(0, plain);
    if (cubes) this.cucm = { ...cubes.kit.files, address: CUCM_ADDRESS, port: CUCM_PORT };
    if (scenarios) this.tlsScenarios = scenarios;
  }

  get mailChain(): LabMailChain {
    return this.#chain;
  }

  device(name: string): LabDevice {
    const all = [...this.devices, ...this.cubes];
    const found = all.find((d) => d.name === name);
    if (!found) throw new Error(`The lab has no device "${name}"; it has ${all.map((d) => d.name).join(', ')}`);
    return found;
  }

  rotateMailChain(): Promise<LabMailChain> {
    // Rotations one after the other: two at once would both take the next generation's name.
    const rotated = this.#rotation.then(async () => {
      const chain = await generateMailChain(this.#chain.generation + 1);
      await saveMailChain(this.chainStore, chain);
      await writeFile(this.files.chainFile, chain.bundlePem);
      this.mail.rotateChain(chain);
      this.#chain = chain;
      return chain;
    });
    this.#rotation = rotated.catch(() => undefined);
    return rotated;
  }

  async writeInventory(path: string, options: { readonly transport?: 'ssh' | 'netconf' } = {}): Promise<string> {
    const file = resolve(path);
    if (options.transport === 'netconf' && this.devices.some((d) => d.netconfPort === undefined)) {
      throw new Error('writeInventory: transport netconf needs a lab started with netconf: true');
    }
    await mkdir(dirname(file), { recursive: true });
    const text = renderLabInventory({
      // The CUBE step has no NETCONF path: CUBEs stay on the SSH CLI in a NETCONF inventory.
      devices: [...this.devices, ...this.cubes.map((d) => (options.transport === 'netconf' ? { ...d, transport: 'ssh' as const } : d))],
      ...(options.transport && { transport: options.transport }),
      username: this.credentials.username,
      passwordEnv: LAB_ENV.password,
      enableSecretEnv: LAB_ENV.enableSecret,
      envFile: this.files.envFile,
    });
    await writeFile(file, text);
    return file;
  }

  async writePlaybook(path: string): Promise<string> {
    const file = resolve(path);
    await mkdir(dirname(file), { recursive: true });
    // The playbook names its chain file relative to itself, so the pair can be moved together.
    const chainFile = relative(dirname(file), this.files.chainFile).split(sep).join('/');
    const text = renderLabPlaybook({
      chainFile,
      smtpHost: MAIL_SERVER_NAME,
      smtpAddress: this.mailHost,
      smtpPort: this.mail.port,
      userEnv: LAB_ENV.smtpUser,
      passwordEnv: LAB_ENV.smtpPassword,
    });
    await writeFile(file, text);
    return file;
  }

  async writeCubePlaybook(path: string): Promise<string> {
    if (!this.cucm) throw new Error('writeCubePlaybook: the lab was started without CUBEs (cubes: N)');
    const file = resolve(path);
    await mkdir(dirname(file), { recursive: true });
    const text = renderLabCubePlaybook({
      callManagerFile: relative(dirname(file), this.cucm.callManagerFile).split(sep).join('/'),
      identityTrustpoint: CUBE_IDENTITY_TRUSTPOINT,
      cucmAddress: this.cucm.address,
      cucmPort: this.cucm.port,
      // The simulated CUCM answers at once: a trunk not Established within seconds never will be.
      waitSeconds: 3,
    });
    await writeFile(file, text);
    return file;
  }

  stop(): Promise<void> {
    this.#stopping ??= Promise.all([
      ...this.routers.map((r) => r.stop()),
      ...this.cubes.map((d) => d.router.stop()),
      this.mail.stop(),
      this.tlsScenarios?.stop(),
    ]).then(() => undefined);
    return this.#stopping;
  }
}
