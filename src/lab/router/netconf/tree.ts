/**
 * Instance data as NETCONF shows it: a tree of elements, each in its YANG module's namespace, leaves holding
 * their text. Pure: building, copying, and writing as XML (a namespace declared where it changes).
 */
import { escapeText } from '../../../transport/netconf/xml.js';

export interface DataNode {
  readonly name: string;
  readonly ns: string;
  /** Leaf text ('' for an `empty` leaf); undefined for containers and list entries. */
  value?: string;
  children: DataNode[];
}

export function node(name: string, ns: string, children: DataNode[] = []): DataNode {
  return { name, ns, children };
}

export function leafNode(name: string, ns: string, value: string): DataNode {
  return { name, ns, value, children: [] };
}

export function cloneTree(n: DataNode): DataNode {
  return { name: n.name, ns: n.ns, ...(n.value !== undefined ? { value: n.value } : {}), children: n.children.map(cloneTree) };
}

export function child(n: DataNode, name: string): DataNode | undefined {
  return n.children.find((c) => c.name === name);
}

export function childValue(n: DataNode | undefined, name: string): string | undefined {
  return n === undefined ? undefined : child(n, name)?.value;
}

export function toXml(n: DataNode, parentNs?: string): string {
  const decl = n.ns === parentNs ? '' : ` xmlns="${n.ns}"`;
  if (n.value !== undefined) return n.value === '' ? `<${n.name}${decl}/>` : `<${n.name}${decl}>${escapeText(n.value)}</${n.name}>`;
  if (n.children.length === 0) return `<${n.name}${decl}/>`;
  return `<${n.name}${decl}>${n.children.map((c) => toXml(c, n.ns)).join('')}</${n.name}>`;
}

/** Structural equality (order included), to tell whether an edit changed anything. */
export function sameTree(a: DataNode, b: DataNode): boolean {
  return (
    a.name === b.name &&
    a.ns === b.ns &&
    a.value === b.value &&
    a.children.length === b.children.length &&
    a.children.every((c, i) => sameTree(c, b.children[i] as DataNode))
  );
}
