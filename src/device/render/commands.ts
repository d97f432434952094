/**
 * What the agent sends to an IOS XE device: config lines and dialogs, rendered from data.
 * Config lines carry no indentation; the device places them by mode.
 */
import { toPem } from '../../certs/pem.js';
import type { DialogStep } from '../../transport/ssh-cli/platform.js';
import type { EemMailMessage } from '../eem-types.js';
import { bareIosWord, quoteIos } from '../ios-string.js';
import { parseAuthenticateOutput } from '../parsers/authenticate.js';
import type { AuthenticateSeen } from '../parsers/authenticate.js';
import { DIALOG } from '../platform.js';

export interface TrustpointSpec {
  readonly name: string;
  /** Pinned CA fingerprint (MD5: 32 hex digits, SHA1: 40), with or without spaces. Required on IOS XE 26.x. */
  readonly fingerprint?: string;
  /** `none` by default: IOSd cannot reach most public CRLs from a router. */
  readonly revocationCheck?: 'none' | 'crl' | 'crl none' | 'ocsp' | 'ocsp none';
  /** `stop` makes this trustpoint an anchor even when it holds an intermediate. */
  readonly chainValidation?: 'stop' | 'continue';
}

export class RenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RenderError';
  }
}

/** `crypto pki trustpoint NAME`: enters (or creates) the trustpoint's config mode. */
export function trustpointModeLine(name: string): string {
  return `crypto pki trustpoint ${bareIosWord(name, 'trustpoint name')}`;
}

/** `crypto pki authenticate NAME`: starts the paste dialog (config mode). */
export function authenticateCommand(name: string): string {
  return `crypto pki authenticate ${bareIosWord(name, 'trustpoint name')}`;
}

/** Config lines creating (or updating) a terminal-enrolled trustpoint; they end back in global config. */
export function trustpointConfigLines(spec: TrustpointSpec): string[] {
  const lines = [trustpointModeLine(spec.name), 'enrollment terminal'];
  if (spec.fingerprint !== undefined) {
    const hex = spec.fingerprint.replace(/[\s:]/g, '').toUpperCase();
    if (!/^(?:[0-9A-F]{32}|[0-9A-F]{40})$/.test(hex)) {
      throw new RenderError(`fingerprint for trustpoint ${spec.name} must be 32 (MD5) or 40 (SHA1) hex digits, got ${JSON.stringify(spec.fingerprint)}`);
    }
    lines.push(`fingerprint ${hex}`);
  }
  lines.push(`revocation-check ${spec.revocationCheck ?? 'none'}`);
  if (spec.chainValidation) lines.push(`chain-validation ${spec.chainValidation}`);
  lines.push('exit');
  return lines;
}

/**
 * `crypto pki authenticate TP` (config mode): paste the PEM and the blank line that ends it, then answer the
 * fingerprint question with what `decide` returns. The fingerprint check is the caller's: `decide` sees the
 * fingerprints the device computed. When the device asks nothing (pinned fingerprint), the dialog ends at the prompt.
 */
export function authenticateDialog(trustpoint: string, der: Uint8Array, decide: (seen: AuthenticateSeen) => boolean): DialogStep[] {
  const pemLines = toPem(der).trimEnd().split('\n');
  return [
    // The first step's label names the whole dialog in errors: the command itself says most.
    { label: authenticateCommand(trustpoint), send: authenticateCommand(trustpoint), expect: [DIALOG.pasteCertificate] },
    // The trailing empty line ends the paste, as IOS asks.
    { label: 'paste certificate', send: `${pemLines.join('\n')}\n`, expect: [DIALOG.yesNo] },
    { label: 'accept certificate', send: (seen) => (decide(parseAuthenticateOutput(seen)) ? 'yes' : 'no'), expect: [] },
  ];
}

/** `no crypto pki trustpoint TP` and its `Are you sure you want to do this? [yes/no]:` confirmation. */
export function removeTrustpointDialog(trustpoint: string): DialogStep[] {
  return [
    { label: `no ${trustpointModeLine(trustpoint)}`, send: `no ${trustpointModeLine(trustpoint)}`, expect: [DIALOG.yesNo] },
    { label: 'confirm removal', send: 'yes', expect: [] },
  ];
}

export const WRITE_MEMORY = 'write memory';

/** `write memory` succeeded: IOS prints `[OK]` after `Building configuration...`. */
export function saveSucceeded(output: string): boolean {
  return /^\[OK\]/m.test(output);
}

/** `event manager environment NAME VALUE` lines. Values are literal to the end of the line, so no quoting. */
export function eemEnvironmentLines(vars: Readonly<Record<string, string>>): string[] {
  return Object.entries(vars).map(([name, value]) => {
    if (!/^_?[A-Za-z][A-Za-z0-9_]*$/.test(name)) throw new RenderError(`EEM variable name ${JSON.stringify(name)} is not valid`);
    if (value === '' || /[\r\n]/.test(value)) throw new RenderError(`EEM variable ${name} needs a one-line, non-empty value`);
    return `event manager environment ${name} ${value}`;
  });
}

export interface MailAppletSpec extends EemMailMessage {
  readonly name: string;
  /** Action label; labels sort as strings, so keep their width fixed (`0010`). */
  readonly label?: string;
  /** Adds `secure tls port N`. */
  readonly tlsPort?: number;
}

/** An applet run by hand (`event none`) whose one action sends the mail. Entering an existing applet
 * replaces its event and the action of the same label. */
export function eemMailAppletLines(spec: MailAppletSpec): string[] {
  const name = bareIosWord(spec.name, 'applet name');
  const parts = [
    `action ${bareIosWord(spec.label ?? '0010', 'action label')} mail`,
    `server ${quoteIos(spec.server, 'mail server')}`,
    `to ${quoteIos(spec.to, 'mail to')}`,
    `from ${quoteIos(spec.from, 'mail from')}`,
  ];
  if (spec.cc !== undefined) parts.push(`cc ${quoteIos(spec.cc, 'mail cc')}`);
  parts.push(`subject ${quoteIos(spec.subject, 'mail subject')}`, `body ${quoteIos(spec.body, 'mail body')}`);
  if (spec.tlsPort !== undefined) {
    if (!Number.isInteger(spec.tlsPort) || spec.tlsPort < 1 || spec.tlsPort > 65535) {
      throw new RenderError(`mail port must be 1-65535, got ${spec.tlsPort}`);
    }
    parts.push(`secure tls port ${spec.tlsPort}`);
  }
  return [`event manager applet ${name}`, 'event none', parts.join(' '), 'exit'];
}

/** `event manager run NAME [ARG]`: the argument becomes the applet's `$_none_arg1`. */
export function runAppletCommand(name: string, argument?: string): string {
  return `event manager run ${bareIosWord(name, 'applet name')}${argument === undefined ? '' : ` ${bareIosWord(argument, 'applet argument')}`}`;
}

/** Show commands whose outputs the device parsers read. */
export const SHOW = {
  version: 'show version',
  pkiConfig: 'show running-config | section crypto pki',
  eemConfig: 'show running-config | section event manager',
  eemLog: 'show logging | include %HA_EM',
  trustpoints: 'show crypto pki trustpoints',
  certificates: (trustpoint?: string, verbose = true): string =>
    ['show crypto pki certificates', verbose ? 'verbose' : undefined, trustpoint === undefined ? undefined : bareIosWord(trustpoint, 'trustpoint name')]
      .filter((w) => w !== undefined)
      .join(' '),
  trustpointStatus: (trustpoint?: string): string =>
    trustpoint === undefined ? 'show crypto pki trustpoints status' : `show crypto pki trustpoints ${bareIosWord(trustpoint, 'trustpoint name')} status`,
} as const;
