/**
 * The CUBE configuration a TLS SIP trunk needs, from a spec: the `sip-ua`, `voice service voip` and
 * `dial-peer voice` blocks that bring a device from what it shows to the spec, one block a change, so that a
 * re-run sends nothing. Pure: the device's config comes in parsed (device/parsers/cube-config.ts).
 */
import { bareIosWord } from '../../device/index.js';
import type { CubeConfig, DialPeerConfig, SipUaConfig, SrtpSetting, VoiceServiceVoipConfig } from '../../device/index.js';

export class CubeSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CubeSpecError';
  }
}

export interface DialPeerSpec {
  readonly tag: number;
  readonly description?: string;
  readonly destinationPattern?: string;
  /** CUCM's address (IPv4) and its SIP TLS port (5061 by default). */
  readonly target: { readonly address: string; readonly port?: number };
  /** `srtp` on the dial-peer; left as it is when absent. */
  readonly srtp?: boolean;
  /**
   * `voice-class sip options-keepalive`; left as it is when absent. Without calls or OPTIONS pings a real CUBE opens
   * no TLS connection, so `show sip-ua connections` shows nothing to verify: turn it on for an unattended check.
   */
  readonly optionsKeepalive?: boolean;
}

export interface CubeTrunkSpec {
  /** The trustpoint holding the CUBE's identity certificate: `crypto signaling default trustpoint TP`. */
  readonly signalingTrustpoint: string;
  readonly cnSanValidateServer?: boolean;
  /** `crypto signaling remote-addr NET MASK trustpoint TP`, for peers that need another identity. */
  readonly remoteAddrs?: readonly { readonly network: string; readonly mask: string; readonly trustpoint: string }[];
  /** `transport tcp tls v1.2`; plain `transport tcp tls` when absent. */
  readonly tlsVersion?: 'v1.2' | 'v1.3';
  /** `voice service voip` srtp: `fallback` (the default) lets calls fall back to RTP for MoH and transfers. */
  readonly srtp?: SrtpSetting;
  /** `voice service voip` / `sip` / `url sips`. */
  readonly urlSips?: boolean;
  /** `voice service voip` / `sip` / `session transport tcp tls`. */
  readonly sipSessionTransportTls?: boolean;
  readonly dialPeers: readonly DialPeerSpec[];
}

/** Which top-level block of the CUBE configuration. */
export type CubeBlockTarget = { readonly kind: 'sip-ua' } | { readonly kind: 'voice service voip' } | { readonly kind: 'dial-peer'; readonly tag: number };

/** Config-mode lines of one block: its header, the changes, `exit`. Lines carry no indentation. */
export type CubeBlock = CubeBlockTarget & { readonly lines: readonly string[] };

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function ipv4(value: string, what: string): string {
  if (!IPV4.test(value)) throw new CubeSpecError(`${what} must be a dotted IPv4 address, got ${JSON.stringify(value)}`);
  return value;
}

function oneLine(value: string, what: string): string {
  if (value.trim() === '' || /[\r\n?]/.test(value)) {
    throw new CubeSpecError(`${what} must be non-empty text on one line without '?', got ${JSON.stringify(value)}`);
  }
  return value.trim();
}

function targetText(peer: DialPeerSpec): string {
  const port = peer.target.port ?? 5061;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new CubeSpecError(`dial-peer ${peer.tag}: port must be 1-65535, got ${port}`);
  return `ipv4:${ipv4(peer.target.address, `dial-peer ${peer.tag} target address`)}:${port}`;
}

/** `trustpoint TP [cn-san-validate server]`, as `crypto signaling` takes it and the running config shows it. */
export function signalingText(trustpoint: string, cnSanValidateServer: boolean | undefined): string {
  return `trustpoint ${trustpoint}${cnSanValidateServer ? ' cn-san-validate server' : ''}`;
}

export function transportTlsLine(version: string | undefined): string {
  return version ? `transport tcp tls ${version}` : 'transport tcp tls';
}

/** The lines that set `srtp` in the current mode, from any setting. */
export function srtpLines(want: SrtpSetting): string[] {
  if (want === 'off') return ['no srtp'];
  // `srtp fallback` implies srtp; going back to plain srtp needs the fallback removed.
  return want === 'fallback' ? ['srtp fallback'] : ['no srtp fallback', 'srtp'];
}

/** Checks a spec; throws CubeSpecError (or IosStringError for a name that is not one IOS word) naming the first problem. */
export function validateCubeSpec(spec: CubeTrunkSpec): void {
  bareIosWord(spec.signalingTrustpoint, 'signaling trustpoint name');
  for (const r of spec.remoteAddrs ?? []) {
    ipv4(r.network, 'remote-addr network');
    ipv4(r.mask, 'remote-addr mask');
    bareIosWord(r.trustpoint, 'remote-addr trustpoint name');
  }
  const tags = new Set<number>();
  for (const peer of spec.dialPeers) {
    if (!Number.isInteger(peer.tag) || peer.tag < 1 || peer.tag > 1073741823) throw new CubeSpecError(`dial-peer tag must be 1-1073741823, got ${peer.tag}`);
    if (tags.has(peer.tag)) throw new CubeSpecError(`dial-peer ${peer.tag} is listed twice`);
    tags.add(peer.tag);
    targetText(peer);
    if (peer.description !== undefined) oneLine(peer.description, `dial-peer ${peer.tag} description`);
    if (peer.destinationPattern !== undefined) bareIosWord(peer.destinationPattern, `dial-peer ${peer.tag} destination-pattern`);
  }
}

function sipUaChanges(spec: CubeTrunkSpec, current: SipUaConfig): string[] {
  const lines: string[] = [];
  const def = current.defaultTrustpoint;
  if (def?.trustpoint !== spec.signalingTrustpoint || def.cnSanValidateServer !== (spec.cnSanValidateServer ?? false)) {
    lines.push(`crypto signaling default ${signalingText(spec.signalingTrustpoint, spec.cnSanValidateServer)}`);
  }
  for (const r of spec.remoteAddrs ?? []) {
    const have = current.remoteAddrs.find((c) => c.network === r.network && c.mask === r.mask);
    if (have?.trustpoint !== r.trustpoint) lines.push(`crypto signaling remote-addr ${r.network} ${r.mask} ${signalingText(r.trustpoint, false)}`);
  }
  if (current.transportTls === undefined || current.transportTls.version !== spec.tlsVersion) lines.push(transportTlsLine(spec.tlsVersion));
  return lines;
}

function voipChanges(spec: CubeTrunkSpec, current: VoiceServiceVoipConfig): string[] {
  const srtp = spec.srtp ?? 'fallback';
  const direct = srtp === current.srtp ? [] : srtpLines(srtp);
  const sip: string[] = [];
  if (spec.urlSips && !current.sip.urlSips) sip.push('url sips');
  if (spec.sipSessionTransportTls && !current.sip.sessionTransportTls) sip.push('session transport tcp tls');
  return [...direct, ...(sip.length > 0 ? ['sip', ...sip, 'exit'] : [])];
}

function dialPeerChanges(peer: DialPeerSpec, current: DialPeerConfig | undefined): string[] {
  const lines: string[] = [];
  const description = peer.description === undefined ? undefined : oneLine(peer.description, `dial-peer ${peer.tag} description`);
  if (description !== undefined && current?.description !== description) lines.push(`description ${description}`);
  if (peer.destinationPattern !== undefined && current?.destinationPattern !== peer.destinationPattern) {
    lines.push(`destination-pattern ${peer.destinationPattern}`);
  }
  if (current?.sessionProtocol !== 'sipv2') lines.push('session protocol sipv2');
  const target = targetText(peer);
  if (current?.sessionTarget !== target) lines.push(`session target ${target}`);
  if (current?.sessionTransport !== 'tcp tls') lines.push('session transport tcp tls');
  if (peer.optionsKeepalive === true && !current?.optionsKeepalive) lines.push('voice-class sip options-keepalive');
  if (peer.optionsKeepalive === false && current?.optionsKeepalive) lines.push('no voice-class sip options-keepalive');
  if (peer.srtp === true && current?.srtp !== 'on') lines.push('srtp');
  if (peer.srtp === false && current !== undefined && current.srtp !== 'off') lines.push('no srtp');
  return lines;
}

/** The blocks that bring the device from `current` to `spec`, in sending order; empty when it already matches. */
export function planCubeBlocks(spec: CubeTrunkSpec, current: CubeConfig): CubeBlock[] {
  validateCubeSpec(spec);
  const out: CubeBlock[] = [];
  const sipUa = sipUaChanges(spec, current.sipUa);
  if (sipUa.length > 0) out.push({ kind: 'sip-ua', lines: ['sip-ua', ...sipUa, 'exit'] });
  const voip = voipChanges(spec, current.voiceServiceVoip);
  if (voip.length > 0) out.push({ kind: 'voice service voip', lines: ['voice service voip', ...voip, 'exit'] });
  for (const peer of spec.dialPeers) {
    const have = current.dialPeers.find((d) => d.tag === peer.tag);
    if (have && have.kind !== 'voip') throw new CubeSpecError(`dial-peer ${peer.tag} exists as a ${have.kind} dial-peer; choose another tag`);
    const changes = dialPeerChanges(peer, have);
    if (changes.length > 0) out.push({ kind: 'dial-peer', tag: peer.tag, lines: [`dial-peer voice ${peer.tag} voip`, ...changes, 'exit'] });
  }
  return out;
}

const EMPTY_CONFIG: CubeConfig = {
  sipUa: { present: false, remoteAddrs: [], lines: [] },
  voiceServiceVoip: { present: false, srtp: 'off', sip: { urlSips: false, sessionTransportTls: false, lines: [] }, lines: [] },
  dialPeers: [],
};

/** The config-mode lines of every block, as sent to a device showing `current` (by default, one that has none of it). */
export function cubeConfigLines(spec: CubeTrunkSpec, current: CubeConfig = EMPTY_CONFIG): string[] {
  return planCubeBlocks(spec, current).flatMap((b) => b.lines);
}
