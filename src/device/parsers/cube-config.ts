/**
 * The CUBE sections of the running config: `sip-ua`, `voice service voip`, `dial-peer voice`. Pure: no I/O.
 *
 * Captures it is tested on (test/fixtures/iosxe/cube_*): a Webex Calling gateway's `sip-ua ` block (trailing blanks
 * after `sip-ua` and the trustpoint name) and the CVP guide's `crypto signaling remote-addr` and TLS dial-peer.
 */
import { outputLines } from '../text.js';
import { withoutBanners } from './banners.js';

export type SrtpSetting = 'off' | 'on' | 'fallback';

export interface SignalingTrustpoint {
  readonly trustpoint: string;
  readonly cnSanValidateServer: boolean;
}

export interface RemoteAddrTrustpoint extends SignalingTrustpoint {
  readonly network: string;
  readonly mask: string;
}

export interface SipUaConfig {
  readonly present: boolean;
  readonly defaultTrustpoint?: SignalingTrustpoint;
  readonly remoteAddrs: readonly RemoteAddrTrustpoint[];
  /** `transport tcp tls [v1.2]`: present with its version word, if any. */
  readonly transportTls?: { readonly version?: string };
  /** Child lines as shown, trimmed. */
  readonly lines: readonly string[];
}

export interface VoiceServiceVoipConfig {
  readonly present: boolean;
  readonly srtp: SrtpSetting;
  readonly sip: { readonly urlSips: boolean; readonly sessionTransportTls: boolean; readonly lines: readonly string[] };
  readonly lines: readonly string[];
}

export interface DialPeerConfig {
  readonly tag: number;
  /** `voip`, `pots`, ... */
  readonly kind: string;
  readonly description?: string;
  readonly destinationPattern?: string;
  readonly sessionProtocol?: string;
  /** `ipv4:10.72.86.74:5061`, `dns:...`, `sip-server` as shown. */
  readonly sessionTarget?: string;
  /** `tcp tls`, `tcp`, `udp`. */
  readonly sessionTransport?: string;
  /** `voice-class sip options-keepalive`: the CUBE pings CUCM with OPTIONS, which opens the TLS connection. */
  readonly optionsKeepalive: boolean;
  readonly srtp: SrtpSetting;
  readonly lines: readonly string[];
}

export interface CubeConfig {
  readonly sipUa: SipUaConfig;
  readonly voiceServiceVoip: VoiceServiceVoipConfig;
  readonly dialPeers: readonly DialPeerConfig[];
}

interface Block {
  readonly header: string;
  readonly children: string[];
}

/** Top-level blocks: a line at column 0 and the indented lines under it (`!` lines end nothing but are skipped). */
function topLevelBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  // A banner's text can hold `dial-peer voice ...` or `sip-ua` at column 0: never configuration.
  for (const line of withoutBanners(outputLines(text)).lines) {
    if (line.trim() === '' || line.trim().startsWith('!')) continue;
    if (/^\S/.test(line)) blocks.push({ header: line.trim(), children: [] });
    else blocks[blocks.length - 1]?.children.push(line);
  }
  return blocks;
}

function signaling(rest: string): SignalingTrustpoint | undefined {
  const m = /^trustpoint (\S+)(.*)$/.exec(rest.trim());
  if (!m) return undefined;
  return { trustpoint: m[1] ?? '', cnSanValidateServer: /\bcn-san-validate server\b/.test(m[2] ?? '') };
}

function parseSipUa(block: Block | undefined): SipUaConfig {
  const lines = block?.children.map((l) => l.trim()) ?? [];
  let defaultTrustpoint: SignalingTrustpoint | undefined;
  const remoteAddrs: RemoteAddrTrustpoint[] = [];
  let transportTls: { version?: string } | undefined;
  for (const line of lines) {
    const def = /^crypto signaling default (.*)$/.exec(line);
    if (def) defaultTrustpoint = signaling(def[1] ?? '') ?? defaultTrustpoint;
    const remote = /^crypto signaling remote-addr (\S+) (\S+) (.*)$/.exec(line);
    const remoteTp = remote ? signaling(remote[3] ?? '') : undefined;
    if (remote && remoteTp) remoteAddrs.push({ network: remote[1] ?? '', mask: remote[2] ?? '', ...remoteTp });
    const transport = /^transport tcp tls(?: (\S+))?/.exec(line);
    if (transport) transportTls = transport[1] ? { version: transport[1] } : {};
  }
  return {
    present: block !== undefined,
    ...(defaultTrustpoint ? { defaultTrustpoint } : {}),
    remoteAddrs,
    ...(transportTls ? { transportTls } : {}),
    lines,
  };
}

function srtpOf(lines: readonly string[]): SrtpSetting {
  if (lines.includes('srtp fallback')) return 'fallback';
  return lines.includes('srtp') ? 'on' : 'off';
}

function parseVoiceServiceVoip(block: Block | undefined): VoiceServiceVoipConfig {
  const direct: string[] = [];
  const sip: string[] = [];
  let inSip = false;
  for (const line of block?.children ?? []) {
    const depth = line.length - line.trimStart().length;
    if (depth === 1) {
      inSip = line.trim() === 'sip';
      direct.push(line.trim());
    } else if (inSip) {
      sip.push(line.trim());
    }
  }
  return {
    present: block !== undefined,
    srtp: srtpOf(direct),
    sip: { urlSips: sip.includes('url sips'), sessionTransportTls: sip.includes('session transport tcp tls'), lines: sip },
    lines: direct,
  };
}

function parseDialPeer(block: Block, tag: number, kind: string): DialPeerConfig {
  const lines = block.children.map((l) => l.trim());
  const value = (prefix: string): string | undefined => {
    const line = lines.find((l) => l.startsWith(`${prefix} `));
    return line === undefined ? undefined : line.slice(prefix.length + 1);
  };
  const fields: Record<string, string | undefined> = {
    description: value('description'),
    destinationPattern: value('destination-pattern'),
    sessionProtocol: value('session protocol'),
    sessionTarget: value('session target'),
    sessionTransport: value('session transport'),
  };
  const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Record<string, string>;
  const optionsKeepalive = lines.some((l) => /^voice-class sip options-keepalive\b/.test(l));
  return { tag, kind, ...defined, optionsKeepalive, srtp: srtpOf(lines), lines };
}

/** The CUBE sections of `show running-config` (whole, or `| section sip-ua|voice service voip|dial-peer`). */
export function parseCubeConfig(text: string): CubeConfig {
  const blocks = topLevelBlocks(text);
  const dialPeers: DialPeerConfig[] = [];
  for (const block of blocks) {
    const m = /^dial-peer voice (\d+) (\S+)$/.exec(block.header);
    if (m) dialPeers.push(parseDialPeer(block, Number(m[1]), m[2] ?? ''));
  }
  return {
    sipUa: parseSipUa(blocks.find((b) => b.header === 'sip-ua')),
    voiceServiceVoip: parseVoiceServiceVoip(blocks.find((b) => b.header === 'voice service voip')),
    dialPeers,
  };
}
