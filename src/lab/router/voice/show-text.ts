/**
 * `show sip-ua connections tcp tls {detail|brief}`, from the transport state.
 *
 * Layout: the counters as in every capture (Cisco voice command reference and CUBE guide samples, search-index
 * files 63415785687 and 63159579682, test/fixtures/iosxe/cube_show_sip_ua_connections_*); the `Max. tls send msg
 * queue size` line only once a message was queued (absent from the samples without connections); agents without a
 * connection listed with `Connections-Count:0` and no table (gw1-2a capture). The connection table is the one-line
 * 17.14 layout of the sample's TLS 1.2 row (Local-Address 38 wide, Cipher 30, Tenant printed 5 wide under a
 * 6-wide rule, as captured); which of the 17.8 two-part layout or this one a 17.9 image prints was not found.
 * The `* Connections with SIP OAuth ports` note line appears only in 17.14 samples and is left out.
 */
import { SIP_TLS_PORT } from './tls-trunk.js';
import type { TlsConnection, VoiceState } from './state.js';

const TABLE_HEADER =
  '  Remote-Port Conn-Id Conn-State  WriteQ-Size            Local-Address               TLS-Version Cipher                         Curve Tenant';
const TABLE_RULE =
  '  =========== ======= =========== =========== ====================================== =========== ============================== ===== ======';

const NOTE = [
  '---------Printing Detailed Connection Report---------',
  'Note:',
  ' ** Tuples with no matching socket entry',
  "    - Do 'clear sip <tcp[tls]/udp> conn t ipv4:<addr>:<port>'",
  '      to overcome this error condition',
  ' ++ Tuples with mismatched address/port entry',
  "    - Do 'clear sip <tcp[tls]/udp> conn t ipv4:<addr>:<port> id <connid>'",
  '      to overcome this error condition',
];

function counterLines(voice: VoiceState): string[] {
  const c = voice.counters;
  const lines = [
    `Total active connections      : ${voice.connections.length}`,
    `No. of send failures          : ${c.sendFailures}`,
    `No. of remote closures        : ${c.remoteClosures}`,
    `No. of conn. failures         : ${c.connFailures}`,
    `No. of inactive conn. ageouts : ${c.inactiveAgeouts}`,
  ];
  if (voice.maxQueueRecordedFor !== undefined) lines.push(`Max. tls send msg queue size of 1, recorded for ${voice.maxQueueRecordedFor}`);
  lines.push(`TLS client handshake failures : ${c.tlsClientHandshakeFailures}`, `TLS server handshake failures : ${c.tlsServerHandshakeFailures}`);
  return lines;
}

function row(c: TlsConnection, sourceAddress: string): string {
  return [
    '  ',
    String(c.remotePort).padStart(11),
    ' ',
    String(c.connId).padStart(7),
    ' ',
    'Established'.padEnd(11),
    ' ',
    '0'.padStart(11),
    ' ',
    `${sourceAddress}:${c.localPort}`.padEnd(38),
    ' ',
    c.tlsVersion.padStart(11),
    ' ',
    c.cipher.padStart(30),
    ' ',
    c.curve.padStart(5),
    ' ',
    '0'.padStart(5),
  ].join('');
}

interface ListenLayout {
  readonly header: string;
  readonly rule: string;
  /** Column where the Tenant value ends. */
  readonly tenantEnd: number;
}

const DETAIL_LISTEN: ListenLayout = {
  header: '  Conn-Id             Local-Address                      Tenant ',
  rule: ' ==========    ===========================              ========',
  tenantEnd: 62,
};

const BRIEF_LISTEN: ListenLayout = {
  header: '  Conn-Id             Local-Address            Tenant ',
  rule: ' ==========    ===========================   ============',
  tenantEnd: 48,
};

function listenLines(voice: VoiceState, layout: ListenLayout): string[] {
  const lines = ['-------------- SIP Transport Layer Listen Sockets ---------------', layout.header, layout.rule];
  if (voice.sipUa?.transportTls !== undefined) {
    const start = `  ${'0'.padEnd(14)}[0.0.0.0]:${SIP_TLS_PORT}:`;
    lines.push(start + '0'.padStart(layout.tenantEnd - start.length));
  }
  return lines;
}

export function showConnectionsDetail(voice: VoiceState): string {
  const lines = [...counterLines(voice), '', ...NOTE, ''];
  for (const agent of voice.agents) {
    const rows = voice.connections.filter((c) => c.remoteAddress === agent);
    lines.push(`Remote-Agent:${agent}, Connections-Count:${rows.length}`);
    if (rows.length > 0) lines.push(TABLE_HEADER, TABLE_RULE, ...rows.map((c) => row(c, voice.sourceAddress)));
    lines.push('');
  }
  lines.push(...listenLines(voice, DETAIL_LISTEN));
  return lines.join('\n') + '\n\n';
}

export function showConnectionsBrief(voice: VoiceState): string {
  return [...counterLines(voice), '', ...listenLines(voice, BRIEF_LISTEN)].join('\n') + '\n\n';
}
