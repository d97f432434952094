/** SSH connections to devices, directly or through jump hosts: what the CLI and NETCONF transports stand on. */
export { connectSsh, handshake } from './connect.js';
export type { SshConnection, SshCredentials, SshEndpoint, SshTransportOptions, TrustedHostKey } from './connect.js';
export { offeredAlgorithms, weakAlgorithmWarning } from './algorithms.js';
export type { Negotiated, SshAlgorithms } from './algorithms.js';
export { DEFAULT_JUMP_CONCURRENCY, JumpPool } from './jump-pool.js';
export type { JumpHop, JumpPoolOptions, JumpRoute, Tunnel } from './jump-pool.js';
export { judgeHostKey, knownFingerprints, knownHostsLine, sha256Fingerprint } from './host-keys.js';
export type { HostKeyPolicy, HostKeyVerdict } from './host-keys.js';
export * from './errors.js';
