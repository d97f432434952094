/**
 * The voice (CUBE) feature of the lab router: `sip-ua`, `voice service voip`, `dial-peer voice N voip`, their
 * running-config blocks, and `show sip-ua connections tcp tls {detail|brief}` computed from the configuration, the
 * PKI trustpoints and the CUCM nodes the lab simulates (registerCucm). See tls-trunk.ts for the handshake rules.
 */
import { parseCertificates } from '../../../certs/x509.js';
import type { Feature } from '../feature.js';
import type { RouterState } from '../state.js';
import { voiceCommands, voiceModes } from './commands.js';
import { renderVoiceConfig } from './config-text.js';
import { voiceState, type SimulatedCucm } from './state.js';
import { SIP_TLS_PORT } from './tls-trunk.js';

export { createVoiceState, voiceState, type VoiceState, type SimulatedCucm } from './state.js';
export { SIP_UA_MODE, VOIP_MODE, VOIP_SIP_MODE, DIAL_PEER_MODE } from './commands.js';

export const voiceFeature: Feature = {
  name: 'voice',
  modes: voiceModes,
  commands: voiceCommands,
  render: (state) => renderVoiceConfig(state.voice),
};

export interface CucmNode {
  readonly address: string;
  /** 5061 when absent. */
  readonly port?: number;
  /** The node's CallManager certificate (PEM). */
  readonly callManagerPem: string;
  /** Its CallManager-trust store (PEM certificates): what was uploaded from the CUBE's export. */
  readonly trustPems: readonly string[];
}

/** Puts a simulated CUCM node behind `address:port` for this router's SIP TLS transport (replaces one there). */
export function registerCucm(router: RouterState, node: CucmNode): void {
  const [certificate] = parseCertificates(node.callManagerPem, `CallManager certificate of ${node.address}`);
  if (!certificate) throw new Error(`registerCucm: no certificate in the CallManager PEM of ${node.address}`);
  const trusts = node.trustPems.flatMap((pem, i) => parseCertificates(pem, `CallManager-trust ${i + 1} of ${node.address}`));
  voiceState(router).remotes.set(`${node.address}:${node.port ?? SIP_TLS_PORT}`, { certificate, trusts });
}

/** Puts a CUCM node whose CallManager-trust may change while the lab runs (its `trusts` is read at each handshake). */
export function attachCucm(router: RouterState, address: string, port: number, cucm: SimulatedCucm): void {
  voiceState(router).remotes.set(`${address}:${port}`, cucm);
}
