import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeviceOutcome, RunSummary } from '../../src/report/events.js';
import { parseJsonReport } from '../../src/report/json-report.js';
import { SecretRedactor } from '../../src/report/redaction.js';
import { createRunOutput } from '../../src/report/run-output.js';
import { OutputFileError } from '../../src/report/sink.js';
import { CHANGED, ManualClock, RecordingSink } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'certagent-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PASSWORD = 'Login-Pw-7781';
const SMTP = 'Smtp-Pw-4412';
const KEY_BODY = 'MIIEowIBAAKCAQEAx9secretkeybody';

/** A failure whose every field carries a secret, as a careless workflow might emit it. */
const LEAKY: DeviceOutcome = {
  device: 'R3',
  host: '10.0.0.3',
  result: 'failed',
  changes: [{ object: 'environment _email_server', action: 'replaced', detail: `alerts:${SMTP}@smtp.example.com` }],
  commands: [`event manager environment _email_server alerts:${SMTP}@smtp.example.com`, 'enable secret 0 Plain-Enable-1'],
  error: {
    message: `authentication with ${PASSWORD} failed`,
    step: 'login',
    deviceText: `-----BEGIN RSA PRIVATE KEY-----\n${KEY_BODY}\n-----END RSA PRIVATE KEY-----`,
    hint: `check ${PASSWORD}`,
  },
  diagnoses: [`password ${PASSWORD} expired`],
  roundTrips: 1,
  startedAt: '2026-11-23T07:00:00.000Z',
  durationMs: 500,
};

const SUMMARY: RunSummary = {
  command: 'rollout',
  startedAt: '2026-11-23T07:00:00.000Z',
  durationMs: 2000,
  devices: 2,
  byResult: { changed: 1, unchanged: 0, failed: 1, 'rolled-back': 0, planned: 0, skipped: 0 },
};

function play(output: ReturnType<typeof createRunOutput>): void {
  const { reporter, logger } = output;
  reporter.runStarted('rollout', ['R1', 'R3']);
  reporter.deviceStarted('R1');
  reporter.deviceStarted('R3');
  reporter.deviceStep('R3', `login with ${PASSWORD}`);
  logger.warn(`retrying R3 with ${PASSWORD}`, { config: ['line vty 0 4', ` password ${PASSWORD}`], err: new Error(`smtp ${SMTP}`) });
  reporter.deviceFinished(CHANGED);
  reporter.deviceFinished(LEAKY);
  reporter.runFinished(SUMMARY);
}

const LEAKS = [PASSWORD, SMTP, KEY_BODY, 'Plain-Enable-1'];

describe('createRunOutput', () => {
  test('not a terminal: plain lines on stderr, table on stdout, JSON report and log file; no secret anywhere', async () => {
    const stdout = new RecordingSink();
    const stderr = new RecordingSink();
    const jsonFile = join(dir, 'plain.jsonl');
    const logFile = join(dir, 'plain.log');
    const redactor = new SecretRedactor([PASSWORD]);
    const output = createRunOutput({ command: 'rollout', redactor, stdout, stderr, jsonFile, logFile, env: {} });
    redactor.add({ reveal: () => SMTP });
    play(output);
    await output.close();
    const json = readFileSync(jsonFile, 'utf8');
    const log = readFileSync(logFile, 'utf8');
    for (const text of [stdout.text, stderr.text, json, log]) for (const leak of LEAKS) expect(text).not.toContain(leak);
    expect(stdout.text).toMatch(/^DEVICE +RESULT/);
    expect(stdout.text).toContain('R3 (10.0.0.3) failed at login: authentication with <redacted> failed');
    expect(stdout.text).toContain('-----BEGIN RSA PRIVATE KEY----- <redacted> -----END RSA PRIVATE KEY-----');
    expect(stdout.text.endsWith('rollout: 2 devices, 1 changed, 1 failed in 2.0 s\n')).toBe(true);
    expect(stderr.text).toMatch(/\[2\/2\] R3 FAILED in 0\.5 s, 1 round trip at login: authentication with <redacted> failed/);
    expect(stderr.text).toContain('retrying R3 with <redacted>');
    expect(stderr.text).not.toContain('\u001b');
    const report = parseJsonReport(json);
    expect(report.devices.map((d) => d.result)).toEqual(['changed', 'failed']);
    expect(report.devices[1]?.commands).toEqual(['event manager environment _email_server alerts:<redacted>@smtp.example.com', 'enable secret 0 <redacted>']);
    expect(report.summary?.devices).toBe(2);
    expect(log).toContain('"event":"deviceFinished"');
    expect(log).toContain('"event":"deviceStep"');
  });

  test('a terminal: the live display on stderr with log lines above it, then the final counter; plans on stdout for plan', async () => {
    const stdout = new RecordingSink({ isTTY: true, columns: 120 });
    const stderr = new RecordingSink({ isTTY: true, columns: 120, rows: 30 });
    const clock = new ManualClock();
    const output = createRunOutput({ command: 'plan', redactor: new SecretRedactor([PASSWORD, SMTP]), stdout, stderr, clock, env: { NO_COLOR: '1' } });
    play(output);
    await output.close();
    for (const text of [stdout.text, stderr.text]) for (const leak of LEAKS) expect(text).not.toContain(leak);
    expect(stderr.text).toContain('\u001b[');
    expect(stderr.text).toContain('retrying R3 with <redacted>');
    expect(stderr.text.endsWith('rollout  2/2 done, 1 failed, 0 in flight  00:00  - devices/min\n')).toBe(true);
    expect(stdout.text.startsWith('R1: 2 changes, 0 commands')).toBe(true);
    expect(stdout.text).not.toContain('\u001b');
    expect(clock.pending).toBe(0);
  });

  test('a report or log file that cannot be opened is an OutputFileError before the run', () => {
    const base = { command: 'rollout' as const, redactor: new SecretRedactor(), stdout: new RecordingSink(), stderr: new RecordingSink() };
    expect(() => createRunOutput({ ...base, jsonFile: join(dir, 'nope', 'r.jsonl') })).toThrow(OutputFileError);
    expect(() => createRunOutput({ ...base, jsonFile: join(dir, 'ok.jsonl'), logFile: join(dir, 'nope', 'l.log') })).toThrow(OutputFileError);
  });
});

describe('a 10,000-device fleet', () => {
  test('plain lines, a table of the failures only, and a JSON report with every device', async () => {
    const stdout = new RecordingSink();
    const stderr = new RecordingSink();
    const jsonFile = join(dir, 'fleet.jsonl');
    const output = createRunOutput({ command: 'rollout', redactor: new SecretRedactor([PASSWORD]), stdout, stderr, jsonFile, env: {} });
    const devices = Array.from({ length: 10_000 }, (_, i) => `R${i}`);
    output.reporter.runStarted('rollout', devices);
    for (const [i, d] of devices.entries()) {
      output.reporter.deviceStarted(d);
      output.reporter.deviceStep(d, 'gather facts');
      const failed = i % 1000 === 999;
      output.reporter.deviceFinished({
        ...CHANGED,
        device: d,
        result: failed ? 'failed' : 'changed',
        ...(failed && { error: { message: `refused ${PASSWORD}` } }),
      });
    }
    output.reporter.runFinished({ ...SUMMARY, devices: 10_000, byResult: { ...SUMMARY.byResult, changed: 9990, failed: 10 } });
    await output.close();
    const table = stdout.text.split('\n\n')[0]?.split('\n') ?? [];
    expect(table).toHaveLength(1 + 10 + 1);
    expect(table.at(-1)).toBe('… and 9990 changed not listed (the JSON report has every device)');
    expect(stdout.text).not.toContain(PASSWORD);
    const report = parseJsonReport(readFileSync(jsonFile, 'utf8'));
    expect(report.devices).toHaveLength(10_000);
    expect(report.summary?.byResult.failed).toBe(10);
    expect(stderr.text.split('\n').filter((l) => l.includes('] R')).length).toBe(10_000);
  });
});
