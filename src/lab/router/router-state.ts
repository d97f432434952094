/** A fresh `RouterState`: the engine's base fields plus each feature's state from its own factory. */
import { NO_FAULTS, type FaultPlan } from './faults.js';
import { createEemState } from './eem/state.js';
import { createPkiState } from './pki/state.js';
import { DEFAULT_PROFILE, PROFILES } from './profiles/index.js';
import type { RouterProfile } from './profiles/index.js';
import type { RouterState } from './state.js';
import { SyslogBuffer } from './syslog.js';
import { CommandLog } from './command-log.js';

export interface RouterStateOptions {
  readonly hostname: string;
  readonly faults?: FaultPlan;
  /** Added to the host's clock (ms), so tests can move a router in time. */
  readonly clockOffsetMs?: number;
  readonly profile?: RouterProfile;
}

export function createRouterState(options: RouterStateOptions): RouterState {
  const offset = options.clockOffsetMs ?? 0;
  const now = (): Date => new Date(Date.now() + offset);
  return {
    hostname: options.hostname,
    ipHosts: new Map(),
    pki: createPkiState(),
    eem: createEemState(),
    syslog: new SyslogBuffer(now),
    commands: new CommandLog(),
    faults: options.faults ?? NO_FAULTS,
    profile: options.profile ?? PROFILES[DEFAULT_PROFILE],
    now,
  };
}
