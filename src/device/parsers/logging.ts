/**
 * EEM entries of `show logging` (or syslog lines seen on the terminal): mail failures, applet errors,
 * undefined variables and `action syslog` messages. The server string the device logs carries the SMTP
 * password (`user:password@host`), so it is redacted here, before anything else can see it.
 */
import { redactServerCredentials } from '../../shared/redact.js';
import { outputLines } from '../text.js';

export type EemLogKind = 'FMPD_SMTP' | 'FMPD_ERROR' | 'FMPD_UNKNOWN_ENV' | 'LOG';

export interface EemLogEntry {
  readonly kind: EemLogKind;
  readonly severity: number;
  /** As printed (`Dec  6 20:17:37.657`, with the zone when configured); undefined without `service timestamps`. */
  readonly timestamp?: string;
  /** The message after `%HA_EM-n-KIND: `, credentials redacted. */
  readonly message: string;
  /** FMPD_SMTP: the server string (redacted) and the reason (`timeout error`). */
  readonly server?: string;
  readonly reason?: string;
  /** FMPD_ERROR and LOG: the applet; FMPD_ERROR: the failing statement label. */
  readonly applet?: string;
  readonly statement?: string;
}

const ENTRY =
  /^(?:\d+: )?[*.]?(?:([A-Z][a-z]{2} +\d{1,2}(?: \d{4})? \d{2}:\d{2}:\d{2}(?:\.\d+)?(?: [A-Z]{2,5})?): )?%HA_EM-(\d)-(FMPD_SMTP|FMPD_ERROR|FMPD_UNKNOWN_ENV|LOG): (.*)$/;

function details(kind: EemLogKind, message: string): Partial<EemLogEntry> {
  if (kind === 'FMPD_SMTP') {
    const m = /^Error occurred when sending mail to SMTP server: (.*?) : (.*)$/.exec(message);
    return m ? { server: m[1], reason: m[2] } : {};
  }
  if (kind === 'FMPD_ERROR') {
    const m = /^Error executing applet (\S+) statement (\S+)/.exec(message);
    return m ? { applet: m[1], statement: m[2] } : {};
  }
  if (kind === 'LOG') {
    const m = /^(\S+?) ?: /.exec(message);
    return m ? { applet: m[1] } : {};
  }
  return {};
}

export function parseEemLogEntries(text: string): EemLogEntry[] {
  const entries: EemLogEntry[] = [];
  for (const line of outputLines(text)) {
    const m = ENTRY.exec(line.trim());
    if (!m) continue;
    const kind = m[3] as EemLogKind;
    const message = redactServerCredentials(m[4] ?? '');
    const entry: EemLogEntry = { kind, severity: Number(m[2]), message, ...details(kind, message) };
    entries.push(m[1] ? { ...entry, timestamp: m[1] } : entry);
  }
  return entries;
}

const SEVERITIES = ['emergencies', 'alerts', 'critical', 'errors', 'warnings', 'notifications', 'informational', 'debugging'] as const;

/**
 * The `Monitor logging:` line of `show logging`: the most verbose severity (0-7) syslog sends to `terminal monitor`
 * sessions, or undefined when it sends none (`Monitor logging: disabled`, the form the genieparser capture shows for
 * `Console logging: disabled`) or the line is missing.
 */
export function monitorLoggingSeverity(text: string): number | undefined {
  for (const line of outputLines(text)) {
    const m = /^\s*Monitor logging: level (\w+)/.exec(line);
    if (m) {
      const level = SEVERITIES.indexOf(m[1] as (typeof SEVERITIES)[number]);
      return level < 0 ? undefined : level;
    }
  }
  return undefined;
}
