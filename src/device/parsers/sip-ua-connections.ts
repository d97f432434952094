/**
 * `show sip-ua connections tcp tls {detail|brief}`: the counters, the remote agents with their connection rows, the
 * listen sockets; and what they say of one trunk. Pure: no I/O.
 *
 * Captures it is tested on (test/fixtures/iosxe/cube_*): the Cisco voice command reference and CUBE guide samples
 * for 17.8.1a (two-part `(contd.)` table) and 17.14.1a (one wide table, TLS 1.3 and 1.2 rows), and a field capture
 * (gw1-2a) with `Connections-Count:0` agents and `28*` connection ids.
 */
import { CubeParseError } from '../cube.js';
import { outputLines } from '../text.js';

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
