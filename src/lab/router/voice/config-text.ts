/**
 * The voice blocks of the running config, as IOS XE shows them:
 *
 *   voice service voip            (slot `voice`, after the PKI sections)
 *    srtp fallback
 *    sip
 *     session transport tcp tls
 *     url sips
 *   dial-peer voice 100 voip      (slot `dial-peer`, right before sip-ua, as in CME/CUBE running configs
 *    description To CUCM           where the last dial-peer is followed by `sip-ua `)
 *    destination-pattern 2...
 *    session protocol sipv2
 *    session target ipv4:10.72.86.74:5061
 *    session transport tcp tls
 *    voice-class sip options-keepalive
 *    srtp
 *   sip-ua                        (slot `sip-ua`; IOS prints a blank after `sip-ua` and after the trustpoint name)
 *    transport tcp tls v1.2
 *    crypto signaling default trustpoint sip-trunk-cert
 *
 * Sources: the Webex Calling gateway config (search-index file 6401360233: `sip-ua `, ` transport tcp tls v1.2`
 * before ` crypto signaling default trustpoint ciscoCATrustpoint `), the CVP guide (63341723872: remote-addr line,
 * dial-peer order description/destination-pattern/session protocol/session target/session transport), Cisco's
 * CUCM-CUBE TLS guide 215412 (63643270961: `session transport tcp tls`, `voice-class sip options-keepalive`, `srtp`), CME
 * configs (63191415687, 63513827174: dial-peers then `sip-ua `). Not captured, chosen as 17.x prints similar
 * lines: remote-addr lines before the default line, ` srtp` placement before ` sip`, and no trailing blank after
 * `cn-san-validate server`.
 */
import type { ConfigBlock } from '../feature.js';
import type { DialPeer, SignalingTrustpoint, VoiceState } from './state.js';

function signalingText(s: SignalingTrustpoint): string {
  return s.cnSanValidateServer ? `trustpoint ${s.trustpoint} cn-san-validate server` : `trustpoint ${s.trustpoint} `;
}

function srtpLine(srtp: 'off' | 'on' | 'fallback', indent: string): string[] {
  if (srtp === 'off') return [];
  return [srtp === 'fallback' ? `${indent}srtp fallback` : `${indent}srtp`];
}

function dialPeerLines(peer: DialPeer): string[] {
  const lines = [`dial-peer voice ${peer.tag} voip`];
  if (peer.description !== undefined) lines.push(` description ${peer.description}`);
  if (peer.destinationPattern !== undefined) lines.push(` destination-pattern ${peer.destinationPattern}`);
  if (peer.sessionProtocol !== undefined) lines.push(` session protocol ${peer.sessionProtocol}`);
  if (peer.sessionTarget !== undefined) lines.push(` session target ${peer.sessionTarget}`);
  if (peer.sessionTransport !== undefined) lines.push(` session transport ${peer.sessionTransport}`);
  if (peer.optionsKeepalive !== undefined) lines.push(` voice-class sip options-keepalive${peer.optionsKeepalive === '' ? '' : ` ${peer.optionsKeepalive}`}`);
  lines.push(...srtpLine(peer.srtp, ' '));
  return lines;
}

export function renderVoiceConfig(voice: VoiceState | undefined): ConfigBlock[] {
  if (!voice) return [];
  const blocks: ConfigBlock[] = [];
  const voip = voice.voip;
  if (voip) {
    const lines = ['voice service voip', ...srtpLine(voip.srtp, ' ')];
    if (voip.sip) {
      lines.push(' sip');
      if (voip.sessionTransportTls) lines.push('  session transport tcp tls');
      if (voip.urlSips) lines.push('  url sips');
    }
    blocks.push({ slot: 'voice', lines });
  }
  for (const peer of voice.dialPeers.values()) blocks.push({ slot: 'dial-peer', lines: dialPeerLines(peer) });
  const ua = voice.sipUa;
  if (ua) {
    const children: string[] = [];
    if (ua.transportTls !== undefined) children.push(ua.transportTls === '' ? ' transport tcp tls' : ` transport tcp tls ${ua.transportTls}`);
    for (const r of ua.remoteAddrs.values()) children.push(` crypto signaling remote-addr ${r.network} ${r.mask} ${signalingText(r)}`);
    if (ua.defaultTrustpoint) children.push(` crypto signaling default ${signalingText(ua.defaultTrustpoint)}`);
    // An empty sip-ua is not shown: every sip-ua setting the lab knows has a default that IOS does not print.
    if (children.length > 0) blocks.push({ slot: 'sip-ua', lines: ['sip-ua ', ...children] });
  }
  return blocks;
}
