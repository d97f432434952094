/**
 * Errors of a NETCONF session, in the style of the SSH CLI ones: which device, which operation, what the
 * device said or what was seen, and what to do. Connecting reuses the errors of the SSH layer, transport/ssh (ConnectError,
 * AuthenticationError, HostKeyMismatchError, HostKeyUnknownError): they are about SSH, not the CLI.
 */
import { DeviceSessionError } from '../device-error.js';

export abstract class NetconfError extends DeviceSessionError {}

/** One `<rpc-error>` of a reply (RFC 6241 section 4.3). */
export interface RpcErrorDetail {
  /** `transport | rpc | protocol | application`. netconfd says `protocol` where RFC 6241 says `application` (a bad value). */
  readonly type: string;
  readonly tag: string;
  readonly severity: 'error' | 'warning';
  readonly appTag: string | undefined;
  readonly path: string | undefined;
  readonly message: string | undefined;
  /** `<error-info>` children by local name (`session-id`, `bad-element`, `bad-value`...), text trimmed. */
  readonly info: Readonly<Record<string, string>>;
  /** The `<error-info>` element as XML, for vendor details the map flattens. */
  readonly infoXml: string | undefined;
}

function describe(e: RpcErrorDetail): string {
  const where = e.path ? ` at ${e.path}` : '';
  const said = e.message ? `: ${e.message}` : '';
  const holder = e.tag === 'lock-denied' && e.info['session-id'] !== undefined ? ` (held by session ${e.info['session-id']})` : '';
  return `${e.tag}${holder}${where}${said}`;
}

const ADVICE_BY_TAG: Readonly<Record<string, string>> = {
  'lock-denied': 'another session holds the lock: wait for it to finish, or kill-session the holder if it is stale',
  'in-use': 'the datastore is in use (locked or uncommitted changes in the candidate): retry later or discard-changes',
  'access-denied': 'the account lacks NACM permission for this operation; use an account allowed to write',
  'data-exists': 'the node already exists: use merge or replace instead of create',
  'data-missing': 'the node does not exist: use remove instead of delete, or check the path',
  'invalid-value': 'the value is not allowed by the device YANG model; check the value and the module revision',
  'operation-not-supported': 'the device does not implement this operation or option',
  'unknown-element': 'the device model has no such node: check the namespace and the module revision',
  'unknown-namespace': 'the device does not know this namespace: check that it announces the module',
};

/** The device answered with one or more `<rpc-error>` of severity error. */
export class NetconfRpcError extends NetconfError {
  readonly advice: string;
  override readonly deviceSays: string;
  constructor(
    device: string,
    readonly operation: string,
    readonly messageId: string,
    /** Every rpc-error of the reply, warnings included, in order. */
    readonly errors: readonly RpcErrorDetail[],
  ) {
    const failures = errors.filter((e) => e.severity === 'error');
    super(device, `${device}: ${operation} failed: ${failures.map(describe).join('; ')}`);
    this.advice = ADVICE_BY_TAG[failures[0]?.tag ?? ''] ?? 'read the device error; correct the request or the device state and retry';
    this.deviceSays = failures.map(describe).join('\n');
  }

  /** The first error with this tag, if any (`lock-denied`, `data-exists`...). */
  find(tag: string): RpcErrorDetail | undefined {
    return this.errors.find((e) => e.tag === tag);
  }
}

/** No reply to an RPC in time. The session stays usable: a late reply is recognised by its message-id and dropped. */
export class NetconfTimeoutError extends NetconfError {
  readonly advice = 'check that the device is responsive; raise the RPC timeout for slow operations (commit on a large config)';
  constructor(
    device: string,
    readonly operation: string,
    readonly messageId: string,
    readonly timeoutMs: number,
    /** Bytes received since the RPC was sent. */
    readonly bytesSince: number,
    /** The last characters received (redacted). */
    readonly lastSeen: string,
  ) {
    super(
      device,
      `${device}: no reply to ${operation} (message-id ${messageId}) within ${timeoutMs} ms; ${bytesSince} bytes received since it was sent; last seen: ${JSON.stringify(lastSeen)}`,
    );
  }
}

/** The NETCONF channel closed while an RPC was waiting for its reply, or before it could be sent. */
export class NetconfSessionClosedError extends NetconfError {
  readonly advice = 'the device or the network ended the session; reconnect and read the device state before retrying a change';
  constructor(
    device: string,
    readonly operation: string,
    readonly reason: string,
    /** What had arrived of an unfinished reply (redacted). */
    readonly lastSeen: string,
  ) {
    super(device, `${device}: ${operation} got no reply: ${reason}; last seen: ${JSON.stringify(lastSeen)}`);
  }
}

/** The device broke RFC 6242 framing; the session cannot be used any more. */
export class NetconfFramingError extends NetconfError {
  readonly advice = 'the device sent bytes NETCONF framing does not allow; reconnect, and report it if it repeats';
  constructor(
    device: string,
    readonly reason: string,
    readonly seen: string,
  ) {
    super(device, `${device}: ${reason}; seen: ${JSON.stringify(seen)}`);
  }
}

/** A framed message that is not a usable NETCONF reply (not well-formed XML, not an rpc-reply, no message-id). */
export class NetconfMalformedReplyError extends NetconfError {
  readonly advice = 'the device answered with something that is not a NETCONF reply; report it with the text seen';
  constructor(
    device: string,
    readonly operation: string,
    readonly reason: string,
    readonly seen: string,
  ) {
    super(device, `${device}: unusable reply to ${operation}: ${reason}; seen: ${JSON.stringify(seen)}`);
  }
}

/** The hello exchange failed: no hello in time, not a hello, or no common base protocol. */
export class NetconfHelloError extends NetconfError {
  readonly advice = 'check that NETCONF is enabled on the device (netconf-yang) and that the SSH port serves the netconf subsystem';
  constructor(
    device: string,
    readonly reason: string,
    readonly seen: string,
  ) {
    super(device, `${device}: NETCONF hello failed: ${reason}; seen: ${JSON.stringify(seen)}`);
  }
}

/** An operation needs a capability the device did not announce. Raised before anything is sent. */
export class NetconfCapabilityError extends NetconfError {
  readonly advice: string;
  constructor(
    device: string,
    readonly operation: string,
    readonly capability: string,
  ) {
    super(device, `${device}: ${operation} needs the ${capability} capability, which the device does not announce`);
    this.advice =
      capability === ':candidate'
        ? 'use the running datastore, or enable the candidate datastore on the device (IOS XE: netconf-yang feature candidate-datastore)'
        : `use the operation without the option that needs ${capability}, or a device that offers it`;
  }
}

/** The caller's request cannot be sent as given (malformed config XML, an unknown nc:operation...). */
export class NetconfRequestError extends NetconfError {
  readonly advice = 'correct the request';
  constructor(
    device: string,
    readonly operation: string,
    readonly reason: string,
  ) {
    super(device, `${device}: cannot send ${operation}: ${reason}`);
  }
}

/** An RPC's wait was cut short by the device deadline; the device may still carry it out. */
export class NetconfAbortedError extends NetconfError {
  readonly advice = 'raise --device-timeout if the device is slow; the operation may still have been carried out, so check the device';
  constructor(
    device: string,
    readonly operation: string,
    readonly reason: unknown,
  ) {
    super(device, `${device}: stopped waiting for the reply to ${operation}: ${reason instanceof Error ? reason.message : String(reason ?? 'aborted')}`);
  }
}
