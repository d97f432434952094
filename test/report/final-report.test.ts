import { describe, expect, test } from '@jest/globals';
import type { RunSummary } from '../../src/report/events.js';
import { FinalReportReporter, OutcomeCollector, renderFinalReport, renderProblems, renderSummaryLine, renderTable } from '../../src/report/final-report.js';
import { useColor } from '../../src/report/sink.js';
import { CHANGED, FAILED, PLANNED, ROLLED_BACK, RecordingSink, SKIPPED, UNCHANGED, outcome } from './helpers.js';

const SGR = new RegExp(`${'\u001b'}\\[\\d+m`, 'g');
const ALL = [CHANGED, UNCHANGED, FAILED, ROLLED_BACK, PLANNED, SKIPPED];

function summary(byResult: Partial<RunSummary['byResult']>, extra: Partial<RunSummary> = {}): RunSummary {
  const full = { changed: 0, unchanged: 0, failed: 0, 'rolled-back': 0, planned: 0, skipped: 0, ...byResult };
  const devices = Object.values(full).reduce((a, b) => a + b, 0);
  return { command: 'rollout', startedAt: '2026-11-23T07:00:00.000Z', durationMs: 12_345, devices, byResult: full, ...extra };
}

describe('renderSummaryLine', () => {
  test('the one-line summary names each non-zero result kind', () => {
    expect(renderSummaryLine(summary({ changed: 8, unchanged: 1, failed: 1 }))).toBe('rollout: 10 devices, 8 changed, 1 unchanged, 1 failed in 12.3 s');
  });

  test('every kind, singular device, long durations, an early stop', () => {
    expect(renderSummaryLine(summary({ planned: 1 }, { command: 'plan', durationMs: 125_000 }))).toBe('plan: 1 device, 1 planned in 2 min 05 s');
    expect(
      renderSummaryLine(
        summary({ changed: 1, unchanged: 1, planned: 1, skipped: 1, 'rolled-back': 1, failed: 3 }, { stoppedEarly: 'failure budget of 3 reached' }),
      ),
    ).toBe('rollout: 8 devices, 1 changed, 1 unchanged, 1 planned, 1 skipped, 1 rolled back, 3 failed in 12.3 s; stopped early: failure budget of 3 reached');
    expect(renderSummaryLine(summary({}, { durationMs: 3_725_000 }))).toBe('rollout: 0 devices in 1 h 02 min');
  });
});

describe('renderTable', () => {
  test('one aligned row per device with result, changes, round trips and time', () => {
    const lines = renderTable(ALL).split('\n');
    expect(lines).toEqual([
      'DEVICE  RESULT       CHANGES                                                       ROUND TRIPS   TIME',
      'R1      changed      trustpoint CA-GTS-Root-R1 created, applet SendSecureEmailEE…           12  2.3 s',
      'R2      unchanged    -                                                                       4  0.3 s',
      'R3      failed       -                                                                       7  3.0 s',
      'R4      rolled back  trustpoint CA-GTS-Root-R1 restored                                     20  8.0 s',
      'R5      planned      trustpoint CA-GTS-Root-R1 created                                       3  1.2 s',
      'R6      skipped      -                                                                       0  0.0 s',
    ]);
  });

  test('colour wraps only the result cell and keeps the columns aligned', () => {
    const plain = renderTable([CHANGED, FAILED]).split('\n');
    const colored = renderTable([CHANGED, FAILED], { color: true }).split('\n');
    expect(colored[1]).toContain('R1      \u001b[32mchanged\u001b[39m  trustpoint');
    expect(colored[2]).toContain('R3      \u001b[31mfailed \u001b[39m  -');
    expect(colored.map((l) => l.replace(SGR, ''))).toEqual(plain);
    expect(plain.join('\n')).not.toContain('\u001b');
  });

  test('omitted devices of a large fleet are counted under the table', () => {
    expect(renderTable([FAILED], { omitted: { changed: 9000, unchanged: 998 } })).toMatch(
      /\n… and 9000 changed, 998 unchanged not listed \(the JSON report has every device\)$/,
    );
  });
});

describe('problems and the whole report', () => {
  test('failed and rolled-back devices are listed with step, device text, hint and transcript', () => {
    expect(renderProblems(ALL)).toBe(
      [
        'Problems:',
        '  R3 (10.0.0.3) failed at authenticate CA-GTS-Root-R1: the CA certificate was not accepted',
        '    device said: % Error in receiving Certificate Authority certificate',
        '                 % Certificate not imported',
        '    hint: check the PEM is a CA certificate (basicConstraints CA:TRUE)',
        '    transcript: /var/log/certagent/R3.txt',
        '  R4 (10.0.0.4) rolled back at verify mail: mail did not arrive within 60 s',
        '    hint: check the SMTP server accepts the router',
      ].join('\n'),
    );
    expect(renderProblems([CHANGED, UNCHANGED])).toBe('');
  });

  test('the reporter prints table, problems, findings and summary once, at the end', () => {
    const out = new RecordingSink();
    const r = new FinalReportReporter({ out, color: false });
    r.runStarted('fix', ['R1', 'R3', 'R7']);
    r.deviceStarted('R1');
    r.deviceFinished(CHANGED);
    r.deviceFinished(FAILED);
    r.deviceFinished(outcome('R7', 'unchanged', { diagnoses: ['the trustpoint CA-X expired on 2026-01-01', 'the applet is not registered'] }));
    expect(out.writes).toEqual([]);
    r.runFinished(summary({ changed: 1, failed: 1, unchanged: 1 }, { command: 'fix' }));
    expect(out.writes).toHaveLength(1);
    const text = out.text;
    expect(text.indexOf('DEVICE')).toBeLessThan(text.indexOf('Problems:'));
    expect(text).toContain('Findings:\n  R7:\n    - the trustpoint CA-X expired on 2026-01-01\n    - the applet is not registered');
    expect(text.endsWith('\n\nfix: 3 devices, 1 changed, 1 unchanged, 1 failed in 12.3 s\n')).toBe(true);
  });

  test('a large fleet lists the problems and counts the rest, keeping only problems in memory', () => {
    const collected = new OutcomeCollector(50);
    for (let i = 0; i < 10_000; i++) collected.add(outcome(`R${i}`, i % 1000 === 7 ? 'failed' : i % 2 === 0 ? 'changed' : 'unchanged'));
    expect(collected.rows).toHaveLength(10);
    const text = renderFinalReport(collected, summary({ changed: 5000, unchanged: 4990, failed: 10 }), false);
    const tableRows = text.split('\n\n')[0]?.split('\n') ?? [];
    expect(tableRows).toHaveLength(1 + 10 + 1);
    expect(tableRows.slice(1, 11).every((l) => /^R\d+ +failed /.test(l))).toBe(true);
    expect(tableRows[11]).toBe('… and 5000 changed, 4990 unchanged not listed (the JSON report has every device)');
    expect(text).toContain('rollout: 10000 devices, 5000 changed, 4990 unchanged, 10 failed in 12.3 s');
  });

  test('problems past the cap are counted, not listed', () => {
    const collected = new OutcomeCollector(3);
    for (let i = 0; i < 5; i++) collected.add(outcome(`R${i}`, 'failed', { error: { message: 'timeout' } }));
    expect(collected.problems).toHaveLength(3);
    expect(renderProblems(collected.problems, { more: collected.moreProblems })).toContain('  … and 2 more devices (see the JSON report or the log file)');
  });
});

describe('colour decision', () => {
  test('a terminal gets colour unless NO_COLOR is set; a pipe never does unless FORCE_COLOR', () => {
    const tty = new RecordingSink({ isTTY: true });
    const pipe = new RecordingSink({ isTTY: false });
    expect(useColor(tty, {})).toBe(true);
    expect(useColor(tty, { NO_COLOR: '1' })).toBe(false);
    expect(useColor(tty, { NO_COLOR: '' })).toBe(true);
    expect(useColor(pipe, {})).toBe(false);
    expect(useColor(pipe, { FORCE_COLOR: '1' })).toBe(true);
    expect(useColor(tty, { NO_COLOR: 'yes', FORCE_COLOR: '1' })).toBe(false);
  });

  test('the reporter on a terminal with NO_COLOR prints no escape at all', () => {
    const previous = process.env.NO_COLOR;
    process.env.NO_COLOR = '1';
    try {
      const out = new RecordingSink({ isTTY: true });
      const r = new FinalReportReporter({ out });
      r.runStarted('rollout', ['R1', 'R3']);
      r.deviceFinished(CHANGED);
      r.deviceFinished(FAILED);
      r.runFinished(summary({ changed: 1, failed: 1 }));
      expect(out.text).toContain('failed');
      expect(out.text).not.toContain('\u001b');
    } finally {
      if (previous === undefined) delete process.env.NO_COLOR;
      else process.env.NO_COLOR = previous;
    }
  });

  test('the reporter on a terminal colours results', () => {
    const out = new RecordingSink({ isTTY: true });
    const r = new FinalReportReporter({ out, color: useColor(out, {}) });
    r.runStarted('rollout', ['R3']);
    r.deviceFinished(FAILED);
    r.runFinished(summary({ failed: 1 }));
    expect(out.text).toContain('\u001b[31mfailed');
  });
});
