/**
 * Errors of an SSH CLI session. Each one says which device, at which command, what was seen or said,
 * and what to do; every text in them has been through the session's redactor.
 */
import { DeviceSessionError } from '../device-error.js';

export abstract class SshCliError extends DeviceSessionError {}

/** The device answered a command with one of its error texts. */
export class DeviceCommandError extends SshCliError {
  constructor(
    device: string,
    readonly command: string,
    /** The device's own error text (`% Invalid input detected at '^' marker.`). */
    override readonly deviceSays: string,
    /** Which error form (the id the platform's findError gave, e.g. invalid-input). */
    readonly errorId: string,
    readonly advice: string,
    /** The whole output of the command, redacted. */
    readonly output: string,
  ) {
    super(device, `${device}: '${command}' failed: ${deviceSays} (${advice})`);
  }
}

/** An expected prompt or question did not arrive in time. */
export class DeviceTimeoutError extends SshCliError {
  readonly advice = 'check that the device is responsive; raise the timeout for slow devices';
  constructor(
    device: string,
    readonly command: string,
    readonly timeoutMs: number,
    /** The last 200 characters received, redacted. */
    readonly lastSeen: string,
    readonly waitedFor: string,
  ) {
    super(device, `${device}: no ${waitedFor} within ${timeoutMs} ms after '${command}'; last seen: ${JSON.stringify(lastSeen)}`);
  }
}

/** The SSH session ended while a command was running or about to run. */
export class ConnectionClosedError extends SshCliError {
  readonly advice = 'the device or the network dropped the session; reconnect and check the device state before retrying';
  constructor(
    device: string,
    readonly command: string,
    readonly lastSeen: string,
  ) {
    super(device, `${device}: the session closed during '${command}'; last seen: ${JSON.stringify(lastSeen)}`);
  }
}

/** Enable failed: wrong secret or no secret given for a device that lands in user EXEC. */
export class EnableError extends SshCliError {
  readonly advice = 'give the enable secret for this device, or use an account with privilege 15';
  constructor(
    device: string,
    readonly reason: string,
  ) {
    super(device, `${device}: cannot enter privileged EXEC: ${reason}`);
  }
}

/** A wait timed out earlier: what the device prints next cannot be matched to a command any more. */
export class SessionUnusableError extends SshCliError {
  readonly advice = 'close this session and open a new one';
  constructor(
    device: string,
    readonly command: string,
    /** The failure that left the session out of step. */
    lostAt: Error,
  ) {
    super(device, `${device}: cannot send '${command}': the session lost step with the device (${lostAt.message}); reopen it`, { cause: lostAt });
  }
}

/** A command printed more than certagent keeps: a runaway or hostile output; the session is ended. */
export class OutputLimitError extends SshCliError {
  readonly advice = 'the device printed far more than any real output of this command; check the device, or raise --max-output if the output is genuine';
  constructor(
    device: string,
    readonly command: string,
    readonly limitBytes: number,
    /** `one command` or `the session`. */
    readonly scope: string,
    readonly lastSeen: string,
  ) {
    super(
      device,
      `${device}: '${command}' printed more than ${limitBytes} bytes, the cap for ${scope}; the session was ended; last seen: ${JSON.stringify(lastSeen)}`,
    );
  }
}

/** A wait was cut short by the device deadline; what the device does next is unknown. */
export class ReadAbortedError extends SshCliError {
  readonly advice = 'raise --device-timeout if the device is slow, or look at the transcript for the step that took long';
  constructor(
    device: string,
    readonly command: string,
    readonly lastSeen: string,
    readonly reason: unknown,
  ) {
    super(
      device,
      `${device}: stopped waiting for '${command}': ${reason instanceof Error ? reason.message : String(reason ?? 'aborted')}; last seen: ${JSON.stringify(lastSeen)}`,
    );
  }
}

/** The device asked a question certagent did not expect in this command; it is not answered. */
export class UnexpectedQuestionError extends SshCliError {
  readonly advice = 'the device asked for a confirmation certagent does not give unasked; run the command by hand to see why';
  constructor(
    device: string,
    readonly command: string,
    readonly question: string,
  ) {
    super(device, `${device}: '${command}' asked ${JSON.stringify(question)}, which certagent does not answer; the session was left`);
  }
}

/** `configure terminal` was refused because another session holds the configuration lock. Transient: retried. */
export class ConfigLockedError extends SshCliError {
  readonly advice = 'another session (NETCONF, or a CLI with configure terminal lock) holds the configuration lock; retry later';
  constructor(
    device: string,
    override readonly deviceSays: string,
  ) {
    super(device, `${device}: configuration locked: ${deviceSays}; retry later`);
  }
}
