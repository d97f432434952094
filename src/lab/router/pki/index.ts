/**
 * The PKI feature of the lab router: trustpoints, `crypto pki authenticate`, certificate chains (hexmode) and the
 * `show crypto pki` commands, rendered into the running config's two PKI sections.
 */
import type { Feature } from '../feature.js';
import { authenticate, unknownTrustpointText } from './authenticate.js';
import { chainCommands, chainModes } from './chain-commands.js';
import { renderPkiConfig } from './config-text.js';
import { importCertificate } from './import.js';
import { exportPem } from './pem-text.js';
import { showCommands } from './show-commands.js';
import { TRUSTPOINT_MODE, trustpointCommands } from './trustpoint-commands.js';

export const pkiFeature: Feature = {
  name: 'pki',
  modes: [{ id: TRUSTPOINT_MODE, promptTag: 'ca-trustpoint', parent: 'config' }, ...chainModes],
  commands: [
    ...trustpointCommands,
    {
      modes: ['config'],
      syntax: 'crypto pki authenticate <trustpoint>',
      run: (ctx) => authenticate(ctx.router, ctx.io, ctx.params.trustpoint ?? ''),
    },
    {
      modes: ['config'],
      syntax: 'crypto pki import <trustpoint> certificate',
      run: (ctx) => importCertificate(ctx.router, ctx.io, ctx.params.trustpoint ?? ''),
    },
    {
      // Config mode only on IOS XE: in exec mode `pem` does not exist (juliogomez/pqc cert-exchange.yml).
      modes: ['config'],
      syntax: 'crypto pki export <trustpoint> pem terminal',
      run(ctx) {
        const name = ctx.params.trustpoint ?? '';
        const tp = ctx.router.pki.trustpoints.get(name);
        ctx.io.print(tp ? exportPem(tp) : unknownTrustpointText(name));
      },
    },
    ...chainCommands,
    ...showCommands,
  ],
  render: (state) => renderPkiConfig(state.pki),
};
