/** The lab mail server and the provider-like certificate chains it serves. */
export { createChain, type ChainOptions, type GeneratedChain, type KeyKind } from './chain-factory.js';
export { LabMailServer, parseMessage, type LabMailServerOptions, type LabMailUser, type ServedChain, type StoredMessage } from './mail-server.js';
