/** Whether `show logging` says syslog reaches `terminal monitor` sessions, and at which severity. */
import { describe, expect, it } from '@jest/globals';
import { monitorLoggingSeverity } from '../../src/device/index.js';
import { loadCapture } from '../fixtures/load.js';

describe('monitorLoggingSeverity', () => {
  it('reads level debugging (7) from a real IOS XE show logging (genieparser golden output)', () => {
    expect(monitorLoggingSeverity(loadCapture('genie_show_logging_1.txt'))).toBe(7);
  });

  it('reads the line cut out by the proof`s include filter, and a level below informational', () => {
    expect(monitorLoggingSeverity('    Monitor logging: level informational, 12 messages logged, xml disabled,\n*Dec  6 20:17:37.657: %HA_EM-6-LOG: x')).toBe(
      6,
    );
    expect(monitorLoggingSeverity('    Monitor logging: level errors, 3 messages logged, xml disabled,')).toBe(3);
  });

  it('says none when monitor logging is disabled (as the capture prints Console logging: disabled) or not shown', () => {
    const real = loadCapture('genie_show_logging_1.txt');
    expect(real).toContain('Console logging: disabled');
    expect(monitorLoggingSeverity(real.replace(/Monitor logging: level debugging[^\n]*/, 'Monitor logging: disabled'))).toBeUndefined();
    expect(monitorLoggingSeverity('')).toBeUndefined();
  });
});
