/** Failures of the per-device workflow. Each names the device and the step, quotes the device where it spoke, and
 * says what to do. Texts are redacted before they get here. */
import type { ErrorDetail } from '../report/events.js';
import { DeviceSessionError } from '../transport/device-error.js';
import { DeviceDeadlineError } from './deadline.js';
import { errorMessage } from '../shared/error-message.js';

export type { ErrorDetail };

export class WorkflowError extends Error {
  constructor(
    readonly device: string,
    readonly step: string,
    message: string,
    /** What to do: the same field as the transport errors' `advice`. */
    readonly advice?: string,
    readonly deviceText?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** certagent's own comparison of the fingerprints the device printed with those computed locally failed: answered `no`. */
export class FingerprintMismatchError extends WorkflowError {}

/** The device refused the certificate (26.x without a pin, a wrong pin, an unreadable paste). */
export class CertificateRefusedError extends WorkflowError {}

/** Running the applet logged a failure, or no proof of success arrived in time. */
export class ProofError extends WorkflowError {}

/** After the changes, the device does not hold what was planned. */
export class VerificationError extends WorkflowError {}

/** The device's output could not be read as the configuration it holds (garbled, interrupted, cut): nothing changed. */
export class FactsReadError extends WorkflowError {}

/**
 * What a reporter shows of any error, whichever transport or layer raised it: the workflow's errors, every
 * device session's (SSH CLI and NETCONF alike, through their shared base) and the device deadline. Their
 * `advice` becomes the report's `hint`; texts are already redacted.
 */
export function errorDetail(err: unknown, step?: string): ErrorDetail {
  const at = step === undefined ? {} : { step };
  if (err instanceof WorkflowError) {
    return {
      message: err.message,
      step: err.step,
      ...(err.deviceText !== undefined && { deviceText: err.deviceText }),
      ...(err.advice !== undefined && { hint: err.advice }),
    };
  }
  if (err instanceof DeviceSessionError) {
    return { message: err.message, ...at, ...(err.deviceSays !== undefined && { deviceText: err.deviceSays }), hint: err.advice };
  }
  if (err instanceof DeviceDeadlineError) return { message: err.message, ...at, hint: err.advice };
  return { message: errorMessage(err), ...at };
}
