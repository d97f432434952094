/**
 * Removing secrets from everything written out (transcripts, errors, reports, logs): known values (the login
 * password, the enable secret, any value marked secret) and what devices print back on their own: a server string
 * with credentials is `user:password@host` (URL userinfo), and IOS copies the EEM mail server string into
 * `_email_server`, into echoed config lines and into its own `%HA_EM-3-FMPD_SMTP` log line. Shared by both
 * transports, the report and the output parsers, so it sits below all of them.
 */

export const REDACTED = '<redacted>';

/** `user:password@host` → `user:<redacted>@host` wherever it appears as one word. */
export function redactServerCredentials(text: string): string {
  if (!text.includes('@')) return text;
  return text.replace(/(^|[\s"'])([^\s:@"']+):([^\s@"']+)@(?=[^\s@"']+)/g, `$1$2:${REDACTED}@`);
}

export class Redactor {
  readonly #secrets = new Set<string>();
  /** The secrets longest first, so a secret containing another is removed whole; sorted when one is added,
   * not for every text redacted. */
  #longestFirst: readonly string[] = [];

  constructor(secrets: Iterable<string | undefined> = []) {
    for (const s of secrets) this.add(s);
  }

  /** Marks a value secret from now on. Very short values are ignored: redacting `a` would garble everything. */
  add(secret: string | undefined): void {
    if (secret === undefined || secret.length < 3 || this.#secrets.has(secret)) return;
    this.#secrets.add(secret);
    this.#longestFirst = [...this.#secrets].sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let out = text;
    for (const s of this.#longestFirst) if (out.includes(s)) out = out.split(s).join(REDACTED);
    return redactServerCredentials(out);
  }
}
