import { describe, expect, it } from '@jest/globals';
import { UsageError } from '../../src/cli/command.js';
import { parseSize } from '../../src/cli/size.js';

describe('--max-output and --max-transcript sizes', () => {
  it.each([
    ['16MiB', 16 * 1024 * 1024],
    ['512KiB', 512 * 1024],
    ['2G', 2 * 1024 ** 3],
    ['1048576', 1024 * 1024],
    ['64 mb', 64 * 1024 * 1024],
  ])('reads %s', (text, bytes) => expect(parseSize(text, '--max-output')).toBe(bytes));

  it.each(['', '-1MiB', '16 MiBs', '1.5MiB', '12', '65GiB', 'lots'])('refuses %j naming the flag and the accepted form', (text) => {
    expect(() => parseSize(text, '--max-output')).toThrow(UsageError);
    expect(() => parseSize(text, '--max-output')).toThrow(/--max-output must be a size from 1KiB to 64GiB like 16MiB/);
  });

  it('leaves an absent flag to the default', () => expect(parseSize(undefined, '--max-output')).toBeUndefined());
});
