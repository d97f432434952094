/** The inventory model, shared by both file formats: devices built from layers (all → groups → device) and
 * device selection (`--limit`). Pure: paths arrive already resolved, secrets as references. */
import type { HostKeyPolicy } from '../transport/ssh/host-keys.js';
import { type ConfigIssue, type Origin, at, issue, ConfigError } from './issues.js';
import { buildJumpHosts } from './jump-hosts.js';
import type { JumpHost, JumpHostEntry } from './jump-hosts.js';
import type { SecretRefAt } from './secret.js';
import type { SshAlgorithmsConfig } from './ssh-algorithms.js';
import { duplicateTargets } from './targets.js';

export type Platform = 'iosxe';
export type Transport = 'ssh' | 'netconf';

export const DEFAULT_SSH_PORT = 22;
/** RFC 6242: NETCONF over SSH listens on 830. */
export const DEFAULT_NETCONF_PORT = 830;

export interface PrivateKeyRef {
  readonly path: string;
  readonly passphrase?: SecretRefAt;
}

export interface DeviceCredentials {
  readonly username: string;
  readonly password?: SecretRefAt;
  readonly enableSecret?: SecretRefAt;
  readonly privateKey?: PrivateKeyRef;
}

export interface Device {
  readonly name: string;
  readonly host: string;
  /** The SSH CLI port: the whole workflow over `transport: ssh`, and over `netconf` the steps IOS XE has no YANG path for. */
  readonly port: number;
  /** The NETCONF-over-SSH port (RFC 6242), used with `transport: netconf`. */
  readonly netconfPort: number;
  readonly platform: Platform;
  readonly transport: Transport;
  /** Every group the device belongs to, parents of nested groups included. */
  readonly groups: readonly string[];
  readonly vars: Readonly<Record<string, unknown>>;
  readonly credentials: DeviceCredentials;
  readonly hostKey: HostKeyPolicy;
  /** The jump hosts to reach it through, first hop first; none for a direct connection. */
  readonly jumpHosts?: readonly JumpHost[];
  /** The inventory's `ssh_algorithms` override, if any. */
  readonly sshAlgorithms?: SshAlgorithmsConfig;
  /** The queue whose workers run it over Redis (`--queue`); unset: the default queue. */
  readonly queue?: string;
  readonly origin: Origin;
}

export interface Inventory {
  readonly file: string;
  readonly format: 'certagent' | 'ansible';
  readonly devices: readonly Device[];
  /** Group name → names of its devices, in inventory order. */
  readonly groups: Readonly<Record<string, readonly string[]>>;
}

/** Settings one level (all, a group, a device) may set; later levels win. */
export interface LayerFields {
  port?: number;
  netconfPort?: number;
  /** Ansible's `ansible_port`: the port of whichever connection the device ends up with (SSH CLI or NETCONF). */
  connectionPort?: number;
  platform?: Platform;
  transport?: Transport;
  username?: string;
  password?: SecretRefAt;
  enableSecret?: SecretRefAt;
  privateKey?: PrivateKeyRef;
  knownHosts?: string;
  hostKeyPolicy?: 'strict' | 'tofu';
  /** A later level's list replaces an earlier one whole (a chain is not merged hop by hop). */
  jumpHosts?: JumpHostEntry[];
  /** What jump host entries leave out (Ansible's certagent_jump_* variables). */
  jumpPassword?: SecretRefAt;
  jumpPrivateKey?: PrivateKeyRef;
  jumpHostKeys?: string[];
  jumpConcurrency?: number;
  sshAlgorithms?: SshAlgorithmsConfig;
  /** The queue whose workers run the device when a run goes through Redis (`--queue`). */
  queue?: string;
  vars: Record<string, unknown>;
}

export interface Layer {
  readonly origin: Origin;
  readonly fields: LayerFields;
}

export interface DeviceDraft {
  readonly name: string;
  readonly host: string;
  readonly origin: Origin;
  readonly groups: readonly string[];
  /** Lowest precedence first: all, then groups, then the device itself. */
  readonly layers: readonly Layer[];
  readonly hostKeys?: readonly string[];
  readonly hostKeysOrigin?: Origin;
  /** A credential of this device, or a level it inherits from, was already reported as unusable: do not add
   * "has no password" on top. */
  readonly credentialsReported?: boolean;
}

export { HOST_KEY_FINGERPRINT } from './schema.js';
/** A queue name: it becomes part of Redis keys, where `:` separates the parts. */
export const QUEUE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function buildDevices(drafts: readonly DeviceDraft[], defaultKnownHosts: string): { devices: Device[]; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const devices: Device[] = [];
  const seen = new Map<string, Origin>();
  for (const draft of drafts) {
    const first = seen.get(draft.name);
    if (first !== undefined) {
      issues.push(issue(at(draft.origin), `device name '${draft.name}' is already used at ${first.file}`));
      continue;
    }
    seen.set(draft.name, draft.origin);
    const device = buildDevice(draft, defaultKnownHosts, issues);
    if (device !== undefined) devices.push(device);
  }
  issues.push(...duplicateTargets(devices));
  return { devices, issues };
}

function merged(layers: readonly Layer[]): { fields: LayerFields; originOf: (key: keyof LayerFields) => Origin } {
  const settings: Omit<LayerFields, 'vars'> = {};
  const vars: Record<string, unknown> = {};
  const origins = new Map<keyof LayerFields, Origin>();
  for (const layer of layers) {
    const { vars: layerVars, ...layerSettings } = layer.fields;
    Object.assign(vars, layerVars);
    overlay(settings, layerSettings, (key) => origins.set(key, layer.origin));
  }
  const fallback = layers[layers.length - 1]?.origin ?? { file: '', path: [] };
  return { fields: { ...settings, vars }, originOf: (key) => origins.get(key) ?? fallback };
}

/** Copies each setting `source` defines onto `target`: a level that leaves a setting out keeps the inherited one. */
function overlay<T extends object>(target: T, source: T, taken: (key: keyof T) => void): void {
  for (const key in source) {
    const value = source[key];
    if (value === undefined) continue;
    target[key] = value;
    taken(key);
  }
}

function buildDevice(draft: DeviceDraft, defaultKnownHosts: string, issues: ConfigIssue[]): Device | undefined {
  const { fields, originOf } = merged(draft.layers);
  const before = issues.length;
  // When a credential was already reported as unusable, "has no password" would only repeat it.
  if (draft.credentialsReported !== true) {
    if (fields.username === undefined) {
      issues.push(issue(draft.origin, `device '${draft.name}' has no username: set username at device, group or all level`));
    }
    if (fields.password === undefined && fields.privateKey === undefined) {
      issues.push(issue(draft.origin, `device '${draft.name}' has neither password nor private_key: reference one, e.g. password: {env: ROUTER_PASSWORD}`));
    }
  }
  let hostKey: HostKeyPolicy;
  const knownHosts = fields.knownHosts ?? defaultKnownHosts;
  if (draft.hostKeys !== undefined && draft.hostKeys.length > 0) {
    if (fields.hostKeyPolicy === 'tofu') {
      issues.push(
        issue(
          draft.hostKeysOrigin ?? draft.origin,
          `device '${draft.name}' pins host_key but host_key_policy tofu is set (at ${originOf('hostKeyPolicy').file}): ` +
            'a pinned key leaves nothing to trust on first use; drop one of them',
        ),
      );
    }
    hostKey = { mode: 'pinned', fingerprints: draft.hostKeys };
  } else {
    hostKey = fields.hostKeyPolicy === 'tofu' ? { mode: 'tofu', knownHosts } : { mode: 'strict', knownHosts };
  }
  const jumpHosts = buildJumpHosts(
    fields.jumpHosts ?? [],
    {
      knownHosts,
      hostKeyPolicy: fields.hostKeyPolicy ?? 'strict',
      ...(fields.jumpPassword && { password: fields.jumpPassword }),
      ...(fields.jumpPrivateKey && { privateKey: fields.jumpPrivateKey }),
      ...(fields.jumpHostKeys && { hostKeys: fields.jumpHostKeys }),
      ...(fields.jumpConcurrency !== undefined && { concurrency: fields.jumpConcurrency }),
    },
    draft.name,
    issues,
  );
  if (issues.length > before || draft.credentialsReported === true || fields.username === undefined || jumpHosts === undefined) return undefined;
  const transport = fields.transport ?? 'ssh';
  const credentials: DeviceCredentials = {
    username: fields.username,
    ...(fields.password && { password: fields.password }),
    ...(fields.enableSecret && { enableSecret: fields.enableSecret }),
    ...(fields.privateKey && { privateKey: fields.privateKey }),
  };
  return {
    name: draft.name,
    host: draft.host,
    port: fields.port ?? (transport === 'ssh' ? fields.connectionPort : undefined) ?? DEFAULT_SSH_PORT,
    netconfPort: fields.netconfPort ?? (transport === 'netconf' ? fields.connectionPort : undefined) ?? DEFAULT_NETCONF_PORT,
    platform: fields.platform ?? 'iosxe',
    transport,
    groups: draft.groups,
    vars: fields.vars,
    credentials,
    hostKey,
    jumpHosts,
    ...(fields.sshAlgorithms && { sshAlgorithms: fields.sshAlgorithms }),
    ...(fields.queue !== undefined && { queue: fields.queue }),
    origin: draft.origin,
  };
}

export function groupIndex(devices: readonly Device[]): Record<string, string[]> {
  const groups: Record<string, string[]> = {};
  for (const device of devices) {
    for (const group of device.groups) (groups[group] ??= []).push(device.name);
  }
  return groups;
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/** `--limit R1,branch,!R7,core-*`: names and groups (and `all`), `!` excludes, `*` matches any run of characters.
 * Keeps inventory order. A term that matches nothing is an error naming what exists. */
export function selectDevices(inventory: Inventory, limit: string | undefined): Device[] {
  if (limit === undefined || limit.trim() === '') return [...inventory.devices];
  const terms = limit
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  // Commas alone would otherwise mean "no term", and a run over the whole fleet.
  if (terms.length === 0) throw new ConfigError([issue({ file: inventory.file, path: [] }, `--limit '${limit}' names no device or group`)]);
  const include = new Set<string>();
  const exclude = new Set<string>();
  const unknown: string[] = [];
  const groupNames = Object.keys(inventory.groups);
  const deviceNames = new Set(inventory.devices.map((d) => d.name));
  for (const term of terms) {
    const negated = term.startsWith('!');
    const pattern = negated ? term.slice(1) : term;
    const matched = new Set<string>();
    if (pattern === 'all') for (const d of inventory.devices) matched.add(d.name);
    if (/[*?]/.test(pattern)) {
      const re = globToRegExp(pattern);
      for (const d of inventory.devices) if (re.test(d.name)) matched.add(d.name);
      for (const g of groupNames) if (re.test(g)) for (const n of inventory.groups[g] ?? []) matched.add(n);
    } else {
      // A plain name is looked up, not tested against every router: --limit with thousands of names stays linear.
      if (deviceNames.has(pattern)) matched.add(pattern);
      for (const n of Object.hasOwn(inventory.groups, pattern) ? (inventory.groups[pattern] ?? []) : []) matched.add(n);
    }
    if (matched.size === 0) unknown.push(term);
    for (const n of matched) (negated ? exclude : include).add(n);
  }
  if (unknown.length > 0) {
    const names = inventory.devices.map((d) => d.name);
    throw new ConfigError(
      unknown.map((term) =>
        issue({ file: inventory.file, path: [] }, `--limit '${term}' matches no device or group; devices: ${listSome(names)}; groups: ${listSome(groupNames)}`),
      ),
    );
  }
  const onlyExclusions = terms.every((t) => t.startsWith('!'));
  const selected = inventory.devices.filter((d) => (onlyExclusions || include.has(d.name)) && !exclude.has(d.name));
  if (selected.length === 0) {
    throw new ConfigError([issue({ file: inventory.file, path: [] }, `--limit '${limit}' leaves no device: its exclusions remove every device it selects`)]);
  }
  return selected;
}

function listSome(names: readonly string[]): string {
  if (names.length === 0) return '(none)';
  const shown = names.slice(0, 12).join(', ');
  return names.length > 12 ? `${shown}, ... (${names.length} in all)` : shown;
}
