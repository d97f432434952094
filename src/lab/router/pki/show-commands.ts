/** The PKI `show` commands (privileged exec; `do show ...` reaches them from config modes). */
import type { CommandContext, CommandSpec } from '../feature.js';
import { showCertificates, showTrustpoints, showTrustpointsStatus } from './show-text.js';

/** The grammar may take a keyword typed after an optional name for the name (`trustpoints status`):
 * a word that is no trustpoint but a prefix of the keyword is the keyword, as IOS's parser reads it. */
function keywordOrName(ctx: CommandContext, keyword: string): { keyword: boolean; name?: string } {
  const name = ctx.params.trustpoint;
  if (ctx.params[keyword] !== undefined) return name === undefined ? { keyword: true } : { keyword: true, name };
  if (name !== undefined && !ctx.router.pki.trustpoints.has(name) && keyword.startsWith(name.toLowerCase())) return { keyword: true };
  return name === undefined ? { keyword: false } : { keyword: false, name };
}

export const showCommands: readonly CommandSpec[] = [
  {
    modes: ['exec'],
    privileged: true,
    syntax: 'show crypto pki certificates [verbose] [<trustpoint>]',
    run(ctx) {
      const { keyword, name } = keywordOrName(ctx, 'verbose');
      ctx.io.print(showCertificates(ctx.router.pki, name === undefined ? { verbose: keyword } : { verbose: keyword, trustpoint: name }));
    },
  },
  {
    modes: ['exec'],
    privileged: true,
    syntax: 'show crypto pki trustpoints [<trustpoint>] [status]',
    run(ctx) {
      const { keyword, name } = keywordOrName(ctx, 'status');
      ctx.io.print(keyword ? showTrustpointsStatus(ctx.router.pki, name) : showTrustpoints(ctx.router.pki, name));
    },
  },
];
