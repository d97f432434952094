/** Device text shown safely: every renderer behind createRunOutput and every log record gets visible escapes. */
import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeviceOutcome } from '../../src/report/events.js';
import { escapeDeep, escapeText } from '../../src/report/escape.js';
import { SecretRedactor } from '../../src/report/redaction.js';
import { createRunOutput } from '../../src/report/run-output.js';
import { RecordingSink } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'certagent-escape-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// eslint-disable-next-line no-control-regex -- the raw bytes are what the test looks for
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069\ufeff]/u;
const OSC52 = '\u001b]52;c;ZXZpbA==\u0007';

describe('escapeText', () => {
  test('makes controls, C1, bidi and format characters visible; keeps line feeds and letters', () => {
    expect(escapeText(`a${OSC52}b`)).toBe('a\\x1b]52;c;ZXZpbA==\\x07b');
    expect(escapeText('\u202eevil\u202c \u2066x\u2069 \u200b \ufeff')).toBe('\\u202eevil\\u202c \\u2066x\\u2069 \\u200b \\ufeff');
    expect(escapeText('\u009b31m \r\t\u007f')).toBe('\\x9b31m \\x0d\\x09\\x7f');
    expect(escapeText('TÜRKTRUST Elektronik 電子\nline two')).toBe('TÜRKTRUST Elektronik 電子\nline two');
    expect(escapeText('lone \ud800 surrogate')).toBe('lone \\ud800 surrogate');
  });

  test('walks plain objects and arrays', () => {
    expect(escapeDeep({ a: ['\u0007'], b: { c: '\u202e' }, n: 3 })).toEqual({ a: ['\\x07'], b: { c: '\\u202e' }, n: 3 });
  });
});

describe('createRunOutput escapes device text everywhere it shows', () => {
  test('device said, hint, diagnoses, changes and log records: no raw byte on stdout, stderr, JSON or the log', async () => {
    const hostile: DeviceOutcome = {
      device: 'R1',
      host: '10.0.0.1',
      result: 'failed',
      changes: [{ object: 'ip host smtp', action: 'changed', detail: `10.0.0.9${OSC52} → 10.0.0.2` }],
      error: {
        message: 'R1: refused',
        step: 'authenticate CA',
        deviceText: `% Error\u001b[2J\u001b]8;;http://x\u0007\n\u202eok`,
        hint: `the device said \u0007`,
      },
      diagnoses: [`The device logged: %HA_EM-3-FMPD_SMTP: ${OSC52}`],
      roundTrips: 2,
      startedAt: '2026-11-23T07:00:00.000Z',
      durationMs: 10,
    };
    for (const dryRun of [false, true]) {
      const stdout = new RecordingSink();
      const stderr = new RecordingSink();
      const jsonFile = join(dir, `r${String(dryRun)}.jsonl`);
      const logFile = join(dir, `r${String(dryRun)}.log`);
      const output = createRunOutput({
        command: 'rollout',
        redactor: new SecretRedactor([]),
        stdout,
        stderr,
        jsonFile,
        logFile,
        env: {},
        dryRun,
        level: 'debug',
        progress: 'lines',
        steps: true,
      });
      output.reporter.runStarted('rollout', ['R1']);
      output.reporter.deviceStarted('R1');
      output.reporter.deviceStep('R1', `show ${OSC52}`);
      output.logger.warn(`device printed ${OSC52}`, { err: new Error('\u202eboom') });
      output.reporter.deviceFinished(hostile);
      output.reporter.runFinished({
        command: 'rollout',
        startedAt: hostile.startedAt,
        durationMs: 10,
        devices: 1,
        byResult: { changed: 0, unchanged: 0, failed: 1, 'rolled-back': 0, planned: 0, skipped: 0 },
      });
      await output.close();
      const texts = { stdout: stdout.text, stderr: stderr.text, json: readFileSync(jsonFile, 'utf8'), log: readFileSync(logFile, 'utf8') };
      for (const [name, text] of Object.entries(texts)) expect(`${name}: ${RAW.exec(text)?.[0] ?? 'clean'}`).toBe(`${name}: clean`);
      expect(texts.stdout).toContain('% Error\\x1b[2J\\x1b]8;;http://x\\x07');
      expect(texts.stdout).toContain('%HA_EM-3-FMPD_SMTP: \\x1b]52;c;ZXZpbA==\\x07');
      expect(texts.json).toContain('\\\\u202eok');
      expect(texts.log).toContain('\\\\u202eboom');
    }
  });
});
