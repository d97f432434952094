/**
 * XML for NETCONF: a namespace-aware element tree parsed with fast-xml-parser (which itself keeps prefixes
 * as written), serialisation of a subtree with the declarations it needs, and escaping for building requests.
 * Strict on what a peer sends: one root element, no DTD, only the five XML entities and character references.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export const NETCONF_BASE_NS = 'urn:ietf:params:xml:ns:netconf:base:1.0';

export interface XmlAttribute {
  /** Local name. */
  readonly name: string;
  readonly prefix: string | undefined;
  /** Unprefixed attributes are in no namespace. */
  readonly namespace: string | undefined;
  readonly value: string;
}

export interface XmlElement {
  /** Local name. */
  readonly name: string;
  readonly prefix: string | undefined;
  readonly namespace: string | undefined;
  readonly attributes: readonly XmlAttribute[];
  /** Elements and text, in document order (whitespace between elements kept). */
  readonly children: readonly XmlNode[];
  /** Every prefix in scope here ('' is the default namespace), so text holding QNames (identityrefs, error-path) stays readable. */
  readonly scope: ReadonlyMap<string, string>;
  /** The xmlns attributes written on this element itself. */
  readonly declarations: ReadonlyMap<string, string>;
}

export type XmlNode = XmlElement | string;

/** Why a text is not acceptable XML, with line and column where known. */
export class XmlSyntaxError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'XmlSyntaxError';
  }
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // Entities are decoded here instead (decodeEntities), so that an unknown one is refused rather than kept.
  processEntities: false,
  cdataPropName: '#cdata',
});

const NAMED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  // XMLValidator has refused a bare '&' already, so every '&' here starts a reference ending in ';'.
  return text.replace(/&([^;]*);/g, (_whole, body: string) => {
    const named = NAMED_ENTITIES[body];
    if (named !== undefined) return named;
    const numeric = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(body);
    if (numeric) {
      const code = numeric[1] !== undefined ? parseInt(numeric[1], 16) : parseInt(numeric[2] ?? '', 10);
      if (code > 0x10ffff || code === 0) throw new XmlSyntaxError(`invalid character reference &${body};`);
      return String.fromCodePoint(code);
    }
    throw new XmlSyntaxError(`unknown entity &${body}; (XML defines only lt, gt, amp, quot, apos)`);
  });
}

type RawNode = Record<string, unknown>;

function splitName(qname: string): { prefix: string | undefined; local: string } {
  const colon = qname.indexOf(':');
  return colon < 0 ? { prefix: undefined, local: qname } : { prefix: qname.slice(0, colon), local: qname.slice(colon + 1) };
}

function textOfRaw(node: RawNode): string | undefined {
  if ('#text' in node) return decodeEntities(String(node['#text']));
  if ('#cdata' in node) {
    const inner = node['#cdata'];
    return Array.isArray(inner) ? inner.map((n: RawNode) => String(n['#text'] ?? '')).join('') : '';
  }
  return undefined;
}

function buildElement(node: RawNode, parentScope: ReadonlyMap<string, string>): XmlElement {
  const tag = Object.keys(node).find((k) => k !== ':@');
  if (tag === undefined) throw new XmlSyntaxError('empty node');
  const rawAttrs = (node[':@'] ?? {}) as Record<string, unknown>;
  const declarations = new Map<string, string>();
  const plain: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(rawAttrs)) {
    const decoded = decodeEntities(String(value));
    if (key === 'xmlns') declarations.set('', decoded);
    else if (key.startsWith('xmlns:')) declarations.set(key.slice(6), decoded);
    else plain.push([key, decoded]);
  }
  const scope = declarations.size === 0 ? parentScope : new Map([...parentScope, ...declarations]);
  const { prefix, local } = splitName(tag);
  const namespace = scope.get(prefix ?? '');
  if (prefix !== undefined && namespace === undefined && prefix !== 'xml') throw new XmlSyntaxError(`undeclared namespace prefix '${prefix}' on <${tag}>`);
  const attributes = plain.map(([key, value]): XmlAttribute => {
    const name = splitName(key);
    const ns = name.prefix === undefined ? undefined : name.prefix === 'xml' ? 'http://www.w3.org/XML/1998/namespace' : scope.get(name.prefix);
    if (name.prefix !== undefined && ns === undefined) throw new XmlSyntaxError(`undeclared namespace prefix '${name.prefix}' on attribute ${key} of <${tag}>`);
    return { name: name.local, prefix: name.prefix, namespace: ns, value };
  });
  const children: XmlNode[] = [];
  const rawChildren = node[tag];
  if (Array.isArray(rawChildren)) {
    for (const child of rawChildren as RawNode[]) {
      const text = textOfRaw(child);
      if (text !== undefined) children.push(text);
      else children.push(buildElement(child, scope));
    }
  }
  return { name: local, prefix, namespace, attributes, children, scope, declarations };
}

/** Parses one XML document into its root element; a syntax problem, a DTD or several roots throw XmlSyntaxError. */
export function parseXml(text: string): XmlElement {
  if (/<!DOCTYPE/i.test(text)) throw new XmlSyntaxError('a DTD (<!DOCTYPE>) is not allowed in a NETCONF message');
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new XmlSyntaxError(`${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`);
  // XMLValidator lets text after a self-closed root (`<a/>tail`) through.
  if (!/>\s*$/.test(text)) throw new XmlSyntaxError(`text after the root element: ${JSON.stringify(text.slice(-40))}`);
  const top = parser.parse(text) as RawNode[];
  const roots = top.filter((n) => textOfRaw(n) === undefined);
  const strayText = top.map(textOfRaw).filter((t): t is string => t !== undefined && t.trim() !== '');
  if (strayText.length > 0) throw new XmlSyntaxError(`text outside the root element: ${JSON.stringify(strayText[0]?.slice(0, 40))}`);
  const root = roots[0];
  if (roots.length !== 1 || root === undefined) throw new XmlSyntaxError(`expected exactly one root element, found ${roots.length}`);
  return buildElement(root, new Map());
}

/** Child elements, optionally only those with this local name (and namespace). */
export function childElements(el: XmlElement, name?: string, namespace?: string): XmlElement[] {
  return el.children.filter(
    (c): c is XmlElement => typeof c !== 'string' && (name === undefined || c.name === name) && (namespace === undefined || c.namespace === namespace),
  );
}

export function firstChild(el: XmlElement, name: string, namespace?: string): XmlElement | undefined {
  return childElements(el, name, namespace)[0];
}

/** All text inside the element, nested elements included, as written (not trimmed). */
export function textOf(el: XmlElement): string {
  return el.children.map((c) => (typeof c === 'string' ? c : textOf(c))).join('');
}

export function attributeOf(el: XmlElement, name: string, namespace?: string): string | undefined {
  return el.attributes.find((a) => a.name === name && a.namespace === namespace)?.value;
}

export function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escapeAttribute(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;').replace(/\r/g, '&#13;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}

function qname(prefix: string | undefined, local: string): string {
  return prefix === undefined ? local : `${prefix}:${local}`;
}

function serializeElement(el: XmlElement, declare: ReadonlyMap<string, string>): string {
  const decls = [...declare].map(([p, uri]) => ` ${p === '' ? 'xmlns' : `xmlns:${p}`}="${escapeAttribute(uri)}"`).join('');
  const attrs = el.attributes.map((a) => ` ${qname(a.prefix, a.name)}="${escapeAttribute(a.value)}"`).join('');
  const name = qname(el.prefix, el.name);
  if (el.children.length === 0) return `<${name}${decls}${attrs}/>`;
  const inner = el.children.map((c) => (typeof c === 'string' ? escapeText(c) : serializeElement(c, c.declarations))).join('');
  return `<${name}${decls}${attrs}>${inner}</${name}>`;
}

/** The element as XML text that stands alone: every namespace in scope is declared on it. */
export function serializeXml(el: XmlElement): string {
  return serializeElement(el, el.scope);
}

/** The element's content (child elements and text) as standalone XML, e.g. what a `<data>` holds. */
export function innerXml(el: XmlElement): string {
  return el.children.map((c) => (typeof c === 'string' ? escapeText(c) : serializeXml(c))).join('');
}

/** XML text that goes into a request unescaped (already-built XML, a caller's subtree filter or config). */
export interface RawXml {
  readonly raw: string;
}

export function rawXml(raw: string): RawXml {
  return { raw };
}

export type XmlContent = string | RawXml | readonly (string | RawXml)[];

/** `<name attrs>content</name>`; string content and attribute values are escaped, RawXml content is not. Undefined attributes are left out. */
export function element(name: string, content: XmlContent = [], attributes: Readonly<Record<string, string | undefined>> = {}): RawXml {
  const parts = typeof content === 'string' || !Array.isArray(content) ? [content as string | RawXml] : (content as readonly (string | RawXml)[]);
  const attrs = Object.entries(attributes)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => ` ${k}="${escapeAttribute(v)}"`)
    .join('');
  const inner = parts.map((p) => (typeof p === 'string' ? escapeText(p) : p.raw)).join('');
  return rawXml(inner === '' ? `<${name}${attrs}/>` : `<${name}${attrs}>${inner}</${name}>`);
}
