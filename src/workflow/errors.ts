/** Failures of the per-device workflow. Each names the device and the step, quotes the device where it spoke, and
 * says what to do. Texts are redacted before they get here. */
import { DeviceCommandError, SshCliError } from '../transport/ssh-cli/index.js';

export class WorkflowError extends Error {
  constructor(
    readonly device: string,
    readonly step: string,
    message: string,
    readonly hint?: string,
    readonly deviceText?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The device's output could not be read as the configuration it holds (garbled, interrupted, cut): nothing changed. */
export class FactsReadError extends WorkflowError {}

/** The device printed other fingerprints than those computed locally from the certificate: answered `no`. */
export class FingerprintMismatchError extends WorkflowError {}

/** The device refused the certificate (26.x without a pin, a wrong pin, an unreadable paste). */
export class CertificateRefusedError extends WorkflowError {}

/** Running the applet logged a failure, or no proof of success arrived in time. */
export class ProofError extends WorkflowError {}

/** After the changes, the device does not hold what was planned. */
export class VerificationError extends WorkflowError {}

export interface ErrorDetail {
  readonly message: string;
  readonly step?: string;
  readonly deviceText?: string;
  readonly hint?: string;
}

/** What a reporter shows of any error; the transport's errors already carry redacted texts and advice. */
export function errorDetail(err: unknown, step?: string): ErrorDetail {
  if (err instanceof WorkflowError) {
    return { message: err.message, step: err.step, ...(err.deviceText !== undefined && { deviceText: err.deviceText }), ...(err.hint !== undefined && { hint: err.hint }) };
  }
  if (err instanceof DeviceCommandError) {
    return { message: err.message, ...(step !== undefined && { step }), deviceText: err.deviceSays, hint: err.advice };
  }
  if (err instanceof SshCliError) return { message: err.message, ...(step !== undefined && { step }), hint: err.advice };
  return { message: err instanceof Error ? err.message : String(err), ...(step !== undefined && { step }) };
}
