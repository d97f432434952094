/**
 * A simulated IOS XE router reachable over SSH on 127.0.0.1: password and public-key logins per configured
 * user, interactive shells (pty + shell, as Netmiko and Ansible open them) and `exec` requests (one command,
 * then close, as `ssh host 'show version'` does). With a state folder the host key and the saved
 * startup-config survive restarts; the startup-config is replayed through the CLI at boot.
 */
import { createHash } from 'node:crypto';
import net from 'node:net';
import ssh2 from 'ssh2';
import type { AuthContext, AuthenticationType, Connection, ParsedKey, ServerChannel } from 'ssh2';
import { BASE_FEATURE, UNIVERSAL_COMMANDS } from './base-commands.js';
import type { Feature } from './feature.js';
import { defaultFeatures } from './features.js';
import type { FaultPlan } from './faults.js';
import { FileStartupStore, generateHostKey, loadOrCreateHostKey } from './persistence.js';
import { CommandRegistry } from './registry.js';
import { createRouterState } from './router-state.js';
import { renderConfig } from './running-config.js';
import { addUser, defaultBaseConfig, MemoryStartupStore, type RouterRuntime, type UserAccount } from './runtime.js';
import { Secret } from './secrets.js';
import { bannerText, inBandLogin, TypedLines, type LoginBanners } from './login.js';
import { NetconfServer } from './netconf/index.js';
import { DEFAULT_PROFILE, PROFILES } from './profiles/index.js';
import type { ProfileName, RouterProfile } from './profiles/index.js';
import { CliSession, type Terminal } from './session.js';
import { seedOf, shapedTerminal } from './output-shaping.js';
import type { RouterState } from './state.js';
import { seedCertificate } from './pki/seed.js';
import type { CertificateRole } from './pki/state.js';

export interface LabUser {
  readonly username: string;
  readonly password?: string;
  /** OpenSSH public keys (`ssh-ed25519 AAAA... comment`). */
  readonly publicKeys?: readonly string[];
  /** 15 lands at `R1#`, 1 at `R1>`. */
  readonly privilege: number;
}

export interface LabRouterOptions {
  readonly hostname: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  readonly host?: string;
  /** Keeps the host key and the startup-config across restarts; without it everything lives in memory. */
  readonly stateDir?: string;
  readonly users: readonly LabUser[];
  readonly enableSecret?: string;
  readonly faults?: FaultPlan;
  readonly features?: readonly Feature[];
  /** Shifts the router's clock (ms) against the host's. */
  readonly clockOffsetMs?: number;
  /**
   * Serve NETCONF (SSH subsystem `netconf`) on this second port, as IOS XE does on 830 with `netconf-yang`;
   * 0 picks a free port, undefined serves none. Same users and host key as the CLI.
   */
  readonly netconfPort?: number;
  /** Announce :confirmed-commit in the NETCONF hello (the 17.15 C8000v capture does not). */
  readonly netconfConfirmedCommit?: boolean;
  /** Config lines replayed on top of the defaults when nothing is saved yet: a router delivered pre-staged
   * (the lab's CUBEs come with an enrolled identity). A saved startup-config wins. */
  readonly stagedConfig?: string;
  /** The IOS XE release to play (default iosxe-17); a `profile` in `faults` is taken when this is not given. */
  readonly profile?: ProfileName;
}

function profileOf(options: LabRouterOptions): RouterProfile {
  return PROFILES[options.profile ?? options.faults?.profile ?? DEFAULT_PROFILE];
}

const AUTH_METHODS: AuthenticationType[] = ['publickey', 'password', 'keyboard-interactive'];

const registries = new WeakMap<readonly Feature[], CommandRegistry>();

/** Routers with the same feature list share one registry: it is read-only after construction. */
function registryFor(features: readonly Feature[]): CommandRegistry {
  let registry = registries.get(features);
  if (!registry) {
    registry = new CommandRegistry(BASE_FEATURE, UNIVERSAL_COMMANDS, features);
    registries.set(features, registry);
  }
  return registry;
}

function parsed(key: string): ParsedKey {
  const result = ssh2.utils.parseKey(key);
  const first = Array.isArray(result) ? (result[0] as ParsedKey | undefined) : result;
  if (!first || first instanceof Error) {
    throw new Error(`Lab router: cannot parse SSH key "${key.slice(0, 30)}...": ${first instanceof Error ? first.message : 'empty'}`);
  }
  return first;
}

const discard: Terminal = { write: () => undefined, close: () => undefined };

function listen(server: net.Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

export class LabRouter {
  readonly host: string;
  /** The host key's public part in OpenSSH format (`ssh-ed25519 AAAA...`). */
  readonly hostPublicKey: string;
  /** `SHA256:...`, as `ssh-keygen -lf` and OpenSSH's prompts show it. */
  readonly hostKeyFingerprint: string;
  private readonly runtime: RouterRuntime & { booting: boolean };
  private readonly tcp: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private readonly sessions = new Set<CliSession>();
  private readonly vtys = new Set<number>();
  private cliSession: CliSession | undefined;
  private cliOutput = '';
  private readonly netconf: NetconfServer | undefined;
  private readonly netconfTcp: net.Server | undefined;
  /** Told +1 when a CLI session (shell or exec) opens and -1 when it closes: how a test sees how many sessions a
   * fleet run holds at once on a group of routers (a region's cap). */
  onSessionCount: ((delta: 1 | -1) => void) | undefined;

  private constructor(options: LabRouterOptions, hostKey: string) {
    const features = options.features ?? defaultFeatures();
    const profile = profileOf(options);
    const state = createRouterState({ hostname: options.hostname, faults: options.faults, clockOffsetMs: options.clockOffsetMs, profile });
    const base = defaultBaseConfig();
    const vtys = this.vtys;
    this.runtime = {
      state,
      base,
      registry: registryFor(features),
      startup: options.stateDir ? new FileStartupStore(options.stateDir) : new MemoryStartupStore(),
      bootedAt: state.now(),
      booting: true,
      nextVty() {
        let n = 0;
        while (vtys.has(n)) n++;
        vtys.add(n);
        return n;
      },
      releaseVty: (n) => vtys.delete(n),
      runningConfig: () => renderConfig(state, base, features),
    };
    state.eem.runCli = (command) => this.runCli(command);
    this.host = options.host ?? '127.0.0.1';
    const key = parsed(hostKey);
    const blob = key.getPublicSSH();
    this.hostPublicKey = `${key.type} ${blob.toString('base64')}`;
    this.hostKeyFingerprint = `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
    const banners = (): LoginBanners => this.banners();
    const server = new ssh2.Server(
      {
        hostKeys: [hostKey],
        ident: 'Cisco-1.25',
        algorithms: profile.sshAlgorithms,
        // ssh2 reads the server's banner for every new connection: a getter lets `banner login` (configured, or
        // read back from the startup-config after this server was made) reach the next login.
        get banner(): string | undefined {
          const login = state.faults.inBandLogin === true ? undefined : banners().login;
          return login === undefined || login === '' ? undefined : bannerText(login);
        },
      },
      (client, info) => this.onClient(client, info.ip),
    );
    this.tcp = this.listener(server);
    if (options.netconfPort !== undefined) {
      this.netconf = new NetconfServer(
        {
          state,
          openCli: (username, peer, terminal) =>
            new CliSession({ runtime: this.runtime, terminal, username, privilege: 15, peer, lineName: 'netconf', length: 0, trusted: true }),
          configChanged: (by) => {
            this.runtime.base.lastChange = { at: state.now(), by };
          },
        },
        { confirmedCommit: options.netconfConfirmedCommit ?? false },
      );
      const netconfSsh = new ssh2.Server({ hostKeys: [hostKey], ident: 'Cisco-1.25', algorithms: profile.sshAlgorithms }, (client, info) =>
        this.onClient(client, info.ip, 'netconf'),
      );
      this.netconfTcp = this.listener(netconfSsh);
    }
  }

  private listener(server: ssh2.Server): net.Server {
    return net.createServer((socket) => {
      if (this.runtime.state.faults.refuseConnections) {
        socket.destroy();
        return;
      }
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      server.injectSocket(socket);
    });
  }

  static async start(options: LabRouterOptions): Promise<LabRouter> {
    const kind = profileOf(options).hostKey;
    const hostKey = options.stateDir ? await loadOrCreateHostKey(options.stateDir, kind) : generateHostKey(kind);
    const router = new LabRouter(options, hostKey);
    await router.boot(options);
    await listen(router.tcp, options.port ?? 0, router.host);
    if (router.netconfTcp) await listen(router.netconfTcp, options.netconfPort ?? 0, router.host);
    return router;
  }

  /** The NETCONF port (LabRouterOptions.netconfPort); throws when the router serves no NETCONF. */
  get netconfPort(): number {
    const address = this.netconfTcp?.address();
    if (address === null || address === undefined || typeof address === 'string') throw new Error('Lab router serves no NETCONF (start it with netconfPort)');
    return address.port;
  }

  get port(): number {
    const address = this.tcp.address();
    if (address === null || typeof address === 'string') throw new Error('Lab router is not listening');
    return address.port;
  }

  get state(): RouterState {
    return this.runtime.state;
  }

  setFaults(plan: FaultPlan): void {
    this.runtime.state.faults = plan;
  }

  /** Stages a certificate in a trustpoint as if installed long ago (an expired CA, an identity certificate): pki/seed.ts. */
  seedCertificate(trustpoint: string, der: Uint8Array, role: CertificateRole = 'ca'): void {
    seedCertificate(this.runtime.state, trustpoint, der, role);
  }

  /** Renders the running config as `show running-config` would, from `!` to `end`. */
  runningConfig(): string {
    return this.runtime.runningConfig();
  }

  /** What `write memory` last stored (undefined before the first save), for tests reading the lab's own state. */
  startupConfig(): Promise<string | undefined> {
    return this.runtime.startup.load();
  }

  async stop(): Promise<void> {
    for (const session of this.sessions) session.close();
    this.netconf?.stop();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.tcp.close(() => resolve()));
    const netconfTcp = this.netconfTcp;
    if (netconfTcp) await new Promise<void>((resolve) => netconfTcp.close(() => resolve()));
  }

  /** Replays the saved startup-config, then installs the lab's accounts (they win over saved ones). */
  private async boot(options: LabRouterOptions): Promise<void> {
    const saved = await this.runtime.startup.load();
    if (saved !== undefined) {
      // The saved config lists every interface and line with its settings: defaults would add `shutdown`s.
      this.runtime.base.interfaces.clear();
      this.runtime.base.lines.clear();
    }
    const config = saved ?? options.stagedConfig;
    if (config !== undefined) {
      const replay = new CliSession({
        runtime: this.runtime,
        terminal: discard,
        username: 'console',
        privilege: 15,
        peer: '',
        lineName: 'console',
        replay: true,
      });
      replay.input(config);
      await replay.run();
    }
    for (const user of options.users) addUser(this.runtime.base, user.username, user.privilege, user.password, user.publicKeys ?? []);
    if (options.enableSecret !== undefined) {
      this.runtime.base.enableSecret = Secret.fromClear(options.enableSecret, this.runtime.base.enableSecret);
    }
    this.runtime.booting = false;
  }

  private onClient(client: Connection, peer: string, port: 'cli' | 'netconf' = 'cli'): void {
    let account: UserAccount | undefined;
    let inBand = false;
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      if (port === 'cli' && this.runtime.state.faults.inBandLogin === true && (ctx.method === 'none' || ctx.method === 'keyboard-interactive')) {
        // The account is asked for in the shell (AAA in-band), as IOS does with some TACACS+ setups.
        inBand = true;
        ctx.accept();
        return;
      }
      if (ctx.method === 'keyboard-interactive') {
        // OpenSSH's `ssh` asks this way; IOS XE offers it next to password and publickey.
        ctx.prompt([{ prompt: 'Password: ', echo: false }], (answers) => {
          account = this.passwordAccount(ctx.username, answers[0] ?? '');
          if (account) ctx.accept();
          else ctx.reject(AUTH_METHODS);
        });
        return;
      }
      account = this.authenticate(ctx);
      if (account) ctx.accept();
    });
    client.on('session', (acceptSession) => {
      const session = acceptSession();
      let columns = 80;
      session.on('pty', (accept, _reject, info) => {
        columns = info.cols;
        accept?.();
      });
      session.on('window-change', (accept) => accept?.());
      session.on('env', (accept) => accept?.());
      session.on('subsystem', (accept, reject, info) => {
        // IOS XE serves NETCONF on its own port, to privilege-15 users only.
        if (port !== 'netconf' || info.name !== 'netconf' || !account || account.privilege < 15 || !this.netconf) {
          reject?.();
          return;
        }
        this.netconf.accept(accept(), account.name, peer);
      });
      session.on('shell', (accept, reject) => {
        if (port === 'netconf') {
          reject?.();
          return;
        }
        if (inBand && !account) {
          void this.startInBandShell(accept(), client, peer, columns || 80);
          return;
        }
        if (!account) return;
        this.startShell(accept(), client, account, peer, columns || 80);
      });
      session.on('exec', (accept, reject, info) => {
        if (port === 'netconf') {
          reject?.();
          return;
        }
        if (!account) return;
        void this.runExec(accept(), client, account, peer, info.command);
      });
    });
  }

  /** Accepts or rejects one authentication attempt; the account on success. */
  private authenticate(ctx: AuthContext): UserAccount | undefined {
    const account = this.runtime.base.users.get(ctx.username);
    if (ctx.method === 'password') {
      const verified = this.passwordAccount(ctx.username, ctx.password);
      if (verified) return verified;
    } else if (ctx.method === 'publickey' && account) {
      const key = account.publicKeys.map(parsed).find((k) => k.getPublicSSH().equals(ctx.key.data));
      if (key) {
        if (!ctx.signature) {
          ctx.accept();
          return undefined;
        }
        if (key.verify(ctx.blob ?? Buffer.alloc(0), ctx.signature, ctx.hashAlgo) === true) return account;
      }
    }
    ctx.reject(AUTH_METHODS);
    return undefined;
  }

  private passwordAccount(username: string, password: string): UserAccount | undefined {
    const account = this.runtime.base.users.get(username);
    if (!account || this.runtime.state.faults.rejectPasswords) return undefined;
    return account.secret?.matches(password) ? account : undefined;
  }

  private newSession(channel: ServerChannel, client: Connection, account: UserAccount, peer: string, width: number): { session: CliSession; vty: number } {
    const vty = this.runtime.nextVty();
    let open = true;
    const channelTerminal: Terminal = {
      write: (text) => {
        if (open) channel.write(text);
      },
      close: (abrupt) => {
        if (!open) return;
        open = false;
        // A clean close leaves the connection to the client: OpenSSH drops unprinted output on a disconnect.
        if (abrupt) {
          client.end();
        } else {
          channel.exit(0);
          channel.end();
        }
      },
    };
    const state = this.runtime.state;
    // Each session cuts its output its own way, reproducibly: the seed is the hostname and the vty.
    const terminal = shapedTerminal(channelTerminal, { faults: () => state.faults, now: () => state.now(), seed: seedOf(`${state.hostname}/vty${vty}`) });
    const session = new CliSession({
      runtime: this.runtime,
      terminal,
      username: account.name,
      privilege: account.privilege,
      peer,
      lineName: `vty${vty}`,
      width,
    });
    this.sessions.add(session);
    this.onSessionCount?.(1);
    channel.on('close', () => {
      open = false;
      session.close();
      this.sessions.delete(session);
      this.onSessionCount?.(-1);
      this.runtime.releaseVty(vty);
    });
    return { session, vty };
  }

  /** What a login shows: the configured banners, each one replaced by the lab's own option when that is given. */
  private banners(): LoginBanners {
    const configured = this.runtime.base.banners;
    const given = this.runtime.state.faults.banners ?? {};
    return {
      motd: given.motd ?? configured.get('motd'),
      login: given.login ?? configured.get('login'),
      exec: given.exec ?? configured.get('exec'),
    };
  }

  private startShell(channel: ServerChannel, client: Connection, account: UserAccount, peer: string, width: number, typedAhead = '', motdShown = false): void {
    const banners = this.banners();
    // Before the first prompt, as IOS prints them once the login is done.
    const greeting = `${motdShown ? '' : bannerText(banners.motd)}${bannerText(banners.exec)}`;
    if (greeting !== '') channel.write(greeting);
    const { session } = this.newSession(channel, client, account, peer, width);
    channel.on('data', (data: Buffer) => session.input(data.toString('utf8')));
    if (typedAhead !== '') session.input(typedAhead);
    void session.run().catch((error: unknown) => {
      this.runtime.state.syslog.log('LAB', 3, 'SESSION_FAILED', error instanceof Error ? error.message : String(error));
      session.close(true);
    });
  }

  /** `Username:` / `Password:` in the shell; after three failures the connection closes, as on IOS. */
  private async startInBandShell(channel: ServerChannel, client: Connection, peer: string, width: number): Promise<void> {
    const write = (text: string): void => {
      channel.write(text);
    };
    const lines = new TypedLines(write);
    const onData = (data: Buffer): void => lines.push(data.toString('utf8'));
    channel.on('data', onData);
    channel.on('close', () => lines.end());
    const banners = this.banners();
    write(bannerText(banners.motd));
    const account = await inBandLogin(lines, write, (username, password) => this.passwordAccount(username, password), banners);
    channel.removeListener('data', onData);
    if (account === undefined) {
      client.end();
      return;
    }
    this.startShell(channel, client, account, peer, width, lines.rest(), true);
  }

  private async runExec(channel: ServerChannel, client: Connection, account: UserAccount, peer: string, command: string): Promise<void> {
    const { session } = this.newSession(channel, client, account, peer, 80);
    try {
      await session.runOnce(command);
      session.close();
    } catch (error) {
      this.runtime.state.syslog.log('LAB', 3, 'SESSION_FAILED', error instanceof Error ? error.message : String(error));
      session.close(true);
    }
  }

  /** EEM's `action cli command`: one long-lived session at privilege 1 (it starts at `R1>`, as on a device). */
  private async runCli(command: string): Promise<string> {
    this.cliSession ??= new CliSession({
      runtime: this.runtime,
      terminal: { write: (text) => (this.cliOutput += text), close: () => undefined },
      username: 'eem',
      privilege: 1,
      peer: '',
      lineName: 'vty0',
      length: 0,
      trusted: true,
    });
    this.cliOutput = '';
    await this.cliSession.runOnce(command);
    return `${this.cliOutput}${this.cliSession.prompt()}`;
  }
}
