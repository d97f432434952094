/**
 * The running datastore is the router's state itself: this module shows the modelled part of a RouterState
 * as a `/native` instance tree, and makes a RouterState match a tree (the result of an edit-config or a
 * commit) through the PKI and EEM state. What the models cannot express stays as it is: certificate chains
 * (`certificate/chain` is obsolete without a certificate body, dossier 5.2), `action ... mail` (no mail action in
 * any Cisco-IOS-XE-eem release, dossier 5.5) and `puts nonewline`.
 * So a trustpoint or applet survives an edit with those parts, and they never appear in get-config.
 */
import { deleteTrustpoint, ensureTrustpointIn } from '../pki/trustpoint-commands.js';
import type { ChainValidation, Enrollment, RevocationMethod, Trustpoint } from '../pki/state.js';
import { ensureApplet, type EemAction, type EemApplet } from '../eem/state.js';
import type { RouterState } from '../state.js';
import { CRYPTO_NS, EEM_NS, NATIVE_NS } from './schema.js';
import { child, childValue, leafNode, node, type DataNode } from './tree.js';

const N = NATIVE_NS;
const C = CRYPTO_NS;
const E = EEM_NS;

function trustpointTree(tp: Trustpoint): DataNode {
  const t = node('trustpoint', C, [leafNode('id', C, tp.name)]);
  const cv = tp.chainValidation;
  if (cv?.kind === 'stop') t.children.push(node('chain-validation', C, [leafNode('stop', C, '')]));
  else if (cv?.kind === 'continue' && cv.parent) t.children.push(node('chain-validation', C, [leafNode('continue', C, cv.parent)]));
  const e = tp.enrollment;
  if (e) {
    const method =
      e.kind === 'terminal'
        ? node('terminal', C, e.pem ? [leafNode('pem', C, '')] : [])
        : e.kind === 'url'
          ? leafNode('url', C, e.url)
          : leafNode(e.kind, C, '');
    t.children.push(node('enrollment', C, [node('enrollment-method', C, [method])]));
  }
  if (tp.fqdn) t.children.push(leafNode('fqdn', C, tp.fqdn));
  if (tp.fingerprint) t.children.push(leafNode('fingerprint', C, tp.fingerprint));
  if (tp.hash) t.children.push(leafNode('hash', C, tp.hash));
  for (const method of tp.revocationCheck ?? []) t.children.push(leafNode('revocation-check', C, method));
  if (tp.sourceInterface) t.children.push(node('source', C, [leafNode('interface', C, tp.sourceInterface)]));
  if (tp.rsakeypair) {
    const key = node('rsakeypair', C, [leafNode('key-label', C, tp.rsakeypair.label)]);
    if (tp.rsakeypair.bits !== undefined) key.children.push(leafNode('gen-key', C, String(tp.rsakeypair.bits)));
    t.children.push(key);
  }
  if (tp.serialNumber) t.children.push(node('serial-number', C, tp.serialNumber === 'none' ? [leafNode('none', C, '')] : []));
  if (tp.ipAddress) t.children.push(node('ip-address', C, [tp.ipAddress === 'none' ? leafNode('none', C, '') : leafNode('address-line', C, tp.ipAddress)]));
  if (tp.subjectName) t.children.push(leafNode('subject-name', C, tp.subjectName));
  if (tp.usage) t.children.push(leafNode('usage', C, tp.usage));
  return t;
}

/** The model's form of an action, or undefined for what the model lacks (mail, puts nonewline). */
function actionTree(label: string, action: EemAction): DataNode | undefined {
  const a = node('action', E, [leafNode('name', E, label)]);
  switch (action.kind) {
    case 'cli':
      a.children.push(node('cli-choice', E, [leafNode('command', E, action.command)]));
      return a;
    case 'syslog': {
      const s = node('syslog-option', E, [leafNode('msg', E, action.msg)]);
      if (action.priority !== undefined) s.children.push(leafNode('priority', E, action.priority));
      a.children.push(s);
      return a;
    }
    case 'set':
      a.children.push(node('set', E, [leafNode('varname', E, action.variable), leafNode('value', E, action.value)]));
      return a;
    case 'puts':
      if (action.noNewline) return undefined;
      a.children.push(leafNode('puts', E, action.text));
      return a;
    case 'mail':
      return undefined;
  }
}

function appletTree(applet: EemApplet): DataNode {
  const a = node('applet', E, [leafNode('name', E, applet.name)]);
  if (applet.authorizationBypass) a.children.push(leafNode('authorization', E, 'bypass'));
  if (applet.className !== undefined) a.children.push(leafNode('class', E, applet.className));
  if (applet.description !== undefined) a.children.push(leafNode('description', E, applet.description));
  if (applet.event) {
    const none = node('none-choice', E);
    if (applet.event.maxrun !== undefined) none.children.push(leafNode('maxrun-set', E, Number(applet.event.maxrun).toFixed(3)));
    if (applet.event.sync !== undefined) none.children.push(leafNode('sync', E, applet.event.sync));
    a.children.push(node('event', E, [none]));
  }
  const actions = [...applet.actions].map(([label, action]) => actionTree(label, action)).filter((x): x is DataNode => x !== undefined);
  if (actions.length > 0) a.children.push(node('action-config', E, actions));
  return a;
}

/** `/native` of the running config, with only the branches that hold something (as IOS XE answers). */
export function runningTree(state: RouterState): DataNode {
  const native = node('native', N, [leafNode('hostname', N, state.hostname)]);
  if (state.ipHosts.size > 0) {
    const hosts = [...state.ipHosts].map(([name, address]) => node('host-list', N, [leafNode('name', N, name), leafNode('ip-list-ordered', N, address)]));
    native.children.push(node('ip', N, [node('host', N, hosts)]));
  }
  if (state.pki.trustpoints.size > 0) {
    native.children.push(node('crypto', N, [node('pki', C, [...state.pki.trustpoints.values()].map(trustpointTree))]));
  }
  const eem = state.eem;
  if (eem.environment.size > 0 || eem.applets.size > 0) {
    const manager = node(
      'manager',
      E,
      [...eem.environment].map(([name, value]) => node('environment', E, [leafNode('name', E, name), leafNode('value', E, value)])),
    );
    manager.children.push(...[...eem.applets.values()].map(appletTree));
    native.children.push(node('event', N, [manager]));
  }
  return native;
}

function entries(parent: DataNode | undefined, name: string): DataNode[] {
  return parent?.children.filter((c) => c.name === name) ?? [];
}

function path(root: DataNode | undefined, ...names: string[]): DataNode | undefined {
  let at = root;
  for (const name of names) at = at === undefined ? undefined : child(at, name);
  return at;
}

function enrollmentOf(t: DataNode): Enrollment | undefined {
  const method = path(t, 'enrollment', 'enrollment-method');
  const terminal = method && child(method, 'terminal');
  if (terminal) return { kind: 'terminal', pem: child(terminal, 'pem') !== undefined };
  const url = childValue(method, 'url');
  if (url !== undefined) return { kind: 'url', url };
  if (method && child(method, 'selfsigned')) return { kind: 'selfsigned' };
  if (method && child(method, 'pkcs12')) return { kind: 'pkcs12' };
  return undefined;
}

function chainValidationOf(t: DataNode): ChainValidation | undefined {
  const cv = child(t, 'chain-validation');
  if (!cv) return undefined;
  if (child(cv, 'stop')) return { kind: 'stop' };
  const parent = childValue(cv, 'continue');
  return parent === undefined ? undefined : { kind: 'continue', parent };
}

function setOptional<K extends keyof Trustpoint>(tp: Trustpoint, key: K, value: Trustpoint[K] | undefined): void {
  if (value === undefined) delete tp[key];
  else tp[key] = value;
}

function applyTrustpoint(tp: Trustpoint, t: DataNode): void {
  setOptional(tp, 'enrollment', enrollmentOf(t));
  setOptional(tp, 'usage', childValue(t, 'usage'));
  const serial = child(t, 'serial-number');
  setOptional(tp, 'serialNumber', serial ? (child(serial, 'none') ? 'none' : 'include') : undefined);
  setOptional(tp, 'fingerprint', childValue(t, 'fingerprint')?.toUpperCase());
  setOptional(tp, 'subjectName', childValue(t, 'subject-name'));
  const revocation = entries(t, 'revocation-check').map((r) => r.value as RevocationMethod);
  setOptional(tp, 'revocationCheck', revocation.length > 0 ? revocation : undefined);
  setOptional(tp, 'chainValidation', chainValidationOf(t));
  setOptional(tp, 'sourceInterface', childValue(path(t, 'source'), 'interface'));
  const label = childValue(path(t, 'rsakeypair'), 'key-label');
  const bits = childValue(path(t, 'rsakeypair'), 'gen-key');
  setOptional(tp, 'rsakeypair', label === undefined ? undefined : bits === undefined ? { label } : { label, bits: Number(bits) });
  setOptional(tp, 'hash', childValue(t, 'hash'));
  setOptional(tp, 'fqdn', childValue(t, 'fqdn'));
  const ip = path(t, 'ip-address');
  setOptional(tp, 'ipAddress', ip === undefined ? undefined : child(ip, 'none') ? 'none' : childValue(ip, 'address-line'));
}

function actionOf(a: DataNode): EemAction | undefined {
  const cli = child(a, 'cli-choice');
  if (cli) return { kind: 'cli', command: childValue(cli, 'command') ?? '' };
  const syslog = child(a, 'syslog-option');
  if (syslog) {
    const priority = childValue(syslog, 'priority');
    return { kind: 'syslog', msg: childValue(syslog, 'msg') ?? '', ...(priority !== undefined ? { priority } : {}) };
  }
  const set = child(a, 'set');
  if (set) return { kind: 'set', variable: childValue(set, 'varname') ?? '', value: childValue(set, 'value') ?? '' };
  const puts = childValue(a, 'puts');
  if (puts !== undefined) return { kind: 'puts', text: puts };
  return undefined;
}

function isModelled(action: EemAction): boolean {
  return action.kind !== 'mail' && !(action.kind === 'puts' && action.noNewline);
}

function maxrunText(value: string): string {
  return String(Number(value));
}

function applyApplet(state: RouterState, applet: EemApplet, a: DataNode): void {
  const before = JSON.stringify(appletTree(applet));
  applet.authorizationBypass = childValue(a, 'authorization') === 'bypass';
  const className = childValue(a, 'class');
  if (className === undefined) delete applet.className;
  else applet.className = className;
  const description = childValue(a, 'description');
  if (description === undefined) delete applet.description;
  else applet.description = description;
  const none = path(a, 'event', 'none-choice');
  if (none) {
    const maxrun = childValue(none, 'maxrun-set');
    const sync = childValue(none, 'sync');
    applet.event = {
      kind: 'none',
      ...(maxrun !== undefined ? { maxrun: maxrunText(maxrun) } : {}),
      ...(sync === 'yes' || sync === 'no' ? { sync } : {}),
    };
  } else {
    delete applet.event;
    delete applet.registeredAt;
  }
  for (const [label, action] of [...applet.actions]) if (isModelled(action)) applet.actions.delete(label);
  for (const entry of entries(path(a, 'action-config'), 'action')) {
    const action = actionOf(entry);
    const label = childValue(entry, 'name');
    if (action && label !== undefined) applet.actions.set(label, action);
  }
  // IOS re-registers a changed applet: `show event manager policy registered` shows the new time.
  if (applet.event && JSON.stringify(appletTree(applet)) !== before) applet.registeredAt = state.now();
}

/** Makes the state's modelled configuration equal to `native` (a whole `/native` tree). */
export function applyTree(state: RouterState, native: DataNode): void {
  const hostname = childValue(native, 'hostname');
  if (hostname !== undefined && hostname !== '') state.hostname = hostname;

  const hosts = entries(path(native, 'ip', 'host'), 'host-list');
  state.ipHosts.clear();
  for (const h of hosts) {
    const address = childValue(h, 'ip-list-ordered');
    const name = childValue(h, 'name');
    if (name !== undefined && address !== undefined) state.ipHosts.set(name, address);
  }

  const wanted = new Map(entries(path(native, 'crypto', 'pki'), 'trustpoint').map((t) => [childValue(t, 'id') ?? '', t]));
  for (const name of [...state.pki.trustpoints.keys()]) if (!wanted.has(name)) deleteTrustpoint(state, name);
  for (const [name, t] of wanted) applyTrustpoint(ensureTrustpointIn(state, name), t);

  const manager = path(native, 'event', 'manager');
  const environment = entries(manager, 'environment');
  const env = state.eem.environment;
  const wantedEnv = new Map(environment.map((e) => [childValue(e, 'name') ?? '', childValue(e, 'value') ?? '']));
  for (const name of [...env.keys()]) if (!wantedEnv.has(name)) env.delete(name);
  for (const [name, value] of wantedEnv) env.set(name, value);

  const applets = state.eem.applets;
  const wantedApplets = new Map(entries(manager, 'applet').map((a) => [childValue(a, 'name') ?? '', a]));
  for (const name of [...applets.keys()]) if (!wantedApplets.has(name)) applets.delete(name);
  for (const [name, a] of wantedApplets) applyApplet(state, ensureApplet(state.eem, name), a);
}
