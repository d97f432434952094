/**
 * RFC 6241 section 6 subtree filtering over instance trees: containment nodes descend, selection nodes
 * (empty elements) take the whole subtree, content match nodes (leaves with text) keep only the list entries
 * or containers whose leaf has that value. A filter element without a namespace matches by name alone.
 */
import { childElements, textOf, type XmlElement } from '../../../transport/netconf/xml.js';
import type { DataNode } from './tree.js';

function matches(data: DataNode, f: XmlElement): boolean {
  return data.name === f.name && (f.namespace === undefined || f.namespace === data.ns);
}

function isContentMatch(f: XmlElement): boolean {
  return childElements(f).length === 0 && textOf(f).trim() !== '';
}

/** The part of `data` that `f` selects, or undefined when it does not match. */
function filterNode(data: DataNode, f: XmlElement): DataNode | undefined {
  if (!matches(data, f)) return undefined;
  const children = childElements(f);
  if (children.length === 0) {
    const text = textOf(f).trim();
    if (text !== '' && data.value !== text) return undefined;
    return data;
  }
  const contentMatches = children.filter(isContentMatch);
  for (const cm of contentMatches) {
    if (!data.children.some((c) => matches(c, cm) && c.value === textOf(cm).trim())) return undefined;
  }
  const others = children.filter((c) => !isContentMatch(c));
  if (others.length === 0) return data;
  const kept: DataNode[] = [];
  for (const c of data.children) {
    if (contentMatches.some((cm) => matches(c, cm))) {
      kept.push(c);
      continue;
    }
    const parts = others.map((o) => filterNode(c, o)).filter((p): p is DataNode => p !== undefined);
    if (parts.length > 0) kept.push(mergeParts(parts));
  }
  if (kept.length === 0 && contentMatches.length === 0) return undefined;
  return { name: data.name, ns: data.ns, children: kept };
}

/** Several filter siblings may select parts of the same node: their union, in data order. */
function mergeParts(parts: DataNode[]): DataNode {
  if (parts.length === 1) return parts[0] as DataNode;
  const first = parts[0] as DataNode;
  if (first.value !== undefined) return first;
  const seen = new Set<DataNode>();
  const children: DataNode[] = [];
  for (const p of parts) {
    for (const c of p.children) {
      if (!seen.has(c)) {
        seen.add(c);
        children.push(c);
      }
    }
  }
  return { name: first.name, ns: first.ns, children };
}

/** Applies a `<filter type="subtree">` (its children) to the top-level data nodes. */
export function subtreeFilter(roots: readonly DataNode[], filter: XmlElement): DataNode[] {
  const out: DataNode[] = [];
  for (const root of roots) {
    const parts = childElements(filter)
      .map((f) => filterNode(root, f))
      .filter((p): p is DataNode => p !== undefined);
    if (parts.length > 0) out.push(mergeParts(parts));
  }
  return out;
}
