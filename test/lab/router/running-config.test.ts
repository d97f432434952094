import { describe, expect, it } from '@jest/globals';
import { configTimestamp } from '../../../src/lab/router/running-config.js';

describe('running-config header timestamps', () => {
  it('prints the change time as IOS does: time, zone, weekday, month, unpadded day, year', () => {
    // IOS XE: "! Last configuration change at 07:54:28 UTC Mon Nov 23 2026 by admin"
    expect(configTimestamp(new Date('2026-11-23T07:54:28Z'))).toBe('07:54:28 UTC Mon Nov 23 2026');
    expect(configTimestamp(new Date('2026-03-05T23:01:02Z'))).toBe('23:01:02 UTC Thu Mar 5 2026');
  });
});
