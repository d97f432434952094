/**
 * The part of the IOS XE 17.15 YANG models the lab serves over NETCONF, as a small schema tree: enough to
 * validate an edit-config, find list keys, and keep unknown elements out. Names and nesting follow
 * YangModels/yang vendor/cisco/xe/17151 (Cisco-IOS-XE-native, -crypto, -eem) and dossier section 5;
 * where a leaf's shape was not read from the model itself, the comment says where it comes from.
 */

export const NATIVE_NS = 'http://cisco.com/ns/yang/Cisco-IOS-XE-native';
export const CRYPTO_NS = 'http://cisco.com/ns/yang/Cisco-IOS-XE-crypto';
export const EEM_NS = 'http://cisco.com/ns/yang/Cisco-IOS-XE-eem';
export const PKI_OPER_NS = 'http://cisco.com/ns/yang/Cisco-IOS-XE-crypto-pki-oper';
export const CLI_RPC_NS = 'http://cisco.com/ns/yang/Cisco-IOS-XE-cli-rpc';
export const IOS_RPC_NS = 'http://cisco.com/ns/yang/Cisco-IOS-XE-rpc';

export type LeafType =
  | { readonly kind: 'string' }
  | { readonly kind: 'empty' }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  | { readonly kind: 'decimal3' }
  | { readonly kind: 'pattern'; readonly pattern: RegExp };

export type SchemaNode =
  | { readonly kind: 'container'; readonly name: string; readonly ns: string; readonly presence?: boolean; readonly children: readonly SchemaNode[] }
  | { readonly kind: 'list'; readonly name: string; readonly ns: string; readonly keys: readonly string[]; readonly children: readonly SchemaNode[] }
  | { readonly kind: 'leaf'; readonly name: string; readonly ns: string; readonly type: LeafType }
  | { readonly kind: 'leaf-list'; readonly name: string; readonly ns: string; readonly type: LeafType };

const STRING: LeafType = { kind: 'string' };
const EMPTY: LeafType = { kind: 'empty' };

function leaf(name: string, ns: string, type: LeafType = STRING): SchemaNode {
  return { kind: 'leaf', name, ns, type };
}

function container(name: string, ns: string, children: readonly SchemaNode[], presence = false): SchemaNode {
  return { kind: 'container', name, ns, children, presence };
}

const C = CRYPTO_NS;
const E = EEM_NS;
const N = NATIVE_NS;

/**
 * `crypto-pki-trustpoint-grouping` (Cisco-IOS-XE-crypto 17.15, read from the model), the leaves the lab's
 * trustpoints hold, in the model's order (ConfD returns data in schema order).
 */
const TRUSTPOINT: SchemaNode = {
  kind: 'list',
  name: 'trustpoint',
  ns: C,
  keys: ['id'],
  children: [
    leaf('id', C),
    container('chain-validation', C, [leaf('stop', C, EMPTY), leaf('continue', C)]),
    container('enrollment', C, [
      // 17.9 and later: the `enrollment-method` choice; the older direct children are deprecated.
      container('enrollment-method', C, [
        leaf('pkcs12', C, EMPTY),
        leaf('selfsigned', C, EMPTY),
        container('terminal', C, [leaf('pem', C, EMPTY)], true),
        leaf('url', C),
      ]),
    ]),
    leaf('fqdn', C),
    leaf('fingerprint', C, { kind: 'pattern', pattern: /^[0-9a-fA-F]+$/ }),
    leaf('hash', C, { kind: 'enum', values: ['md5', 'sha1', 'sha256', 'sha384', 'sha512'] }),
    { kind: 'leaf-list', name: 'revocation-check', ns: C, type: { kind: 'enum', values: ['crl', 'none', 'ocsp'] } },
    container('source', C, [leaf('interface', C)]),
    container('rsakeypair', C, [leaf('key-label', C), leaf('gen-key', C, { kind: 'pattern', pattern: /^\d+$/ })]),
    container('serial-number', C, [leaf('none', C, EMPTY)], true),
    container('ip-address', C, [leaf('address-line', C), leaf('none', C, EMPTY)]),
    leaf('subject-name', C),
    leaf('usage', C, { kind: 'enum', values: ['ike', 'ssl-client', 'ssl-server'] }),
  ],
};

/** Cisco-IOS-XE-eem `config-eem-grouping` (17.15: actions inside `action-config` with a choice). */
const EVENT_MANAGER: SchemaNode = container('manager', E, [
  { kind: 'list', name: 'environment', ns: E, keys: ['name'], children: [leaf('name', E), leaf('value', E)] },
  {
    kind: 'list',
    name: 'applet',
    ns: E,
    keys: ['name'],
    children: [
      leaf('name', E),
      leaf('authorization', E, { kind: 'enum', values: ['bypass'] }),
      leaf('class', E),
      leaf('description', E),
      container('event', E, [
        container('none-choice', E, [leaf('maxrun-set', E, { kind: 'decimal3' }), leaf('sync', E, { kind: 'enum', values: ['yes', 'no'] })], true),
      ]),
      container('action-config', E, [
        {
          kind: 'list',
          name: 'action',
          ns: E,
          keys: ['name'],
          children: [
            leaf('name', E),
            container('cli-choice', E, [leaf('command', E)]),
            container('syslog-option', E, [leaf('facility', E), leaf('msg', E), leaf('priority', E)]),
            container('set', E, [leaf('varname', E), leaf('value', E)]),
            leaf('puts', E),
          ],
        },
      ]),
    ],
  },
]);

/** `/native` with the branches the lab models. */
export const NATIVE: SchemaNode = container('native', N, [
  leaf('hostname', N),
  // `ip host NAME ADDR`: native/ip/host/host-list[name]/ip-list-ordered (CiscoDevNet/terraform-provider-iosxe
  // gen/definitions/ip_host.yaml, generated from the model).
  container('ip', N, [
    container('host', N, [
      {
        kind: 'list',
        name: 'host-list',
        ns: N,
        keys: ['name'],
        children: [leaf('name', N), { kind: 'leaf-list', name: 'ip-list-ordered', ns: N, type: STRING }],
      },
    ]),
  ]),
  container('crypto', N, [container('pki', C, [TRUSTPOINT])]),
  container('event', N, [EVENT_MANAGER]),
]);

export function childSchema(parent: SchemaNode, name: string, ns: string | undefined): SchemaNode | undefined {
  if (parent.kind !== 'container' && parent.kind !== 'list') return undefined;
  return parent.children.find((c) => c.name === name && (ns === undefined || c.ns === ns));
}
