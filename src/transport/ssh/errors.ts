/**
 * Errors of setting up an SSH connection to a device, directly or through jump hosts. Each names the device
 * and, when a jump host failed, which hop (`hop`), and says what to do.
 */
import { DeviceSessionError } from '../device-error.js';

export abstract class SshConnectError extends DeviceSessionError {}

/** `at jump host bastion (10.0.0.5:22)` or nothing for the device itself. */
function atHop(hop: string | undefined): string {
  return hop === undefined ? '' : ` at jump host ${hop}`;
}

/** TCP or SSH set-up failed before authentication (refused, unreachable, timeout, dropped); worth a retry. */
export class ConnectError extends SshConnectError {
  readonly advice: string;
  /** The jump host that failed, when it was not the device. */
  readonly hop: string | undefined;
  /** Worth another attempt (refused, unreachable, timed out); false for what no retry can change (no credentials). */
  readonly transient: boolean;
  constructor(
    device: string,
    readonly reason: string,
    options: { readonly hop?: string | undefined; readonly transient?: boolean } = {},
  ) {
    const hop = options.hop;
    super(device, `${device}: cannot open an SSH connection${atHop(hop)}: ${reason}`);
    this.hop = hop;
    this.transient = options.transient ?? true;
    this.advice =
      hop === undefined
        ? 'check the address and port, the vty ACL and that SSH is enabled on the device'
        : `check that jump host ${hop} is up and reachable from here, and that it can reach the device`;
  }
}

/** The device or a jump host refused every credential offered. Never retried: retries lock accounts. */
export class AuthenticationError extends SshConnectError {
  readonly advice: string;
  constructor(
    device: string,
    readonly username: string,
    readonly methods: readonly string[],
    readonly hop?: string,
  ) {
    super(
      device,
      `${device}: authentication failed${atHop(hop)} for user '${username}' (tried ${methods.length > 0 ? methods.join(', ') : 'no method the server offers'})`,
    );
    this.advice =
      hop === undefined
        ? 'check the username and password or key for this device; certagent does not retry to avoid account lock-outs'
        : `check the username and password or key of jump host ${hop} (jump_host in the inventory); certagent does not retry to avoid account lock-outs`;
  }
}

/** The host key is not the one expected: a different host, a reinstalled one, or someone in the middle. */
export class HostKeyMismatchError extends SshConnectError {
  readonly advice = 'if the host was replaced or its key regenerated, update the pinned fingerprint or known_hosts entry; otherwise do not connect';
  constructor(
    device: string,
    readonly host: string,
    readonly expected: readonly string[],
    readonly actual: string,
    readonly hop?: string,
  ) {
    super(device, `${device}: host key${hop === undefined ? '' : ` of jump host ${hop}`} for ${host} is ${actual}, expected ${expected.join(' or ')}`);
  }
}

/** No pin, no known_hosts entry, and trust-on-first-use not asked for. */
export class HostKeyUnknownError extends SshConnectError {
  readonly advice = 'pin the fingerprint (host_key), add the host to known_hosts, or allow trust-on-first-use for this run';
  constructor(
    device: string,
    readonly host: string,
    readonly actual: string,
    readonly hop?: string,
  ) {
    super(device, `${device}: host key ${actual} of ${hop === undefined ? host : `jump host ${hop}`} is not known`);
  }
}

/** The known_hosts file cannot be read, or a key accepted on first use cannot be recorded in it: not retried. */
export class KnownHostsError extends SshConnectError {
  readonly advice = 'fix the known_hosts path (known_hosts / certagent_known_hosts in the inventory) or its permissions';
  constructor(
    device: string,
    readonly file: string,
    readonly reason: string,
  ) {
    super(device, `${device}: ${reason} (${file})`);
  }
}

/** The jump host will not open a forwarding channel at all (`AllowTcpForwarding no`, a `permitopen` restriction). */
export class ForwardingRefusedError extends SshConnectError {
  readonly advice: string;
  constructor(
    device: string,
    readonly hop: string,
    readonly target: string,
    readonly serverSays: string,
  ) {
    super(device, `${device}: jump host ${hop} refused to forward to ${target} (${serverSays})`);
    this.advice = `allow TCP forwarding for this account on ${hop} (sshd_config AllowTcpForwarding yes, PermitOpen), or use another jump host`;
  }
}

/**
 * The same failure told for another device: one shared jump host connection attempt fails for every device that
 * waited on it, and each device's report must carry its own name.
 */
export function forDevice(err: unknown, device: string): unknown {
  if (!(err instanceof SshConnectError) || err.device === device) return err;
  if (err instanceof ConnectError) return new ConnectError(device, err.reason, { hop: err.hop, transient: err.transient });
  if (err instanceof AuthenticationError) return new AuthenticationError(device, err.username, err.methods, err.hop);
  if (err instanceof HostKeyMismatchError) return new HostKeyMismatchError(device, err.host, err.expected, err.actual, err.hop);
  if (err instanceof HostKeyUnknownError) return new HostKeyUnknownError(device, err.host, err.actual, err.hop);
  if (err instanceof ForwardingRefusedError) return new ForwardingRefusedError(device, err.hop, err.target, err.serverSays);
  if (err instanceof KnownHostsError) return new KnownHostsError(device, err.file, err.reason);
  return err;
}
