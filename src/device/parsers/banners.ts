/**
 * Banners inside config text. `show running-config` prints each one as `banner motd ^C`, its text verbatim, and
 * `^C` (whatever delimiter was typed, IOS shows `^C`: an IOSv 15.2 running config ends `banner exec ^C` ...
 * `****^C`, Ansible's cisco.ios ios_banner module splits on `banner <kind> ^C\n` ... `^C\n`). The text may hold any
 * line at column 0, `crypto pki trustpoint X` or `event manager applet Y` included, and IOS's `section` filter reads
 * output as text (a line matching the expression at column 0 and the indented lines below it), so such lines come
 * out of `| section crypto pki` as if they were configuration. Config parsers therefore blank banners first, and
 * every command that reads config through `section` adds BANNER_SECTION to its alternation, so that each banner's
 * first and last lines come out around whatever of its text matched.
 */

/** For a `section` alternation: a banner's first line (`banner motd ^C...`) and the line holding its closing `^C`. */
export const BANNER_SECTION = '^banner|\\^C';

const HEAD = /^banner \S+ \^C(.*)$/;
const CLOSE = '^C';

export interface BannerCut {
  /** The same lines, every banner line (first and last included) made empty: line numbers stay the device's. */
  readonly lines: string[];
  /** The first line of a banner whose closing `^C` never came: everything after it was blanked too. */
  readonly unclosed?: string;
}

/** Blanks every banner in config lines (no line ends). A `^C` outside a banner is left alone. */
export function withoutBanners(lines: readonly string[]): BannerCut {
  const out: string[] = [];
  let open: string | undefined;
  for (const line of lines) {
    if (open !== undefined) {
      if (line.includes(CLOSE)) open = undefined;
      out.push('');
      continue;
    }
    const head = HEAD.exec(line);
    if (head && !(head[1] ?? '').includes(CLOSE)) open = line;
    out.push(head ? '' : line);
  }
  return { lines: out, ...(open !== undefined && { unclosed: open }) };
}
