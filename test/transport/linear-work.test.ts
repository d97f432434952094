/**
 * Work on device text grows linearly with the text (#18 items 3 and 4), asserted by counting what the patterns are
 * run on, never by timing: error patterns see one bounded line at a time, the channel's patterns a bounded tail
 * per packet, whatever the output (400,000 empty lines, a megabyte without a line end, 1-byte packets).
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { EventEmitter } from 'node:events';
import type { ClientChannel } from 'ssh2';
import { ERROR_LINE_MAX, ERROR_PATTERNS, findDeviceError, parseShowVersion, promptPatterns } from '../../src/device/index.js';
import { Channel, Redactor } from '../../src/transport/ssh-cli/index.js';

/** How often a RegExp in `watched` (or any, when unset) was run, and on how long a string at most. */
const inputs = { count: 0, longest: 0 };
let watched: Set<RegExp> | undefined;
const { exec, test } = RegExp.prototype;
function note(re: RegExp, text: string): void {
  if (watched && !watched.has(re)) return;
  inputs.count++;
  inputs.longest = Math.max(inputs.longest, text.length);
}
beforeEach(() => {
  inputs.count = 0;
  inputs.longest = 0;
  RegExp.prototype.exec = function (this: RegExp, text: string) {
    note(this, text);
    return exec.call(this, text);
  };
  RegExp.prototype.test = function (this: RegExp, text: string) {
    note(this, text);
    return test.call(this, text);
  };
});
afterEach(() => {
  RegExp.prototype.exec = exec;
  RegExp.prototype.test = test;
  watched = undefined;
});

describe('IOS error patterns', () => {
  beforeEach(() => {
    watched = new Set(ERROR_PATTERNS.map((p) => p.pattern));
  });

  it('see one line at a time: 100,000 empty lines cost one short test per line and pattern', () => {
    // The hostile device of #18 printed 400,000: a multiline `^\s*` took 72 s over them.
    const output = `${'\n'.repeat(100_000)}% Invalid input detected at '^' marker.\n`;
    expect(findDeviceError(output)?.pattern.id).toBe('invalid-input');
    expect(inputs.longest).toBeLessThanOrEqual(ERROR_LINE_MAX);
    expect(inputs.count).toBeLessThanOrEqual(100_002 * ERROR_PATTERNS.length);
  });

  it('never see more than ERROR_LINE_MAX characters of a line, however long', () => {
    expect(findDeviceError(`${' '.repeat(1_000_000)}x\n${'%'.repeat(2_000_000)}`)).toBeUndefined();
    expect(inputs.longest).toBeLessThanOrEqual(ERROR_LINE_MAX);
  });

  it('still pick the most specific error of an output', () => {
    expect(findDeviceError("% Error opening nvram:x\n                   ^\n% Invalid input detected at '^' marker.\n")?.pattern.id).toBe('invalid-input');
  });
});

describe('show version', () => {
  it('reads a hostile 200 kB Cisco IOS Software line without a Version in one pass (bounded input: a quadratic pattern would not finish)', () => {
    const line = `Cisco IOS Software, ${'x, '.repeat(70_000)}`;
    expect(() => parseShowVersion(`${line}\nR1 uptime is 1 minute\n`)).toThrow(/not IOS XE 'show version' output/);
  });
});

/** A stand-in for ssh2's channel: only the events the Channel listens to. */
function fakeStream(): ClientChannel & EventEmitter {
  const stream = new EventEmitter() as ClientChannel & EventEmitter;
  Object.assign(stream, { stderr: new EventEmitter(), write: () => true, close: () => undefined });
  return stream;
}

describe('the channel', () => {
  it('tests its patterns on a bounded tail per packet, however long the output and however small the packets', async () => {
    const stream = fakeStream();
    const channel = new Channel('R1', stream, new Redactor());
    const prompt = promptPatterns('R1').exec;
    watched = new Set([prompt]);
    inputs.count = 0;
    const token = '! certagent 0123-1.';
    const read = channel.readUntil([{ after: [token], then: prompt }], { timeoutMs: 60_000, command: 'show tech' });
    const body = 'interface GigabitEthernet1\nR1#\n'.repeat(1_000);
    // One byte per packet for the first 30 kB, then 64 kB packets up to 4 MB.
    for (const ch of body) stream.emit('data', Buffer.from(ch));
    for (let i = 0; i < 64; i++) stream.emit('data', Buffer.from('x'.repeat(65_535) + '\n'));
    stream.emit('data', Buffer.from(`R1#!${token}\r\nR1#`));
    const result = await read;
    expect(result.text.length).toBeGreaterThan(4_000_000);
    // A `R1#` line ended a thousand packets; only the prompt after the end-of-command marker ended the read.
    expect(result.text.endsWith(`R1#!${token}\nR1#`)).toBe(true);
    expect(inputs.longest).toBeLessThanOrEqual(1_025);
    // Tested only once the marker's echo had arrived (one test, which runs `exec` inside), not once per packet before.
    expect(inputs.count).toBeLessThanOrEqual(2);
  });

  it('tests a question pattern on at most a short tail of each packet, however much came before', async () => {
    const stream = fakeStream();
    const channel = new Channel('R1', stream, new Redactor());
    const question = /\[yes\/no\]: ?$/;
    watched = new Set([question]);
    const read = channel.readUntil([question], { timeoutMs: 60_000, command: 'no crypto pki trustpoint TP' });
    const packets = 20_000;
    for (let i = 0; i < packets; i++) stream.emit('data', Buffer.from(i % 2 === 0 ? 'certificate ca 01 00AB12CD' : ' nvram:R1#1.cer\n'));
    stream.emit('data', Buffer.from('Are you sure you want to do this? [yes/no]: '));
    expect((await read).text.length).toBeGreaterThan(packets * 10);
    expect(inputs.longest).toBeLessThanOrEqual(1_025);
    // Once when the read starts and once per packet (each `test` runs `exec` inside).
    expect(inputs.count).toBeLessThanOrEqual(2 * (packets + 2));
  });
});
