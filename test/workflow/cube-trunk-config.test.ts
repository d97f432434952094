/** The CUBE trunk's configuration planned from a spec against what the device shows (parsed from real captures' shapes). */
import { describe, expect, it } from '@jest/globals';
import { parseCubeConfig } from '../../src/device/index.js';
import { CubeSpecError, cubeConfigLines, planCubeBlocks } from '../../src/workflow/cube/index.js';
import type { CubeTrunkSpec } from '../../src/workflow/cube/index.js';

const SPEC: CubeTrunkSpec = {
  signalingTrustpoint: 'sip-trunk-cert',
  tlsVersion: 'v1.2',
  srtp: 'fallback',
  urlSips: true,
  dialPeers: [{ tag: 100, description: 'To CUCM pub', destinationPattern: '2...', target: { address: '10.72.86.74' }, srtp: true, optionsKeepalive: true }],
};

describe('planCubeBlocks', () => {
  it('renders every block for a device that has none of it', () => {
    expect(cubeConfigLines(SPEC)).toEqual([
      'sip-ua',
      'crypto signaling default trustpoint sip-trunk-cert',
      'transport tcp tls v1.2',
      'exit',
      'voice service voip',
      'srtp fallback',
      'sip',
      'url sips',
      'exit',
      'exit',
      'dial-peer voice 100 voip',
      'description To CUCM pub',
      'destination-pattern 2...',
      'session protocol sipv2',
      'session target ipv4:10.72.86.74:5061',
      'session transport tcp tls',
      'voice-class sip options-keepalive',
      'srtp',
      'exit',
    ]);
  });

  it('sends nothing when the running config already matches, and only the difference otherwise', () => {
    const shown = [
      'voice service voip',
      ' srtp fallback',
      ' sip',
      '  url sips',
      '!',
      'dial-peer voice 100 voip',
      ' description To CUCM pub',
      ' destination-pattern 2...',
      ' session protocol sipv2',
      ' session target ipv4:10.72.86.74:5061',
      ' session transport tcp tls',
      ' voice-class sip options-keepalive',
      ' srtp',
      '!',
      'sip-ua ',
      ' transport tcp tls v1.2',
      ' crypto signaling default trustpoint sip-trunk-cert ',
      '!',
    ].join('\n');
    expect(planCubeBlocks(SPEC, parseCubeConfig(shown))).toEqual([]);
    const moved = shown.replace('10.72.86.74', '10.72.86.75').replace(' srtp fallback', ' srtp');
    expect(planCubeBlocks(SPEC, parseCubeConfig(moved))).toEqual([
      { kind: 'voice service voip', lines: ['voice service voip', 'srtp fallback', 'exit'] },
      { kind: 'dial-peer', tag: 100, lines: ['dial-peer voice 100 voip', 'session target ipv4:10.72.86.74:5061', 'exit'] },
    ]);
  });

  it('rejects specs IOS could not take', () => {
    expect(() => cubeConfigLines({ ...SPEC, signalingTrustpoint: 'two words' })).toThrow(/signaling trustpoint name/);
    expect(() => cubeConfigLines({ ...SPEC, dialPeers: [{ tag: 1, target: { address: '10.0.0.300' } }] })).toThrow(CubeSpecError);
    expect(() => cubeConfigLines({ ...SPEC, dialPeers: [{ tag: 1, target: { address: '10.0.0.1', port: 70000 } }] })).toThrow(/port must be/);
    const pots = parseCubeConfig('dial-peer voice 100 pots\n destination-pattern 2...\n');
    expect(() => planCubeBlocks(SPEC, pots)).toThrow(/pots dial-peer/);
  });
});
