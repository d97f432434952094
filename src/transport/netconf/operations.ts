/**
 * The RFC 6241 operations, one small definition each (as ncclient has one class per RPC): its name, the
 * capabilities it needs for the given arguments, and the XML it sends. Pure: the session sends them.
 */
import { NETCONF_BASE_NS, XmlSyntaxError, childElements, element, parseXml, rawXml } from './xml.js';
import type { RawXml, XmlElement } from './xml.js';

export type Datastore = 'running' | 'candidate' | 'startup';
export type DefaultOperation = 'merge' | 'replace' | 'none';
export type TestOption = 'test-then-set' | 'set' | 'test-only';
export type ErrorOption = 'stop-on-error' | 'continue-on-error' | 'rollback-on-error';
/** Values of the `nc:operation` attribute inside edit-config's `<config>`. */
export const EDIT_OPERATIONS = ['merge', 'replace', 'create', 'delete', 'remove'] as const;
export type EditOperation = (typeof EDIT_OPERATIONS)[number];

/** A request the caller cannot send as given; the session turns it into NetconfRequestError. */
export class RequestError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'RequestError';
  }
}

export interface Operation<A> {
  readonly name: string;
  /** Short capability names (`:candidate`) the device must announce for these arguments. */
  requires(args: A): readonly string[];
  /** The operation element that goes inside `<rpc>`. Throws RequestError on bad input. */
  build(args: A): string;
}

const DATASTORE_CAPABILITY: Readonly<Record<Datastore, string | undefined>> = { running: undefined, candidate: ':candidate', startup: ':startup' };

function datastoreNeeds(store: Datastore): string[] {
  const cap = DATASTORE_CAPABILITY[store];
  return cap ? [cap] : [];
}

function datastore(wrapper: 'source' | 'target', store: Datastore): RawXml {
  if (!(store in DATASTORE_CAPABILITY)) throw new RequestError(`unknown datastore ${JSON.stringify(store)} (running, candidate or startup)`);
  return element(wrapper, element(store));
}

/** Parses caller XML inside a wrapper that declares `nc`, so `nc:operation` works without a declaration of its own. */
function parseFragment(what: string, xml: string): XmlElement {
  try {
    return parseXml(`<wrapper xmlns="${NETCONF_BASE_NS}" xmlns:nc="${NETCONF_BASE_NS}">${xml}</wrapper>`);
  } catch (err) {
    if (err instanceof XmlSyntaxError) throw new RequestError(`the ${what} is not well-formed XML: ${err.reason}`);
    throw err;
  }
}

function checkEditOperations(el: XmlElement): void {
  for (const attr of el.attributes) {
    if (attr.name === 'operation' && attr.namespace === NETCONF_BASE_NS && !(EDIT_OPERATIONS as readonly string[]).includes(attr.value)) {
      throw new RequestError(`nc:operation="${attr.value}" on <${el.name}> is not one of ${EDIT_OPERATIONS.join(', ')}`);
    }
  }
  for (const child of childElements(el)) checkEditOperations(child);
}

/** `nc:operation="..."` for a config element; `nc` is declared on the `<config>` edit-config sends. */
export function editOperationAttribute(operation: EditOperation): Record<string, string> {
  return { 'nc:operation': operation };
}

function subtreeFilter(filter: string | undefined): RawXml[] {
  if (filter === undefined) return [];
  const parsed = parseFragment('subtree filter', filter);
  if (childElements(parsed).length === 0 && filter.trim() !== '') throw new RequestError('the subtree filter holds text but no element');
  return [element('filter', rawXml(filter), { type: 'subtree' })];
}

export interface GetArgs {
  /** Subtree filter content (the elements inside `<filter type="subtree">`). */
  readonly filter?: string;
}

export const get: Operation<GetArgs> = {
  name: 'get',
  requires: () => [],
  build: (args) => element('get', subtreeFilter(args.filter)).raw,
};

export interface GetConfigArgs extends GetArgs {
  readonly source: Datastore;
}

export const getConfig: Operation<GetConfigArgs> = {
  name: 'get-config',
  requires: (args) => datastoreNeeds(args.source),
  build: (args) => element('get-config', [datastore('source', args.source), ...subtreeFilter(args.filter)]).raw,
};

export interface EditConfigArgs {
  readonly target: Datastore;
  /** The content of `<config>`: top-level data elements with their namespaces, `nc:operation` attributes allowed. */
  readonly config: string;
  readonly defaultOperation?: DefaultOperation;
  readonly testOption?: TestOption;
  readonly errorOption?: ErrorOption;
}

export const editConfig: Operation<EditConfigArgs> = {
  name: 'edit-config',
  requires: (args) => [
    ...(args.target === 'running' ? [':writable-running'] : datastoreNeeds(args.target)),
    // `test-only` came with :validate:1.1 (RFC 6241 8.6.4); ncclient checks the same before sending.
    ...(args.testOption === 'test-only' ? [':validate:1.1'] : args.testOption !== undefined ? [':validate'] : []),
    ...(args.errorOption === 'rollback-on-error' ? [':rollback-on-error'] : []),
  ],
  build: (args) => {
    const parsed = parseFragment('config', args.config);
    if (childElements(parsed).length === 0) throw new RequestError('the config holds no element');
    checkEditOperations(parsed);
    const options: RawXml[] = [];
    if (args.defaultOperation !== undefined) options.push(element('default-operation', args.defaultOperation));
    if (args.testOption !== undefined) options.push(element('test-option', args.testOption));
    if (args.errorOption !== undefined) options.push(element('error-option', args.errorOption));
    const config = element('config', rawXml(args.config), { 'xmlns:nc': NETCONF_BASE_NS });
    return element('edit-config', [datastore('target', args.target), ...options, config]).raw;
  },
};

export interface TargetArgs {
  readonly target: Datastore;
}

export const lock: Operation<TargetArgs> = {
  name: 'lock',
  requires: (args) => datastoreNeeds(args.target),
  build: (args) => element('lock', datastore('target', args.target)).raw,
};

export const unlock: Operation<TargetArgs> = {
  name: 'unlock',
  requires: (args) => datastoreNeeds(args.target),
  build: (args) => element('unlock', datastore('target', args.target)).raw,
};

export interface CommitArgs {
  /** A confirmed commit: reverted unless confirmed by another commit within confirmTimeoutSeconds. */
  readonly confirmed?: boolean;
  /** Seconds; the device default is 600. */
  readonly confirmTimeoutSeconds?: number;
  /** Makes the confirmed commit survive the session; confirm or cancel later with persistId. */
  readonly persist?: string;
  /** Confirms (or is the token of) a persistent confirmed commit made earlier. */
  readonly persistId?: string;
}

export const commit: Operation<CommitArgs> = {
  name: 'commit',
  requires: (args) => {
    const needs = [':candidate'];
    if (args.confirmed || args.confirmTimeoutSeconds !== undefined) needs.push(':confirmed-commit');
    if (args.persist !== undefined || args.persistId !== undefined) needs.push(':confirmed-commit:1.1');
    return needs;
  },
  build: (args) => {
    const timeout = args.confirmTimeoutSeconds;
    if (timeout !== undefined && (!Number.isInteger(timeout) || timeout < 1 || timeout > 4294967295)) {
      throw new RequestError(`confirm-timeout ${timeout} is not a whole number of seconds 1..4294967295`);
    }
    if (timeout !== undefined && !args.confirmed) throw new RequestError('confirm-timeout is only meaningful with confirmed');
    if (args.persist !== undefined && !args.confirmed) throw new RequestError('persist is only meaningful with confirmed');
    const parts: RawXml[] = [];
    if (args.confirmed) parts.push(element('confirmed'));
    if (timeout !== undefined) parts.push(element('confirm-timeout', String(timeout)));
    if (args.persist !== undefined) parts.push(element('persist', args.persist));
    if (args.persistId !== undefined) parts.push(element('persist-id', args.persistId));
    return element('commit', parts).raw;
  },
};

export interface CancelCommitArgs {
  readonly persistId?: string;
}

export const cancelCommit: Operation<CancelCommitArgs> = {
  name: 'cancel-commit',
  requires: () => [':confirmed-commit:1.1'],
  build: (args) => element('cancel-commit', args.persistId === undefined ? [] : [element('persist-id', args.persistId)]).raw,
};

export const discardChanges: Operation<Record<string, never>> = {
  name: 'discard-changes',
  requires: () => [':candidate'],
  build: () => element('discard-changes').raw,
};

export type ValidateArgs = { readonly source: Datastore } | { readonly config: string };

export const validate: Operation<ValidateArgs> = {
  name: 'validate',
  requires: (args) => [':validate', ...('source' in args ? datastoreNeeds(args.source) : [])],
  build: (args) => {
    if ('source' in args) return element('validate', datastore('source', args.source)).raw;
    const parsed = parseFragment('config', args.config);
    if (childElements(parsed).length === 0) throw new RequestError('the config holds no element');
    return element('validate', element('source', element('config', rawXml(args.config), { 'xmlns:nc': NETCONF_BASE_NS }))).raw;
  },
};

export const closeSession: Operation<Record<string, never>> = {
  name: 'close-session',
  requires: () => [],
  build: () => element('close-session').raw,
};

export interface KillSessionArgs {
  readonly sessionId: number;
}

export const killSession: Operation<KillSessionArgs> = {
  name: 'kill-session',
  requires: () => [],
  build: (args) => {
    if (!Number.isInteger(args.sessionId) || args.sessionId < 1 || args.sessionId > 4294967295)
      throw new RequestError(`session-id ${args.sessionId} is not a number 1..4294967295`);
    return element('kill-session', element('session-id', String(args.sessionId))).raw;
  },
};

/**
 * A vendor or other RPC given as its XML element (e.g. IOS XE `<config-ios-cli-rpc xmlns="http://cisco.com/ns/yang/Cisco-IOS-XE-cli-rpc">`),
 * named in errors by the element's local name.
 */
export function customRpc(xml: string): Operation<Record<string, never>> {
  const elements = childElements(parseFragment('RPC', xml));
  const only = elements[0];
  if (elements.length !== 1 || only === undefined) throw new RequestError(`an RPC is one element; found ${elements.length}`);
  return { name: only.name, requires: () => [], build: () => xml };
}
