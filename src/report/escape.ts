/**
 * Device text made safe to show. Routers (and anyone who can set a value on one: a CN, an `ip host` name, an EEM
 * variable) choose the bytes certagent reports; printed raw, ESC and OSC sequences would set the operator's
 * clipboard (OSC 52), plant hyperlinks or clear the screen, and bidi overrides (U+202E) would show text other
 * than what is there. Every renderer gets events through `escapingReporter` and every log record through the
 * logger's escape format, so no raw control or format character reaches a terminal, stdout, stderr, the JSON
 * report or the log file. Line feeds stay: renderers decide where a value may span lines (`oneLine`).
 *
 * No library: jsesc escapes either too little (its `minimal` mode leaves ESC and bidi controls) or every
 * non-ASCII letter, and CNs like `TÜRKTRUST` must stay readable.
 */

/** C0 and C1 controls and DEL (Cc) except line feed, format characters (Cf: bidi embeddings, overrides and
 * isolates, zero-width joiners, the BOM), line and paragraph separators, and lone surrogates. */
const UNSAFE = /(?!\n)[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

/** `\x1b`, `\x9b`, `\u202e`: visible, and readable back to the character it stands for. */
function visible(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code <= 0xffff) return `\\u${code.toString(16).padStart(4, '0')}`;
  return `\\u{${code.toString(16)}}`;
}

export function escapeText(text: string): string {
  return text.replace(UNSAFE, visible);
}

/** A copy of `value` with every string escaped (arrays and plain objects walked; other values as they are). */
export function escapeDeep<T>(value: T): T {
  return walk(value, new WeakSet()) as T;
}

function walk(value: unknown, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return escapeText(value);
  if (value === null || typeof value !== 'object' || seen.has(value)) return value;
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => walk(v, seen));
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = walk(v, seen);
  return out;
}
