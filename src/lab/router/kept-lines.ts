/**
 * Global configuration lines the lab knows but does not model (logging hosts, NTP, SNMP, access lists, ...): they
 * are checked as IOS would check their first arguments and kept verbatim in the running config, instead of being
 * silently dropped; `no LINE` removes them. A malformed address gets IOS's caret under the bad word.
 */
import { CONFIG, type EngineCommand, type EngineContext } from './registry.js';

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
/** Dotted digits that are not an IPv4 address (`0255.255.1`): IOS rejects them rather than look them up as a name. */
const LOOKS_NUMERIC = /^[\d.]+$/;

/** The position of the `index`-th word of the line (after a leading `no`). */
function wordAt(line: string, index: number): { text: string; start: number } | undefined {
  const words = [...line.matchAll(/\S+/g)].map((m) => ({ text: m[0], start: m.index }));
  const offset = words[0]?.text.toLowerCase() === 'no' ? 1 : 0;
  return words[index + offset];
}

/** The line without a leading `no`, spaces normalised, as the running config shows it. */
function canonical(line: string): string {
  return line
    .trim()
    .replace(/^no\s+/i, '')
    .replace(/\s+/g, ' ');
}

function keep(ctx: EngineContext): void {
  const text = canonical(ctx.line);
  const kept = ctx.runtime.base.keptLines;
  const at = kept.indexOf(text);
  if (ctx.negated) {
    if (at >= 0) kept.splice(at, 1);
  } else if (at < 0) kept.push(text);
}

/** `addressWord`: which word (0 = the command's first) must be an address when it looks numeric. */
function kept(syntax: string, addressWord?: number): EngineCommand {
  return {
    modes: [CONFIG],
    syntax,
    negatable: true,
    run: (ctx) => {
      if (addressWord !== undefined) {
        const word = wordAt(ctx.line, addressWord);
        if (word && LOOKS_NUMERIC.test(word.text) && !IPV4.test(word.text)) {
          ctx.session.invalid(word.start);
          return;
        }
      }
      keep(ctx);
    },
  };
}

export const KEPT_LINES: readonly EngineCommand[] = [
  kept('logging host <address> [<options...>]', 2),
  kept('logging {buffered|console|monitor|trap|facility|source-interface|origin-id} [<options...>]'),
  kept('logging <address>', 1),
  kept('ntp server <address> [<options...>]', 2),
  kept('snmp-server <options...>'),
  kept('access-list <options...>'),
  kept('alias <options...>'),
  kept('archive'),
  kept('ip name-server <address> [<options...>]', 2),
  kept('ip route <options...>'),
  kept('clock timezone <options...>'),
];
