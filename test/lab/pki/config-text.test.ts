/** The PKI running-config sections against the ISR 17.9.8 capture (genielibs show tech-support firewall). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from '@jest/globals';
import { renderPkiConfig, trustpointLines, chainLines } from '../../../src/lab/router/pki/config-text.js';
import { createPkiState, newTrustpoint } from '../../../src/lab/router/pki/state.js';

const CAPTURE = fileURLToPath(new URL('../../fixtures/iosxe/genielibs_show_running_config_crypto_pki_excerpt_17_9_1.txt', import.meta.url));
const captured = readFileSync(CAPTURE, 'utf8')
  .replace(/\r/g, '')
  .split('\n')
  .slice(1)
  .filter((l) => l !== '');

/** The capture's lines from `start` up to (not including) the next line at column 0 that is not `!`. */
function section(start: string): string[] {
  const from = captured.indexOf(start);
  if (from < 0) throw new Error(`capture has no line ${start}`);
  const rest = captured.slice(from + 1);
  const end = rest.findIndex((l) => !l.startsWith(' ') && l !== '');
  return [start, ...(end < 0 ? rest : rest.slice(0, end))];
}

describe('running config of the PKI defaults', () => {
  const pki = createPkiState({ selfSignedNumber: 1357684700, bootTime: new Date('2026-11-23T07:00:00Z') });

  test('SLA-TrustPoint chain is byte-identical to the 17.9.8 capture (8x8 hex, trailing blanks, tab quit)', () => {
    const sla = pki.trustpoints.get('SLA-TrustPoint');
    expect(sla).toBeDefined();
    expect(chainLines(sla ?? newTrustpoint('x'))).toEqual(section('crypto pki certificate chain SLA-TrustPoint'));
  });

  test('the two default trustpoint stanzas match the capture', () => {
    const [selfSigned, sla] = [...pki.trustpoints.values()];
    expect(trustpointLines(sla ?? newTrustpoint('x'))).toEqual(section('crypto pki trustpoint SLA-TrustPoint').filter((l) => l !== '!'));
    expect(trustpointLines(selfSigned ?? newTrustpoint('x'))).toEqual(section('crypto pki trustpoint TP-self-signed-1357684700').filter((l) => l !== '!'));
  });

  test('the self-signed chain has the capture shape: serial 01, full lines with a trailing blank, short last line, tab quit', () => {
    const lines = chainLines(pki.trustpoints.get('TP-self-signed-1357684700') ?? newTrustpoint('x'));
    expect(lines[0]).toBe('crypto pki certificate chain TP-self-signed-1357684700');
    expect(lines[1]).toBe(' certificate self-signed 01');
    const hex = lines.slice(2, -1);
    for (const line of hex.slice(0, -1)) expect(line).toMatch(/^ {2}(?:[0-9A-F]{8} ){8}$/);
    expect(hex.at(-1)).toMatch(/^ {2}[0-9A-F]{8}(?: [0-9A-F]{2,8})*$/);
    expect(lines.at(-1)).toBe('  \tquit');
  });

  test('the whole section, with the engine closing each block with "!", has the capture layout', () => {
    const text = renderPkiConfig(pki).flatMap((b) => [...b.lines, '!']);
    const layout = (lines: readonly string[]): string[] => lines.filter((l) => !l.startsWith('  ')).map((l) => l.replace(/\d{6,}/g, 'N'));
    expect(layout(text.slice(0, -1))).toEqual(layout(captured));
    expect(renderPkiConfig(pki).map((b) => b.slot)).toEqual(['crypto-pki-trustpoint', 'crypto-pki-certificate-chain']);
  });
});

describe('trustpoint option order', () => {
  test('options render in IOS order whatever order they were typed in', () => {
    const tp = {
      ...newTrustpoint('CA-GTS-Root-R1'),
      hash: 'sha256',
      rsakeypair: { label: 'KEY', bits: 2048 },
      chainValidation: { kind: 'stop' as const },
      revocationCheck: ['crl' as const, 'none' as const],
      subjectName: 'cn=R1',
      fingerprint: 'E58C1CC4913B38634BE9106EE3AD8E6B9DD9814A',
      serialNumber: 'none' as const,
      sourceInterface: 'Vlan255',
      ipAddress: 'none',
      fqdn: 'none',
      usage: 'ssl-client',
      enrollment: { kind: 'terminal' as const, pem: true },
    };
    expect(trustpointLines(tp)).toEqual([
      'crypto pki trustpoint CA-GTS-Root-R1',
      ' enrollment terminal pem',
      ' usage ssl-client',
      ' serial-number none',
      ' fqdn none',
      ' ip-address none',
      ' fingerprint E58C1CC4913B38634BE9106EE3AD8E6B9DD9814A',
      ' subject-name cn=R1',
      ' revocation-check crl none',
      ' chain-validation stop',
      ' source interface Vlan255',
      ' rsakeypair KEY 2048',
      ' hash sha256',
    ]);
  });

  test('a trustpoint without certificates renders an empty chain heading', () => {
    expect(chainLines(newTrustpoint('EMPTY'))).toEqual(['crypto pki certificate chain EMPTY']);
  });
});
