/**
 * IOS XE knowledge for the CUBE side of a CUBE/CUCM TLS SIP trunk: the `crypto pki export TP pem terminal` output,
 * `show sip-ua connections tcp tls {detail|brief}`, and the `sip-ua` / `voice service voip` / `dial-peer voice`
 * sections of the running config (parsed, and rendered from a spec so that a re-run sends nothing). Pure: no I/O.
 *
 * Captures these parsers are tested on (test/fixtures/iosxe/cube_*, transcript_crypto_pki_export_*):
 * - export: IOSv CA-only trustpoint (`% The specified trustpoint is not enrolled`), a 2811's `% CA certificate:` +
 *   `% General Purpose Certificate:` (line breaks lost by the web page), the CVP guide's self-signed gateway
 *   (`% Self-signed CA certificate:`);
 * - connections: the Cisco voice command reference and CUBE guide samples for 17.8.1a (two-part `(contd.)` table)
 *   and 17.14.1a (one wide table, TLS 1.3 and 1.2 rows), and a field capture (gw1-2a) with `Connections-Count:0`
 *   agents and `28*` connection ids;
 * - config: a Webex Calling gateway's `sip-ua ` block (trailing blanks after `sip-ua` and the trustpoint name) and
 *   the CVP guide's `crypto signaling remote-addr` and TLS dial-peer.
 */
import { bareIosWord } from './ios-string.js';
import { outputLines } from './text.js';

export class CubeParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CubeParseError';
  }
}

export class CubeSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CubeSpecError';
  }
}

/** The commands the CUBE workflow sends, next to their parsers. */
export const CUBE_COMMANDS = {
  connections: 'show sip-ua connections tcp tls detail',
  config: 'show running-config | section sip-ua|voice service voip|dial-peer',
  /** Config mode only: in exec mode IOS XE knows `pem` only as pkcs12 (dossier 2.8). */
  exportPem: (trustpoint: string): string => `crypto pki export ${bareIosWord(trustpoint, 'trustpoint name')} pem terminal`,
  verboseCertificates: (trustpoint: string): string => `show crypto pki certificates verbose ${bareIosWord(trustpoint, 'trustpoint name')}`,
} as const;

// ---------------------------------------------------------------------------------------------------------------
// crypto pki export TP pem terminal

export interface ExportedPemBlock {
  /** The heading without `% ` and `:`: `CA certificate`, `Self-signed CA certificate`, `General Purpose Certificate`. */
  readonly heading: string;
  /** One PEM certificate, base64 in 64-character lines, ending in a line break. */
  readonly pem: string;
}

export interface PemExport {
  /** `% The specified trustpoint is not enrolled (TP).`: the trustpoint holds no certificate of the router's own. */
  readonly notEnrolled: boolean;
  /** The issuing CA (`% CA certificate:`) or, for a self-signed trustpoint, the router's own certificate. */
  readonly caPem?: string;
  readonly caIsSelfSigned: boolean;
  /** The router's identity certificate (`% General Purpose Certificate:`). */
  readonly generalPurposePem?: string;
  readonly blocks: readonly ExportedPemBlock[];
}

const EXPORT_ERRORS: readonly RegExp[] = [
  /% Certificate Authority \(trustpoint\) .* is unknown/,
  /% RSA keypair .* is not exportable\./,
  /% Invalid input detected/,
  /% Incomplete command\./,
];

function normalizedPem(block: string): string {
  const body = block.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) throw new CubeParseError('crypto pki export: a PEM block holds characters that are not base64');
  return `-----BEGIN CERTIFICATE-----\n${(body.match(/.{1,64}/g) ?? []).join('\n')}\n-----END CERTIFICATE-----\n`;
}

/**
 * The PEM blocks of `crypto pki export TP pem terminal` by heading. Works on the output as the device prints it
 * and on copies whose line breaks were lost (blocks are found by their BEGIN/END lines, not by line).
 */
export function parsePemExport(text: string): PemExport {
  for (const error of EXPORT_ERRORS) {
    const m = error.exec(text);
    if (m) throw new CubeParseError(`crypto pki export failed: the device said "${m[0]}"`);
  }
  const blocks: ExportedPemBlock[] = [];
  const re = /%\s*([A-Za-z][A-Za-z -]*?[Cc]ertificate):\s*(-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) blocks.push({ heading: m[1] ?? '', pem: normalizedPem(m[2] ?? '') });
  if (blocks.length === 0) {
    throw new CubeParseError('crypto pki export: no "% ... certificate:" heading followed by a PEM block in the output');
  }
  const ca = blocks.find((b) => /^(Self-signed )?CA certificate$/i.test(b.heading));
  const own = blocks.find((b) => /^General Purpose Certificate$/i.test(b.heading));
  return {
    notEnrolled: /% The specified trustpoint is not enrolled/.test(text),
    ...(ca ? { caPem: ca.pem } : {}),
    caIsSelfSigned: ca !== undefined && /^Self-signed/i.test(ca.heading),
    ...(own ? { generalPurposePem: own.pem } : {}),
    blocks,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// show sip-ua connections tcp tls {detail|brief}

export interface SipTransportCounters {
  readonly totalActiveConnections: number;
  readonly sendFailures: number;
  readonly remoteClosures: number;
  readonly connFailures: number;
  readonly inactiveConnAgeouts: number;
  /** Absent in `tcp`/`udp` outputs. */
  readonly tlsClientHandshakeFailures?: number;
  readonly tlsServerHandshakeFailures?: number;
  /** `Max. tls send msg queue size of 1, recorded for 10.64.100.152:5061`. */
  readonly maxSendQueue?: { readonly size: number; readonly recordedFor: string };
}

export interface SipConnection {
  readonly remotePort: number;
  readonly connId: number;
  /** Marks after the id or at the end of the row: `*` SIP OAuth port, `**` no socket, `++` mismatched tuple. */
  readonly marks: readonly string[];
  /** `Established`, ... */
  readonly state: string;
  readonly writeQueueSize: number;
  /** `10.64.100.151:47687`, a bare address (17.8 layout) or `-`. */
  readonly localAddress?: string;
  readonly tlsVersion?: string;
  readonly cipher?: string;
  readonly curve?: string;
  readonly tenant?: number;
}

export interface SipRemoteAgent {
  readonly address: string;
  readonly connectionsCount: number;
  readonly connections: readonly SipConnection[];
}

export interface SipListenSocket {
  readonly connId: number;
  readonly address: string;
  readonly port: number;
  /** What follows the port's colon (`vrf`), empty when nothing. */
  readonly suffix: string;
  readonly tenant?: number;
}

export interface SipConnections {
  readonly counters: SipTransportCounters;
  readonly remoteAgents: readonly SipRemoteAgent[];
  readonly listenSockets: readonly SipListenSocket[];
}

type CounterKey = Exclude<keyof SipTransportCounters, 'maxSendQueue'>;

const COUNTER_KEYS: Readonly<Record<string, CounterKey>> = {
  'total active connections': 'totalActiveConnections',
  'no. of send failures': 'sendFailures',
  'no. of remote closures': 'remoteClosures',
  'no. of conn. failures': 'connFailures',
  'no. of inactive conn. ageouts': 'inactiveConnAgeouts',
  'tls client handshake failures': 'tlsClientHandshakeFailures',
  'tls server handshake failures': 'tlsServerHandshakeFailures',
};

interface Column {
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

/** Columns from a header line and the `===` line under it: the `=` runs give the spans, the header the names. */
function tableColumns(header: string, rule: string): Column[] {
  const names = header
    .trim()
    .split(/\s+/)
    .filter((n) => n !== '(contd.)');
  const spans = [...rule.matchAll(/=+/g)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
  return spans.slice(0, names.length).map((span, i) => ({ name: names[i] ?? '', ...span }));
}

/** Cells of a row: each word goes to the column its characters overlap most (values may stick out of a span). */
function tableCells(row: string, columns: readonly Column[]): Map<string, string> {
  const cells = new Map<string, string>();
  for (const word of row.matchAll(/\S+/g)) {
    const start = word.index;
    const end = start + word[0].length;
    let best: Column | undefined;
    let bestScore = -Infinity;
    for (const column of columns) {
      const overlap = Math.min(end, column.end) - Math.max(start, column.start);
      const score = overlap > 0 ? overlap : -Math.min(Math.abs(start - column.end), Math.abs(column.start - end));
      if (score > bestScore) {
        bestScore = score;
        best = column;
      }
    }
    if (best) cells.set(best.name, cells.has(best.name) ? `${cells.get(best.name) ?? ''} ${word[0]}` : word[0]);
  }
  return cells;
}

function toInt(value: string | undefined, what: string, line: string): number {
  if (value === undefined || !/^\d+$/.test(value)) throw new CubeParseError(`show sip-ua connections: ${what} is not a number in "${line.trim()}"`);
  return Number(value);
}

interface RowBuilder {
  cells: Map<string, string>;
  line: string;
}

function connectionFromCells({ cells, line }: RowBuilder): SipConnection {
  const idText = cells.get('Conn-Id') ?? '';
  const idMatch = /^(\d+)(\S*)$/.exec(idText);
  if (!idMatch) throw new CubeParseError(`show sip-ua connections: no Conn-Id in "${line.trim()}"`);
  const marks: string[] = [];
  if (idMatch[2]) marks.push(idMatch[2]);
  const trailing = /(\*\*|\+\+)\s*$/.exec(line);
  if (trailing?.[1]) marks.push(trailing[1]);
  const optional = (name: string, key: keyof SipConnection): Partial<Record<keyof SipConnection, string>> => {
    const value = cells.get(name);
    return value === undefined ? {} : { [key]: value };
  };
  const tenant = cells.get('Tenant');
  return {
    remotePort: toInt(cells.get('Remote-Port'), 'Remote-Port', line),
    connId: Number(idMatch[1]),
    marks,
    state: cells.get('Conn-State') ?? '',
    writeQueueSize: toInt(cells.get('WriteQ-Size'), 'WriteQ-Size', line),
    ...optional('Local-Address', 'localAddress'),
    ...optional('TLS-Version', 'tlsVersion'),
    ...optional('Cipher', 'cipher'),
    ...optional('Curve', 'curve'),
    ...(tenant !== undefined && /^\d+$/.test(tenant) ? { tenant: Number(tenant) } : {}),
  } as SipConnection;
}

function listenSocket(line: string, columns: readonly Column[]): SipListenSocket {
  const words = line.trim().split(/\s+/);
  const id = words[0];
  const local = words[1] ?? '';
  const m = /^(?:\[([^\]]+)\]|([^:\s]+)):(\d+):(\S*)$/.exec(local);
  if (!m) throw new CubeParseError(`show sip-ua connections: listen socket "${line.trim()}" has no ADDRESS:PORT: field`);
  const tenant = columns.some((c) => c.name === 'Tenant') ? words[2] : undefined;
  return {
    connId: toInt(id, 'listen socket Conn-Id', line),
    address: m[1] ?? m[2] ?? '',
    port: Number(m[3]),
    suffix: m[4] ?? '',
    ...(tenant !== undefined && /^\d+$/.test(tenant) ? { tenant: Number(tenant) } : {}),
  };
}

/**
 * `show sip-ua connections tcp tls detail` (or `brief`): the counters, each remote agent with its connection rows,
 * and the listen sockets. Table columns are read from the `===` rule under each header, so the 17.8 two-part
 * layout, the 17.14 wide layout and empty cells all parse.
 */
export function parseSipUaConnections(text: string): SipConnections {
  const lines = outputLines(text);
  const counts: Partial<Record<CounterKey, number>> = {};
  let maxSendQueue: SipTransportCounters['maxSendQueue'];
  const agents: { address: string; connectionsCount: number; rows: RowBuilder[] }[] = [];
  const sockets: SipListenSocket[] = [];
  let section: 'head' | 'agents' | 'listen' = 'head';
  let columns: Column[] | undefined;
  /** In the 17.8 layout the second part of a table (Cipher, Curve, Tenant) fills the rows of the first part. */
  let continuation: { rows: RowBuilder[]; next: number } | undefined;
  let pendingHeader: string | undefined;
  for (const raw of lines) {
    const line = raw.replace(/\t/g, ' ');
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (/SIP Transport Layer Listen Sockets/.test(trimmed)) {
      section = 'listen';
      columns = undefined;
      pendingHeader = undefined;
      continue;
    }
    const agent = /^Remote-Agent:(\S+?),\s*Connections-Count:(\d+)$/.exec(trimmed);
    if (agent) {
      section = 'agents';
      agents.push({ address: agent[1] ?? '', connectionsCount: Number(agent[2]), rows: [] });
      columns = undefined;
      continuation = undefined;
      continue;
    }
    if (section === 'head') {
      // The name ends at its last non-space before the first colon: a lazy `.+?` before `\s*` was quadratic on long space runs.
      const counter = /^([^:]*[^\s:])\s*:\s*(\d+)$/.exec(trimmed);
      const key = counter ? COUNTER_KEYS[(counter[1] ?? '').toLowerCase()] : undefined;
      if (counter && key) {
        counts[key] = Number(counter[2]);
        continue;
      }
      const queue = /^Max\. \w+ send msg queue size of (\d+), recorded for (\S+)$/.exec(trimmed);
      if (queue) maxSendQueue = { size: Number(queue[1]), recordedFor: queue[2] ?? '' };
      continue;
    }
    if (/^=+(\s+=+)*$/.test(trimmed)) {
      if (pendingHeader === undefined) throw new CubeParseError(`show sip-ua connections: a "===" rule without a header above it`);
      columns = tableColumns(pendingHeader, line);
      if (section === 'agents' && !/Remote-Port/.test(pendingHeader)) {
        const current = agents[agents.length - 1];
        continuation = current ? { rows: current.rows, next: 0 } : undefined;
      } else {
        continuation = undefined;
      }
      pendingHeader = undefined;
      continue;
    }
    if (/^(Remote-Port|Conn-Id|Cipher)\b/.test(trimmed)) {
      pendingHeader = line;
      continue;
    }
    if (!columns) continue;
    if (section === 'listen') {
      if (/^\d+\s/.test(trimmed)) sockets.push(listenSocket(line, columns));
      continue;
    }
    const current = agents[agents.length - 1];
    if (!current) continue;
    const cells = tableCells(line, columns);
    if (continuation) {
      const row = continuation.rows[continuation.next++];
      if (row) for (const [k, v] of cells) row.cells.set(k, v);
      continue;
    }
    current.rows.push({ cells, line });
  }
  const required = (key: CounterKey): number => {
    const value = counts[key];
    if (value !== undefined) return value;
    throw new CubeParseError(
      `show sip-ua connections: the "${Object.keys(COUNTER_KEYS).find((k) => COUNTER_KEYS[k] === key) ?? key}" counter is missing; is this the output of show sip-ua connections?`,
    );
  };
  const counters: SipTransportCounters = {
    totalActiveConnections: required('totalActiveConnections'),
    sendFailures: required('sendFailures'),
    remoteClosures: required('remoteClosures'),
    connFailures: required('connFailures'),
    inactiveConnAgeouts: required('inactiveConnAgeouts'),
    ...(counts.tlsClientHandshakeFailures !== undefined && { tlsClientHandshakeFailures: counts.tlsClientHandshakeFailures }),
    ...(counts.tlsServerHandshakeFailures !== undefined && { tlsServerHandshakeFailures: counts.tlsServerHandshakeFailures }),
    ...(maxSendQueue !== undefined && { maxSendQueue }),
  };
  return {
    counters,
    remoteAgents: agents.map((a) => ({ address: a.address, connectionsCount: a.connectionsCount, connections: a.rows.map(connectionFromCells) })),
    listenSockets: sockets,
  };
}

export interface TrunkTlsState {
  readonly established: boolean;
  /** The Established connection to `address:port` (outbound) or from `address` to the local port (inbound). */
  readonly connection?: SipConnection;
  readonly clientHandshakeFailures: number;
  readonly serverHandshakeFailures: number;
  readonly connFailures: number;
}

/** Whether the TLS trunk to CUCM at `address` is up: an Established row towards its port, or from it to ours. */
export function trunkTlsState(connections: SipConnections, address: string, port = 5061): TrunkTlsState {
  const agent = connections.remoteAgents.find((a) => a.address === address);
  const connection = agent?.connections.find((c) => c.state === 'Established' && (c.remotePort === port || (c.localAddress ?? '').endsWith(`:${port}`)));
  return {
    established: connection !== undefined,
    ...(connection ? { connection } : {}),
    clientHandshakeFailures: connections.counters.tlsClientHandshakeFailures ?? 0,
    serverHandshakeFailures: connections.counters.tlsServerHandshakeFailures ?? 0,
    connFailures: connections.counters.connFailures,
  };
}

/**
 * Why the trunk to `address:port` is not Established, in words an operator can act on, from the counters before
 * and after the wait (undefined when it is Established). Counter increases say which side failed.
 */
export function explainTrunkState(before: SipTransportCounters | undefined, after: SipConnections, address: string, port = 5061): string | undefined {
  const state = trunkTlsState(after, address, port);
  if (state.established) return undefined;
  const rose = (key: keyof SipTransportCounters): boolean => {
    const now = after.counters[key];
    const then = before?.[key];
    return typeof now === 'number' && now > (typeof then === 'number' ? then : 0);
  };
  const target = `${address}:${port}`;
  if (rose('tlsClientHandshakeFailures')) {
    return `TLS handshake with ${target} failed: either the CallManager certificate trustpoint does not hold CUCM's current CallManager certificate, or CUCM's CallManager-trust does not hold the CUBE certificate (and its CA) exported from the signaling trustpoint`;
  }
  if (rose('connFailures'))
    return `no TCP connection to ${target}: CUCM does not listen there (SIP trunk security profile not TLS, or port not 5061) or a firewall drops it`;
  if (rose('tlsServerHandshakeFailures')) return `CUCM's TLS connections to the CUBE fail: the CUBE does not trust the certificate CUCM presents`;
  const agent = after.remoteAgents.some((a) => a.address === address);
  return agent
    ? `the CUBE knows ${address} but holds no Established TLS connection to port ${port}`
    : `no TLS traffic to ${target} yet: configure voice-class sip options-keepalive on its dial-peer or place a call, then look again`;
}

// ---------------------------------------------------------------------------------------------------------------
// Running config: sip-ua, voice service voip, dial-peer voice

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
  for (const line of outputLines(text)) {
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

// ---------------------------------------------------------------------------------------------------------------
// Rendering from a spec

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

function signalingLine(trustpoint: string, cnSan: boolean | undefined): string {
  return `trustpoint ${bareIosWord(trustpoint, 'signaling trustpoint name')}${cnSan ? ' cn-san-validate server' : ''}`;
}

/** Checks a spec; throws CubeSpecError naming the first problem. */
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
    lines.push(`crypto signaling default ${signalingLine(spec.signalingTrustpoint, spec.cnSanValidateServer)}`);
  }
  for (const r of spec.remoteAddrs ?? []) {
    const have = current.remoteAddrs.find((c) => c.network === r.network && c.mask === r.mask);
    if (have?.trustpoint !== r.trustpoint) lines.push(`crypto signaling remote-addr ${r.network} ${r.mask} ${signalingLine(r.trustpoint, false)}`);
  }
  if (current.transportTls === undefined || current.transportTls.version !== spec.tlsVersion) {
    lines.push(spec.tlsVersion ? `transport tcp tls ${spec.tlsVersion}` : 'transport tcp tls');
  }
  return lines;
}

function srtpChange(want: SrtpSetting, have: SrtpSetting): string[] {
  if (want === have) return [];
  if (want === 'off') return ['no srtp'];
  // `srtp fallback` implies srtp; going back to plain srtp needs the fallback removed.
  return want === 'fallback' ? ['srtp fallback'] : ['no srtp fallback', 'srtp'];
}

function voipChanges(spec: CubeTrunkSpec, current: VoiceServiceVoipConfig): string[] {
  const direct = srtpChange(spec.srtp ?? 'fallback', current.srtp);
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

/**
 * The config-mode lines that bring the device from `current` to `spec`, each block entered and left (`exit`);
 * empty when the device already matches (a re-run sends nothing). Lines carry no indentation.
 */
export function planCubeConfig(spec: CubeTrunkSpec, current: CubeConfig): string[] {
  validateCubeSpec(spec);
  const out: string[] = [];
  const sipUa = sipUaChanges(spec, current.sipUa);
  if (sipUa.length > 0) out.push('sip-ua', ...sipUa, 'exit');
  const voip = voipChanges(spec, current.voiceServiceVoip);
  if (voip.length > 0) out.push('voice service voip', ...voip, 'exit');
  for (const peer of spec.dialPeers) {
    const have = current.dialPeers.find((d) => d.tag === peer.tag);
    if (have && have.kind !== 'voip') throw new CubeSpecError(`dial-peer ${peer.tag} exists as a ${have.kind} dial-peer; choose another tag`);
    const changes = dialPeerChanges(peer, have);
    if (changes.length > 0) out.push(`dial-peer voice ${peer.tag} voip`, ...changes, 'exit');
  }
  return out;
}

const EMPTY_CONFIG: CubeConfig = {
  sipUa: { present: false, remoteAddrs: [], lines: [] },
  voiceServiceVoip: { present: false, srtp: 'off', sip: { urlSips: false, sessionTransportTls: false, lines: [] }, lines: [] },
  dialPeers: [],
};

/** Every config line of the spec, as sent to a device that has none of it. */
export function cubeConfigLines(spec: CubeTrunkSpec): string[] {
  return planCubeConfig(spec, EMPTY_CONFIG);
}
