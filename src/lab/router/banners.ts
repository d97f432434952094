/**
 * `banner motd|login|exec <d> text <d>` in config mode, as IOS reads and shows it. The first character after the
 * banner's name is the delimiter the user chose; text closed on the same line is taken at once, otherwise IOS asks
 * for the rest (`Enter TEXT message.  End with the character '#'.`) and reads raw lines, no prompt, until one holds
 * the delimiter. Real transcripts (search index ids): IOS 15.x `R3(config)#banner motd ^` then
 * `Enter TEXT message.  End with the character '^'.` (124250014), `banner motd "` ... `NO ENTRY"` (44682162228),
 * `banner motd c` ... ` c` (54614078928). `show running-config` shows every delimiter as `^C` with the text verbatim
 * between, line ends included: `banner exec ^C` / text lines / `****^C` on IOSv 15.2 (36194536859), the closing
 * `^C` on a line of its own when the delimiter was typed alone on the last line (IOS 12.4, 817503575), and the
 * banners after `control-plane` (and after voice's dial-peers, 20671796081), right before `line con 0`.
 */
import type { ConfigBlock } from './feature.js';
import { CONFIG, type EngineCommand } from './registry.js';

export type BannerKind = 'motd' | 'login' | 'exec';

/** IOS's order in the running config (the IOSv capture: exec, incoming, login; motd follows login). */
const ORDER: readonly BannerKind[] = ['exec', 'login', 'motd'];

/** How the running config writes every banner delimiter. */
const SHOWN_DELIMITER = '^C';

export type BannerStart =
  | { readonly kind: 'closed'; readonly text: string }
  | { readonly kind: 'open'; readonly delimiter: string; readonly text: string }
  | { readonly kind: 'missing' };

/**
 * What follows `banner motd`: the delimiter and the text up to the next one. `^C` typed as two characters is one
 * delimiter, so the running config's own text replays (a saved config is read back at boot); no capture shows IOS
 * doing this with a typed `^C`, so that part is a guess. Text after the closing delimiter is dropped (a guess too).
 */
export function bannerStart(rest: string): BannerStart {
  const body = rest.replace(/^[ \t]+/, '');
  if (body === '') return { kind: 'missing' };
  const delimiter = body.startsWith(SHOWN_DELIMITER) ? SHOWN_DELIMITER : String.fromCodePoint(body.codePointAt(0) ?? 0);
  const after = body.slice(delimiter.length);
  const end = after.indexOf(delimiter);
  return end >= 0 ? { kind: 'closed', text: after.slice(0, end) } : { kind: 'open', delimiter, text: after };
}

/** One more line of an open banner: its text up to the delimiter, and whether the delimiter came. */
export function bannerLine(delimiter: string, line: string): { readonly text: string; readonly closed: boolean } {
  const end = line.indexOf(delimiter);
  return end >= 0 ? { text: line.slice(0, end), closed: true } : { text: line, closed: false };
}

/** The running config's banner lines, or none. */
export function bannerBlock(banners: ReadonlyMap<BannerKind, string>): ConfigBlock | undefined {
  const lines = ORDER.filter((kind) => banners.has(kind)).flatMap((kind) =>
    `banner ${kind} ${SHOWN_DELIMITER}${banners.get(kind) ?? ''}${SHOWN_DELIMITER}`.split('\n'),
  );
  return lines.length > 0 ? { slot: 'banner', lines } : undefined;
}

/** The line after `banner <kind>` (the grammar's rest parameter loses trailing blanks, which are banner text). */
function textAfterKind(line: string): string {
  return line.replace(/^\s*\S+\s+\S+/, '');
}

export const BANNER_COMMAND: EngineCommand = {
  modes: [CONFIG],
  syntax: 'banner {motd|login|exec} [<text...>]',
  negatable: true,
  async run(ctx) {
    const kind = ORDER.find((k) => ctx.params[k] !== undefined) ?? 'motd';
    const banners = ctx.runtime.base.banners;
    if (ctx.negated) {
      banners.delete(kind);
      return;
    }
    const start = bannerStart(textAfterKind(ctx.line));
    if (start.kind === 'missing') {
      // `banner motd` alone: IOS's reply is in no capture; the grammar's own refusal is the likeliest.
      ctx.session.incomplete();
      return;
    }
    let text = start.text;
    if (start.kind === 'open') {
      ctx.io.print(`Enter TEXT message.  End with the character '${start.delimiter}'.\n`);
      for (;;) {
        const next = bannerLine(start.delimiter, await ctx.io.readLine());
        text += `\n${next.text}`;
        if (next.closed) break;
      }
    }
    banners.set(kind, text);
  },
};
