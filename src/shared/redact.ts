/**
 * Secrets devices print back: a server string with credentials is `user:password@host` (URL userinfo), and IOS
 * copies the EEM mail server string into `_email_server`, into echoed config lines and into its own
 * `%HA_EM-3-FMPD_SMTP` log line. Shared by the transports' redactor, the report and the output parsers, so it sits
 * below all of them.
 */

export const REDACTED = '<redacted>';

/** `user:password@host` → `user:<redacted>@host` wherever it appears as one word. */
export function redactServerCredentials(text: string): string {
  return text.replace(/(^|[\s"'])([^\s:@"']+):([^\s@"']+)@(?=[^\s@"']+)/g, `$1$2:${REDACTED}@`);
}
