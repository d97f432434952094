/**
 * The lab router's NETCONF server: the same device state as the CLI, seen and changed through IOS XE's
 * YANG paths (`/native` hostname, ip host, crypto pki trustpoint, event manager; `crypto-pki-oper-data`),
 * with running and candidate datastores, locks, confirmed commit, and IOS XE's CLI RPC. The router hands it
 * each SSH `netconf` subsystem channel opened on its NETCONF port.
 */
import type { Duplex } from 'node:stream';
import type { Terminal } from '../session.js';
import type { RouterState } from '../state.js';
import type { CliDriver } from './cli-rpc.js';
import { Datastores } from './datastores.js';
import { serverCapabilities } from './hello.js';
import { NetconfServerSession } from './server-session.js';

export interface NetconfHost {
  readonly state: RouterState;
  /** A CLI session at privilege 15 for `config-ios-cli-rpc`, as `username` from `peer`. */
  openCli(username: string, peer: string, terminal: Terminal): CliDriver;
  /** The running config changed through NETCONF (for `! Last configuration change ... by USER`). */
  configChanged(by: string): void;
}

export interface NetconfServerOptions {
  /** Announce and accept :confirmed-commit:1.1 (the 17.15 C8000v capture does not announce it). */
  readonly confirmedCommit?: boolean;
}

export class NetconfServer {
  private readonly stores: Datastores;
  private readonly sessions = new Map<number, NetconfServerSession>();
  private readonly capabilities: readonly string[];
  private readonly confirmedCommit: boolean;
  private nextId = 1;

  constructor(
    private readonly host: NetconfHost,
    options: NetconfServerOptions = {},
  ) {
    this.stores = new Datastores(host.state, (by) => host.configChanged(by));
    this.confirmedCommit = options.confirmedCommit ?? false;
    this.capabilities = serverCapabilities(this.confirmedCommit);
  }

  /** Serves one `netconf` subsystem channel until it closes. */
  accept(channel: Duplex, username: string, peer: string): void {
    const id = this.nextId++;
    const session = new NetconfServerSession(
      id,
      username,
      channel,
      {
        state: this.host.state,
        stores: this.stores,
        capabilities: this.capabilities,
        confirmedCommit: this.confirmedCommit,
        openCli: (terminal) => this.host.openCli(username, peer, terminal),
        kill: (target) => {
          const victim = this.sessions.get(target);
          victim?.close();
          return victim !== undefined;
        },
      },
      () => {
        this.sessions.delete(id);
        this.stores.sessionEnded(id, username);
      },
    );
    this.sessions.set(id, session);
  }

  stop(): void {
    for (const session of this.sessions.values()) session.close();
    this.stores.stop();
  }
}
