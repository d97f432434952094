/**
 * edit-config payloads for the parts of certagent's configuration IOS XE models in YANG (dossier 5.1, 5.5):
 * `/native/ip/host/host-list`, `/native/crypto/pki/trustpoint` (Cisco-IOS-XE-crypto on `<pki>`), and
 * `/native/event/manager` environment and applets (Cisco-IOS-XE-eem). Pure: fragments are built per list entry
 * and wrapped into one `<native>` per edit-config. Deletions use `remove` (RFC 6241: no error when already gone),
 * so that undoing a change can be sent again after a lost session without failing on what the device undid itself.
 */
import { element, rawXml, serializeXml, childElements } from '../../transport/netconf/xml.js';
import type { RawXml, XmlElement } from '../../transport/netconf/xml.js';
import { CRYPTO_NS, EEM_NS, NATIVE_NS } from './namespaces.js';

export type EntryOperation = 'merge' | 'replace' | 'create' | 'remove';

/** Where a fragment goes inside `/native`. */
export type Branch = 'ip-host' | 'pki' | 'eem';

export interface ConfigFragment {
  readonly branch: Branch;
  readonly xml: string;
}

function op(operation: EntryOperation | undefined): Record<string, string | undefined> {
  return { 'nc:operation': operation };
}

/** `ip host NAME ADDRESS`: `/native/ip/host/host-list[name]/ip-list-ordered` (the entry replaced, so old addresses go). */
export function ipHostFragment(name: string, address: string): ConfigFragment {
  return { branch: 'ip-host', xml: element('host-list', [element('name', name), element('ip-list-ordered', address)], op('replace')).raw };
}

export function removeIpHostFragment(name: string): ConfigFragment {
  return { branch: 'ip-host', xml: element('host-list', element('name', name), op('remove')).raw };
}

export type RevocationMethod = 'crl' | 'none' | 'ocsp';

/** The trustpoint options certagent manages; every other leaf of an existing trustpoint is kept as it is. */
export interface TrustpointOptionsSpec {
  /** Upper-case hex, 32 (MD5) or 40 (SHA1) digits. */
  readonly fingerprint?: string;
  /** The leaf-list, in order (`crl none` is two entries). */
  readonly revocationCheck: readonly RevocationMethod[];
  /** `continue` (validate up to a root) is IOS's default and is expressed by leaving `chain-validation` out. */
  readonly chainValidation: 'stop' | 'continue';
}

const MANAGED_LEAVES = new Set(['enrollment', 'fingerprint', 'revocation-check', 'chain-validation']);

function optionElements(spec: TrustpointOptionsSpec): RawXml[] {
  const out: RawXml[] = [];
  if (spec.chainValidation === 'stop') out.push(element('chain-validation', element('stop')));
  // 17.9 and later: the enrollment-method choice; `enrollment terminal` without `pem`, as the CLI path sends it.
  out.push(element('enrollment', element('enrollment-method', element('terminal'))));
  if (spec.fingerprint !== undefined) {
    if (!/^(?:[0-9A-F]{32}|[0-9A-F]{40})$/.test(spec.fingerprint))
      throw new RangeError(`fingerprint must be 32 or 40 upper-case hex digits, got ${JSON.stringify(spec.fingerprint)}`);
    out.push(element('fingerprint', spec.fingerprint));
  }
  for (const method of spec.revocationCheck) out.push(element('revocation-check', method));
  return out;
}

function trustpointXml(name: string, children: readonly RawXml[], operation: EntryOperation | undefined): string {
  return element('trustpoint', [element('id', name), ...children], op(operation)).raw;
}

/** A new terminal-enrolled trustpoint (`create`: fails with data-exists if someone made it meanwhile). */
export function createTrustpointFragment(name: string, spec: TrustpointOptionsSpec): ConfigFragment {
  return { branch: 'pki', xml: trustpointXml(name, optionElements(spec), 'create') };
}

/**
 * An existing trustpoint with certagent's options set and its other leaves (subject-name, rsakeypair, ...) as
 * read: the entry is replaced, because the revocation-check leaf-list must end up exactly as wanted, in order,
 * which a merge cannot do. `existing` is the `<trustpoint>` element get-config returned.
 */
export function updateTrustpointFragment(existing: XmlElement, spec: TrustpointOptionsSpec): ConfigFragment {
  const name = idOf(existing);
  const kept = childElements(existing)
    .filter((c) => c.name !== 'id' && !MANAGED_LEAVES.has(c.name))
    .map((c) => rawXml(serializeXml(c)));
  return { branch: 'pki', xml: trustpointXml(name, [...optionElements(spec), ...kept], 'replace') };
}

/** A trustpoint put back exactly as get-config returned it. */
export function restoreTrustpointFragment(existing: XmlElement): ConfigFragment {
  const children = childElements(existing)
    .filter((c) => c.name !== 'id')
    .map((c) => rawXml(serializeXml(c)));
  return { branch: 'pki', xml: trustpointXml(idOf(existing), children, 'replace') };
}

/** Deleting a trustpoint deletes its certificates too, as `no crypto pki trustpoint` does, without its question. */
export function removeTrustpointFragment(name: string): ConfigFragment {
  return { branch: 'pki', xml: trustpointXml(name, [], 'remove') };
}

function idOf(trustpoint: XmlElement): string {
  const id = childElements(trustpoint, 'id')[0];
  const text =
    id === undefined
      ? ''
      : id.children
          .filter((c): c is string => typeof c === 'string')
          .join('')
          .trim();
  if (text === '') throw new RangeError('a <trustpoint> without <id>');
  return text;
}

/** `event manager environment NAME VALUE`; the value is revealed only by the caller, at sending time. */
export function environmentFragment(name: string, value: string): ConfigFragment {
  return { branch: 'eem', xml: element('environment', [element('name', name), element('value', value)], op('replace')).raw };
}

export function removeEnvironmentFragment(name: string): ConfigFragment {
  return { branch: 'eem', xml: element('environment', element('name', name), op('remove')).raw };
}

/** Applet actions Cisco-IOS-XE-eem models (17.15: `action-config/action[name]` with a choice). */
export type ModelledAction =
  | { readonly label: string; readonly kind: 'syslog'; readonly msg: string; readonly priority?: string }
  | { readonly label: string; readonly kind: 'cli'; readonly command: string }
  | { readonly label: string; readonly kind: 'set'; readonly varname: string; readonly value: string }
  | { readonly label: string; readonly kind: 'puts'; readonly text: string };

export interface ModelledApplet {
  readonly name: string;
  readonly description?: string;
  /** `event none` (the `none-choice` presence container; the older `event/none` is obsolete). */
  readonly eventNone: boolean;
  readonly actions: readonly ModelledAction[];
}

function actionXml(action: ModelledAction): RawXml {
  const name = element('name', action.label);
  switch (action.kind) {
    case 'syslog':
      return element('action', [
        name,
        element('syslog-option', [element('msg', action.msg), ...(action.priority !== undefined ? [element('priority', action.priority)] : [])]),
      ]);
    case 'cli':
      return element('action', [name, element('cli-choice', element('command', action.command))]);
    case 'set':
      return element('action', [name, element('set', [element('varname', action.varname), element('value', action.value)])]);
    case 'puts':
      return element('action', [name, element('puts', action.text)]);
  }
}

/** The applet's modelled part, created afresh (its old version, if any, is removed in an earlier commit). */
export function appletFragment(applet: ModelledApplet, operation: EntryOperation = 'create'): ConfigFragment {
  const parts: RawXml[] = [element('name', applet.name)];
  if (applet.description !== undefined) parts.push(element('description', applet.description));
  if (applet.eventNone) parts.push(element('event', element('none-choice')));
  if (applet.actions.length > 0) parts.push(element('action-config', applet.actions.map(actionXml)));
  return { branch: 'eem', xml: element('applet', parts, op(operation)).raw };
}

/** An applet's modelled part put back as get-config returned it. */
export function restoreAppletFragment(existing: XmlElement): ConfigFragment {
  const children = childElements(existing).map((c) => rawXml(serializeXml(c)));
  return { branch: 'eem', xml: element('applet', children, op('replace')).raw };
}

/** Removing an applet removes all of it on the device, the actions the model cannot show (mail) included. */
export function removeAppletFragment(name: string): ConfigFragment {
  return { branch: 'eem', xml: element('applet', element('name', name), op('remove')).raw };
}

/** The fragments as one `/native` tree for edit-config's `<config>` (`nc` is declared there by the client). */
export function nativeConfig(fragments: readonly ConfigFragment[]): string {
  const of = (branch: Branch) => fragments.filter((f) => f.branch === branch).map((f) => rawXml(f.xml));
  const parts: RawXml[] = [];
  const hosts = of('ip-host');
  if (hosts.length > 0) parts.push(element('ip', element('host', hosts)));
  const pki = of('pki');
  if (pki.length > 0) parts.push(element('crypto', element('pki', pki, { xmlns: CRYPTO_NS })));
  const eem = of('eem');
  if (eem.length > 0) parts.push(element('event', element('manager', eem, { xmlns: EEM_NS })));
  if (parts.length === 0) throw new RangeError('no configuration to send');
  return element('native', parts, { xmlns: NATIVE_NS }).raw;
}

/**
 * The subtree filter of the facts read: in one get-config, the `ip host` entries, every trustpoint and the EEM
 * environment and applets, and nothing else of the (large) running configuration.
 */
export const FACTS_FILTER = element(
  'native',
  [
    element('ip', element('host')),
    element('crypto', element('pki', element('trustpoint'), { xmlns: CRYPTO_NS })),
    element('event', element('manager', [], { xmlns: EEM_NS })),
  ],
  { xmlns: NATIVE_NS },
).raw;
