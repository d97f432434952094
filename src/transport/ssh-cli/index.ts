/** SSH CLI access to IOS XE devices, layered as scrapli: transport (ssh2) → channel (reads until patterns) → session. */
export { IosXeSession, stripEchoAndPrompt } from './session.js';
export type { IosXeSessionOptions, SendOptions, ConfigOptions, ConfigResult, DialogResult } from './session.js';
export type { CliPlatform, DeviceErrorMatch, DialogStep, PrivilegeLevel, PromptInfo, PromptPatterns, SessionQuestions } from './platform.js';
export { Channel } from './channel.js';
export type { Matcher, ReadOptions, ReadResult } from './channel.js';
export { openSshShell } from './transport.js';
export type { SshShell } from './transport.js';
// The connection layer's names, so callers of the CLI session need one import for what it may throw and take.
export {
  connectSsh,
  judgeHostKey,
  sha256Fingerprint,
  JumpPool,
  AuthenticationError,
  ConnectError,
  ForwardingRefusedError,
  HostKeyMismatchError,
  HostKeyUnknownError,
  KnownHostsError,
  SshConnectError,
} from '../ssh/index.js';
export type { HostKeyPolicy, HostKeyVerdict, JumpHop, JumpRoute, SshConnection, SshCredentials, SshTransportOptions } from '../ssh/index.js';
export { Redactor } from '../../shared/redact.js';
export { BYTE_FAITHFUL, Transcript } from '../transcript.js';
export * from './errors.js';
