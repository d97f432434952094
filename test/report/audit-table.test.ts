/** The audit's table on stdout: findings first, soonest expiry first, and for big fleets only the devices with
 * findings listed (memory stays bounded), every device counted. */
import { describe, expect, it } from '@jest/globals';
import { AuditTableReporter, renderAuditTable } from '../../src/report/audit/table.js';
import { AUDIT_NOW, healthyDevice, sampleFleet, summaryOf } from '../helpers/audits.js';

describe('audit table', () => {
  it('lists devices with findings first, soonest expiry first, with days left or since', () => {
    const lines = renderAuditTable(sampleFleet(), AUDIT_NOW).split('\n');
    expect(lines.map((l) => l.split(/\s{2,}/)[0])).toEqual(['DEVICE', 'R2', 'R3', 'R4', 'R5', 'R1']);
    expect(lines[1]).toMatch(/^R2\s+3\s+2026-11-01 \(expired 35d ago\) OLD-ROOT\s+expired$/);
    expect(lines[2]).toMatch(/^R3\s+2\s+2026-12-16 \(10d\) LAB-Issuing\s+expiring, drift$/);
    expect(lines[4]).toMatch(/^R5\s+-\s+-\s+unreachable$/);
  });

  it('past maxRows keeps only devices with findings, and says how many are not listed', () => {
    let text = '';
    const table = new AuditTableReporter({ out: { write: (t: string) => (text += t) }, maxRows: 3, color: false, now: () => AUDIT_NOW });
    const fleet = [...Array.from({ length: 6 }, (_, i) => healthyDevice(`ok-${i}`)), ...sampleFleet().slice(1)];
    for (const a of fleet) table.deviceAudited(a);
    table.auditFinished(summaryOf(fleet));
    const rows = text.split('\n\n')[0]?.split('\n') ?? [];
    expect(rows.slice(1, -1).map((l) => l.split(/\s{2,}/)[0])).toEqual(['R2', 'R3', 'R4']);
    expect(rows[rows.length - 1]).toBe('… and 7 more devices not listed (the JSON report has every device)');
    expect(text).toContain('audit: 10 devices, 9 reached, 4 with findings');
  });
});
