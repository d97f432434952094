/**
 * IOS XE platform facts as data, in the manner of scrapli's platform definitions: prompt, error and dialog
 * patterns. Every expectation is anchored at the end of the text received so far (the device is waiting,
 * so what it printed last is the prompt or the question), and prompts must fill a whole line: IOS prints
 * `nvram:R1#1.cer` inside configs, which a pattern searched anywhere in the output would take for a prompt.
 */
import type { CliPlatform, PromptInfo, PromptPatterns } from '../transport/ssh-cli/platform.js';

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

/** A prompt at the end of the text on a line of its own, for any hostname and mode. */
export const ANY_PROMPT = new RegExp(String.raw`(?:^|\n)${HOSTNAME_CHARS}{1,63}(?:\(${MODE_CHARS}{1,32}\))?[>#] ?$`);

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
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
  /** `copy running-config startup-config` asks it; the session treats it as an unexpected question anywhere else. */
  destinationFilename: /Destination filename \[[^\]\n]*\]\? ?$/,
  /** `crypto pki authenticate` and `crypto pki import ... certificate` waiting for the paste. */
  pasteCertificate: /End with a blank line or the word "quit" on a line by itself\.?\s*$/,
  more: / --More-- ?$/,
} as const;

/** One error form IOS prints, with what the operator should do about it. */
export interface ErrorPattern {
  readonly id: string;
  /** Matched against each line of a command's output (at most ERROR_LINE_MAX characters of it). */
  readonly pattern: RegExp;
  readonly advice: string;
}

/**
 * Error texts, most specific first. They are anchored on the start of a line so that syslog lines in
 * `show logging` (`%HA_EM-3-FMPD_ERROR: Error executing ...`) are not taken for command errors. Each is run on
 * one line at a time, never on the whole output: a multiline `^\s*` ran over 400,000 empty lines in quadratic
 * time (72 s of a blocked event loop, #18 item 3).
 */
export const ERROR_PATTERNS: readonly ErrorPattern[] = [
  {
    id: 'invalid-input',
    pattern: /^[ \t]*% Invalid (?:input|command) detected.*$/,
    advice: 'the command is not valid in this mode or on this IOS XE release; check the syntax and the mode',
  },
  { id: 'incomplete', pattern: /^% Incomplete command\.?$/, advice: 'the command needs more arguments' },
  {
    id: 'ambiguous',
    pattern: /^% Ambiguous command:.*$/,
    advice: 'an abbreviation matches several keywords; spell the keywords out',
  },
  { id: 'unknown-command', pattern: /^% Unknown command.*$/, advice: 'the device does not know this command' },
  {
    id: 'ca-already-present',
    pattern: /^% Please delete your existing CA certificate first\.$/,
    advice: "the trustpoint already holds a CA certificate; remove it with 'no crypto pki trustpoint' first or use a new trustpoint name",
  },
  {
    id: 'trustpoint-unknown',
    pattern: /^%? ?Certificate Authority \(trustpoint\) .* is unknown.*$|^.*trustpoint is not known.*$/,
    advice: "the trustpoint does not exist; create it with 'crypto pki trustpoint' first",
  },
  {
    id: 'fingerprint-required',
    pattern: /^Trustpoint fingerprint must be supplied\.$/,
    advice: "this IOS XE release requires a 'fingerprint' line in the trustpoint before 'crypto pki authenticate'",
  },
  {
    id: 'certificate-rejected',
    pattern: /^Trustpoint CA certificate is rejected.*$/,
    advice: 'the device refused the CA certificate; check the pinned fingerprint and that the certificate is a CA',
  },
  {
    id: 'certificate-not-accepted',
    pattern: /^% Certificate not accepted.*$/,
    advice: 'the certificate was declined at the fingerprint question',
  },
  { id: 'pem-import-failed', pattern: /^% PEM files import failed\.?$/, advice: 'check the PEM blocks and the key password' },
  {
    id: 'authorization-failed',
    pattern: /^(?:Command authorization failed|% Authorization failed)\.?$/,
    advice:
      'the AAA server (TACACS+ command authorization) does not allow this account to run this command: ask for configuration rights for it, or use an account that has them',
  },
  { id: 'access-denied', pattern: /^% Access denied$/, advice: 'the enable secret is wrong' },
  {
    // Real IOS XE text (Cisco's Unicon IOS XE mock, unicon.plugins src/unicon/plugins/tests/mock/mock_device_iosxe.py):
    // "Configuration mode is locked by process '484' user 'NETCONF' from terminal '64'. Please try later."
    id: 'config-locked',
    pattern: /^Configuration mode is locked by process .*$/,
    advice: 'another session (NETCONF, or a CLI with configure terminal lock) holds the configuration lock; retry later',
  },
  {
    id: 'error',
    pattern: /^% ?Error\b.*$/,
    advice: 'the device reported an error; read its message',
  },
  { id: 'not-found', pattern: /^% .* not found\.?$/, advice: 'the object named in the command does not exist' },
];

/** IOS error lines are short; a longer line is cut to this before any pattern sees it, so the work per line is bounded. */
export const ERROR_LINE_MAX = 512;

/**
 * The first IOS error found in a command's output (the most specific form when lines show several), with the
 * device's own text. Linear in the output: each line, cut to ERROR_LINE_MAX, is tried against each pattern once.
 */
export function findDeviceError(output: string): { readonly pattern: ErrorPattern; readonly text: string } | undefined {
  let best: { readonly pattern: ErrorPattern; readonly text: string; readonly rank: number } | undefined;
  for (let from = 0; from < output.length;) {
    const nl = output.indexOf('\n', from);
    const end = nl < 0 ? output.length : nl;
    const line = output.slice(from, Math.min(end, from + ERROR_LINE_MAX));
    from = end + 1;
    const limit = best?.rank ?? ERROR_PATTERNS.length;
    for (let rank = 0; rank < limit; rank++) {
      const pattern = ERROR_PATTERNS[rank] as ErrorPattern;
      const m = pattern.pattern.exec(line);
      if (m) {
        best = { pattern, text: m[0].trim(), rank };
        break;
      }
    }
    if (best?.rank === 0) break;
  }
  return best && { pattern: best.pattern, text: best.text };
}

/** Commands every session starts with: no paging, no wrapping (Unicon uses `term width 0`, scrapli 512). */
export const SESSION_SETUP_COMMANDS: readonly string[] = ['terminal length 0', 'terminal width 511'];

/** What the SSH CLI session is given to drive an IOS XE device. */
export const IOS_XE_CLI: CliPlatform = {
  anyPrompt: ANY_PROMPT,
  parsePromptLine,
  promptPatterns,
  questions: DIALOG,
  findError: findDeviceError,
  setupCommands: SESSION_SETUP_COMMANDS,
};
