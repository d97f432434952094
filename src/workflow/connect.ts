/** From an inventory device and its resolved credentials to an open IOS XE session, and which failures to retry. */
import { readFile } from 'node:fs/promises';
import type { Device, Platform, ResolvedCredentials } from '../config/index.js';
import { IOS_XE_CLI } from '../device/index.js';
import { ConnectError, ConnectionClosedError, DeviceTimeoutError, IosXeSession, JumpPool } from '../transport/ssh-cli/index.js';
import type { CliPlatform, IosXeSessionOptions, JumpHop, SshCredentials, SshTransportOptions } from '../transport/ssh-cli/index.js';

/** The inventory's `platform` → what the CLI session must know about that OS. */
const CLI_PLATFORMS: Readonly<Record<Platform, CliPlatform>> = { iosxe: IOS_XE_CLI };

export interface SessionSettings {
  /** Appends each device's transcript (redacted) to DIR/<device>.log. */
  readonly transcriptDir?: string;
  readonly commandTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
  /** Most bytes one command may print; most one session may receive (its transcript). */
  readonly maxOutputBytes?: number;
  readonly maxSessionBytes?: number;
  /** Values the transcripts and errors must never show (SMTP passwords, server strings). */
  readonly secrets?: readonly string[];
  /** The run's shared jump host connections; a session opened without one gets a pool of its own. */
  readonly jumpPool?: JumpPool;
}

/**
 * `DIR/<device>.log`, the name percent-encoded (`core/R1` → `core%2FR1`): no path separator or control byte gets
 * through, and two devices never share a file (`a/b` and `a_b` did when both became `a_b`).
 */
export function transcriptPath(dir: string, device: string): string {
  const safe = encodeURIComponent(device).replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${dir.replace(/\/+$/, '')}/${safe}.log`;
}

/** The device's SSH account, key file read: the same for its CLI session and its NETCONF session. */
export async function sshCredentials(creds: Omit<ResolvedCredentials, 'jumpHosts'>): Promise<SshCredentials> {
  const privateKey = creds.privateKey ? await readFile(creds.privateKey.path) : undefined;
  return {
    username: creds.username,
    ...(creds.password && { password: creds.password.reveal() }),
    ...(privateKey && { privateKey }),
    ...(creds.privateKey?.passphrase && { passphrase: creds.privateKey.passphrase.reveal() }),
  };
}

/** How a device is reached, the same for its CLI and its NETCONF session: account, host key, algorithms, jump hosts. */
export async function sshRoute(
  device: Device,
  creds: ResolvedCredentials,
  settings: SessionSettings,
): Promise<Pick<SshTransportOptions, 'credentials' | 'hostKey' | 'algorithms' | 'jump'>> {
  const hops: JumpHop[] = [];
  for (const [i, jump] of (device.jumpHosts ?? []).entries()) {
    const resolved = creds.jumpHosts?.[i];
    if (resolved === undefined)
      throw new ConnectError(device.name, `the credentials of jump host ${jump.name} were not resolved`, { hop: jump.name, transient: false });
    hops.push({
      name: jump.name,
      host: jump.host,
      port: jump.port,
      credentials: await sshCredentials(resolved),
      hostKey: jump.hostKey,
      concurrency: jump.concurrency,
    });
  }
  return {
    credentials: await sshCredentials(creds),
    hostKey: device.hostKey,
    ...(device.sshAlgorithms && { algorithms: device.sshAlgorithms }),
    ...(hops.length > 0 && { jump: { hops, pool: settings.jumpPool ?? new JumpPool({ closeWhenIdle: true }) } }),
  };
}

export async function openDeviceSession(device: Device, creds: ResolvedCredentials, settings: SessionSettings = {}): Promise<IosXeSession> {
  const options: IosXeSessionOptions = {
    device: device.name,
    host: device.host,
    port: device.port,
    platform: CLI_PLATFORMS[device.platform],
    ...(await sshRoute(device, creds, settings)),
    ...(creds.enableSecret && { enableSecret: creds.enableSecret.reveal() }),
    secrets: settings.secrets ?? [],
    ...(settings.transcriptDir !== undefined && { transcriptFile: transcriptPath(settings.transcriptDir, device.name) }),
    ...(settings.commandTimeoutMs !== undefined && { commandTimeoutMs: settings.commandTimeoutMs }),
    ...(settings.connectTimeoutMs !== undefined && { connectTimeoutMs: settings.connectTimeoutMs }),
    ...(settings.maxOutputBytes !== undefined && { maxOutputBytes: settings.maxOutputBytes }),
    ...(settings.maxSessionBytes !== undefined && { maxSessionBytes: settings.maxSessionBytes }),
  };
  return IosXeSession.open(options);
}

/** Refused, reset, unreachable, timed out, dropped: worth another try before any change. Authentication failures,
 * host key problems and device refusals are not (retrying a wrong password locks accounts). */
export function isTransient(err: unknown): boolean {
  if (err instanceof ConnectError) return err.transient;
  return err instanceof ConnectionClosedError || err instanceof DeviceTimeoutError;
}
