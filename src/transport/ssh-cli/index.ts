/** SSH CLI access to IOS XE devices, layered as scrapli: transport (ssh2) → channel (reads until patterns) → session. */
export { IosXeSession, stripEchoAndPrompt } from './session.js';
export type { IosXeSessionOptions, SendOptions, ConfigOptions, ConfigResult, DialogResult } from './session.js';
export { Channel } from './channel.js';
export type { Matcher, ReadOptions, ReadResult } from './channel.js';
export { connectSsh, openSshShell } from './transport.js';
export type { SshConnection, SshCredentials, SshTransportOptions, SshShell } from './transport.js';
export { judgeHostKey, knownFingerprints, knownHostsLine, sha256Fingerprint } from './host-keys.js';
export type { HostKeyPolicy, HostKeyVerdict } from './host-keys.js';
export { Redactor } from './redactor.js';
export { BYTE_FAITHFUL, Transcript } from './transcript.js';
export * from './errors.js';
