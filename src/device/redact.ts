/**
 * Secrets IOS itself prints: the EEM mail server string is `user:password@host`, and the device copies it
 * into `_email_server`, into echoed config lines and into its own `%HA_EM-3-FMPD_SMTP` log line.
 */

export const REDACTED = '<redacted>';

/** `user:password@host` → `user:<redacted>@host` wherever it appears as one word. */
export function redactServerCredentials(text: string): string {
  return text.replace(/(^|[\s"'])([^\s:@"']+):([^\s@"']+)@(?=[^\s@"']+)/g, `$1$2:${REDACTED}@`);
}
