/**
 * IOS XE platform facts as data, in the manner of scrapli's platform definitions: prompt, error and dialog
 * patterns. Every expectation is anchored at the end of the text received so far (the device is waiting,
 * so what it printed last is the prompt or the question), and prompts must fill a whole line: IOS prints
 * `nvram:R1#1.cer` inside configs, which a pattern searched anywhere in the output would take for a prompt.
 */

export type PrivilegeLevel = 'user-exec' | 'exec' | 'config';

export interface PromptInfo {
  /** Hostname as shown in the prompt (cut to 20 characters in config modes). */
  readonly hostname: string;
  readonly level: PrivilegeLevel;
  /** Text in parentheses for config modes: `config`, `ca-trustpoint`, `config-applet`, `config-pki-hexmode`... */
  readonly mode?: string;
}

/** Config-mode prompts show only the first 20 characters of the hostname (netmiko #210, #1786, #2755). */
export const CONFIG_PROMPT_HOSTNAME_LENGTH = 20;

const HOSTNAME_CHARS = String.raw`[A-Za-z0-9.\-_@/:]`;
const MODE_CHARS = String.raw`[A-Za-z0-9.\-_@/:+]`;

/** A whole line that is some IOS prompt; used before the hostname is known. */
const ANY_PROMPT_LINE = new RegExp(String.raw`^(${HOSTNAME_CHARS}{1,63})(?:\((${MODE_CHARS}{1,32})\))?([>#]) ?$`);

/** Reads a line as a prompt, or undefined when it is not one. */
export function parsePromptLine(line: string): PromptInfo | undefined {
  const m = ANY_PROMPT_LINE.exec(line);
  if (!m) return undefined;
  const [, hostname = '', mode, terminator] = m;
  if (mode !== undefined) {
    return terminator === '#' ? { hostname, level: 'config', mode } : undefined;
  }
  return { hostname, level: terminator === '>' ? 'user-exec' : 'exec' };
}

/** The last line of a text (after the last line break), which is where a prompt or question stands. */
export function lastLine(text: string): string {
  return text.slice(text.lastIndexOf('\n') + 1);
}

/** A prompt at the end of the text on a line of its own, for any hostname and mode. */
export const ANY_PROMPT = new RegExp(String.raw`(?:^|\n)${HOSTNAME_CHARS}{1,63}(?:\(${MODE_CHARS}{1,32}\))?[>#] ?$`);

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

export interface PromptPatterns {
  readonly userExec: RegExp;
  readonly exec: RegExp;
  /** Any config mode or submode (global config, ca-trustpoint, config-applet, hexmode...). */
  readonly config: RegExp;
  /** Global configuration mode only, `R1(config)#`. */
  readonly globalConfig: RegExp;
  /** Any of the above. */
  readonly any: RegExp;
  /** One named submode: `mode('ca-trustpoint')` matches `R1(ca-trustpoint)#`. */
  mode(tag: string): RegExp;
}

/** Prompt patterns for one device, anchored on a whole last line. */
export function promptPatterns(hostname: string): PromptPatterns {
  const full = escapeRegExp(hostname);
  const short = escapeRegExp(hostname.slice(0, CONFIG_PROMPT_HOSTNAME_LENGTH));
  const line = (body: string): RegExp => new RegExp(String.raw`(?:^|\n)${body} ?$`);
  return {
    userExec: line(`${full}>`),
    exec: line(`${full}#`),
    config: line(String.raw`${short}\(${MODE_CHARS}{1,32}\)#`),
    globalConfig: line(String.raw`${short}\(config\)#`),
    any: line(String.raw`(?:${full}[>#]|${short}\(${MODE_CHARS}{1,32}\)#)`),
    mode: (tag) => line(String.raw`${short}\(${escapeRegExp(tag)}\)#`),
  };
}

/** Questions IOS asks and leaves the cursor after. Anchored at the end of what was received. */
export const DIALOG = {
  password: /(?:^|\n)[Pp]assword: ?$/,
  yesNo: /\[yes\/no\]: ?$/,
  confirm: /\[confirm\] ?$/,
  /** `crypto pki authenticate` and `crypto pki import ... certificate` waiting for the paste. */
  pasteCertificate: /End with a blank line or the word "quit" on a line by itself\.?\s*$/,
  more: / --More-- ?$/,
} as const;

/** One error form IOS prints, with what the operator should do about it. */
export interface ErrorPattern {
  readonly id: string;
  /** Multiline pattern matched against each command's output. */
  readonly pattern: RegExp;
  readonly advice: string;
}

/**
 * Error texts, most specific first. They are anchored on the start of a line so that syslog lines in
 * `show logging` (`%HA_EM-3-FMPD_ERROR: Error executing ...`) are not taken for command errors.
 */
export const ERROR_PATTERNS: readonly ErrorPattern[] = [
  {
    id: 'invalid-input',
    pattern: /^\s*% Invalid (?:input|command) detected.*$/m,
    advice: 'the command is not valid in this mode or on this IOS XE release; check the syntax and the mode',
  },
  { id: 'incomplete', pattern: /^% Incomplete command\.?$/m, advice: 'the command needs more arguments' },
  {
    id: 'ambiguous',
    pattern: /^% Ambiguous command:.*$/m,
    advice: 'an abbreviation matches several keywords; spell the keywords out',
  },
  { id: 'unknown-command', pattern: /^% Unknown command.*$/m, advice: 'the device does not know this command' },
  {
    id: 'ca-already-present',
    pattern: /^% Please delete your existing CA certificate first\.$/m,
    advice: "the trustpoint already holds a CA certificate; remove it with 'no crypto pki trustpoint' first or use a new trustpoint name",
  },
  {
    id: 'trustpoint-unknown',
    pattern: /^%? ?Certificate Authority \(trustpoint\) .* is unknown.*$|^.*trustpoint is not known.*$/m,
    advice: "the trustpoint does not exist; create it with 'crypto pki trustpoint' first",
  },
  {
    id: 'fingerprint-required',
    pattern: /^Trustpoint fingerprint must be supplied\.$/m,
    advice: "this IOS XE release requires a 'fingerprint' line in the trustpoint before 'crypto pki authenticate'",
  },
  {
    id: 'certificate-rejected',
    pattern: /^Trustpoint CA certificate is rejected.*$/m,
    advice: 'the device refused the CA certificate; check the pinned fingerprint and that the certificate is a CA',
  },
  {
    id: 'certificate-not-accepted',
    pattern: /^% Certificate not accepted.*$/m,
    advice: 'the certificate was declined at the fingerprint question',
  },
  { id: 'pem-import-failed', pattern: /^% PEM files import failed\.?$/m, advice: 'check the PEM blocks and the key password' },
  {
    id: 'authorization-failed',
    pattern: /^(?:Command authorization failed|% Authorization failed)\.?$/m,
    advice:
      'the AAA server (TACACS+ command authorization) does not allow this account to run this command: ask for configuration rights for it, or use an account that has them',
  },
  { id: 'access-denied', pattern: /^% Access denied$/m, advice: 'the enable secret is wrong' },
  {
    id: 'error',
    pattern: /^% ?Error\b.*$/m,
    advice: 'the device reported an error; read its message',
  },
  { id: 'not-found', pattern: /^% .* not found\.?$/m, advice: 'the object named in the command does not exist' },
];

/** The first IOS error found in a command's output, with the device's own text. */
export function findDeviceError(output: string): { readonly pattern: ErrorPattern; readonly text: string } | undefined {
  for (const pattern of ERROR_PATTERNS) {
    const m = pattern.pattern.exec(output);
    if (m) return { pattern, text: m[0].trim() };
  }
  return undefined;
}

/** Commands every session starts with: no paging, no wrapping (Unicon uses `term width 0`, scrapli 512). */
export const SESSION_SETUP_COMMANDS: readonly string[] = ['terminal length 0', 'terminal width 511'];
