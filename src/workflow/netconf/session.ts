/**
 * A device reached over NETCONF: a NETCONF session (on its NETCONF port) for what IOS XE models in YANG, and an
 * SSH CLI session (on its SSH port, the same account) for what it does not. Changes go through the datastore
 * the device offers best: the candidate with a confirmed commit (the device reverts by itself if certagent is
 * lost before confirming), the candidate with a plain commit, or running with rollback-on-error. The datastores
 * stay locked from the first change to the end of the run, CLI steps included, so no other NETCONF client
 * changes the objects in between. Every RPC is counted with the CLI's round trips.
 */
import pRetry from 'p-retry';
import { Secret } from '../../config/index.js';
import type { Device, ResolvedCredentials } from '../../config/index.js';
import { FACTS_FILTER, PKI_OPER_FILTER, nativeConfig, parseNativeConfig, parsePkiOper } from '../../device/netconf/index.js';
import type { OperBundle } from '../../device/netconf/index.js';
import { NetconfClient, NetconfRpcError } from '../../transport/netconf/index.js';
import type { Datastore, RpcReply } from '../../transport/netconf/index.js';
import { Redactor } from '../../shared/redact.js';
import { Transcript } from '../../transport/transcript.js';
import type { IosXeSession } from '../../transport/ssh-cli/index.js';
import { openDeviceSession, sshRoute, transcriptPath } from '../connect.js';
import type { SessionSettings } from '../connect.js';
import { WorkflowError } from '../errors.js';
import { CLI_FACTS_COMMAND, combineFacts } from './facts.js';
import type { NetconfFacts } from './facts.js';
import type { LazyFragment } from './translate.js';
import { errorMessage } from '../../shared/error-message.js';

export interface NetconfSettings extends SessionSettings {
  readonly rpcTimeoutMs?: number;
  /** Further lock attempts while another session holds a datastore (default 3), with backoff from lockRetryMs. */
  readonly lockRetries?: number;
  readonly lockRetryMs?: number;
  /** How long an unconfirmed commit stands before the device reverts it (default 600 s, the RFC's default). */
  readonly confirmTimeoutSeconds?: number;
  /** Edit running directly even where a candidate is offered (devices whose candidate others use by hand). */
  readonly preferRunning?: boolean;
}

/** Another NETCONF session held the datastore for every attempt; nothing was changed. */
export class DatastoreLockedError extends WorkflowError {}

/** Where the NETCONF exchanges of a device go, beside its CLI transcript (`DIR/<device>.log`). */
export function netconfTranscriptPath(dir: string, device: string): string {
  return transcriptPath(dir, device).replace(/\.log$/, '.netconf.log');
}

export class NetconfDeviceSession {
  #rpcs = 0;
  #locked: Datastore[] = [];
  #pendingConfirm = false;

  private constructor(
    readonly device: string,
    readonly netconf: NetconfClient,
    readonly cli: IosXeSession,
    private readonly settings: NetconfSettings,
    private readonly transcript: Transcript | undefined,
  ) {}

  /** Both sessions, NETCONF first (it is what the inventory asked for); either failing closes the other. */
  static async open(device: Device, creds: ResolvedCredentials, settings: NetconfSettings = {}): Promise<NetconfDeviceSession> {
    const netconf = await NetconfClient.connect({
      device: device.name,
      host: device.host,
      port: device.netconfPort,
      ...(await sshRoute(device, creds, settings)),
      secrets: settings.secrets ?? [],
      ...(settings.connectTimeoutMs !== undefined && { connectTimeoutMs: settings.connectTimeoutMs }),
      ...(settings.rpcTimeoutMs !== undefined && { rpcTimeoutMs: settings.rpcTimeoutMs }),
    });
    let transcript: Transcript | undefined;
    try {
      if (settings.transcriptDir !== undefined) {
        const redactor = new Redactor([creds.password?.reveal(), creds.privateKey?.passphrase?.reveal(), ...(settings.secrets ?? [])]);
        transcript = await Transcript.open(
          netconfTranscriptPath(settings.transcriptDir, device.name),
          redactor,
          `NETCONF session ${netconf.sessionId} to ${device.name} (${device.host}:${device.netconfPort}) as ${creds.username}, ${netconf.framing} framing`,
        );
      }
      const cli = await openDeviceSession(device, creds, settings);
      return new NetconfDeviceSession(device.name, netconf, cli, settings, transcript);
    } catch (err) {
      await transcript?.close();
      await netconf.close().catch(() => undefined);
      throw err;
    }
  }

  /** Both sessions' waits end when `signal` aborts (the device deadline, then the rollback allowance). */
  useSignal(signal: AbortSignal | undefined): void {
    this.cli.useSignal(signal);
    this.netconf.session.useSignal(signal);
  }

  /** NETCONF RPCs sent plus CLI round trips. */
  get roundTrips(): number {
    return this.#rpcs + this.cli.roundTrips;
  }

  get rpcs(): number {
    return this.#rpcs;
  }

  /** Where edits go: the candidate when the device has one (unless told to prefer running and running is writable). */
  get target(): Datastore {
    const caps = this.netconf.capabilities;
    if (this.settings.preferRunning === true && caps.has(':writable-running')) return 'running';
    return caps.has(':candidate') ? 'candidate' : 'running';
  }

  get confirmedCommit(): boolean {
    return this.target === 'candidate' && this.netconf.capabilities.has(':confirmed-commit');
  }

  get usable(): boolean {
    return this.netconf.session.usable;
  }

  /** Sends one RPC, counted and written to the transcript (redacted) with what it sent and how it ended. */
  async #rpc<T>(what: string, call: () => Promise<T>, sent?: string, shown?: (reply: T) => string): Promise<T> {
    this.#rpcs++;
    // The `>>` line's time is the RPC's start; the `<<` line adds the elapsed time, as the CLI transcript does.
    this.transcript?.note(`>> ${what}${sent === undefined ? '' : `\n${sent}`}`);
    const started = performance.now();
    const elapsed = (): string => `${Math.round(performance.now() - started)} ms`;
    try {
      const reply = await call();
      this.transcript?.note(`<< ${what} (${elapsed()}): ${shown ? shown(reply) : 'ok'}`);
      return reply;
    } catch (err) {
      this.transcript?.note(`<< ${what} failed after ${elapsed()}: ${errorMessage(err)}`);
      throw err;
    }
  }

  /** One get-config and one CLI command. */
  async readFacts(): Promise<NetconfFacts> {
    const reply = await this.#rpc(
      'get-config running',
      () => this.netconf.getConfig('running', FACTS_FILTER),
      FACTS_FILTER,
      (r) => `\n${r.xml}`,
    );
    const facts = combineFacts(parseNativeConfig(reply.xml), await this.cli.send(CLI_FACTS_COMMAND));
    for (const value of facts.environment.values()) if (value instanceof Secret) this.cli.markSecret(value.reveal());
    return facts;
  }

  /** The PKI operational data (one `get`); empty where the device does not populate it. */
  async readPkiOper(): Promise<ReadonlyMap<string, OperBundle>> {
    const reply = await this.#rpc(
      'get crypto-pki-oper-data',
      () => this.netconf.get(PKI_OPER_FILTER),
      PKI_OPER_FILTER,
      (r) => `\n${r.xml}`,
    );
    return parsePkiOper(reply.xml);
  }

  /**
   * Locks running, and the candidate when edits go there. A lock held by another session is retried a few
   * times (it may be a short commit); then DatastoreLockedError, naming the holder.
   */
  async lock(): Promise<void> {
    const stores: Datastore[] = this.target === 'candidate' ? ['running', 'candidate'] : ['running'];
    let attempts = 0;
    try {
      for (const store of stores) {
        await pRetry(
          async () => {
            attempts++;
            await this.#rpc(`lock ${store}`, () => this.netconf.lock(store));
          },
          {
            retries: this.settings.lockRetries ?? 3,
            minTimeout: this.settings.lockRetryMs ?? 500,
            factor: 2,
            shouldRetry: ({ error }) => error instanceof NetconfRpcError && error.find('lock-denied') !== undefined,
          },
        );
        this.#locked.push(store);
      }
    } catch (err) {
      await this.unlock();
      const denied = err instanceof NetconfRpcError ? err.find('lock-denied') : undefined;
      if (!denied) throw err;
      const holder = denied.info['session-id'];
      throw new DatastoreLockedError(
        this.device,
        'lock',
        `${this.device}: the NETCONF datastore is locked by ${holder === undefined || holder === '0' ? 'another session' : `session ${holder}`} (${attempts} attempts); nothing was changed`,
        'another NETCONF client is changing the device: wait for it and re-run, or end a stale session with kill-session',
        denied.message,
      );
    }
  }

  /** Releases what this session locked; errors are ignored (a lost session releases its locks on the device). */
  async unlock(): Promise<void> {
    for (const store of [...this.#locked].reverse()) {
      if (this.usable) await this.#rpc(`unlock ${store}`, () => this.netconf.unlock(store)).catch(() => undefined);
    }
    this.#locked = [];
  }

  /**
   * One edit-config of the fragments, then (on the candidate) a commit: confirmed where the device offers it,
   * unless `final` says this commit is the last word (an undo).
   */
  async commit(fragments: readonly LazyFragment[], options: { readonly final?: boolean } = {}): Promise<RpcReply> {
    const config = nativeConfig(fragments.map((f) => f()));
    if (this.target === 'running') {
      const rollback = this.netconf.capabilities.has(':rollback-on-error');
      return this.#rpc(
        `edit-config running${rollback ? ' rollback-on-error' : ''}`,
        () => this.netconf.editConfig({ target: 'running', config, ...(rollback && { errorOption: 'rollback-on-error' as const }) }),
        config,
      );
    }
    await this.#rpc('edit-config candidate', () => this.netconf.editConfig({ target: 'candidate', config }), config);
    const confirmed = this.confirmedCommit && options.final !== true;
    const timeout = this.settings.confirmTimeoutSeconds ?? 600;
    const reply = await this.#rpc(confirmed ? `commit confirmed ${timeout} s` : 'commit', () =>
      this.netconf.commit(confirmed ? { confirmed: true, confirmTimeoutSeconds: timeout } : {}),
    );
    this.#pendingConfirm = confirmed || (this.#pendingConfirm && options.final !== true);
    return reply;
  }

  /** Confirms a pending confirmed commit: from here the change stands. */
  async confirm(): Promise<void> {
    if (!this.#pendingConfirm) return;
    await this.#rpc('commit (confirming)', () => this.netconf.commit());
    this.#pendingConfirm = false;
  }

  /** Drops uncommitted candidate edits (before undoing), ignoring a device that has none to drop. */
  async discard(): Promise<void> {
    if (this.target === 'candidate' && this.usable) await this.#rpc('discard-changes', () => this.netconf.discardChanges()).catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.unlock();
    await Promise.all([this.netconf.close().catch(() => undefined), this.cli.close().catch(() => undefined)]);
    this.transcript?.note(`closed after ${this.#rpcs} RPCs`);
    await this.transcript?.close();
  }
}
