import { describe, expect, it } from '@jest/globals';
import { CubeParseError } from '../../src/device/cube.js';
import { parseCubeConfig } from '../../src/device/parsers/cube-config.js';
import { parsePemExport } from '../../src/device/parsers/pem-export.js';
import { explainTrunkState, parseSipUaConnections, trunkTlsState } from '../../src/device/parsers/sip-ua-connections.js';
import { parseCertificate, parseCertificates, signatureVerifies } from '../../src/certs/x509.js';
import { loadCapture } from '../fixtures/load.js';

describe('parsePemExport on real captures', () => {
  it('reads the CA and the identity certificate of an enrolled trustpoint, even with the line breaks lost', () => {
    const exported = parsePemExport(loadCapture('cube_crypto_pki_export_pem_terminal_flattened_2811_1.txt'));
    expect(exported.notEnrolled).toBe(false);
    expect(exported.caIsSelfSigned).toBe(false);
    expect(exported.blocks.map((b) => b.heading)).toEqual(['CA certificate', 'General Purpose Certificate']);
    const [ca] = parseCertificates(exported.caPem ?? '', 'CA');
    const [own] = parseCertificates(exported.generalPurposePem ?? '', 'identity');
    expect(ca?.commonName).toBe('IOS');
    expect(own?.commonName).toBe('KRK-UC-2x2811-2');
    expect(own?.serialHex).toBe('02');
    // The capture is one chain: the identity verifies under the exported CA.
    expect(ca && own && signatureVerifies(own, ca)).toBe(true);
    expect(exported.generalPurposePem?.split('\n')[1]).toHaveLength(64);
  });

  it('reads the CA-only export of a trustpoint that is not enrolled (IOSv)', () => {
    const exported = parsePemExport(loadCapture('transcript_crypto_pki_export_pem_terminal_iosv_1.txt'));
    expect(exported.notEnrolled).toBe(true);
    expect(exported.generalPurposePem).toBeUndefined();
    expect(parseCertificates(exported.caPem ?? '', 'CA')[0]?.commonName).toBe('CA.lab.lcl');
  });

  it('marks the self-signed heading of a self-signed trustpoint (CVP gateway)', () => {
    const exported = parsePemExport(loadCapture('cube_crypto_pki_export_pem_terminal_self_signed_cvp_1.txt'));
    expect(exported.caIsSelfSigned).toBe(true);
    expect(exported.caPem).toBe(exported.generalPurposePem);
    expect(parseCertificates(exported.generalPurposePem ?? '', 'own')[0]?.commonName).toBe('SIP-GW');
  });

  it('names the device error instead of returning nothing', () => {
    expect(() => parsePemExport("% Certificate Authority (trustpoint) 'NOPE' is unknown\n")).toThrow(/trustpoint\) 'NOPE' is unknown/);
    expect(() => parsePemExport('R1(config)#\n')).toThrow(CubeParseError);
  });
});

describe('parseSipUaConnections on real captures', () => {
  it('reads the 17.14 wide table: counters, rows with local address, TLS version, cipher, listen sockets', () => {
    const parsed = parseSipUaConnections(loadCapture('cube_show_sip_ua_connections_tcp_tls_detail_rsa_17_14_1.txt'));
    expect(parsed.counters).toEqual({
      totalActiveConnections: 2,
      sendFailures: 0,
      remoteClosures: 0,
      connFailures: 0,
      inactiveConnAgeouts: 0,
      tlsClientHandshakeFailures: 0,
      tlsServerHandshakeFailures: 0,
      maxSendQueue: { size: 1, recordedFor: '10.64.100.152:5061' },
    });
    expect(parsed.remoteAgents.map((a) => [a.address, a.connectionsCount])).toEqual([
      ['10.64.100.150', 1],
      ['10.64.100.152', 1],
    ]);
    expect(parsed.remoteAgents[1]?.connections[0]).toEqual({
      remotePort: 5061,
      connId: 8,
      marks: [],
      state: 'Established',
      writeQueueSize: 0,
      localAddress: '10.64.100.151:47687',
      tlsVersion: 'TLSv1.3',
      cipher: 'TLS_AES_256_GCM_SHA384:RSA',
      curve: 'P-521',
      tenant: 0,
    });
    expect(parsed.listenSockets).toEqual([
      { connId: 0, address: '0.0.0.0', port: 5061, suffix: '', tenant: 0 },
      { connId: 6, address: '10.64.100.151', port: 5061, suffix: '', tenant: 0 },
    ]);
    expect(trunkTlsState(parsed, '10.64.100.152').established).toBe(true);
    // Inbound from .150: its port is ephemeral, ours is 5061.
    expect(trunkTlsState(parsed, '10.64.100.150').connection?.connId).toBe(7);
    expect(trunkTlsState(parsed, '10.0.0.9').established).toBe(false);
  });

  it('reads several tables under one agent, a TLS 1.2 row and IPv6 listen sockets (17.14 ECDSA sample)', () => {
    const parsed = parseSipUaConnections(loadCapture('cube_show_sip_ua_connections_tcp_tls_detail_ecdsa_17_14_1.txt'));
    const rows = parsed.remoteAgents[0]?.connections ?? [];
    expect(rows.map((r) => [r.connId, r.tlsVersion, r.cipher, r.curve])).toEqual([
      [9, 'TLSv1.3', 'ECDHE-RSA-AES256-GCM-SHA384:ECDSA', 'P-521'],
      [8, 'TLSv1.3', 'TLS_AES_256_GCM_SHA384:ECDSA', 'P-256'],
      [102, 'TLSv1.2', 'ECDHE-RSA-AES256-GCM-SHA384', 'P-521'],
    ]);
    expect(parsed.listenSockets.map((s) => s.address)).toEqual(['0.0.0.0', '::', '10.1.20.155', '2001:10:1:20::135']);
  });

  it('joins the two parts of the 17.8 table and keeps an empty Curve cell empty', () => {
    const parsed = parseSipUaConnections(loadCapture('cube_show_sip_ua_connections_tcp_tls_detail_contd_17_8_1.txt'));
    expect(parsed.counters.remoteClosures).toBe(3);
    const rows = parsed.remoteAgents[0]?.connections ?? [];
    expect(rows.map((r) => [r.remotePort, r.connId, r.localAddress, r.tlsVersion, r.cipher, r.curve, r.tenant])).toEqual([
      [38928, 9, '10.64.100.145', 'TLSv1.2', 'ECDHE-RSA-AES256-GCM-SHA384', 'P-256', 10],
      [8090, 10, '10.64.100.145', 'TLSv1.2', 'AES256-SHA', undefined, 10],
    ]);
    expect(parsed.listenSockets.map((s) => [s.connId, s.port, s.tenant])).toEqual([
      [2, 5061, 0],
      [3, 5090, 10],
      [4, 8123, 50],
      [5, 5061, 0],
    ]);
  });

  it('reads agents without connections and OAuth-marked ids (gw1-2a capture)', () => {
    const parsed = parseSipUaConnections(loadCapture('cube_show_sip_ua_connections_tcp_tls_detail_gw_1.txt'));
    expect(parsed.remoteAgents).toHaveLength(8);
    expect(parsed.remoteAgents.filter((a) => a.connectionsCount === 0).map((a) => a.address)).toEqual([
      '10.5.10.200',
      '10.5.10.201',
      '10.5.10.202',
      '10.5.10.218',
    ]);
    const oauth = parsed.remoteAgents.find((a) => a.address === '10.5.10.213')?.connections[0];
    expect(oauth).toMatchObject({ connId: 28, marks: ['*'], localAddress: '-', state: 'Established' });
    expect(parsed.listenSockets.map((s) => [s.connId, s.port, s.tenant])).toEqual([
      [0, 5061, undefined],
      [2, 5090, undefined],
    ]);
    expect(trunkTlsState(parsed, '10.5.10.200', 5061).established).toBe(false);
  });

  it('reads the brief form: counters and listen sockets with a vrf suffix', () => {
    const parsed = parseSipUaConnections(loadCapture('cube_show_sip_ua_connections_tcp_tls_brief_17_14_1.txt'));
    expect(parsed.remoteAgents).toEqual([]);
    expect(parsed.listenSockets.at(-1)).toEqual({ connId: 5, address: '10.64.100.145', port: 5091, suffix: 'vrf', tenant: 44 });
  });

  it('explains a trunk that is not up from the counters that rose', () => {
    const up = parseSipUaConnections(loadCapture('cube_show_sip_ua_connections_tcp_tls_detail_rsa_17_14_1.txt'));
    expect(explainTrunkState(undefined, up, '10.64.100.152')).toBeUndefined();
    const quiet = parseSipUaConnections(loadCapture('cube_show_sip_ua_connections_tcp_tls_brief_17_14_1.txt'));
    expect(explainTrunkState(quiet.counters, quiet, '10.72.86.74')).toMatch(/no TLS traffic .*options-keepalive/);
    const failing = { ...quiet, counters: { ...quiet.counters, tlsClientHandshakeFailures: 2 } };
    expect(explainTrunkState(quiet.counters, failing, '10.72.86.74')).toMatch(/CallManager-trust does not hold the CUBE certificate/);
    const refused = { ...quiet, counters: { ...quiet.counters, connFailures: 1 } };
    expect(explainTrunkState(quiet.counters, refused, '10.72.86.74')).toMatch(/no TCP connection to 10\.72\.86\.74:5061/);
  });

  it('refuses text that is not this show', () => {
    expect(() => parseSipUaConnections("% Invalid input detected at '^' marker.\n")).toThrow(/total active connections" counter is missing/);
  });
});

describe('parseCubeConfig on real captures', () => {
  it('reads a gateway sip-ua block with the trailing blanks IOS prints', () => {
    const config = parseCubeConfig(loadCapture('cube_show_running_config_voice_wxc_1.txt'));
    expect(config.sipUa.defaultTrustpoint).toEqual({ trustpoint: 'ciscoCATrustpoint', cnSanValidateServer: false });
    expect(config.sipUa.transportTls).toEqual({ version: 'v1.2' });
    expect(config.voiceServiceVoip.present).toBe(true);
    expect(config.voiceServiceVoip.srtp).toBe('off');
    expect(config.voiceServiceVoip.sip.lines).toEqual(['early-offer forced', 'g729 annexb-all']);
  });

  it('never reads a banner as CUBE configuration (section filters are textual, so its lines come back too)', () => {
    // What `show running-config | section ...|^banner|\\^C` returns from a router whose motd copies CUBE config.
    const text = [
      'banner motd ^C',
      'sip-ua ',
      ' crypto signaling default trustpoint EVIL',
      'dial-peer voice 999 voip',
      ' session target ipv4:203.0.113.9:5061',
      '^C',
      'sip-ua ',
      ' crypto signaling default trustpoint ciscoCATrustpoint ',
      '',
    ].join('\r\n');
    const config = parseCubeConfig(text);
    expect(config.sipUa.defaultTrustpoint).toEqual({ trustpoint: 'ciscoCATrustpoint', cnSanValidateServer: false });
    expect(config.dialPeers).toEqual([]);
  });

  it('reads remote-addr trustpoints and a TLS dial-peer (CVP guide)', () => {
    const config = parseCubeConfig(loadCapture('cube_running_config_cvp_gateway_tls_1.txt'));
    expect(config.sipUa.remoteAddrs).toEqual([{ network: '10.48.54.89', mask: '255.255.255.255', trustpoint: 'VG-SIP-1', cnSanValidateServer: false }]);
    expect(config.dialPeers).toEqual([
      expect.objectContaining({
        tag: 3,
        kind: 'voip',
        destinationPattern: '82...',
        sessionProtocol: 'sipv2',
        sessionTarget: 'ipv4:10.48.54.89:5061',
        sessionTransport: 'tcp tls',
        optionsKeepalive: false,
        srtp: 'off',
      }),
    ]);
  });

  it('reads the CA-signed TLS dial-peer of Cisco document 215412 (OPTIONS keepalive, srtp, DNS target)', () => {
    const config = parseCubeConfig(loadCapture('cube_running_config_ca_signed_tls_215412_1.txt'));
    expect(config.sipUa.defaultTrustpoint?.trustpoint).toBe('CUBE_CA_CERT');
    expect(config.dialPeers[0]).toMatchObject({ tag: 9999, sessionTarget: 'dns:cucm10-5', sessionTransport: 'tcp tls', optionsKeepalive: true, srtp: 'on' });
  });
});

it('parseCertificate reads what parsePemExport returns (the agent saves these files for CUCM)', () => {
  const exported = parsePemExport(loadCapture('cube_crypto_pki_export_pem_terminal_flattened_2811_1.txt'));
  const der = Buffer.from((exported.caPem ?? '').replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
  expect(parseCertificate(der).selfSigned).toBe(true);
});
