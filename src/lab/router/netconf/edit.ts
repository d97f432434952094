/**
 * RFC 6241 edit-config on an instance tree: merge, replace, create, delete, remove and the `none` default,
 * checked against the lab's schema (unknown elements, bad enum values, missing list keys). Pure: it edits the
 * tree it is given and throws RpcError; the caller hands it a copy, so every edit is all or nothing, as on
 * IOS XE where NETCONF edits are transactions (rollback-on-error).
 */
import { NETCONF_BASE_NS, attributeOf, childElements, textOf, type XmlElement } from '../../../transport/netconf/xml.js';
import { RpcError, invalidValue, unknownElement } from './rpc-error.js';
import { childSchema, type LeafType, type SchemaNode } from './schema.js';
import { leafNode, node, type DataNode } from './tree.js';

export type EditOperation = 'merge' | 'replace' | 'create' | 'delete' | 'remove' | 'none';

const OPERATIONS: readonly EditOperation[] = ['merge', 'replace', 'create', 'delete', 'remove'];

function operationOf(el: XmlElement, inherited: EditOperation, path: string): EditOperation {
  const op = attributeOf(el, 'operation', NETCONF_BASE_NS);
  if (op === undefined) return inherited;
  if (!(OPERATIONS as readonly string[]).includes(op)) {
    throw new RpcError({
      type: 'protocol',
      tag: 'bad-attribute',
      path,
      message: `bad operation "${op}"`,
      info: { 'bad-attribute': 'operation', 'bad-element': el.name },
    });
  }
  return op as EditOperation;
}

function checkValue(type: LeafType, raw: string, path: string): string {
  const value = raw.trim();
  if (type.kind === 'empty' && value !== '') throw invalidValue(`"${value}" is not valid for an empty leaf`, path);
  if (type.kind === 'enum' && !type.values.includes(value)) throw invalidValue(`"${value}" is not a valid value (one of ${type.values.join(', ')})`, path);
  if (type.kind === 'pattern' && !type.pattern.test(value)) throw invalidValue(`"${value}" does not match the pattern ${String(type.pattern)}`, path);
  if (type.kind === 'decimal3') {
    if (!/^\d+(\.\d{1,3})?$/.test(value)) throw invalidValue(`"${value}" is not a valid decimal64 with 3 fraction digits`, path);
    return Number(value).toFixed(3);
  }
  return value;
}

function schemaFor(parent: SchemaNode, el: XmlElement, path: string): SchemaNode {
  const schema = childSchema(parent, el.name, el.namespace);
  if (!schema) throw unknownElement(el.name, path);
  return schema;
}

function keyValues(schema: SchemaNode & { kind: 'list' }, el: XmlElement, path: string): Map<string, string> {
  const keys = new Map<string, string>();
  for (const key of schema.keys) {
    const keyEl = childElements(el).find((c) => c.name === key);
    if (!keyEl) {
      throw new RpcError({ type: 'protocol', tag: 'missing-element', path, message: `missing key "${key}"`, info: { 'bad-element': key } });
    }
    keys.set(key, textOf(keyEl).trim());
  }
  return keys;
}

function listPath(path: string, keys: Map<string, string>): string {
  return `${path}${[...keys].map(([k, v]) => `[${k}='${v}']`).join('')}`;
}

function findEntry(parent: DataNode, schema: SchemaNode, el: XmlElement, path: string): { existing: DataNode | undefined; keys?: Map<string, string> } {
  if (schema.kind === 'list') {
    const keys = keyValues(schema, el, path);
    const existing = parent.children.find((c) => c.name === schema.name && [...keys].every(([k, v]) => c.children.find((g) => g.name === k)?.value === v));
    return { existing, keys };
  }
  if (schema.kind === 'leaf-list') {
    const value = textOf(el).trim();
    return { existing: parent.children.find((c) => c.name === schema.name && c.value === value) };
  }
  return { existing: parent.children.find((c) => c.name === schema.name) };
}

/** Builds a new node from the element, keeping the schema's child order (IOS XE's config order). */
function build(schema: SchemaNode, el: XmlElement, path: string): DataNode {
  if (schema.kind === 'leaf' || schema.kind === 'leaf-list') return leafNode(schema.name, schema.ns, checkValue(schema.type, textOf(el), path));
  const result = node(schema.name, schema.ns);
  for (const c of childElements(el)) {
    const cs = schemaFor(schema, c, `${path}/${c.name}`);
    const op = attributeOf(c, 'operation', NETCONF_BASE_NS);
    if (op === 'delete' || op === 'remove') continue;
    insert(result, schema, build(cs, c, `${path}/${c.name}`), cs);
  }
  return result;
}

/** Inserts in schema order; list entries and leaf-list values after their siblings (creation order). */
function insert(parent: DataNode, parentSchema: SchemaNode, child: DataNode, schema: SchemaNode): void {
  if (schema.kind !== 'list' && schema.kind !== 'leaf-list') {
    const old = parent.children.findIndex((c) => c.name === child.name);
    if (old >= 0) {
      parent.children[old] = child;
      return;
    }
  }
  const order = parentSchema.kind === 'container' || parentSchema.kind === 'list' ? parentSchema.children.map((c) => c.name) : [];
  const rank = order.indexOf(child.name);
  let at = parent.children.length;
  for (let i = 0; i < parent.children.length; i++) {
    if (order.indexOf((parent.children[i] as DataNode).name) > rank) {
      at = i;
      break;
    }
  }
  parent.children.splice(at, 0, child);
}

function removeChild(parent: DataNode, child: DataNode): void {
  parent.children.splice(parent.children.indexOf(child), 1);
}

/** Applies the children of `el` (a config element) under `target`, whose schema is `schema`. */
export function editChildren(target: DataNode, schema: SchemaNode, el: XmlElement, inherited: EditOperation, path: string): void {
  for (const c of childElements(el)) editOne(target, schema, c, inherited, `${path}/${c.name}`);
}

function editOne(parent: DataNode, parentSchema: SchemaNode, el: XmlElement, inherited: EditOperation, basePath: string): void {
  const schema = schemaFor(parentSchema, el, basePath);
  const op = operationOf(el, inherited, basePath);
  const { existing, keys } = findEntry(parent, schema, el, basePath);
  const path = keys ? listPath(basePath, keys) : basePath;
  switch (op) {
    case 'delete':
    case 'remove':
      if (!existing) {
        if (op === 'remove') return;
        throw new RpcError({ type: 'application', tag: 'data-missing', path, message: 'the data does not exist', info: { 'bad-element': el.name } });
      }
      removeChild(parent, existing);
      return;
    case 'create':
      if (existing) throw new RpcError({ type: 'application', tag: 'data-exists', path, message: 'the data already exists', info: { 'bad-element': el.name } });
      insert(parent, parentSchema, build(schema, el, path), schema);
      return;
    case 'replace': {
      const replacement = build(schema, el, path);
      // In place: a replaced trustpoint keeps its position in the running config.
      if (existing) parent.children[parent.children.indexOf(existing)] = replacement;
      else insert(parent, parentSchema, replacement, schema);
      return;
    }
    case 'merge':
    case 'none': {
      if (schema.kind === 'leaf' || schema.kind === 'leaf-list') {
        if (op === 'none') return;
        const value = checkValue(schema.type, textOf(el), path);
        if (existing) existing.value = value;
        else insert(parent, parentSchema, leafNode(schema.name, schema.ns, value), schema);
        return;
      }
      const target = existing ?? node(schema.name, schema.ns);
      if (!existing && keys) for (const [k, v] of keys) target.children.push(leafNode(k, schema.ns, v));
      editChildren(target, schema, el, op, path);
      const keyCount = keys?.size ?? 0;
      const created = op === 'merge' || target.children.length > keyCount;
      if (!existing && created) insert(parent, parentSchema, target, schema);
      return;
    }
  }
}
