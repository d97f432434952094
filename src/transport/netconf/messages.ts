/** The protocol messages themselves, without I/O: hello in and out, rpc out, rpc-reply in (RFC 6241). */
import { BASE_1_0, BASE_1_1, Capabilities } from './capabilities.js';
import type { RpcErrorDetail } from './errors.js';
import { NETCONF_BASE_NS, attributeOf, childElements, element, firstChild, innerXml, parseXml, rawXml, serializeXml, textOf } from './xml.js';
import type { XmlElement } from './xml.js';

export interface ServerHello {
  readonly capabilities: Capabilities;
  readonly sessionId: number;
}

/** Why a message cannot be taken as what it should be. */
export class MessageError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'MessageError';
  }
}

export function buildHello(capabilities: readonly string[]): string {
  const caps = capabilities.map((c) => element('capability', c));
  return `<?xml version="1.0" encoding="UTF-8"?>${element('hello', [element('capabilities', caps)], { xmlns: NETCONF_BASE_NS }).raw}`;
}

export function parseServerHello(root: XmlElement): ServerHello {
  if (root.name !== 'hello' || root.namespace !== NETCONF_BASE_NS)
    throw new MessageError(`expected <hello> in ${NETCONF_BASE_NS}, got <${root.name}> in ${root.namespace ?? 'no namespace'}`);
  const caps = firstChild(root, 'capabilities', NETCONF_BASE_NS);
  const uris = caps ? childElements(caps, 'capability', NETCONF_BASE_NS).map((c) => textOf(c).trim()) : [];
  if (uris.length === 0) throw new MessageError('the hello lists no capabilities');
  const idElement = firstChild(root, 'session-id', NETCONF_BASE_NS);
  if (!idElement) throw new MessageError('the server hello has no <session-id>');
  const idText = textOf(idElement).trim();
  const sessionId = /^[1-9][0-9]{0,9}$/.test(idText) ? Number(idText) : NaN;
  if (!Number.isSafeInteger(sessionId) || sessionId > 4294967295) throw new MessageError(`session-id ${JSON.stringify(idText)} is not a number 1..4294967295`);
  return { capabilities: new Capabilities(uris), sessionId };
}

/** base:1.1 (chunked framing) when both sides announce it, else base:1.0; none in common is an error. */
export function negotiateBase(client: readonly string[], server: Capabilities): '1.0' | '1.1' {
  if (client.includes(BASE_1_1) && server.has(BASE_1_1)) return '1.1';
  if (client.includes(BASE_1_0) && server.has(BASE_1_0)) return '1.0';
  throw new MessageError(
    `no common base protocol: the client offers ${client.join(', ')}; the server offers ${server.all.filter((c) => c.startsWith('urn:ietf:params:netconf:base:')).join(', ') || 'none'}`,
  );
}

export function buildRpc(messageId: string, operationXml: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>${element('rpc', rawXml(operationXml), { 'message-id': messageId, xmlns: NETCONF_BASE_NS }).raw}`;
}

export interface RpcReply {
  readonly messageId: string;
  /** The `<rpc-reply>` element. */
  readonly root: XmlElement;
  /** `<ok/>` was present. */
  readonly ok: boolean;
  /** `<data>`, for get and get-config. */
  readonly data: XmlElement | undefined;
  /** rpc-errors of severity warning (a reply with an error raises NetconfRpcError instead). */
  readonly warnings: readonly RpcErrorDetail[];
}

function leaf(el: XmlElement, name: string): string | undefined {
  const found = firstChild(el, name, NETCONF_BASE_NS);
  return found ? textOf(found).trim() : undefined;
}

export function parseRpcError(el: XmlElement): RpcErrorDetail {
  const infoElement = firstChild(el, 'error-info', NETCONF_BASE_NS);
  const info: Record<string, string> = {};
  for (const child of infoElement ? childElements(infoElement) : []) info[child.name] = textOf(child).trim();
  const severity = leaf(el, 'error-severity');
  return {
    type: leaf(el, 'error-type') ?? '',
    tag: leaf(el, 'error-tag') ?? '',
    // RFC 6241 allows only these two; anything else is treated as the graver.
    severity: severity === 'warning' ? 'warning' : 'error',
    appTag: leaf(el, 'error-app-tag'),
    path: leaf(el, 'error-path'),
    message: leaf(el, 'error-message'),
    info,
    infoXml: infoElement ? serializeXml(infoElement) : undefined,
  };
}

export type IncomingMessage =
  | { readonly kind: 'rpc-reply'; readonly messageId: string | undefined; readonly root: XmlElement; readonly errors: readonly RpcErrorDetail[] }
  | { readonly kind: 'notification'; readonly root: XmlElement }
  | { readonly kind: 'hello'; readonly root: XmlElement };

/** Sorts a message received after the hello. Throws XmlSyntaxError or MessageError. */
export function classifyMessage(text: string): IncomingMessage {
  const root = parseXml(text.trimStart());
  if (root.name === 'rpc-reply' && root.namespace === NETCONF_BASE_NS) {
    const errors = childElements(root, 'rpc-error', NETCONF_BASE_NS).map(parseRpcError);
    return { kind: 'rpc-reply', messageId: attributeOf(root, 'message-id'), root, errors };
  }
  if (root.name === 'notification') return { kind: 'notification', root };
  if (root.name === 'hello' && root.namespace === NETCONF_BASE_NS) return { kind: 'hello', root };
  throw new MessageError(`expected <rpc-reply> in ${NETCONF_BASE_NS}, got <${root.name}> in ${root.namespace ?? 'no namespace'}`);
}

export function toRpcReply(messageId: string, root: XmlElement, errors: readonly RpcErrorDetail[]): RpcReply {
  return {
    messageId,
    root,
    ok: firstChild(root, 'ok', NETCONF_BASE_NS) !== undefined,
    data: firstChild(root, 'data', NETCONF_BASE_NS),
    warnings: errors.filter((e) => e.severity === 'warning'),
  };
}

/** The content of `<data>` as standalone XML ('' when empty or absent). */
export function dataXml(reply: RpcReply): string {
  return reply.data ? innerXml(reply.data).trim() : '';
}
