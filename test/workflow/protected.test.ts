/**
 * Trustpoints the router owns (issue 10, item 2), read from a real IOS XE 17.9 running-config capture: the
 * self-signed identity and the licensing root are refused by the planner unless the playbook says take_over, and
 * then the plan says TAKE OVER in capitals. A certagent-made trustpoint is changed as before.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import type { CertificateFacts } from '../../src/certs/types.js';
import { parseCertificates } from '../../src/certs/x509.js';
import { parseFacts, planDevice } from '../../src/workflow/index.js';
import type { DesiredState, DesiredTrustpoint } from '../../src/workflow/index.js';
import { ownedByRouter } from '../../src/workflow/protected.js';
import { loadCapture } from '../fixtures/load.js';

const [GTS_R1] = parseCertificates(readFileSync('/usr/share/ca-certificates/mozilla/GTS_Root_R1.crt', 'utf8'), 'GTS_Root_R1') as [CertificateFacts];
const CAPTURE = loadCapture('genielibs_show_running_config_crypto_pki_excerpt_17_9_1.txt');
const MINE = 'crypto pki trustpoint CA-GTS-Root-R1\n enrollment terminal\n revocation-check none\n chain-validation stop\n!\n';
const IDENTITY = 'crypto pki trustpoint VPN-ID\n enrollment terminal\n rsakeypair VPN-ID 2048\n revocation-check none\n!\n';

function desired(name: string, takeOver = false): DesiredState {
  const tp: DesiredTrustpoint = {
    name,
    cert: GTS_R1,
    options: { enrollment: 'terminal', revocationCheck: 'none', chainValidation: 'stop' },
    ...(takeOver && { takeOver: true as const }),
  };
  return { trustpoints: [tp], environment: new Map(), applets: [], ipHosts: new Map(), secrets: [] };
}

describe('trustpoints the router owns', () => {
  const facts = parseFacts(CAPTURE + MINE + IDENTITY);

  it('are recognised by name, enrollment, key pair and identity certificate', () => {
    const owned = (name: string) => ownedByRouter(facts.trustpoints.get(name) ?? { name, config: { name, lines: [] } });
    expect(owned('TP-self-signed-1357684700')).toEqual([
      "the router's own self-signed identity (HTTPS, RESTCONF)",
      'enrollment selfsigned',
      'rsakeypair TP-self-signed-1357684700',
      'an identity certificate',
    ]);
    expect(owned('SLA-TrustPoint')).toEqual(["Cisco's Smart Licensing root CA", 'enrollment pkcs12']);
    expect(owned('VPN-ID')).toEqual(['rsakeypair VPN-ID 2048']);
    expect(owned('CA-GTS-Root-R1')).toEqual([]);
    expect(owned('CISCO_IDEVID_SUDI_LEGACY0')).toEqual(["the router's manufacturing identity (SUDI, legacy chain)"]);
  });

  it.each(['TP-self-signed-1357684700', 'SLA-TrustPoint', 'VPN-ID'])('%s: no change planned without take_over', (name) => {
    const plan = planDevice(facts, desired(name));
    expect(plan.changes).toEqual([]);
    expect(plan.refused).toHaveLength(1);
    expect(plan.refused[0]).toMatch(
      new RegExp(
        `^trustpoint ${name} belongs to the router \\(.+\\): certagent would (replace|change) it; add take_over: true to its playbook entry only if you mean to$`,
      ),
    );
  });

  it('with take_over the change is planned and shouts TAKE OVER', () => {
    const plan = planDevice(facts, desired('TP-self-signed-1357684700', true));
    expect(plan.refused).toEqual([]);
    expect(plan.changes.map((c) => c.record.detail?.slice(0, 40))).toEqual(["TAKE OVER (the router's own self-signed "]);
  });

  it("certagent's own trustpoint is planned as before", () => {
    const plan = planDevice(facts, desired('CA-GTS-Root-R1'));
    expect(plan.refused).toEqual([]);
    expect(plan.changes.map((c) => c.kind)).toEqual(['authenticate']);
  });
});
