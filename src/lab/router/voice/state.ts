/**
 * The voice part of a lab router acting as a CUBE: `sip-ua`, `voice service voip` and `dial-peer voice N voip`
 * settings (config), plus the SIP TLS transport's run-time side: its counters, its connections, and the CUCM
 * servers the lab simulates behind dial-peer targets (lab fixtures, not config). Only the voice feature changes it.
 */
import type { CertificateFacts } from '../../../certs/types.js';
import type { RouterState } from '../state.js';

export interface SignalingTrustpoint {
  readonly trustpoint: string;
  readonly cnSanValidateServer: boolean;
}

export interface RemoteAddrTrustpoint extends SignalingTrustpoint {
  readonly network: string;
  readonly mask: string;
}

export interface SipUaSettings {
  defaultTrustpoint?: SignalingTrustpoint;
  /** `crypto signaling remote-addr NET MASK trustpoint TP`, keyed by `NET MASK`, in entry order. */
  readonly remoteAddrs: Map<string, RemoteAddrTrustpoint>;
  /** `transport tcp tls [v1.x]`: undefined when not configured, '' for no version. */
  transportTls?: string;
}

export type SrtpSetting = 'off' | 'on' | 'fallback';

export interface VoiceServiceVoip {
  srtp: SrtpSetting;
  /** The `sip` submode was entered (IOS shows ` sip` even with nothing under it). */
  sip: boolean;
  urlSips: boolean;
  sessionTransportTls: boolean;
}

export interface DialPeer {
  readonly tag: number;
  description?: string;
  destinationPattern?: string;
  sessionProtocol?: 'sipv2';
  /** As typed after `session target`: `ipv4:10.72.86.74:5061`. */
  sessionTarget?: string;
  /** `tcp tls`, `tcp` or `udp`. */
  sessionTransport?: string;
  /** `voice-class sip options-keepalive [...]`: the options as typed ('' for none); undefined when not set. */
  optionsKeepalive?: string;
  srtp: SrtpSetting;
}

/** A CUCM node the lab pretends is listening at a dial-peer's target. */
export interface SimulatedCucm {
  /** Its CallManager certificate (what it presents in the TLS handshake). */
  readonly certificate: CertificateFacts;
  /** Its CallManager-trust store: the CUBE's certificate, or its issuer, must be here (CUCM asks for a client certificate). */
  readonly trusts: readonly CertificateFacts[];
}

export interface TlsConnection {
  readonly connId: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localPort: number;
  readonly tlsVersion: string;
  readonly cipher: string;
  readonly curve: string;
}

export interface TransportCounters {
  sendFailures: number;
  remoteClosures: number;
  connFailures: number;
  inactiveAgeouts: number;
  tlsClientHandshakeFailures: number;
  tlsServerHandshakeFailures: number;
}

export interface VoiceState {
  /** Undefined until `sip-ua` is typed. */
  sipUa?: SipUaSettings;
  voip?: VoiceServiceVoip;
  /** By tag, in creation order: IOS lists dial-peers that way (`5050 voip` before `30 pots` in a CME capture). */
  readonly dialPeers: Map<number, DialPeer>;
  /** Simulated CUCM nodes by `ADDRESS:PORT`. */
  readonly remotes: Map<string, SimulatedCucm>;
  /** The address the router's SIP stack sources from (the lab has no routing table to pick one). */
  sourceAddress: string;
  readonly counters: TransportCounters;
  readonly connections: TlsConnection[];
  /** Remote agents the transport has tried, in first-try order (shown even with no connection left). */
  readonly agents: string[];
  /** `Max. tls send msg queue size of 1, recorded for ADDR:PORT`: the first peer a message was queued for. */
  maxQueueRecordedFor?: string;
  /** Connection ids are shared by listen sockets and connections; the TLS listen socket holds 0. */
  nextConnId: number;
}

/** 192.0.2.0/24 is TEST-NET-1: a source address that cannot be mistaken for a real network. */
export const DEFAULT_SOURCE_ADDRESS = '192.0.2.10';

export function createVoiceState(): VoiceState {
  return {
    dialPeers: new Map(),
    remotes: new Map(),
    sourceAddress: DEFAULT_SOURCE_ADDRESS,
    counters: { sendFailures: 0, remoteClosures: 0, connFailures: 0, inactiveAgeouts: 0, tlsClientHandshakeFailures: 0, tlsServerHandshakeFailures: 0 },
    connections: [],
    agents: [],
    nextConnId: 1,
  };
}

/** The router's voice state, created on first use: routers that never touch voice (most of a fleet) carry none. */
export function voiceState(router: RouterState): VoiceState {
  router.voice ??= createVoiceState();
  return router.voice;
}

export function newSipUa(): SipUaSettings {
  return { remoteAddrs: new Map() };
}

export function newVoip(): VoiceServiceVoip {
  return { srtp: 'off', sip: false, urlSips: false, sessionTransportTls: false };
}
