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
