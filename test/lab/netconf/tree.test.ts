/** The pure parts of the lab's NETCONF server: subtree filters and edit-config operations on instance trees. */
import { describe, expect, test } from '@jest/globals';
import { parseXml } from '../../../src/transport/netconf/xml.js';
import { editChildren } from '../../../src/lab/router/netconf/edit.js';
import { subtreeFilter } from '../../../src/lab/router/netconf/filter.js';
import { RpcError } from '../../../src/lab/router/netconf/rpc-error.js';
import { CRYPTO_NS, NATIVE, NATIVE_NS } from '../../../src/lab/router/netconf/schema.js';
import { leafNode, node, toXml, type DataNode } from '../../../src/lab/router/netconf/tree.js';

const BASE = 'urn:ietf:params:xml:ns:netconf:base:1.0';
const ROOT = { kind: 'container', name: 'config', ns: BASE, children: [NATIVE] } as const;

function tp(id: string, hash?: string): DataNode {
  const t = node('trustpoint', CRYPTO_NS, [leafNode('id', CRYPTO_NS, id)]);
  if (hash) t.children.push(leafNode('hash', CRYPTO_NS, hash));
  return t;
}

function native(): DataNode {
  return node('native', NATIVE_NS, [leafNode('hostname', NATIVE_NS, 'R1'), node('crypto', NATIVE_NS, [node('pki', CRYPTO_NS, [tp('A', 'sha256'), tp('B')])])]);
}

function edit(tree: DataNode, config: string, op: 'merge' | 'replace' | 'none' = 'merge'): DataNode {
  const root = node('config', BASE, [tree]);
  editChildren(root, ROOT, parseXml(`<config xmlns="${BASE}" xmlns:nc="${BASE}">${config}</config>`), op, '');
  return root.children[0] as DataNode;
}

const PKI = (inner: string): string => `<native xmlns="${NATIVE_NS}"><crypto><pki xmlns="${CRYPTO_NS}">${inner}</pki></crypto></native>`;

describe('subtree filter', () => {
  test('a key content match keeps one list entry; a selection node keeps a whole leaf', () => {
    const filter = parseXml(`<filter xmlns="${BASE}">${PKI('<trustpoint><id>A</id></trustpoint>')}</filter>`);
    const [out] = subtreeFilter([native()], filter);
    expect(toXml(out as DataNode)).toBe(
      `<native xmlns="${NATIVE_NS}"><crypto><pki xmlns="${CRYPTO_NS}"><trustpoint><id>A</id><hash>sha256</hash></trustpoint></pki></crypto></native>`,
    );
    const hostOnly = subtreeFilter([native()], parseXml(`<filter xmlns="${BASE}"><native xmlns="${NATIVE_NS}"><hostname/></native></filter>`));
    expect(toXml(hostOnly[0] as DataNode)).toBe(`<native xmlns="${NATIVE_NS}"><hostname>R1</hostname></native>`);
    expect(subtreeFilter([native()], parseXml(`<filter xmlns="${BASE}">${PKI('<trustpoint><id>Z</id></trustpoint>')}</filter>`))).toEqual([]);
  });
});

describe('edit-config', () => {
  test('merge changes one leaf and keeps the rest; replace on an entry drops its other leaves', () => {
    const merged = edit(native(), PKI('<trustpoint><id>A</id><hash>sha512</hash></trustpoint>'));
    expect(toXml(merged)).toContain('<trustpoint><id>A</id><hash>sha512</hash></trustpoint><trustpoint><id>B</id></trustpoint>');
    const replaced = edit(native(), PKI('<trustpoint nc:operation="replace"><id>A</id></trustpoint>'));
    expect(toXml(replaced)).toContain('<trustpoint><id>A</id></trustpoint><trustpoint><id>B</id></trustpoint>');
  });

  test('default-operation none creates nothing by itself; a delete inside it removes the leaf', () => {
    expect(toXml(edit(native(), PKI('<trustpoint><id>C</id></trustpoint>'), 'none'))).not.toContain('<id>C</id>');
    expect(toXml(edit(native(), PKI('<trustpoint><id>A</id><hash nc:operation="delete"/></trustpoint>'), 'none'))).toContain(
      '<trustpoint><id>A</id></trustpoint>',
    );
  });

  test('a list entry without its key is missing-element; a bad operation attribute is bad-attribute', () => {
    const failure = (config: string): string => {
      try {
        edit(native(), config);
      } catch (error) {
        if (error instanceof RpcError) return error.init.tag;
        throw error;
      }
      return 'no error';
    };
    expect(failure(PKI('<trustpoint><hash>sha1</hash></trustpoint>'))).toBe('missing-element');
    expect(failure(PKI('<trustpoint nc:operation="upsert"><id>A</id></trustpoint>'))).toBe('bad-attribute');
  });
});
