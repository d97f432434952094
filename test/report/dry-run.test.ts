import { describe, expect, test } from '@jest/globals';
import { DryRunReporter, groupPlans, renderDryRun } from '../../src/report/dry-run.js';
import type { RunSummary } from '../../src/report/events.js';
import { FAILED, PLANNED, RecordingSink, outcome } from './helpers.js';

const SAME = (device: string) => ({ ...PLANNED, device, host: `10.0.1.${device.slice(1)}` });

/** How PLANNED's change and commands read under its heading. */
const PLANNED_BLOCK = [
  '  trustpoint CA-GTS-Root-R1: created',
  '  would send:',
  '    crypto pki trustpoint CA-GTS-Root-R1',
  '     enrollment terminal',
  '     revocation-check none',
  '    exit',
];

function summary(command: RunSummary['command'], byResult: Partial<RunSummary['byResult']>): RunSummary {
  const counts = { changed: 0, unchanged: 0, failed: 0, 'rolled-back': 0, planned: 0, skipped: 0, ...byResult };
  const devices = Object.values(counts).reduce((a, b) => a + b, 0);
  return { command, startedAt: '2026-11-23T07:00:00.000Z', durationMs: 900, devices, byResult: counts };
}

describe('dry-run rendering', () => {
  test('devices with identical plans are one group; commands keep their order and indentation', () => {
    const other = outcome('R9', 'planned', {
      changes: [{ object: 'environment _email_server', action: 'replaced', detail: 'alerts:<redacted>@smtp.old → alerts:<redacted>@smtp.new' }],
      commands: ['event manager environment _email_server alerts:<redacted>@smtp.new'],
    });
    const groups = groupPlans([SAME('R5'), other, SAME('R6'), SAME('R7'), outcome('R8', 'unchanged'), FAILED]);
    expect(groups.map((g) => g.devices)).toEqual([['R5', 'R6', 'R7'], ['R9'], ['R8']]);
    expect(renderDryRun(groups)).toBe(
      [
        'R5, R6, R7 (3 devices): 1 change, 4 commands',
        ...PLANNED_BLOCK,
        '',
        'R9: 1 change, 1 command',
        '  environment _email_server: replaced (alerts:<redacted>@smtp.old → alerts:<redacted>@smtp.new)',
        '  would send:',
        '    event manager environment _email_server alerts:<redacted>@smtp.new',
        '',
        'R8: nothing to do',
      ].join('\n'),
    );
  });

  test('a big group names a few devices and counts the rest', () => {
    const groups = groupPlans(Array.from({ length: 500 }, (_, i) => SAME(`R${i}`)));
    expect(renderDryRun(groups).split('\n')[0]).toBe('R0, R1, R2, R3, R4, R5, R6, R7 and 492 more (500 devices): 1 change, 4 commands');
  });

  test('fix --dry-run shows the findings of each device with its plan; devices group only when their findings match too', () => {
    const missing = 'Missing chain member: trustpoint CA-GTS-R1-Int (intermediate CA) is not on the device. Install it.';
    const repair = (device: string, diagnoses: readonly string[]) => outcome(device, 'planned', { ...PLANNED, device, diagnoses });
    const groups = groupPlans([
      repair('R1', [missing]),
      repair('R2', [missing]),
      repair('R3', ['Wrong certificate:\ntrustpoint CA-GTS-Root-R1']),
      outcome('R4', 'unchanged', { diagnoses: ['applet SendSecureEmailEEM is not on the device'] }),
    ]);
    expect(groups.map((g) => g.devices)).toEqual([['R1', 'R2'], ['R3'], ['R4']]);
    expect(renderDryRun(groups)).toBe(
      [
        'R1, R2 (2 devices): 1 change, 4 commands',
        '  findings:',
        `    - ${missing}`,
        ...PLANNED_BLOCK,
        '',
        'R3: 1 change, 4 commands',
        '  findings:',
        '    - Wrong certificate: trustpoint CA-GTS-Root-R1',
        ...PLANNED_BLOCK,
        '',
        'R4: nothing to do',
        '  findings:',
        '    - applet SendSecureEmailEEM is not on the device',
      ].join('\n'),
    );
  });

  test('the reporter also prints the findings of devices that could not be planned', () => {
    const out = new RecordingSink();
    const r = new DryRunReporter({ out, color: false });
    r.runStarted('fix', ['R3']);
    r.deviceFinished({ ...FAILED, diagnoses: ['Wrong certificate: trustpoint CA-GTS-Root-R1 holds another certificate'] });
    r.runFinished(summary('fix', { failed: 1 }));
    const parts = out.text.split('\n\n');
    expect(parts[0]?.startsWith('Problems:\n  R3 (10.0.0.3) failed')).toBe(true);
    expect(parts[1]).toBe('Findings:\n  R3:\n    - Wrong certificate: trustpoint CA-GTS-Root-R1 holds another certificate');
    expect(parts[2]).toBe('fix: 1 device, 1 failed in 0.9 s\n');
  });

  test('the reporter prints plans, then devices that could not be planned, then the summary', () => {
    const out = new RecordingSink();
    const r = new DryRunReporter({ out, color: false });
    r.runStarted('plan', ['R5', 'R3']);
    r.deviceFinished(SAME('R5'));
    r.deviceFinished(FAILED);
    r.runFinished(summary('plan', { failed: 1, planned: 1 }));
    const parts = out.text.split('\n\n');
    expect(parts[0]?.startsWith('R5: 1 change, 4 commands')).toBe(true);
    expect(parts[1]?.startsWith('Problems:\n  R3 (10.0.0.3) failed at authenticate CA-GTS-Root-R1')).toBe(true);
    expect(parts[2]).toBe('plan: 2 devices, 1 planned, 1 failed in 0.9 s\n');
  });
});
