/** Command lines that may carry a secret: the real text is put together only when it is sent, and everywhere
 * else (plans, reports, errors) the secret parts show as `<secret>`. */
import { Secret } from '../config/index.js';

export const SECRET_PLACEHOLDER = '<secret>';

export type LinePart = string | Secret;

export interface CommandLine {
  readonly parts: readonly LinePart[];
}

export function line(...parts: LinePart[]): CommandLine {
  return { parts };
}

/** The text to send to the device. Call only at the moment of sending. */
export function revealLine(l: CommandLine): string {
  return l.parts.map((p) => (p instanceof Secret ? p.reveal() : p)).join('');
}

/** The text to show people. */
export function showLine(l: CommandLine): string {
  return l.parts.map((p) => (p instanceof Secret ? SECRET_PLACEHOLDER : p)).join('');
}
