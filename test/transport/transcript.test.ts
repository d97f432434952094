/** Transcripts time every exchange (scrapli's Response keeps elapsed per command) and still redact every secret. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabRouter } from '../../src/lab/router/index.js';
import { eemEnvironmentLines } from '../../src/device/index.js';
import { DeviceTimeoutError, IosXeSession } from '../../src/transport/ssh-cli/index.js';
import { ENABLE_SECRET, OPERATOR, optionsFor, startLab, tempDir } from './lab.js';

const LATENCY_MS = 150;
const MARKED = 'Marked-Secret-Value';
const SMTP_PASSWORD = 'Smtp-Pa55word';
/** `# certagent <end> << <command>: started <start>, [failed after ]<n> ms[ (<error>)]` */
const EXCHANGE = /^# certagent (\S+) << (.*): started (\S+), (?:failed after )?(\d+) ms(?: \((\w+)\))?$/gm;

interface Exchange {
  readonly end: number;
  readonly command: string;
  readonly start: number;
  readonly elapsedMs: number;
  readonly failure: string | undefined;
  readonly at: number;
}

describe('session transcripts', () => {
  let router: LabRouter;

  beforeAll(async () => {
    router = await startLab('R1', { commandLatencyMs: LATENCY_MS, hangAtCommand: 'show clock' });
  });
  afterAll(async () => {
    await router.stop();
  });

  it('record when each command started and how long the device took, failures included, secrets redacted', async () => {
    const file = join(tempDir(), 'R1.log');
    const opened = Date.now();
    const session = await IosXeSession.open(
      optionsFor(router, { credentials: OPERATOR, enableSecret: ENABLE_SECRET, transcriptFile: file, secrets: [MARKED], commandTimeoutMs: 5_000 }),
    );
    await session.sendConfig(eemEnvironmentLines({ _email_server: `alerts:${SMTP_PASSWORD}@smtp.example.net`, _email_from: MARKED }));
    await session.send('show version');
    const hung = await session.send('show clock', { timeoutMs: 600 }).catch((e: unknown) => e);
    expect(hung).toBeInstanceOf(DeviceTimeoutError);
    await session.close();
    const closed = Date.now();

    const transcript = readFileSync(file, 'utf8');
    const exchanges: Exchange[] = [...transcript.matchAll(EXCHANGE)].map((m) => ({
      end: Date.parse(m[1] ?? ''),
      command: m[2] ?? '',
      start: Date.parse(m[3] ?? ''),
      elapsedMs: Number(m[4]),
      failure: m[5],
      at: m.index,
    }));
    const find = (command: string): Exchange => {
      const found = exchanges.find((e) => e.command === command);
      if (!found) throw new Error(`no timing line for ${command} in:\n${transcript}`);
      return found;
    };
    for (const e of exchanges) {
      expect(e.start).toBeGreaterThanOrEqual(opened);
      expect(e.end).toBeLessThanOrEqual(closed);
      // Wall-clock start plus monotonic elapsed lands on the line's own time (a millisecond of rounding either way).
      expect(Math.abs(e.start + e.elapsedMs - e.end)).toBeLessThanOrEqual(2);
    }

    const version = find('show version');
    expect(version.failure).toBeUndefined();
    expect(version.elapsedMs).toBeGreaterThanOrEqual(LATENCY_MS);
    // After the command's own output, before the next command goes out.
    expect(transcript.indexOf('Cisco IOS XE Software')).toBeLessThan(version.at);
    expect(transcript.indexOf('show clock')).toBeGreaterThan(version.at);

    const clock = find('show clock');
    expect(clock.failure).toBe('DeviceTimeoutError');
    expect(clock.elapsedMs).toBeGreaterThanOrEqual(600);
    expect(clock.start).toBeGreaterThanOrEqual(version.end);

    // The secret step is named, never shown; a config line holding secrets is named redacted.
    expect(find('enable (secret)').failure).toBeUndefined();
    expect(find('event manager environment _email_server alerts:<redacted>@smtp.example.net').failure).toBeUndefined();
    expect(find('event manager environment _email_from <redacted>').failure).toBeUndefined();
    for (const secret of [SMTP_PASSWORD, ENABLE_SECRET, OPERATOR.password, MARKED]) expect(transcript).not.toContain(secret);
  });
});
