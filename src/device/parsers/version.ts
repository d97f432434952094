/** `show version`: the few facts the agent needs (release, hostname, uptime, model), as Ansible reads them. */
import { outputLines } from '../text.js';

export interface DeviceVersion {
  /** `17.6.20210302:012459`, `16.6.5`: the IOS version on the `Cisco IOS Software` line. */
  readonly version: string;
  /** `Cisco IOS XE Software, Version 16.06.05` → `16.06.05`. */
  readonly xeVersion?: string;
  readonly hostname: string;
  readonly uptime: string;
  /** `C9300-24P`, `ISR4451-X/K9`, `C8000V`. */
  readonly model?: string;
  readonly serialNumber?: string;
  readonly systemImage?: string;
}

export class ShowVersionParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShowVersionParseError';
  }
}

export function parseShowVersion(text: string): DeviceVersion {
  const lines = outputLines(text).map((l) => l.trim());
  const find = (re: RegExp): RegExpExecArray | undefined => {
    for (const line of lines) {
      const m = re.exec(line);
      if (m) return m;
    }
    return undefined;
  };
  // One pass back from the line end, each comma's segment scanned once: two lazy `.*?` made a long line without
  // `Version` quadratic (#18 item 3).
  const ios = find(/^Cisco IOS Software.*,[^,]*?\bVersion ([^\s,]+)/);
  const uptime = find(/^(\S+) uptime is (.+)$/);
  if (!ios || !uptime) {
    throw new ShowVersionParseError("this is not IOS XE 'show version' output: no 'Cisco IOS Software ... Version' or 'uptime is' line");
  }
  const xe = find(/^Cisco IOS XE Software, Version (\S+)/)?.[1];
  const model = find(/^cisco (\S+) .*processor/i)?.[1];
  const serial = find(/^Processor board ID (\S+)/)?.[1];
  const image = find(/^System image file is "([^"]+)"/)?.[1];
  return {
    version: ios[1] ?? '',
    hostname: uptime[1] ?? '',
    uptime: uptime[2] ?? '',
    ...(xe !== undefined && { xeVersion: xe }),
    ...(model !== undefined && { model }),
    ...(serial !== undefined && { serialNumber: serial }),
    ...(image !== undefined && { systemImage: image }),
  };
}

/** One short line of `show version` that names the IOS XE release: read once per session, cheaply. */
export const RELEASE_LINE_COMMAND = 'show version | include IOS XE Software';

/** `Cisco IOS XE Software, Version 26.01.01` → 26; undefined when no such line (not IOS XE, or a filtered-out line). */
export function iosXeMajorRelease(text: string): number | undefined {
  const m = /Cisco IOS XE Software, Version (\d+)\./.exec(text);
  return m ? Number(m[1]) : undefined;
}

/**
 * IOS XE 26.1.1 (C9300) and 26.2 (C8235-G2) refuse `crypto pki authenticate` for a trustpoint without `fingerprint`;
 * 17.x up to 17.15 still asks the question (dossier, open question 1: the first refusing release is not known).
 */
export const FIRST_RELEASE_REQUIRING_PIN = 26;
