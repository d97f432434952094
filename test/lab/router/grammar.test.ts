import { describe, expect, test } from '@jest/globals';
import { compileSyntax, matchLine } from '../../../src/lab/router/grammar.js';
import { LineEditor } from '../../../src/lab/router/line-editor.js';

const commands = [
  { syntax: 'show crypto pki certificates [verbose] [<trustpoint>]', value: 'certs' },
  { syntax: 'show crypto pki trustpoints [<trustpoint>] [status]', value: 'tps' },
  { syntax: 'show clock', value: 'clock' },
  { syntax: 'configure terminal', value: 'conf' },
  { syntax: 'copy {running-config|system:running-config} {startup-config|nvram:startup-config}', value: 'copy' },
  { syntax: 'event manager applet <name> [authorization bypass]', value: 'applet' },
  { syntax: 'action <label> mail <args...>', value: 'mail' },
];

describe('grammar', () => {
  test('unique prefixes, optional parts, parameters and keywords typed', () => {
    expect(matchLine('sh cry pki cert ver CA-1', commands)).toEqual({
      kind: 'ok',
      command: 'certs',
      params: { show: '', crypto: '', pki: '', certificates: '', verbose: '', trustpoint: 'CA-1' },
    });
    expect(matchLine('show crypto pki trustpoints X status', commands)).toMatchObject({ kind: 'ok', command: 'tps', params: { trustpoint: 'X', status: '' } });
    expect(matchLine('conf t', commands)).toMatchObject({ kind: 'ok', command: 'conf' });
    expect(matchLine('copy run start', commands)).toMatchObject({ kind: 'ok', command: 'copy' });
    expect(matchLine('event manager applet A auth bypass', commands)).toMatchObject({ kind: 'ok', params: { name: 'A', authorization: '', bypass: '' } });
  });

  test('the rest of the line is kept verbatim, quotes and pipes included', () => {
    expect(matchLine('action 0010 mail server "$_s" to "a@b" body "x | y"  ', commands)).toEqual({
      kind: 'ok',
      command: 'mail',
      params: { action: '', label: '0010', mail: '', args: 'server "$_s" to "a@b" body "x | y"' },
    });
  });

  test('errors: ambiguous, incomplete, invalid with the offending offset', () => {
    expect(matchLine('c', commands)).toEqual({ kind: 'ambiguous', progress: 0 });
    expect(matchLine('show cl', commands)).toMatchObject({ kind: 'ok', command: 'clock' });
    expect(matchLine('show c', commands)).toEqual({ kind: 'ambiguous', progress: 1 });
    expect(matchLine('show crypto', commands)).toEqual({ kind: 'incomplete', progress: 2 });
    // `cry` matches, `x` does not: the caret goes under the first character that fails.
    expect(matchLine('show cryx pki', commands)).toEqual({ kind: 'invalid', offset: 8, progress: 1 });
    expect(matchLine('show clock now', commands)).toEqual({ kind: 'invalid', offset: 11, progress: 2 });
    expect(matchLine('   ', commands)).toEqual({ kind: 'empty' });
  });

  test('bad syntax strings are refused with the reason', () => {
    expect(() => compileSyntax('show [verbose')).toThrow(/Bad command syntax "show \[verbose": expected '\]'/);
  });
});

describe('line editor', () => {
  test('CR, LF and CRLF each end one line, also split across reads', () => {
    const editor = new LineEditor();
    const lines: string[] = [];
    const echo = (): void => undefined;
    editor.push('a\rb\nc\r');
    for (let l = editor.takeLine(echo); l; l = editor.takeLine(echo)) lines.push(l.text);
    editor.push('\nd\r\n');
    for (let l = editor.takeLine(echo); l; l = editor.takeLine(echo)) lines.push(l.text);
    expect(lines).toEqual(['a', 'b', 'c', 'd']);
    expect(editor.idle).toBe(true);
  });

  test('a large paste is consumed in linear time', () => {
    const editor = new LineEditor();
    editor.push('  30820330 30820218 A0030201 02020101 300D0609 2A864886 F70D0101 0B050030\n'.repeat(20000));
    const started = Date.now();
    let count = 0;
    while (editor.takeLine(() => undefined)) count++;
    expect(count).toBe(20000);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
