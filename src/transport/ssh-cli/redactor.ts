/**
 * Removes secrets from everything the session writes out (transcript, errors): the login password, the
 * enable secret, any value the caller marks secret, and `user:password@host` strings (EEM `_email_server`).
 */
import { REDACTED, redactServerCredentials } from '../../shared/redact.js';

export class Redactor {
  readonly #secrets = new Set<string>();

  constructor(secrets: Iterable<string | undefined> = []) {
    for (const s of secrets) this.add(s);
  }

  /** Marks a value secret from now on. Very short values are ignored: redacting `a` would garble everything. */
  add(secret: string | undefined): void {
    if (secret !== undefined && secret.length >= 3) this.#secrets.add(secret);
  }

  redact(text: string): string {
    let out = text;
    // Longest first, so a secret containing another is removed whole.
    for (const s of [...this.#secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join(REDACTED);
    return redactServerCredentials(out);
  }
}
