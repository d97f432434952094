/**
 * One router as the engine sees it: the shared `RouterState` the features work on, the engine's own
 * configuration (accounts, interfaces, lines), the command registry, and where the startup-config lives.
 */
import type { RouterState } from './state.js';
import type { CommandRegistry } from './registry.js';
import { Secret } from './secrets.js';
import type { BannerKind } from './banners.js';

export interface UserAccount {
  readonly name: string;
  privilege: number;
  secret?: Secret;
  /** OpenSSH public keys (`ssh-ed25519 AAAA...`) accepted for this user. */
  publicKeys: readonly string[];
}

export interface InterfaceConfig {
  description?: string;
  /** `ip address` rest: `10.0.0.1 255.255.255.0`, `dhcp`; undefined renders `no ip address`. */
  address?: string;
  shutdown: boolean;
  negotiationAuto: boolean;
}

/** The engine's part of the configuration (features keep theirs in `RouterState`). */
export interface BaseConfig {
  readonly users: Map<string, UserAccount>;
  enableSecret?: Secret;
  readonly interfaces: Map<string, InterfaceConfig>;
  /** `line con 0`, `line vty 0 4`: their sub-commands as rendered, in order. */
  readonly lines: Map<string, string[]>;
  /** Global lines known but not modelled (`logging host ...`), verbatim, in the order they were entered. */
  readonly keptLines: string[];
  /** `banner motd|login|exec`: the text between the delimiters, line ends as LF. */
  readonly banners: Map<BannerKind, string>;
  lastChange?: { readonly at: Date; readonly by: string };
  lastSaved?: Date;
}

/** Where `write memory` puts the startup-config: a file in the state folder, or memory. */
export interface StartupStore {
  load(): Promise<string | undefined>;
  save(text: string): Promise<void>;
}

export class MemoryStartupStore implements StartupStore {
  private text: string | undefined;

  load(): Promise<string | undefined> {
    return Promise.resolve(this.text);
  }

  save(text: string): Promise<void> {
    this.text = text;
    return Promise.resolve();
  }
}

export interface RouterRuntime {
  readonly state: RouterState;
  readonly base: BaseConfig;
  readonly registry: CommandRegistry;
  readonly startup: StartupStore;
  readonly bootedAt: Date;
  /** Sessions number their vty lines from 0, as `who` shows. */
  nextVty(): number;
  releaseVty(n: number): void;
  /** Renders the running config (`show running-config` body, from `!` to `end`). */
  runningConfig(): string;
  /** When true the router replays its startup-config: no logging of configuration sessions. */
  readonly booting: boolean;
}

export function defaultBaseConfig(): BaseConfig {
  return {
    users: new Map(),
    interfaces: new Map([
      ['GigabitEthernet1', { address: 'dhcp', shutdown: false, negotiationAuto: true }],
      ['GigabitEthernet2', { shutdown: true, negotiationAuto: true }],
      ['GigabitEthernet3', { shutdown: true, negotiationAuto: true }],
    ]),
    lines: new Map([
      ['con 0', [' stopbits 1']],
      ['aux 0', []],
      ['vty 0 4', [' login local', ' transport input ssh']],
    ]),
    keptLines: [],
    banners: new Map(),
  };
}

export function addUser(base: BaseConfig, name: string, privilege: number, password?: string, keys: readonly string[] = []): void {
  const account: UserAccount = { name, privilege, publicKeys: keys };
  if (password !== undefined) account.secret = Secret.fromClear(password, base.users.get(name)?.secret);
  base.users.set(name, account);
}
