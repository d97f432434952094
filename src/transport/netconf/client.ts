/**
 * A NETCONF client for one device: SSH (the shared connection layer: host-key checks, authentication, jump hosts)
 * to the `netconf` subsystem, then a NetconfSession, with one method per RFC 6241 operation.
 */
import type { Client, ClientChannel } from 'ssh2';
import { Redactor } from '../../shared/redact.js';
import { connectSsh, ConnectError } from '../ssh/index.js';
import type { SshTransportOptions } from '../ssh/index.js';
import type { Capabilities } from './capabilities.js';
import type { Framing } from './framing.js';
import { dataXml } from './messages.js';
import type { RpcReply } from './messages.js';
import * as ops from './operations.js';
import type { CommitArgs, Datastore, EditConfigArgs, ValidateArgs } from './operations.js';
import { NetconfSession } from './session.js';
import type { NetconfSessionOptions, RpcOptions } from './session.js';

export interface NetconfClientOptions extends SshTransportOptions, Omit<NetconfSessionOptions, 'device' | 'redactor'> {
  /** Values to keep out of errors besides the login password (secrets inside config payloads). */
  readonly secrets?: readonly string[];
}

export interface DataReply {
  readonly reply: RpcReply;
  /** The content of `<data>` as standalone XML (namespaces declared). */
  readonly xml: string;
}

export class NetconfClient {
  readonly #client: Client;
  readonly session: NetconfSession;
  /** The host key was accepted on first use (and recorded), not checked against a pin or known_hosts. */
  readonly hostKeyFirstUse: boolean;
  readonly hostKeyFingerprint: string;

  private constructor(client: Client, session: NetconfSession, hostKey: { kind: string; fingerprint: string }) {
    this.#client = client;
    this.session = session;
    this.hostKeyFirstUse = hostKey.kind === 'first-use';
    this.hostKeyFingerprint = hostKey.fingerprint;
  }

  /** Connects (port 830 unless given), opens the netconf subsystem and exchanges hellos. */
  static async connect(options: NetconfClientOptions): Promise<NetconfClient> {
    const { client, hostKey } = await connectSsh({ ...options, port: options.port ?? 830 });
    const redactor = new Redactor([options.credentials.password, options.credentials.passphrase, ...(options.secrets ?? [])]);
    try {
      const stream = await new Promise<ClientChannel>((resolve, reject) => {
        client.subsys('netconf', (err, channel) =>
          err
            ? reject(new ConnectError(options.device, `the netconf subsystem was refused: ${err.message} (is NETCONF enabled on the device?)`))
            : resolve(channel),
        );
      });
      const session = await NetconfSession.start(stream, { ...options, device: options.device, redactor });
      // The SSH connection goes with the channel: a session without its channel cannot be reused.
      session.closed.then(
        () => client.end(),
        () => undefined,
      );
      return new NetconfClient(client, session, hostKey);
    } catch (err) {
      client.end();
      throw err;
    }
  }

  get device(): string {
    return this.session.device;
  }

  get sessionId(): number {
    return this.session.sessionId;
  }

  get capabilities(): Capabilities {
    return this.session.capabilities;
  }

  get framing(): Framing {
    return this.session.framing;
  }

  async get(filter?: string, options?: RpcOptions): Promise<DataReply> {
    const reply = await this.session.execute(ops.get, filter === undefined ? {} : { filter }, options);
    return { reply, xml: dataXml(reply) };
  }

  async getConfig(source: Datastore, filter?: string, options?: RpcOptions): Promise<DataReply> {
    const reply = await this.session.execute(ops.getConfig, filter === undefined ? { source } : { source, filter }, options);
    return { reply, xml: dataXml(reply) };
  }

  editConfig(args: EditConfigArgs, options?: RpcOptions): Promise<RpcReply> {
    return this.session.execute(ops.editConfig, args, options);
  }

  lock(target: Datastore, options?: RpcOptions): Promise<RpcReply> {
    return this.session.execute(ops.lock, { target }, options);
  }

  unlock(target: Datastore, options?: RpcOptions): Promise<RpcReply> {
    return this.session.execute(ops.unlock, { target }, options);
  }

  commit(args: CommitArgs = {}, options?: RpcOptions): Promise<RpcReply> {
    return this.session.execute(ops.commit, args, options);
  }

  cancelCommit(persistId?: string, options?: RpcOptions): Promise<RpcReply> {
    return this.session.execute(ops.cancelCommit, persistId === undefined ? {} : { persistId }, options);
  }

  discardChanges(options?: RpcOptions): Promise<RpcReply> {
    return this.session.execute(ops.discardChanges, {}, options);
  }

  validate(args: ValidateArgs, options?: RpcOptions): Promise<RpcReply> {
    return this.session.execute(ops.validate, args, options);
  }

  killSession(sessionId: number, options?: RpcOptions): Promise<RpcReply> {
    return this.session.execute(ops.killSession, { sessionId }, options);
  }

  /** Any RPC given as its element, e.g. IOS XE `Cisco-IOS-XE-cli-rpc:config-ios-cli-rpc`. */
  rpc(xml: string, options?: RpcOptions): Promise<RpcReply> {
    return this.session.rpc(xml, options);
  }

  /**
   * close-session, then the server ends the channel (waited for as long as the RPC deadline, no longer);
   * the SSH connection is closed either way.
   */
  async close(options: RpcOptions = {}): Promise<void> {
    try {
      if (this.session.usable) {
        await this.session.execute(ops.closeSession, {}, options);
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, options.timeoutMs ?? 5_000);
        });
        await Promise.race([this.session.closed, deadline]);
        clearTimeout(timer);
      }
    } finally {
      this.session.destroy();
      this.#client.end();
    }
  }
}
