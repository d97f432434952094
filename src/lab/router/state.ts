/**
 * Everything a lab router knows. The engine owns the base fields; each feature owns its own part
 * (pki/state.ts, eem/state.ts) and is the only code that changes it.
 */
import type { RouterProfile } from './profiles/index.js';
import type { PkiState } from './pki/state.js';
import type { EemState } from './eem/state.js';
import type { VoiceState } from './voice/state.js';
import type { SyslogBuffer } from './syslog.js';
import type { FaultPlan } from './faults.js';
import type { CommandLog } from './command-log.js';

/** Who holds the configuration lock, as IOS XE names it to a session refused config mode. */
export interface ConfigLock {
  /** The holding session (object identity). */
  readonly owner: object;
  readonly process: number;
  readonly user: string;
  readonly terminal: string;
}

export interface RouterState {
  hostname: string;
  /** `ip host NAME ADDR`: how the router resolves names for its own connections (EEM mail). */
  readonly ipHosts: Map<string, string>;
  readonly pki: PkiState;
  readonly eem: EemState;
  /** The voice feature's part (CUBE: sip-ua, voice service voip, dial-peers), created on first use by voiceState(). */
  voice?: VoiceState;
  readonly syslog: SyslogBuffer;
  /** Every CLI line and NETCONF operation sessions asked for (not startup-config replays). */
  readonly commands: CommandLog;
  /** The configuration lock a CLI session holds (`configure terminal lock`): other sessions cannot enter config mode. */
  configLock?: ConfigLock;
  /** `no logging monitor`: syslog goes to no `terminal monitor` session (IOS's default is `logging monitor debugging`). */
  monitorLoggingOff?: boolean;
  /** Faults this router shows; changeable at run time by tests and `certagent lab`. */
  faults: FaultPlan;
  /** The IOS XE release it plays (SSH stack, `show version`, PKI strictness); fixed at start. */
  readonly profile: RouterProfile;
  /** The router's clock (tests may shift it to exercise expiry). */
  now(): Date;
}
