/** Ansible YAML inventories (`all:` / `children:` / `hosts:` / `vars:`), read as certagent devices.
 * Variable precedence follows Ansible: all, then groups from parent to child (same depth: by name), then the host.
 * Connection variables map onto certagent's fields; passwords must be `lookup('env'|'file', ...)` references.
 * `ansible_port` means what the device's connection makes it mean, as in Ansible: the SSH port with network_cli,
 * the NETCONF port (default 830) with `ansible_connection: netconf`. The other port of a NETCONF device (its SSH
 * CLI, for the steps without a YANG path) is `certagent_ssh_port` (default 22); `certagent_netconf_port` sets the
 * NETCONF port of a network_cli device run with `--transport netconf`. */
import { type ConfigIssue, type Origin, at, issue } from './issues.js';
import { type DeviceDraft, type Layer, type LayerFields, HOST_KEY_FINGERPRINT, QUEUE_NAME } from './inventory.js';
import { ansibleJumpEntries } from './jump-hosts.js';
import { check, resolveFilePath } from './schema.js';
import { sshAlgorithmsOf, sshAlgorithmsSchema } from './ssh-algorithms.js';
import { MAX_HOSTS_PER_PATTERN } from './limits.js';
import { hostProblem } from './targets.js';
import type { SecretRefAt } from './secret.js';

/** What the loader's `!vault` YAML tag produces: an ansible-vault encrypted value, which certagent cannot open. */
export class AnsibleVaultValue {
  toString(): string {
    return '[ansible-vault value]';
  }
}

const GROUP_KEYS = new Set(['hosts', 'children', 'vars']);
const IOS_NETWORK_OS = new Set(['cisco.ios.ios', 'cisco.ios', 'ios']);
const CONNECTIONS: Record<string, 'ssh' | 'netconf'> = {
  'ansible.netcommon.network_cli': 'ssh',
  network_cli: 'ssh',
  'ansible.netcommon.netconf': 'netconf',
  netconf: 'netconf',
};
const LOOKUP = /^\{\{\s*lookup\(\s*(['"])(?:ansible\.builtin\.)?(env|file)\1\s*,\s*(['"])([^'"]+)\3\s*\)\s*\}\}$/;

interface GroupInfo {
  depth: number;
  vars?: { values: Record<string, unknown>; origin: Origin };
  parents: Set<string>;
}

interface HostInfo {
  origin: Origin;
  direct: Set<string>;
  vars: { values: Record<string, unknown>; origin: Origin }[];
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof AnsibleVaultValue);
}

function envNameFor(who: string, what: string): string {
  return `${who.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_${what}`;
}

export function ansibleDrafts(value: unknown, file: string, home: string, issues: ConfigIssue[]): DeviceDraft[] {
  const top: Origin = { file, path: [] };
  if (!isMapping(value)) {
    issues.push(issue(top, 'an Ansible inventory must be a mapping of groups (all: {children: ..., hosts: ...})'));
    return [];
  }
  const groups = new Map<string, GroupInfo>();
  const hosts = new Map<string, HostInfo>();
  groups.set('all', { depth: 0, parents: new Set() });

  const visit = (name: string, def: unknown, origin: Origin, parent: string | undefined, depth: number, trail: string[]) => {
    if (trail.includes(name)) {
      issues.push(issue(origin, `group '${name}' contains itself (${[...trail, name].join(' → ')})`));
      return;
    }
    let info = groups.get(name);
    if (info === undefined) {
      info = { depth, parents: new Set() };
      groups.set(name, info);
    }
    info.depth = Math.max(info.depth, depth);
    if (parent !== undefined) info.parents.add(parent);
    if (def === null || def === undefined) return;
    if (!isMapping(def)) {
      issues.push(issue(origin, 'a group must be a mapping with hosts:, children: and vars:'));
      return;
    }
    for (const key of Object.keys(def)) {
      if (!GROUP_KEYS.has(key)) issues.push(issue(at(origin, key), `unknown key '${key}' (a group has hosts:, children:, vars:)`));
    }
    if (def.vars !== undefined && def.vars !== null) {
      if (isMapping(def.vars)) info.vars = { values: def.vars, origin: at(origin, 'vars') };
      else issues.push(issue(at(origin, 'vars'), 'must be a mapping of variables'));
    }
    if (def.hosts !== undefined && def.hosts !== null) {
      if (!isMapping(def.hosts)) issues.push(issue(at(origin, 'hosts'), 'must be a mapping of host names'));
      else {
        const entries = Object.entries(def.hosts).flatMap(([pattern, hostVars]) => {
          const names = expandHostPattern(pattern);
          if (typeof names === 'string') {
            issues.push(issue(at(origin, 'hosts', pattern), names));
            return [];
          }
          return names.map((host) => ({ host, pattern, hostVars }));
        });
        for (const { host, pattern, hostVars } of entries) {
          const hostOrigin = at(origin, 'hosts', pattern);
          let h = hosts.get(host);
          if (h === undefined) {
            h = { origin: hostOrigin, direct: new Set(), vars: [] };
            hosts.set(host, h);
          }
          h.direct.add(name);
          if (hostVars === null || hostVars === undefined) continue;
          if (isMapping(hostVars)) h.vars.push({ values: hostVars, origin: hostOrigin });
          else issues.push(issue(hostOrigin, 'host variables must be a mapping'));
        }
      }
    }
    if (def.children !== undefined && def.children !== null) {
      if (!isMapping(def.children)) issues.push(issue(at(origin, 'children'), 'must be a mapping of group names'));
      else {
        for (const [child, childDef] of Object.entries(def.children)) {
          visit(child, childDef, at(origin, 'children', child), name, depth + 1, [...trail, name]);
        }
      }
    }
  };

  for (const [name, def] of Object.entries(value)) {
    // Top-level groups other than `all` are children of `all`, as in Ansible.
    visit(name, def, at(top, name), name === 'all' ? undefined : 'all', name === 'all' ? 0 : 1, []);
  }

  const ancestors = (group: string, acc = new Set<string>()): Set<string> => {
    if (acc.has(group)) return acc;
    acc.add(group);
    for (const parent of groups.get(group)?.parents ?? []) ancestors(parent, acc);
    return acc;
  };

  // Each group's variables are read once, hosts or not, so each problem is reported once.
  const groupLayers = new Map<string, { layer: Layer; badCredentials: boolean }>();
  for (const [group, info] of groups) {
    if (info.vars === undefined) continue;
    const before = issues.length;
    const layer = ansibleLayer(info.vars.values, info.vars.origin, group, false, home, issues);
    groupLayers.set(group, { layer, badCredentials: issues.slice(before).some(isCredentialIssue) });
  }

  const drafts: DeviceDraft[] = [];
  for (const [name, host] of hosts) {
    const member = new Set<string>();
    for (const g of host.direct) ancestors(g, member);
    member.add('all');
    const ordered = [...member].sort((a, b) => {
      const da = groups.get(a)?.depth ?? 0;
      const db = groups.get(b)?.depth ?? 0;
      return da !== db ? da - db : a.localeCompare(b);
    });
    const layers: Layer[] = [];
    const rawLevels: { values: Record<string, unknown>; origin: Origin }[] = [];
    let credentialsReported = false;
    for (const g of ordered) {
      const vars = groups.get(g)?.vars;
      const read = groupLayers.get(g);
      if (vars === undefined || read === undefined) continue;
      rawLevels.push(vars);
      layers.push(read.layer);
      credentialsReported ||= read.badCredentials;
    }
    for (const vars of host.vars) {
      rawLevels.push(vars);
      const before = issues.length;
      layers.push(ansibleLayer(vars.values, vars.origin, name, true, home, issues));
      credentialsReported ||= issues.slice(before).some(isCredentialIssue);
    }
    const address = lastDefined(rawLevels, 'ansible_host');
    let hostAddress = name;
    if (address !== undefined) {
      if (typeof address.value === 'string' && address.value !== '' && !address.value.includes('{{')) hostAddress = address.value;
      else issues.push(issue(at(address.origin, 'ansible_host'), 'must be a host name or address (templates are not evaluated)'));
    }
    const badHost = hostProblem(hostAddress, 'ansible_port');
    if (badHost !== undefined) {
      issues.push(issue(address === undefined ? host.origin : at(address.origin, 'ansible_host'), badHost));
      continue;
    }
    const pin = host.vars.length > 0 ? lastDefined(host.vars, 'certagent_host_key') : undefined;
    const hostKeys = pin === undefined ? undefined : hostKeyList(pin.value, at(pin.origin, 'certagent_host_key'), issues);
    drafts.push({
      name,
      host: hostAddress,
      origin: host.origin,
      groups: ordered.filter((g) => g !== 'all'),
      layers,
      credentialsReported,
      ...(hostKeys && pin && { hostKeys, hostKeysOrigin: at(pin.origin, 'certagent_host_key') }),
    });
  }
  if (drafts.length === 0 && issues.length === 0) issues.push(issue(top, 'lists no host'));
  return drafts;
}

const HOST_RANGE = /\[([0-9]+|[a-zA-Z]):([0-9]+|[a-zA-Z])(?::([0-9]+))?\]/;

/** Ansible's host ranges: `r[01:03]` is r01, r02, r03; `[a:c]` letters; `[0:10:5]` a stride. Returns the names, or
 * why the pattern is wrong. */
export function expandHostPattern(pattern: string): string[] | string {
  const count = patternSize(pattern);
  if (typeof count === 'string') return count;
  if (count > MAX_HOSTS_PER_PATTERN) return `expands to ${count} hosts; one pattern may give at most ${MAX_HOSTS_PER_PATTERN}: split it or narrow the range`;
  return expandChecked(pattern);
}

interface HostRange {
  readonly numeric: boolean;
  readonly start: number;
  readonly end: number;
  readonly stride: number;
  /** Zero-padded width of a numeric range written with a leading zero (`[01:10]`), else 0. */
  readonly width: number;
}

/** One `[from:to]` or `[from:to:stride]` of a pattern, or why it is wrong. */
function hostRange(m: RegExpMatchArray): HostRange | string {
  const [, from = '', to = '', strideText] = m;
  const stride = strideText === undefined ? 1 : Number(strideText);
  const numeric = /^\d+$/.test(from);
  if (numeric !== /^\d+$/.test(to)) return `range [${from}:${to}] mixes digits and letters`;
  if (stride < 1) return 'a range stride must be at least 1';
  const start = numeric ? Number(from) : from.charCodeAt(0);
  const end = numeric ? Number(to) : to.charCodeAt(0);
  if (start > end) return `range [${from}:${to}] runs backwards`;
  return { numeric, start, end, stride, width: numeric && from.startsWith('0') ? from.length : 0 };
}

/** How many names a pattern gives, without making them, or why its ranges are wrong. */
function patternSize(pattern: string): number | string {
  let total = 1;
  for (const m of pattern.matchAll(new RegExp(HOST_RANGE, 'g'))) {
    const range = hostRange(m);
    if (typeof range === 'string') return range;
    total *= Math.floor((range.end - range.start) / range.stride) + 1;
  }
  return total;
}

function expandChecked(pattern: string): string[] | string {
  const m = HOST_RANGE.exec(pattern);
  if (m === null) return [pattern];
  const range = hostRange(m);
  if (typeof range === 'string') return range;
  const names: string[] = [];
  for (let i = range.start; i <= range.end; i += range.stride) {
    const item = range.numeric ? String(i).padStart(range.width, '0') : String.fromCharCode(i);
    const rest = expandChecked(pattern.slice(0, m.index) + item + pattern.slice(m.index + m[0].length));
    if (typeof rest === 'string') return rest;
    names.push(...rest);
  }
  return names;
}

const CREDENTIAL_VARIABLES = /\.(ansible_(ssh_)?pass(word)?|ansible_user|ansible_ssh_user|ansible_(ssh_)?private_key_file)$/;

function isCredentialIssue(i: ConfigIssue): boolean {
  return CREDENTIAL_VARIABLES.test(`.${String(i.path[i.path.length - 1])}`);
}

function portValue(value: unknown): number | undefined {
  const port = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof port === 'number' && Number.isInteger(port) && port >= 1 && port <= 65535 ? port : undefined;
}

function lastDefined(levels: readonly { values: Record<string, unknown>; origin: Origin }[], key: string): { value: unknown; origin: Origin } | undefined {
  for (let i = levels.length - 1; i >= 0; i--) {
    const level = levels[i];
    if (level !== undefined && key in level.values) return { value: level.values[key], origin: level.origin };
  }
  return undefined;
}

function hostKeyList(value: unknown, origin: Origin, issues: ConfigIssue[]): string[] | undefined {
  const list: unknown[] = Array.isArray(value) ? value : [value];
  const fingerprints = list.filter((v): v is string => typeof v === 'string' && HOST_KEY_FINGERPRINT.test(v));
  if (fingerprints.length < list.length || list.length === 0) {
    issues.push(issue(origin, 'must be an OpenSSH fingerprint (SHA256: and 43 base64 characters) or a list of them'));
    return undefined;
  }
  return fingerprints;
}

function secretVar(
  value: unknown,
  origin: Origin,
  variable: string,
  purpose: string,
  suggestion: string,
  home: string,
  issues: ConfigIssue[],
): SecretRefAt | undefined {
  const help = `reference it instead, e.g. ${variable}: "{{ lookup('env', '${suggestion}') }}"`;
  if (value instanceof AnsibleVaultValue) {
    issues.push(issue(origin, `ansible-vault values cannot be opened by certagent; ${help}`));
    return undefined;
  }
  if (typeof value !== 'string') {
    issues.push(issue(origin, `must be a lookup('env', ...) or lookup('file', ...) reference; ${help}`));
    return undefined;
  }
  const m = LOOKUP.exec(value.trim());
  if (m === null) {
    const why = value.includes('{{') ? "only {{ lookup('env', 'NAME') }} and {{ lookup('file', 'path') }} are understood" : 'a clear-text password is refused';
    issues.push(issue(origin, `${why}; ${help}`));
    return undefined;
  }
  const kind = m[2];
  const arg = m[4] ?? '';
  const ref = kind === 'env' ? { kind: 'env' as const, name: arg } : { kind: 'file' as const, path: resolveFilePath(arg, origin.file, home) };
  return { ref, origin, purpose };
}

function ansibleLayer(vars: Record<string, unknown>, origin: Origin, who: string, isHost: boolean, home: string, issues: ConfigIssue[]): Layer {
  const fields: LayerFields = { vars: {} };
  const label = isHost ? who : `group ${who}`;
  for (const [key, value] of Object.entries(vars)) {
    const here = at(origin, key);
    switch (key) {
      case 'ansible_host':
        break;
      case 'ansible_port':
      case 'ansible_ssh_port': {
        // As Ansible's connection plugins read it: network_cli's SSH port, or netconf's NETCONF port.
        const port = portValue(value);
        if (port !== undefined) fields.connectionPort = port;
        else issues.push(issue(here, 'must be a port number 1..65535'));
        break;
      }
      case 'certagent_ssh_port':
      case 'certagent_netconf_port': {
        const port = portValue(value);
        if (port === undefined) issues.push(issue(here, 'must be a port number 1..65535'));
        else if (key === 'certagent_ssh_port') fields.port = port;
        else fields.netconfPort = port;
        break;
      }
      case 'ansible_user':
      case 'ansible_ssh_user':
        if (typeof value === 'string' && value !== '' && !value.includes('{{')) fields.username = value;
        else issues.push(issue(here, 'must be a user name (templates are not evaluated)'));
        break;
      case 'ansible_password':
      case 'ansible_ssh_pass':
      case 'ansible_ssh_password': {
        const ref = secretVar(value, here, key, `password for ${label}`, envNameFor(who, 'PASSWORD'), home, issues);
        if (ref) fields.password = ref;
        break;
      }
      case 'ansible_become_password':
      case 'ansible_become_pass': {
        const ref = secretVar(value, here, key, `enable secret for ${label}`, envNameFor(who, 'ENABLE'), home, issues);
        if (ref) fields.enableSecret = ref;
        break;
      }
      case 'ansible_ssh_private_key_file':
      case 'ansible_private_key_file':
        if (typeof value === 'string' && value !== '' && !value.includes('{{')) {
          fields.privateKey = { path: resolveFilePath(value, origin.file, home) };
        } else issues.push(issue(here, 'must be a path to a private key file (templates are not evaluated)'));
        break;
      case 'ansible_network_os':
        if (typeof value === 'string' && IOS_NETWORK_OS.has(value)) fields.platform = 'iosxe';
        else issues.push(issue(here, 'certagent drives Cisco IOS XE only: ansible_network_os must be cisco.ios.ios'));
        break;
      case 'ansible_connection': {
        const transport = typeof value === 'string' ? CONNECTIONS[value] : undefined;
        if (transport !== undefined) fields.transport = transport;
        else issues.push(issue(here, 'must be ansible.netcommon.network_cli (SSH CLI) or ansible.netcommon.netconf'));
        break;
      }
      case 'certagent_known_hosts':
        if (typeof value === 'string' && value !== '') fields.knownHosts = resolveFilePath(value, origin.file, home);
        else issues.push(issue(here, 'must be a path to a known_hosts file'));
        break;
      case 'certagent_host_key_policy':
        if (value === 'strict' || value === 'tofu') fields.hostKeyPolicy = value;
        else issues.push(issue(here, "must be 'strict' or 'tofu'"));
        break;
      case 'certagent_queue':
        if (typeof value === 'string' && QUEUE_NAME.test(value)) fields.queue = value;
        else issues.push(issue(here, 'must be a queue name: letters, digits, . _ - (starting with a letter or digit)'));
        break;
      case 'certagent_host_key':
        if (!isHost) issues.push(issue(here, 'pin host keys per host, not per group'));
        break;
      case 'ansible_ssh_common_args':
      case 'ansible_ssh_extra_args': {
        const entries = ansibleJumpEntries(value, here, key, label, home, issues);
        if (entries !== undefined && entries.length > 0) fields.jumpHosts = entries;
        break;
      }
      case 'certagent_jump_password': {
        const ref = secretVar(value, here, key, `jump host password for ${label}`, envNameFor(who, 'JUMP_PASSWORD'), home, issues);
        if (ref) fields.jumpPassword = ref;
        break;
      }
      case 'certagent_jump_private_key_file':
        if (typeof value === 'string' && value !== '' && !value.includes('{{')) fields.jumpPrivateKey = { path: resolveFilePath(value, origin.file, home) };
        else issues.push(issue(here, 'must be a path to a private key file (templates are not evaluated)'));
        break;
      case 'certagent_jump_host_key': {
        const keys = hostKeyList(value, here, issues);
        if (keys) fields.jumpHostKeys = keys;
        break;
      }
      case 'certagent_jump_concurrency': {
        const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
        if (typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 1000) fields.jumpConcurrency = n;
        else issues.push(issue(here, 'must be a whole number 1..1000'));
        break;
      }
      case 'certagent_ssh_algorithms': {
        const raw = check(sshAlgorithmsSchema, value, here, issues);
        if (raw) fields.sshAlgorithms = sshAlgorithmsOf(raw);
        break;
      }
      default:
        // Other ansible_* settings (become method, timeouts) belong to Ansible; the rest are the user's variables.
        if (!key.startsWith('ansible_')) fields.vars[key] = value;
    }
  }
  return { origin, fields };
}
