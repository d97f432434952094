import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunSummary } from '../../src/report/events.js';
import { JsonReportWriter, REPORT_FORMAT, parseJsonReport } from '../../src/report/json-report.js';
import { OutputFileError } from '../../src/report/sink.js';
import { CHANGED, FAILED, UNCHANGED } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'certagent-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SUMMARY: RunSummary = {
  command: 'rollout',
  startedAt: '2026-11-23T07:00:00.000Z',
  durationMs: 7000,
  devices: 3,
  byResult: { changed: 1, unchanged: 1, failed: 1, 'rolled-back': 0, planned: 0, skipped: 0 },
};
const now = () => new Date('2026-11-23T07:00:00.000Z');

function lines(path: string): unknown[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as unknown);
}

describe('JsonReportWriter', () => {
  test('each device is on disk as soon as it finishes, and the summary closes the file', () => {
    const path = join(dir, 'run.jsonl');
    const writer = JsonReportWriter.toFile(path, { now });
    writer.runStarted('rollout', ['R1', 'R2', 'R3']);
    expect(lines(path)).toEqual([
      { type: 'run', format: REPORT_FORMAT, command: 'rollout', startedAt: '2026-11-23T07:00:00.000Z', deviceCount: 3, devices: ['R1', 'R2', 'R3'] },
    ]);
    writer.deviceStarted('R1');
    writer.deviceStep('R1', 'gather facts');
    writer.deviceFinished(CHANGED);
    expect(lines(path)).toHaveLength(2);
    expect(lines(path)[1]).toEqual({ type: 'device', ...CHANGED });
    writer.deviceFinished(UNCHANGED);
    writer.deviceFinished(FAILED);
    writer.runFinished(SUMMARY);
    const all = lines(path);
    expect(all).toHaveLength(5);
    expect(all[4]).toEqual({ type: 'summary', ...SUMMARY });
    expect(readFileSync(path, 'utf8').endsWith('}\n')).toBe(true);
    const parsed = parseJsonReport(readFileSync(path, 'utf8'));
    expect(parsed.devices.map((d) => [d.device, d.result])).toEqual([
      ['R1', 'changed'],
      ['R2', 'unchanged'],
      ['R3', 'failed'],
    ]);
    expect(parsed.devices[2]?.error?.hint).toBe(FAILED.error?.hint);
    expect(parsed.summary?.byResult.failed).toBe(1);
    expect(parsed.unfinished).toEqual([]);
  });

  test('an interrupted run leaves a readable file naming the devices that never finished', () => {
    const path = join(dir, 'interrupted.jsonl');
    const writer = JsonReportWriter.toFile(path, { now });
    writer.runStarted('rollout', ['R1', 'R2', 'R3']);
    writer.deviceFinished(CHANGED);
    writer.close();
    // A crash in the middle of a write leaves a partial last line: readers drop it.
    writeFileSync(path, `${readFileSync(path, 'utf8')}{"type":"device","device":"R2","res`);
    const parsed = parseJsonReport(readFileSync(path, 'utf8'));
    expect(parsed.summary).toBeUndefined();
    expect(parsed.devices.map((d) => d.device)).toEqual(['R1']);
    expect(parsed.unfinished).toEqual(['R2', 'R3']);
  });

  test('a bad path fails at once with what to do; a foreign file is refused with its line', () => {
    expect(() => JsonReportWriter.toFile(join(dir, 'missing', 'run.jsonl'))).toThrow(OutputFileError);
    expect(() => JsonReportWriter.toFile(join(dir, 'missing', 'run.jsonl'))).toThrow(
      /cannot open .*missing\/run\.jsonl for writing .*check the directory exists/,
    );
    expect(() => parseJsonReport('')).toThrow(/no run line/);
    expect(() => parseJsonReport('{"type":"run","format":"other/9","devices":[]}\n')).toThrow(/format other\/9 is not certagent-report\/1/);
    expect(() => parseJsonReport(`${JSON.stringify({ type: 'run', format: REPORT_FORMAT, devices: [] })}\nnot json\n`)).toThrow(/line 2 is not JSON/);
  });
});
