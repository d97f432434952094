/** The pure parts of fleet runs: the failure budget, canary and wave stages, the journal's reading and the resume decision. */
import { describe, expect, it } from '@jest/globals';
import type { Device } from '../../src/config/index.js';
import { Secret } from '../../src/config/index.js';
import type { DesiredState } from '../../src/workflow/index.js';
import {
  FailureBudgetError,
  budgetExceeded,
  decideResume,
  deviceKey,
  newRunId,
  parseFailureBudget,
  parseJournal,
  planStages,
  playbookFingerprint,
} from '../../src/fleet/index.js';

function device(name: string, host = '10.0.0.1'): Device {
  return {
    name,
    host,
    port: 22,
    netconfPort: 830,
    platform: 'iosxe',
    transport: 'ssh',
    groups: [],
    vars: {},
    credentials: { username: { kind: 'literal', value: 'admin' } } as unknown as Device['credentials'],
    hostKey: { mode: 'tofu', knownHosts: '/tmp/known_hosts' },
    origin: { file: 'inventory.yaml', path: ['devices', name] },
  };
}

function desired(password: string, applet = 'action 1.0 syslog msg "hi"'): DesiredState {
  return {
    trustpoints: [],
    environment: new Map<string, string | Secret>([['_email_server', new Secret(`user:${password}@smtp`, 'env X')]]),
    applets: [{ name: 'A', lines: ['event manager applet A', ` ${applet}`], parsed: {} as DesiredState['applets'][number]['parsed'], marker: true }],
    ipHosts: new Map([['smtp', '10.0.0.9']]),
    secrets: [],
  };
}

describe('failure budget', () => {
  it('tolerates N failures and stops at the next one', () => {
    const budget = parseFailureBudget('2');
    expect(budgetExceeded(budget, 2, 100)).toBeUndefined();
    expect(budgetExceeded(budget, 3, 100)).toBe('failure budget exceeded: 3 devices failed or rolled back, --max-failures 2 allows 2 of 100');
  });

  it('takes a percentage of the run, rounded down', () => {
    const budget = parseFailureBudget('5%');
    expect(budget.allowed(30)).toBe(1);
    expect(budget.allowed(1000)).toBe(50);
    expect(budgetExceeded(budget, 2, 30)).toMatch(/--max-failures 5% allows 1 of 30/);
  });

  it('0 stops at the first failure', () => {
    expect(budgetExceeded(parseFailureBudget('0'), 1, 10)).toMatch(/^failure budget exceeded: 1 device failed/);
  });

  it.each(['-1', 'two', '150%', '1.5', ''])('refuses %j with a message that shows the forms', (text) => {
    expect(() => parseFailureBudget(text)).toThrow(FailureBudgetError);
    if (text !== '150%') expect(() => parseFailureBudget(text)).toThrow(/a number of devices \(e\.g\. 3\) or a percentage \(e\.g\. 5%\)/);
  });
});

describe('stages', () => {
  it('a canary, then waves of the given size, the last one short', () => {
    expect(planStages(10, { canary: 2, waveSize: 3 })).toEqual([
      { kind: 'canary', number: 1, start: 0, end: 2 },
      { kind: 'wave', number: 1, start: 2, end: 5 },
      { kind: 'wave', number: 2, start: 5, end: 8 },
      { kind: 'wave', number: 3, start: 8, end: 10 },
    ]);
  });

  it('without options one wave holds every device; a canary larger than the fleet is the fleet', () => {
    expect(planStages(5)).toEqual([{ kind: 'wave', number: 1, start: 0, end: 5 }]);
    expect(planStages(3, { canary: 10 })).toEqual([{ kind: 'canary', number: 1, start: 0, end: 3 }]);
    expect(planStages(0, { canary: 1 })).toEqual([]);
  });
});

describe('journal', () => {
  const fp = playbookFingerprint(desired('pw1'), 'rollout');
  const r1 = device('R1');
  const r2 = device('R2');
  const r3 = device('R3');
  const line = (o: object): string => `${JSON.stringify(o)}\n`;
  const header = (attempt: number) =>
    line({ type: 'run', format: 'certagent-journal/1', runId: 'rollout-x', command: 'rollout', playbook: fp, startedAt: 't', devices: 3, attempt });
  const done = (d: Device, result: string) => line({ type: 'device', device: d.name, key: deviceKey(fp, d), result, at: 't', durationMs: 1, roundTrips: 9 });

  it('the fingerprint changes with any value that reaches devices, secrets included, and not with where the device sits in the inventory', () => {
    expect(playbookFingerprint(desired('pw1'), 'rollout')).toBe(fp);
    expect(playbookFingerprint(desired('pw2'), 'rollout')).not.toBe(fp);
    expect(playbookFingerprint(desired('pw1', 'action 1.0 syslog msg "ho"'), 'rollout')).not.toBe(fp);
    expect(playbookFingerprint(desired('pw1'), 'rotate')).not.toBe(fp);
    expect(fp).not.toContain('pw1');
    expect(deviceKey(fp, { ...r1, origin: { file: 'other.yaml', path: ['hosts', 'R1'] } })).toBe(deviceKey(fp, r1));
    expect(deviceKey(fp, device('R1', '10.0.0.2'))).not.toBe(deviceKey(fp, r1));
  });

  it('reads finished, failed and in-flight devices; a cut last line is ignored', () => {
    const text =
      header(1) +
      line({ type: 'start', device: 'R1', at: 't' }) +
      line({ type: 'start', device: 'R2', at: 't' }) +
      line({ type: 'start', device: 'R3', at: 't' }) +
      done(r1, 'changed') +
      done(r2, 'rolled-back') +
      '{"type":"device","dev';
    const state = parseJournal('j.jsonl', text);
    expect([...state.done.keys()]).toEqual(['R1']);
    expect(state.interrupted).toEqual(['R3']);
    expect(state.attempts).toBe(1);
    expect(state.lastEnd).toBeUndefined();
  });

  it('a later attempt overrides an earlier outcome, and its in-flight list replaces the old one', () => {
    const text =
      header(1) +
      done(r1, 'failed') +
      line({ type: 'start', device: 'R2', at: 't' }) +
      header(2) +
      done(r1, 'unchanged') +
      line({ type: 'end', at: 't', reason: 'completed', byResult: {} });
    const state = parseJournal('j.jsonl', text);
    expect([...state.done.keys()]).toEqual(['R1']);
    expect(state.interrupted).toEqual([]);
    expect(state.attempts).toBe(2);
    expect(state.lastEnd).toBe('completed');
  });

  it('resumes only devices not done with the same key, and starts afresh when the playbook or command changed', () => {
    const state = parseJournal('j.jsonl', header(1) + done(r1, 'changed') + done(r2, 'failed'));
    expect(decideResume(state, 'rollout', fp, [r1, r2, r3])).toEqual({ run: [r2, r3], skipped: 1, unsaved: [] });
    const moved = device('R1', '10.9.9.9');
    expect(decideResume(state, 'rollout', fp, [moved, r2]).run).toEqual([moved, r2]);
    const changed = decideResume(state, 'rollout', playbookFingerprint(desired('pw2'), 'rollout'), [r1, r2]);
    expect(changed.run).toEqual([r1, r2]);
    expect(changed.fresh).toMatch(/differs from run rollout-x: this is a new run over every device/);
    expect(decideResume(state, 'rotate', fp, [r1]).fresh).toMatch(/is a rollout run, not rotate/);
  });

  it('devices under way when the run was killed are to be saved even if they now show no difference', () => {
    const state = parseJournal(
      'j.jsonl',
      header(1) + line({ type: 'start', device: 'R1', at: 't' }) + line({ type: 'start', device: 'R2', at: 't' }) + done(r1, 'changed'),
    );
    expect(decideResume(state, 'rollout', fp, [r1, r2, r3])).toEqual({ run: [r2, r3], skipped: 1, unsaved: ['R2'] });
  });

  it('refuses what is not a journal, naming the file', () => {
    expect(() => parseJournal('x.jsonl', 'hello\n')).toThrow(/x\.jsonl line 1 is not JSON/);
    expect(() => parseJournal('x.jsonl', '')).toThrow(/x\.jsonl has no run line/);
  });

  it('run ids sort by time and differ within a second', () => {
    const at = new Date('2026-11-23T08:15:00.123Z');
    expect(newRunId('rollout', at)).toMatch(/^rollout-20261123T081500Z-[0-9a-f]{4}$/);
    expect(newRunId('rollout', at)).not.toBe(newRunId('rollout', at));
  });
});
