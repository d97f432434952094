import { describe, expect, test } from '@jest/globals';
import { MemoryReporter, combineReporters, redactingReporter, warnOnce } from '../../src/report/combine.js';
import type { RunReporter, RunSummary } from '../../src/report/events.js';
import { SecretRedactor } from '../../src/report/redaction.js';
import { CHANGED, FAILED, RecordingSink } from './helpers.js';

const SUMMARY: RunSummary = {
  command: 'rollout',
  startedAt: '2026-11-23T07:00:00.000Z',
  durationMs: 1000,
  devices: 2,
  byResult: { changed: 1, unchanged: 0, failed: 1, 'rolled-back': 0, planned: 0, skipped: 0 },
};

function run(reporter: RunReporter): void {
  reporter.runStarted('rollout', ['R1', 'R3']);
  reporter.deviceStarted('R1');
  reporter.deviceStep('R1', 'gather facts');
  reporter.deviceFinished(CHANGED);
  reporter.deviceFinished(FAILED);
  reporter.runFinished(SUMMARY);
}

const broken: RunReporter = {
  runStarted: () => {
    throw new Error('disk full');
  },
  deviceStarted: () => {
    throw new Error('disk full');
  },
  deviceStep: () => {
    throw new Error('disk full');
  },
  deviceFinished: () => {
    throw new Error('disk full');
  },
  runFinished: () => {
    throw new Error('disk full');
  },
};

describe('combineReporters', () => {
  test('a throwing reporter neither breaks the run nor starves the reporters after it', () => {
    const before = new MemoryReporter();
    const after = new MemoryReporter();
    const errors: string[] = [];
    const combined = combineReporters([before, broken, after], {
      onError: (err, event, index) => errors.push(`${index}:${event}:${err instanceof Error ? err.message : String(err)}`),
    });
    expect(() => run(combined)).not.toThrow();
    expect(after.events.map((e) => e.type)).toEqual(['runStarted', 'deviceStarted', 'deviceStep', 'deviceFinished', 'deviceFinished', 'runFinished']);
    expect(after.events).toEqual(before.events);
    expect(after.outcomes).toEqual([CHANGED, FAILED]);
    expect(errors).toEqual([
      '1:runStarted:disk full',
      '1:deviceStarted:disk full',
      '1:deviceStep:disk full',
      '1:deviceFinished:disk full',
      '1:deviceFinished:disk full',
      '1:runFinished:disk full',
    ]);
  });

  test('by default each failing reporter is named once on stderr, then left quiet', () => {
    const stderr = new RecordingSink();
    const after = new MemoryReporter();
    run(combineReporters([broken, after], { onError: warnOnce(stderr) }));
    expect(stderr.writes).toEqual(['certagent: reporter 1 failed on runStarted (disk full); the run goes on, later failures of this reporter are not shown\n']);
    expect(after.outcomes).toHaveLength(2);
  });

  test('an error handler that throws is contained too', () => {
    const after = new MemoryReporter();
    const combined = combineReporters([broken, after], {
      onError: () => {
        throw new Error('handler broken');
      },
    });
    expect(() => run(combined)).not.toThrow();
    expect(after.outcomes).toHaveLength(2);
  });
});

describe('redactingReporter', () => {
  test('events reach the reporter with registered secrets and secret config lines masked', () => {
    const memory = new MemoryReporter();
    const reporter = redactingReporter(memory, new SecretRedactor(['hunter2!x']));
    reporter.runStarted('rollout', ['R1']);
    reporter.deviceStep('R1', 'send enable secret hunter2!x');
    reporter.deviceFinished({
      ...FAILED,
      commands: ['username admin privilege 15 secret 0 plainpw', 'event manager environment _email_server a:hunter2!x@smtp'],
      error: { message: 'refused hunter2!x', deviceText: 'R1(config)#enable secret 0 plainpw\n% Invalid input', hint: 'retype' },
    });
    reporter.runFinished({ ...SUMMARY, stoppedEarly: 'hunter2!x' });
    const seen = JSON.stringify(memory.events);
    expect(seen).not.toContain('hunter2!x');
    expect(seen).not.toContain('plainpw');
    expect(memory.outcomes[0]?.commands).toEqual([
      'username admin privilege 15 secret 0 <redacted>',
      'event manager environment _email_server a:<redacted>@smtp',
    ]);
    expect(memory.outcomes[0]?.roundTrips).toBe(FAILED.roundTrips);
  });
});
