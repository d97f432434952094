/**
 * A NETCONF device's facts, from two reads: one get-config (trustpoints, `ip host`, EEM environment and applets,
 * by subtree filter) and one CLI command for what the YANG models cannot show: the CA certificates (certificate
 * chains have no body in any model, dossier 5.2) and applet actions without a model (`mail`, dossier 5.5).
 * The result has the CLI workflow's DeviceFacts shape, so planning is the same code whichever way facts were read.
 */
import { BANNER_SECTION, parsePkiConfig } from '../../device/index.js';
import type { EemAction } from '../../device/index.js';
import type { NetconfConfig } from '../../device/netconf/index.js';
import { deviceEnvironment, installedTrustpoint, parseFacts } from '../facts.js';
import type { DeviceFacts, InstalledApplet, InstalledTrustpoint } from '../facts.js';

/** The CLI read of a NETCONF device: only chains and applets (the rest comes over NETCONF), and the banners' first and
 * last lines, so that banner text reading like configuration is cut away. */
export const CLI_FACTS_COMMAND = `show running-config | section crypto pki certificate chain|event manager applet|${BANNER_SECTION}`;

export interface NetconfFacts extends DeviceFacts {
  /** What get-config returned, elements kept for putting objects back as they were. */
  readonly netconf: NetconfConfig;
  /** Per applet, the actions only the CLI shows (their CLI form). */
  readonly cliOnlyActions: ReadonlyMap<string, readonly EemAction[]>;
}

/** EEM orders actions by label as strings. */
function byLabel(a: EemAction, b: EemAction): number {
  return a.label < b.label ? -1 : a.label > b.label ? 1 : 0;
}

export function combineFacts(netconf: NetconfConfig, cliText: string): NetconfFacts {
  const chains = new Map(parsePkiConfig(cliText).chains.map((c) => [c.trustpoint, c.certificates]));
  const trustpoints = new Map<string, InstalledTrustpoint>();
  for (const [name, tp] of netconf.trustpoints) trustpoints.set(name, installedTrustpoint(name, tp.config, chains.get(name)));
  const environment = deviceEnvironment(netconf.environment);
  const cliApplets = parseFacts(cliText).applets;
  const applets = new Map<string, InstalledApplet>();
  const cliOnlyActions = new Map<string, EemAction[]>();
  for (const [name, { applet }] of netconf.applets) {
    const cli = cliApplets.get(name);
    const modelledLabels = new Set(applet.actions.map((a) => a.label));
    const cliOnly = (cli?.parsed.actions ?? []).filter((a) => !modelledLabels.has(a.label));
    cliOnlyActions.set(name, cliOnly);
    const parsed = { ...applet, actions: [...applet.actions, ...cliOnly].sort(byLabel) };
    applets.set(name, { parsed, lines: cli?.lines ?? [] });
  }
  return { trustpoints, environment, applets, ipHosts: netconf.ipHosts, netconf, cliOnlyActions };
}
