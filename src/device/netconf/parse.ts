/**
 * get-config replies read into the agent's device facts: trustpoints, `ip host` entries and the EEM environment
 * and applets, in the same shapes the CLI parsers give (TrustpointConfig, EemApplet), so that planning does not
 * care how the facts were read. Each trustpoint and applet keeps its XML element, to be put back as it was.
 * What the models cannot hold is not here: certificate bodies (dossier 5.2) and `mail` actions (5.5).
 */
import { childElements, firstChild, parseXml, textOf } from '../../transport/netconf/xml.js';
import type { XmlElement } from '../../transport/netconf/xml.js';
import { splitIosWords } from '../ios-string.js';
import type { EemAction, EemApplet } from '../parsers/eem-config.js';
import type { TrustpointConfig } from '../parsers/pki-config.js';
import type { ModelledAction, ModelledApplet } from './config.js';
import { CRYPTO_NS, EEM_NS, NATIVE_NS } from './namespaces.js';

export interface NetconfTrustpoint {
  readonly config: TrustpointConfig;
  readonly element: XmlElement;
}

export interface NetconfApplet {
  /** The modelled part only: no `mail` action. */
  readonly applet: EemApplet;
  readonly element: XmlElement;
}

export interface NetconfConfig {
  readonly trustpoints: ReadonlyMap<string, NetconfTrustpoint>;
  readonly environment: ReadonlyMap<string, string>;
  readonly applets: ReadonlyMap<string, NetconfApplet>;
  readonly ipHosts: ReadonlyMap<string, string>;
}

/** A reply that is not what a get-config of `/native` gives. */
export class NetconfConfigParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NetconfConfigParseError';
  }
}

function leaf(el: XmlElement | undefined, name: string): string | undefined {
  const found = el === undefined ? undefined : firstChild(el, name);
  return found === undefined ? undefined : textOf(found).trim();
}

function path(el: XmlElement | undefined, ...names: string[]): XmlElement | undefined {
  let at = el;
  for (const name of names) at = at === undefined ? undefined : firstChild(at, name);
  return at;
}

function trustpointConfig(t: XmlElement): TrustpointConfig {
  const name = leaf(t, 'id') ?? '';
  const fields: Record<string, string> = {};
  const lines: string[] = [];
  const method = path(t, 'enrollment', 'enrollment-method') ?? path(t, 'enrollment');
  const terminal = method && firstChild(method, 'terminal');
  const url = leaf(method, 'url');
  if (terminal) fields['enrollment'] = firstChild(terminal, 'pem') ? 'terminal pem' : 'terminal';
  else if (url !== undefined) fields['enrollment'] = `url ${url}`;
  else if (method && firstChild(method, 'selfsigned')) fields['enrollment'] = 'selfsigned';
  else if (method && firstChild(method, 'pkcs12')) fields['enrollment'] = 'pkcs12';
  if (fields['enrollment'] !== undefined) lines.push(`enrollment ${fields['enrollment']}`);
  const fingerprint = leaf(t, 'fingerprint');
  if (fingerprint !== undefined) {
    fields['fingerprint'] = fingerprint.toUpperCase();
    lines.push(`fingerprint ${fields['fingerprint']}`);
  }
  const revocation = childElements(t, 'revocation-check').map((r) => textOf(r).trim());
  if (revocation.length > 0) {
    fields['revocationCheck'] = revocation.join(' ');
    lines.push(`revocation-check ${fields['revocationCheck']}`);
  }
  const cv = path(t, 'chain-validation');
  if (cv && firstChild(cv, 'stop')) fields['chainValidation'] = 'stop';
  else if (leaf(cv, 'continue') !== undefined) fields['chainValidation'] = `continue ${leaf(cv, 'continue') ?? ''}`;
  if (fields['chainValidation'] !== undefined) lines.push(`chain-validation ${fields['chainValidation']}`);
  const subject = leaf(t, 'subject-name');
  if (subject !== undefined) {
    fields['subjectName'] = subject;
    lines.push(`subject-name ${subject}`);
  }
  const keyLabel = leaf(path(t, 'rsakeypair'), 'key-label');
  if (keyLabel !== undefined) {
    fields['rsakeypair'] = keyLabel;
    lines.push(`rsakeypair ${keyLabel}`);
  }
  for (const [key, yang] of [
    ['usage', 'usage'],
    ['hash', 'hash'],
  ] as const) {
    const value = leaf(t, yang);
    if (value !== undefined) {
      fields[key] = value;
      lines.push(`${yang} ${value}`);
    }
  }
  return { name, lines, ...fields } as TrustpointConfig;
}

function quoted(value: string): string {
  return `"${value}"`;
}

/** A modelled action as the CLI parser would have read its line (`syslog msg "..."`), so applets compare equal. */
export function actionArgs(action: ModelledAction): EemAction {
  switch (action.kind) {
    case 'syslog':
      return { label: action.label, kind: 'syslog', args: `${action.priority !== undefined ? `priority ${action.priority} ` : ''}msg ${quoted(action.msg)}` };
    case 'cli':
      return { label: action.label, kind: 'cli', args: `command ${quoted(action.command)}` };
    case 'set':
      return { label: action.label, kind: 'set', args: `${action.varname} ${action.value}` };
    case 'puts':
      return { label: action.label, kind: 'puts', args: quoted(action.text) };
  }
}

function modelledAction(a: XmlElement): ModelledAction | undefined {
  const label = leaf(a, 'name') ?? '';
  const syslog = firstChild(a, 'syslog-option');
  if (syslog) {
    const priority = leaf(syslog, 'priority');
    return { label, kind: 'syslog', msg: leaf(syslog, 'msg') ?? '', ...(priority !== undefined && { priority }) };
  }
  // 17.15: `cli-choice/command`; before: `cli/command`.
  const cli = firstChild(a, 'cli-choice') ?? firstChild(a, 'cli');
  if (cli) return { label, kind: 'cli', command: leaf(cli, 'command') ?? '' };
  const set = firstChild(a, 'set');
  if (set) return { label, kind: 'set', varname: leaf(set, 'varname') ?? '', value: leaf(set, 'value') ?? '' };
  const puts = leaf(a, 'puts');
  if (puts !== undefined) return { label, kind: 'puts', text: puts };
  return undefined;
}

function appletOf(a: XmlElement): EemApplet {
  const name = leaf(a, 'name') ?? '';
  const none = path(a, 'event', 'none-choice');
  let event: string | undefined;
  const pattern = leaf(path(a, 'event', 'syslog'), 'pattern');
  if (pattern !== undefined) event = `syslog pattern ${quoted(pattern)}`;
  if (none) {
    const maxrun = leaf(none, 'maxrun-set');
    const sync = leaf(none, 'sync');
    event = ['none', ...(sync !== undefined ? [`sync ${sync}`] : []), ...(maxrun !== undefined ? [`maxrun ${Number(maxrun)}`] : [])].join(' ');
  }
  // 17.15 puts actions in action-config; 17.12-17.14 directly under the applet.
  const holder = path(a, 'action-config') ?? a;
  const actions = childElements(holder, 'action')
    .map(modelledAction)
    .filter((x): x is ModelledAction => x !== undefined)
    .map(actionArgs);
  const description = leaf(a, 'description');
  return { name, ...(event !== undefined && { event }), actions, otherLines: description !== undefined ? [`description ${description}`] : [] };
}

/** Reads the `<data>` content of a get-config of `/native` ('' when the device holds none of it). */
export function parseNativeConfig(dataXml: string): NetconfConfig {
  const trustpoints = new Map<string, NetconfTrustpoint>();
  const environment = new Map<string, string>();
  const applets = new Map<string, NetconfApplet>();
  const ipHosts = new Map<string, string>();
  if (dataXml.trim() === '') return { trustpoints, environment, applets, ipHosts };
  const native = parseXml(dataXml);
  if (native.name !== 'native' || native.namespace !== NATIVE_NS) {
    throw new NetconfConfigParseError(`expected <native> in ${NATIVE_NS}, got <${native.name}> in ${native.namespace ?? 'no namespace'}`);
  }
  for (const h of childElements(path(native, 'ip', 'host') ?? native, 'host-list')) {
    const name = leaf(h, 'name');
    const addresses = childElements(h, 'ip-list-ordered').map((e) => textOf(e).trim());
    if (name !== undefined && addresses.length > 0) ipHosts.set(name, addresses.join(' '));
  }
  const pki = childElements(path(native, 'crypto') ?? native, 'pki', CRYPTO_NS)[0];
  for (const t of pki ? childElements(pki, 'trustpoint', CRYPTO_NS) : []) {
    const config = trustpointConfig(t);
    trustpoints.set(config.name, { config, element: t });
  }
  const manager = childElements(path(native, 'event') ?? native, 'manager', EEM_NS)[0];
  for (const e of manager ? childElements(manager, 'environment', EEM_NS) : []) {
    const name = leaf(e, 'name');
    if (name !== undefined) environment.set(name, leaf(e, 'value') ?? '');
  }
  for (const a of manager ? childElements(manager, 'applet', EEM_NS) : []) {
    const applet = appletOf(a);
    applets.set(applet.name, { applet, element: a });
  }
  return { trustpoints, environment, applets, ipHosts };
}

/**
 * An applet as the CLI shows it, split into what the model holds and the actions only the CLI can set (`mail`,
 * `puts nonewline`, `cli command ... pattern`, anything unrecognised), which keep their CLI form.
 */
export function splitApplet(applet: EemApplet): { readonly modelled: ModelledApplet; readonly cliOnly: readonly EemAction[] } {
  const modelled: ModelledAction[] = [];
  const cliOnly: EemAction[] = [];
  for (const action of applet.actions) {
    const m = modelledFromArgs(action);
    if (m) modelled.push(m);
    else cliOnly.push(action);
  }
  const description = applet.otherLines.find((l) => l.startsWith('description '))?.slice('description '.length);
  return {
    modelled: { name: applet.name, ...(description !== undefined && { description }), eventNone: (applet.event ?? '').trim() === 'none', actions: modelled },
    cliOnly,
  };
}

function modelledFromArgs(action: EemAction): ModelledAction | undefined {
  const words = splitIosWords(action.args);
  const label = action.label;
  switch (action.kind) {
    case 'syslog':
      if (words.length === 2 && words[0] === 'msg') return { label, kind: 'syslog', msg: words[1] ?? '' };
      if (words.length === 4 && words[0] === 'priority' && words[2] === 'msg') return { label, kind: 'syslog', priority: words[1] ?? '', msg: words[3] ?? '' };
      return undefined;
    case 'cli':
      return words.length === 2 && words[0] === 'command' ? { label, kind: 'cli', command: words[1] ?? '' } : undefined;
    case 'set':
      return words.length === 2 ? { label, kind: 'set', varname: words[0] ?? '', value: words[1] ?? '' } : undefined;
    case 'puts':
      return words.length === 1 && words[0] !== 'nonewline' ? { label, kind: 'puts', text: words[0] ?? '' } : undefined;
    default:
      return undefined;
  }
}
