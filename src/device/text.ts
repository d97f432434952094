/** Text helpers shared by the parsers: IOS output arrives with CRLF, trailing blanks and, on some pages, lost indentation. */

/** Lines without line ends or trailing blanks; CR, LF and CRLF each end one line. */
export function outputLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/).map((line) => line.trimEnd());
}

/**
 * A syslog message as a vty with `terminal monitor` prints it between output lines: optional `*` (clock not set)
 * or `.` (not synchronised), an optional sequence number, a timestamp, then `%FACILITY-SEVERITY-MNEMONIC:`
 * (`*Mar 29 17:26:49.017: %SYS-5-CONFIG_I: Configured from console by admin on vty3`, genieparser's iosxe
 * ShowLogging golden output; `Jun  5 05:10:59.519 EST: %SYS-5-CONFIG_I: ...` with a time zone). No config line
 * starts like this, so parsers of config text may drop such lines wherever they fall.
 */
const SYSLOG_LINE =
  /^(?:\d{1,10}: )?[*.]?[A-Z][a-z]{2} {1,2}\d{1,2} \d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?: [A-Za-z]{1,6})?: %[A-Z0-9_]{1,32}-(?:[A-Z0-9_]{1,32}-)?\d-[A-Z0-9_]{1,40}: /;

export function isSyslogLine(line: string): boolean {
  return SYSLOG_LINE.test(line);
}

/** IOS hex groups (`0813A2CD A3577F5B ...`) as one upper-case string without separators. */
export function joinHexGroups(text: string): string {
  return text.replace(/\s+/g, '').toUpperCase();
}

/** One attribute of a distinguished name as IOS prints it (`cn=GTS CA 1C3`), in the order printed. */
export interface DnAttribute {
  readonly type: string;
  readonly value: string;
}

const DN_LINE = /^([A-Za-z][A-Za-z0-9.]*)=(.*)$/;

/** `cn=Cisco` as an attribute, or undefined when the line is not one. */
export function parseDnLine(line: string): DnAttribute | undefined {
  const m = DN_LINE.exec(line.trim());
  return m ? { type: m[1] ?? '', value: (m[2] ?? '').trim() } : undefined;
}

/** `cn=ISR4451-X/K9,ou=ACT-2 Lite SUDI,o=Cisco` (status output) as attributes; commas inside values stay. */
export function parseDnCommaLine(line: string): DnAttribute[] {
  return line
    .trim()
    .split(/,(?=[A-Za-z][A-Za-z0-9.]*=)/)
    .map(parseDnLine)
    .filter((a): a is DnAttribute => a !== undefined);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * `00:34:52 UTC Nov 20 2015` as a Date when the zone is UTC/GMT. Other zones (`IST`, `CST`) are the
 * device's clock zone with an unknown offset, so they give undefined rather than a wrong instant.
 */
export function parseIosDate(text: string): Date | undefined {
  const m = /^(\d{1,2}):(\d{2}):(\d{2})(?:\.\d+)? (\S+) ([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{4})$/.exec(text.trim());
  if (!m) return undefined;
  const [, hh, mm, ss, zone, mon, day, year] = m;
  if (zone !== 'UTC' && zone !== 'GMT') return undefined;
  const month = MONTHS.indexOf(mon ?? '');
  if (month < 0) return undefined;
  return new Date(Date.UTC(Number(year), month, Number(day), Number(hh), Number(mm), Number(ss)));
}
