/** IOS XE over NETCONF, pure: YANG payloads for what the models hold, get-config readers, the CLI RPC. */
export * from './namespaces.js';
export * from './config.js';
export * from './parse.js';
export * from './cli-rpc.js';
export * from './pki-oper.js';
