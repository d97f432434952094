import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { consoleLevel, createLogger } from '../../src/report/logging.js';
import { SecretRedactor } from '../../src/report/redaction.js';
import { RecordingSink } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'certagent-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SECRET = 'S3cr3t-Pa55';
const LATE = 'registered-later-99';
const TYPE9 = '$9$nhEmQVczB7dqsO$X.HsgL6x1il0RxkOSSvyQYwucySCt7qFm4v7pqCxkKM';
const KEY_BODY = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC';
const now = () => new Date('2026-11-23T07:40:01Z');

describe('consoleLevel', () => {
  test('--quiet, default, -v and -vv', () => {
    expect(consoleLevel({ quiet: true, verbose: 2 })).toBe('error');
    expect(consoleLevel({})).toBe('info');
    expect(consoleLevel({ verbose: true })).toBe('verbose');
    expect(consoleLevel({ verbose: 1 })).toBe('verbose');
    expect(consoleLevel({ verbose: 3 })).toBe('debug');
  });
});

describe('createLogger', () => {
  test('console gets readable lines at its level, the file gets JSON lines of everything', async () => {
    const consoleSink = new RecordingSink();
    const logFile = join(dir, 'levels.jsonl');
    const logger = createLogger({ redactor: new SecretRedactor(), console: consoleSink, logFile, color: false, now });
    logger.info('R1 changed', { device: 'R1', roundTrips: 12 });
    logger.debug('R1 gather facts', { device: 'R1' });
    logger.warn('R3 host key changed');
    await logger.shutdown();
    expect(consoleSink.text.split('\n').filter((l) => l !== '')).toEqual([
      '2026-11-23T07:40:01.000Z info    R1 changed device=R1 roundTrips=12',
      '2026-11-23T07:40:01.000Z warn    R3 host key changed',
    ]);
    const records = readFileSync(logFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.map((r) => [r.level, r.message])).toEqual([
      ['info', 'R1 changed'],
      ['debug', 'R1 gather facts'],
      ['warn', 'R3 host key changed'],
    ]);
    expect(records[0]).toMatchObject({ device: 'R1', roundTrips: 12 });
    expect(typeof records[0]?.timestamp).toBe('string');
  });

  test('a terminal console shows the time of day and coloured levels', async () => {
    const consoleSink = new RecordingSink({ isTTY: true });
    const logger = createLogger({ redactor: new SecretRedactor(), console: consoleSink, color: true, now });
    logger.warn('R3 host key changed');
    await logger.shutdown();
    expect(consoleSink.text).toBe(`${now().toTimeString().slice(0, 8)} \u001b[33mwarn   \u001b[0m R3 host key changed\n`);
  });

  test('--quiet keeps only errors on the console; the file still has everything', async () => {
    const consoleSink = new RecordingSink();
    const logFile = join(dir, 'quiet.jsonl');
    const logger = createLogger({ redactor: new SecretRedactor(), console: consoleSink, logFile, level: consoleLevel({ quiet: true }), color: false });
    logger.info('not on the console');
    logger.error('on the console');
    await logger.shutdown();
    expect(consoleSink.text).not.toContain('not on the console');
    expect(consoleSink.text).toContain('on the console');
    expect(readFileSync(logFile, 'utf8')).toContain('not on the console');
  });

  test('no secret reaches console or file: registered values (even after creation), config lines, keys, inside errors and nested metadata', async () => {
    const consoleSink = new RecordingSink();
    const logFile = join(dir, 'secrets.jsonl');
    const redactor = new SecretRedactor([SECRET]);
    const logger = createLogger({ redactor, console: consoleSink, logFile, level: 'debug', color: false, now });
    redactor.add(LATE);
    logger.error(new Error(`login as netops with ${SECRET} refused`));
    logger.warn('config rejected', {
      device: 'R1',
      nested: {
        lines: [`enable secret 9 ${TYPE9}`, ` password 7 0822455D0A16`],
        deeper: { key: `-----BEGIN PRIVATE KEY-----\n${KEY_BODY}\n-----END PRIVATE KEY-----` },
      },
    });
    logger.info(`server string alerts:${LATE}@smtp.example.com`);
    logger.info('with an error in metadata', { err: new Error(`outer ${SECRET}`, { cause: new Error(`cause ${LATE}`) }) });
    logger.debug('an error as extra argument', new Error(`extra ${SECRET}`));
    logger.info(`the enable secret was refused`);
    await logger.shutdown();
    const file = readFileSync(logFile, 'utf8');
    for (const text of [consoleSink.text, file]) {
      for (const leak of [SECRET, LATE, TYPE9, '0822455D0A16', KEY_BODY]) expect(text).not.toContain(leak);
      expect(text).toContain('login as netops with <redacted> refused');
      expect(text).toContain('alerts:<redacted>@smtp.example.com');
      expect(text).toContain('the enable secret was refused');
    }
    const records = file
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records[1]).toMatchObject({
      nested: {
        lines: ['enable secret 9 <redacted>', ' password 7 <redacted>'],
        deeper: { key: '-----BEGIN PRIVATE KEY----- <redacted> -----END PRIVATE KEY-----' },
      },
    });
    expect(records[3]).toMatchObject({ err: { name: 'Error', message: 'outer <redacted>', cause: { message: 'cause <redacted>' } } });
    expect(records[0]?.stack).toEqual(expect.stringContaining('Error: login as netops with <redacted> refused'));
  });

  test('a log file that fails mid-run (disk full: /dev/full) is reported once and the run goes on', async () => {
    const consoleSink = new RecordingSink();
    const logger = createLogger({ redactor: new SecretRedactor(), console: consoleSink, logFile: '/dev/full', color: false, now });
    logger.info('first');
    logger.info('second');
    await logger.shutdown();
    const lines = consoleSink.text.split('\n').filter((l) => l !== '');
    expect(lines.filter((l) => l.startsWith('certagent: cannot write the log file /dev/full'))).toHaveLength(1);
    expect(lines.at(-1)).toContain('second');
  });

  test('a record logged after shutdown is dropped, not a crash', async () => {
    const consoleSink = new RecordingSink();
    const logger = createLogger({ redactor: new SecretRedactor(), console: consoleSink, color: false, now });
    await logger.shutdown();
    expect(() => logger.info('late')).not.toThrow();
    await new Promise((resolve) => setImmediate(resolve));
    expect(consoleSink.text).not.toContain('late');
  });

  test('a log file that cannot be opened is a clear error', () => {
    expect(() => createLogger({ redactor: new SecretRedactor(), console: new RecordingSink(), logFile: join(dir, 'no', 'such', 'dir.log') })).toThrow(
      /cannot open .*no\/such\/dir\.log for writing/,
    );
  });
});
