/**
 * What the CLI session must know about a network OS, handed to it as data when it is opened: prompts, the questions
 * it must recognise, error texts and the commands a session starts with. The layer that knows the OS (src/device)
 * fills it in, as scrapli keeps platform patterns with the driver, so this layer imports nothing from above it.
 */

export type PrivilegeLevel = 'user-exec' | 'exec' | 'config';

export interface PromptInfo {
  /** Hostname as shown in the prompt (cut short in config modes on some platforms). */
  readonly hostname: string;
  readonly level: PrivilegeLevel;
  /** Text in parentheses for config modes: `config`, `ca-trustpoint`, `config-applet`, `config-pki-hexmode`... */
  readonly mode?: string;
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

/** Questions the session answers or refuses itself; each anchored at the end of what was received. */
export interface SessionQuestions {
  readonly password: RegExp;
  readonly yesNo: RegExp;
  readonly confirm: RegExp;
  /** Asked by `copy running-config startup-config`; an unexpected question anywhere else. */
  readonly destinationFilename: RegExp;
  /** The pager's question, answered with a space so the output goes on. */
  readonly more: RegExp;
}

/** An error text found in a command's output: which form, what to do about it, and the device's own words. */
export interface DeviceErrorMatch {
  readonly pattern: { readonly id: string; readonly advice: string };
  readonly text: string;
}

export interface CliPlatform {
  /** A prompt of any hostname and mode on the last line, for the time before the hostname is known. */
  readonly anyPrompt: RegExp;
  /** Reads a line as a prompt, or undefined when it is not one. */
  parsePromptLine(line: string): PromptInfo | undefined;
  /** One device's prompts, once its hostname is known. */
  promptPatterns(hostname: string): PromptPatterns;
  readonly questions: SessionQuestions;
  /** The first error text in a command's output, if any. */
  findError(output: string): DeviceErrorMatch | undefined;
  /** Sent once after login: no paging, no wrapping. */
  readonly setupCommands: readonly string[];
}

/**
 * A device dialog as data, after scrapli's `send_interactive` and Unicon's dialogs: each step says what to
 * send and which questions may follow. The session adds the device prompt to every step's expectations;
 * reaching the prompt ends the dialog early (as when a pinned fingerprint removes the yes/no question).
 */
export interface DialogStep {
  /** Text to send (a line end is added), or a function of what the device printed so far in this dialog. */
  readonly send: string | ((seen: string) => string);
  /** Questions that may follow; an empty list waits for the prompt. */
  readonly expect: readonly RegExp[];
  /** The sent text is a secret: never echoed into transcripts, logs or errors. */
  readonly secret?: boolean;
  /** Short name of the step for errors and transcripts (`paste certificate`). */
  readonly label?: string;
}
