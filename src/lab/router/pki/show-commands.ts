/** The PKI `show` commands (privileged exec; `do show ...` reaches them from config modes). */
import type { CommandContext, CommandSpec } from '../feature.js';
import { showCertificatesPem } from './pem-text.js';
import { showCertificates, showTrustpoints, showTrustpointsStatus } from './show-text.js';

/** The grammar may take a keyword next to an optional name for the name (`trustpoints status`): a word that is
 * no trustpoint but a prefix of exactly one of the keywords is that keyword, as IOS's parser reads it. */
function keywordOrName(ctx: CommandContext, keywords: readonly string[]): { keyword?: string; name?: string } {
  const name = ctx.params.trustpoint;
  const typed = keywords.find((k) => ctx.params[k] !== undefined);
  if (typed !== undefined) return name === undefined ? { keyword: typed } : { keyword: typed, name };
  if (name === undefined) return {};
  const prefixOf = keywords.filter((k) => k.startsWith(name.toLowerCase()));
  if (!ctx.router.pki.trustpoints.has(name) && prefixOf.length === 1) return { keyword: prefixOf[0] };
  return { name };
}

export const showCommands: readonly CommandSpec[] = [
  {
    modes: ['exec'],
    privileged: true,
    syntax: 'show crypto pki certificates [{ verbose | pem }] [<trustpoint>]',
    run(ctx) {
      const { keyword, name } = keywordOrName(ctx, ['verbose', 'pem']);
      const pki = ctx.router.pki;
      if (keyword === 'pem') ctx.io.print(showCertificatesPem(pki, name));
      else ctx.io.print(showCertificates(pki, { verbose: keyword === 'verbose', ...(name === undefined ? {} : { trustpoint: name }) }));
    },
  },
  {
    modes: ['exec'],
    privileged: true,
    syntax: 'show crypto pki trustpoints [<trustpoint>] [status]',
    run(ctx) {
      const { keyword, name } = keywordOrName(ctx, ['status']);
      ctx.io.print(keyword ? showTrustpointsStatus(ctx.router.pki, name) : showTrustpoints(ctx.router.pki, name));
    },
  },
];
