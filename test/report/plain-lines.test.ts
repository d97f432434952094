import { describe, expect, test } from '@jest/globals';
import { PlainLinesReporter } from '../../src/report/plain-lines.js';
import { CHANGED, FAILED, RecordingSink, ROLLED_BACK, UNCHANGED } from './helpers.js';

describe('PlainLinesReporter', () => {
  test('one plain line per device start and finish, numbered, timestamped, no escapes', () => {
    const out = new RecordingSink({ isTTY: false });
    const r = new PlainLinesReporter({ out, now: () => new Date('2026-11-23T07:40:00.000Z') });
    r.runStarted(
      'rollout',
      Array.from({ length: 12 }, (_, i) => `R${i + 1}`),
    );
    r.deviceStarted('R1');
    r.deviceStep('R1', 'gather facts');
    r.deviceFinished(CHANGED);
    r.deviceFinished(UNCHANGED);
    r.deviceFinished(FAILED);
    r.deviceFinished(ROLLED_BACK);
    r.runFinished();
    expect(out.text.split('\n')).toEqual([
      '2026-11-23T07:40:00.000Z rollout: starting on 12 devices',
      '2026-11-23T07:40:00.000Z R1 started',
      '2026-11-23T07:40:00.000Z [ 1/12] R1 changed in 2.3 s, 12 round trips: trustpoint CA-GTS-Root-R1 created, applet SendSecureEmailEEM replaced',
      '2026-11-23T07:40:00.000Z [ 2/12] R2 unchanged in 0.3 s, 4 round trips',
      '2026-11-23T07:40:00.000Z [ 3/12] R3 FAILED in 3.0 s, 7 round trips at authenticate CA-GTS-Root-R1: the CA certificate was not accepted (hint: check the PEM is a CA certificate (basicConstraints CA:TRUE))',
      '2026-11-23T07:40:00.000Z [ 4/12] R4 rolled back in 8.0 s, 20 round trips at verify mail: mail did not arrive within 60 s (hint: check the SMTP server accepts the router)',
      '',
    ]);
    expect(out.text).not.toContain('\u001b');
  });

  test('steps on request, timestamps off on request', () => {
    const out = new RecordingSink();
    const r = new PlainLinesReporter({ out, steps: true, timestamps: false });
    r.runStarted('fix', ['R1']);
    r.deviceStep('R1', 'run applet\nSendSecureEmailEEM');
    expect(out.writes).toEqual(['fix: starting on 1 device\n', 'R1 run applet SendSecureEmailEEM\n']);
  });
});
