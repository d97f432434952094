import { describe, expect, it } from '@jest/globals';
import { defaultFeatures } from '../../../src/lab/router/features.js';
import { createRouterState } from '../../../src/lab/router/router-state.js';
import { configTimestamp, renderConfig } from '../../../src/lab/router/running-config.js';
import { addUser, defaultBaseConfig } from '../../../src/lab/router/runtime.js';
import { newSipUa, newVoip, voiceState } from '../../../src/lab/router/voice/state.js';

describe('running-config header timestamps', () => {
  it('prints the change time as IOS does: time, zone, weekday, month, unpadded day, year', () => {
    // IOS XE: "! Last configuration change at 07:54:28 UTC Mon Nov 23 2026 by admin"
    expect(configTimestamp(new Date('2026-11-23T07:54:28Z'))).toBe('07:54:28 UTC Mon Nov 23 2026');
    expect(configTimestamp(new Date('2026-03-05T23:01:02Z'))).toBe('23:01:02 UTC Thu Mar 5 2026');
  });
});

describe('running-config section order', () => {
  it('places the sections in the order of a real IOS XE capture', () => {
    // Section heads, in order, of `sh run` on an ISR4321 running IOS XE 16.5 (Vonage SIP trunking guide for
    // CUCM and CUBE, section 4.3.5 "Configuration Example"); the lab renders no mgcp lines.
    const captured = [
      'voice service voip',
      'username ',
      'interface GigabitEthernet',
      'ip forward-protocol nd',
      'control-plane',
      'dial-peer voice ',
      'sip-ua ',
      'line con 0',
    ];
    const router = createRouterState({ hostname: 'CUBE1' });
    const voice = voiceState(router);
    voice.voip = newVoip();
    voice.sipUa = { ...newSipUa(), transportTls: 'v1.2' };
    voice.dialPeers.set(100, { tag: 100, sessionProtocol: 'sipv2', srtp: 'off' });
    const base = defaultBaseConfig();
    addUser(base, 'admin', 15, 'lab-password');
    const lines = renderConfig(router, base, defaultFeatures()).split('\n');
    const position = new Map(captured.map((head) => [head, lines.findIndex((line) => line.startsWith(head))]));
    expect(captured.filter((head) => position.get(head) === -1)).toEqual([]);
    expect([...captured].sort((a, b) => (position.get(a) ?? 0) - (position.get(b) ?? 0))).toEqual(captured);
  });
});
