/**
 * The lab CUBE's pure parts: running-config rendering, session-target parsing, the choice of signaling trustpoint,
 * and the handshake rules (who trusts whom, validity on the router clock, cn-san-validate), on real X.509.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { parseCertificates } from '../../../src/certs/x509.js';
import { createChain, type GeneratedChain } from '../../../src/lab/mail/chain-factory.js';
import { createRouterState } from '../../../src/lab/router/router-state.js';
import type { RouterState } from '../../../src/lab/router/state.js';
import { newTrustpoint } from '../../../src/lab/router/pki/state.js';
import { renderVoiceConfig } from '../../../src/lab/router/voice/config-text.js';
import { registerCucm } from '../../../src/lab/router/voice/index.js';
import { newSipUa, newVoip, voiceState } from '../../../src/lab/router/voice/state.js';
import { showConnectionsBrief, showConnectionsDetail } from '../../../src/lab/router/voice/show-text.js';
import { parseSipUaConnections } from '../../../src/device/index.js';
import { handshake, parseSessionTarget, refreshTransport, signalingTrustpointFor, tlsTargets } from '../../../src/lab/router/voice/tls-trunk.js';

const CUCM = '10.72.86.74';
let cube: GeneratedChain;
let callManager: GeneratedChain;
let ecdsaCallManager: GeneratedChain;

function facts(pem: string) {
  const [cert] = parseCertificates(pem, 'test');
  if (!cert) throw new Error('no certificate');
  return cert;
}

/** A router whose `sip-trunk-cert` holds the CUBE identity and CA, `CCM-cert-02` the CallManager certificate,
 * with dial-peer 100 towards CUCM over TLS and CUCM trusting the CUBE's CA. */
function cubeRouter(callManagerPem = callManager.leafPem, offsetMs = 0): RouterState {
  const router = createRouterState({ hostname: 'CUBE1', clockOffsetMs: offsetMs });
  const now = router.now();
  const sip = newTrustpoint('sip-trunk-cert');
  sip.certificates.push(
    { role: 'identity', facts: facts(cube.leafPem), installedAt: now },
    { role: 'ca', facts: facts(cube.intermediatePems[0] ?? ''), installedAt: now },
  );
  const ccm = newTrustpoint('CCM-cert-02');
  ccm.certificates.push({ role: 'ca', facts: facts(callManagerPem), installedAt: now });
  router.pki.trustpoints.set(sip.name, sip);
  router.pki.trustpoints.set(ccm.name, ccm);
  const voice = voiceState(router);
  voice.sipUa = { ...newSipUa(), defaultTrustpoint: { trustpoint: 'sip-trunk-cert', cnSanValidateServer: false }, transportTls: '' };
  voice.dialPeers.set(100, { tag: 100, sessionProtocol: 'sipv2', sessionTarget: `ipv4:${CUCM}:5061`, sessionTransport: 'tcp tls', srtp: 'off' });
  registerCucm(router, { address: CUCM, callManagerPem, trustPems: [cube.intermediatePems[0] ?? ''] });
  return router;
}

beforeAll(async () => {
  [cube, callManager, ecdsaCallManager] = await Promise.all([
    createChain({ serverName: 'cube1.lab.example', rootName: 'Lab Voice Root', leafKey: 'rsa' }),
    createChain({ serverName: 'cucm-pub.lab.example', selfSignedLeaf: true, leafKey: 'rsa' }),
    createChain({ serverName: 'cucm-ec.lab.example', selfSignedLeaf: true, leafKey: 'ecdsa' }),
  ]);
});

describe('running-config blocks', () => {
  it('renders nothing for a router that never touched voice, and IOS spacing once configured', () => {
    const router = createRouterState({ hostname: 'R1' });
    expect(renderVoiceConfig(router.voice)).toEqual([]);
    const voice = voiceState(router);
    voice.sipUa = newSipUa();
    voice.voip = { ...newVoip(), srtp: 'fallback', sip: true, urlSips: true, sessionTransportTls: true };
    // An empty sip-ua is not shown.
    expect(renderVoiceConfig(voice).map((b) => b.slot)).toEqual(['voice']);
    voice.sipUa.remoteAddrs.set('10.1.1.0 255.255.255.0', { network: '10.1.1.0', mask: '255.255.255.0', trustpoint: 'TP2', cnSanValidateServer: true });
    voice.sipUa.defaultTrustpoint = { trustpoint: 'TP', cnSanValidateServer: false };
    voice.dialPeers.set(200, { tag: 200, srtp: 'on', sessionTarget: 'ipv4:10.1.1.1' });
    voice.dialPeers.set(30, { tag: 30, srtp: 'off' });
    expect(renderVoiceConfig(voice)).toEqual([
      { slot: 'voice', lines: ['voice service voip', ' srtp fallback', ' sip', '  session transport tcp tls', '  url sips'] },
      // Creation order, not tag order.
      { slot: 'dial-peer', lines: ['dial-peer voice 200 voip', ' session target ipv4:10.1.1.1', ' srtp'] },
      { slot: 'dial-peer', lines: ['dial-peer voice 30 voip'] },
      {
        slot: 'sip-ua',
        lines: [
          'sip-ua ',
          ' crypto signaling remote-addr 10.1.1.0 255.255.255.0 trustpoint TP2 cn-san-validate server',
          ' crypto signaling default trustpoint TP ',
        ],
      },
    ]);
  });
});

describe('targets and trustpoint choice', () => {
  it('reads ipv4 session targets with 5061 as the TLS default and ignores targets the lab cannot resolve', () => {
    expect(parseSessionTarget('ipv4:10.72.86.74')).toEqual({ address: CUCM, port: 5061 });
    expect(parseSessionTarget('ipv4:10.72.86.74:5062')).toEqual({ address: CUCM, port: 5062 });
    expect(parseSessionTarget('dns:cucm.example.com')).toBeUndefined();
    const router = createRouterState({ hostname: 'R1' });
    const voice = voiceState(router);
    voice.dialPeers.set(1, { tag: 1, srtp: 'off', sessionTarget: 'ipv4:10.0.0.1', sessionTransport: 'tcp tls' });
    voice.dialPeers.set(2, { tag: 2, srtp: 'off', sessionTarget: 'ipv4:10.0.0.1:5061', sessionTransport: 'tcp tls' });
    voice.dialPeers.set(3, { tag: 3, srtp: 'off', sessionTarget: 'ipv4:10.0.0.2', sessionTransport: 'udp' });
    expect(tlsTargets(voice)).toEqual([{ address: '10.0.0.1', port: 5061 }]);
  });

  it('prefers a matching remote-addr entry over the default trustpoint', () => {
    const voice = voiceState(createRouterState({ hostname: 'R1' }));
    voice.sipUa = { ...newSipUa(), defaultTrustpoint: { trustpoint: 'DEFAULT', cnSanValidateServer: false } };
    voice.sipUa.remoteAddrs.set('10.72.86.0 255.255.255.0', {
      network: '10.72.86.0',
      mask: '255.255.255.0',
      trustpoint: 'CUCM-SIDE',
      cnSanValidateServer: false,
    });
    expect(signalingTrustpointFor(voice, CUCM)?.trustpoint).toBe('CUCM-SIDE');
    expect(signalingTrustpointFor(voice, '200.1.1.1')?.trustpoint).toBe('DEFAULT');
  });
});

describe('handshake rules', () => {
  it('succeeds when both ends trust each other, with the cipher of the CallManager key', () => {
    const rsa = cubeRouter();
    expect(handshake(rsa, voiceState(rsa), { address: CUCM, port: 5061 })).toEqual({
      ok: true,
      tlsVersion: 'TLSv1.2',
      cipher: 'ECDHE-RSA-AES256-GCM-SHA384',
      curve: 'P-256',
    });
    const ec = cubeRouter(ecdsaCallManager.leafPem);
    expect(handshake(ec, voiceState(ec), { address: CUCM, port: 5061 })).toMatchObject({ ok: true, cipher: 'ECDHE-ECDSA-AES256-GCM-SHA384' });
  });

  it('fails when the CallManager certificate is not authenticated on the CUBE', () => {
    const router = cubeRouter();
    router.pki.trustpoints.delete('CCM-cert-02');
    expect(handshake(router, voiceState(router), { address: CUCM, port: 5061 })).toEqual({
      ok: false,
      stage: 'handshake',
      reason: 'certificate verify failed: self signed certificate',
    });
  });

  it('fails when CUCM does not trust the CUBE certificate', () => {
    const router = cubeRouter();
    registerCucm(router, { address: CUCM, callManagerPem: callManager.leafPem, trustPems: [] });
    expect(handshake(router, voiceState(router), { address: CUCM, port: 5061 })).toMatchObject({ ok: false, reason: /CUCM refused the CUBE certificate/ });
  });

  it('fails when the signaling trustpoint holds no certificate of the router', () => {
    const router = cubeRouter();
    const voice = voiceState(router);
    voice.sipUa = { ...newSipUa(), defaultTrustpoint: { trustpoint: 'CCM-cert-02', cnSanValidateServer: false } };
    expect(handshake(router, voice, { address: CUCM, port: 5061 })).toMatchObject({ ok: false, stage: 'handshake', reason: /no client certificate/ });
  });

  it('checks validity on the router clock: a router two years ahead finds the CallManager certificate expired', () => {
    const router = cubeRouter(callManager.leafPem, 2 * 365 * 86_400_000);
    expect(handshake(router, voiceState(router), { address: CUCM, port: 5061 })).toMatchObject({ ok: false, reason: /expired/ });
  });

  it('counts a failed handshake each time the transport is looked at and keeps a good connection', () => {
    const router = cubeRouter();
    registerCucm(router, { address: CUCM, callManagerPem: callManager.leafPem, trustPems: [] });
    refreshTransport(router);
    const voice = refreshTransport(router);
    expect(voice.counters.tlsClientHandshakeFailures).toBe(2);
    expect(voice.connections).toEqual([]);
    registerCucm(router, { address: CUCM, callManagerPem: callManager.leafPem, trustPems: [cube.intermediatePems[0] ?? ''] });
    const up = refreshTransport(router).connections[0];
    expect(refreshTransport(router).connections).toEqual([up]);
    // Removing the dial-peer's TLS transport ends the connection.
    const peer = voiceState(router).dialPeers.get(100);
    if (peer) peer.sessionTransport = 'udp';
    expect(refreshTransport(router).connections).toEqual([]);
  });
});

describe('show sip-ua connections tcp tls', () => {
  it('prints columns the agent parser, tested on captures, reads back cell by cell', () => {
    const router = cubeRouter();
    const voice = refreshTransport(router);
    const detail = parseSipUaConnections(showConnectionsDetail(voice));
    expect(detail.remoteAgents[0]?.connections[0]).toEqual({
      remotePort: 5061,
      connId: voice.connections[0]?.connId,
      marks: [],
      state: 'Established',
      writeQueueSize: 0,
      localAddress: `192.0.2.10:${voice.connections[0]?.localPort ?? 0}`,
      tlsVersion: 'TLSv1.2',
      cipher: 'ECDHE-RSA-AES256-GCM-SHA384',
      curve: 'P-256',
      tenant: 0,
    });
    const brief = parseSipUaConnections(showConnectionsBrief(voice));
    expect(brief.remoteAgents).toEqual([]);
    expect(brief.counters.totalActiveConnections).toBe(1);
    expect(brief.listenSockets).toEqual([{ connId: 0, address: '0.0.0.0', port: 5061, suffix: '', tenant: 0 }]);
  });

  it('lists no listen socket while sip-ua has no transport tcp tls', () => {
    const router = cubeRouter();
    const voice = voiceState(router);
    delete voice.sipUa?.transportTls;
    expect(parseSipUaConnections(showConnectionsBrief(voice)).listenSockets).toEqual([]);
  });
});
