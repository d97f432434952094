import { describe, expect, it } from '@jest/globals';
import { parseEemConfig, parseMailArgs } from '../../src/device/parsers/eem-config.js';
import { parseEemLogEntries } from '../../src/device/parsers/logging.js';
import { parseShowVersion, ShowVersionParseError } from '../../src/device/parsers/version.js';
import { loadCapture } from '../fixtures/load.js';

describe('parseEemConfig', () => {
  it('reads environment variables and the secure-mail applet of the Cisco EEM document', () => {
    const config = parseEemConfig(
      [
        'event manager environment _email_from username@gmail.com',
        'event manager environment _email_to EMAIL@domain.com',
        'event manager environment _email_server username:password@smtp.gmail.com',
        'event manager applet SendSecureEmailEEM',
        ' event none',
        ' action 0010 mail server "$_email_server" to "$_email_to" from "$_email_from" cc "$_email_cc" subject "Test mail" body "Body text here" secure tls port 587',
        '!',
        'event manager applet LOOP0',
        ' event syslog pattern "Interface Loopback0, changed state to administratively down"',
        ' action 7.0 mail server "10.3.3.3" to "marius@test.com" from "router1@test.com" subject "Loopback0 issues" body "$_cli_result"',
        'end',
      ].join('\r\n'),
    );
    expect(config.environment.get('_email_server')).toBe('username:password@smtp.gmail.com');
    expect(config.environment.get('_email_from')).toBe('username@gmail.com');
    expect(config.applets.map((a) => a.name)).toEqual(['SendSecureEmailEEM', 'LOOP0']);
    const secure = config.applets[0];
    expect(secure?.event).toBe('none');
    expect(secure?.actions[0]?.mail).toEqual({
      server: '$_email_server',
      to: '$_email_to',
      from: '$_email_from',
      cc: '$_email_cc',
      subject: 'Test mail',
      body: 'Body text here',
      secure: 'tls',
      port: 587,
    });
    // IOSv capture (dossier 4.1): no secure/port keywords.
    expect(config.applets[1]?.actions[0]?.mail).toEqual({
      server: '10.3.3.3',
      to: 'marius@test.com',
      from: 'router1@test.com',
      subject: 'Loopback0 issues',
      body: '$_cli_result',
    });
    expect(config.applets[1]?.event).toBe('syslog pattern "Interface Loopback0, changed state to administratively down"');
  });

  it('keeps non-mail actions raw and rejects mail actions lacking server, to or from', () => {
    expect(parseMailArgs('to "a@b" from "c@d"')).toBeUndefined();
    const config = parseEemConfig('event manager applet A\n action 1.0 syslog msg "hello world"\n');
    expect(config.applets[0]?.actions[0]).toEqual({ label: '1.0', kind: 'syslog', args: 'msg "hello world"' });
  });
});

describe('parseEemLogEntries', () => {
  it('reads FMPD_SMTP and FMPD_ERROR with timestamps from the IOSv capture', () => {
    const entries = parseEemLogEntries(loadCapture('eem_mail_failure_syslog_connect_iosv_2.txt'));
    const smtp = entries.find((e) => e.kind === 'FMPD_SMTP');
    expect(smtp).toEqual({
      kind: 'FMPD_SMTP',
      severity: 3,
      timestamp: 'Dec  6 20:17:37.657',
      message: 'Error occurred when sending mail to SMTP server: 10.3.3.3 : error in connecting to SMTP server',
      server: '10.3.3.3',
      reason: 'error in connecting to SMTP server',
    });
    expect(entries.find((e) => e.kind === 'FMPD_ERROR')).toMatchObject({ applet: 'LOOP0', statement: '7.0', timestamp: 'Dec  6 20:17:37.658' });
    expect(entries.filter((e) => e.kind === 'LOG').map((e) => e.applet)).toEqual(['LOOP0', 'LOOP0', 'LOOP0', 'LOOP0', 'LOOP0']);
  });

  it('reads entries without timestamps (NetworkLessons capture) and the timeout reason', () => {
    const entries = parseEemLogEntries(loadCapture('eem_mail_failure_syslog_timeout_ios_1.txt'));
    const smtp = entries.find((e) => e.kind === 'FMPD_SMTP');
    expect(smtp).toMatchObject({ server: 'smtp.ziggo.nl', reason: 'timeout error' });
    expect(smtp?.timestamp).toBeUndefined();
    expect(entries.filter((e) => e.kind === 'LOG')[0]?.applet).toBe('OSPF_DOWN');
  });

  it('redacts the password the device logs with the server string', () => {
    // The real line format (IOSv capture above) with the user:password@host server string the Cisco document uses.
    const line =
      '*Nov 23 07:40:01.123 UTC: %HA_EM-3-FMPD_SMTP: Error occurred when sending mail to SMTP server: alerts:S3cr3t!pw@smtp.gmail.com : error in connecting to SMTP server';
    const [entry] = parseEemLogEntries(line);
    expect(entry?.server).toBe('alerts:<redacted>@smtp.gmail.com');
    expect(JSON.stringify(entry)).not.toContain('S3cr3t');
    expect(entry?.timestamp).toBe('Nov 23 07:40:01.123 UTC');
  });

  it('reads FMPD_UNKNOWN_ENV and finds no EEM entry in a log without any (genieparser capture)', () => {
    const [entry] = parseEemLogEntries('Sep  8 01:08:06.876: %HA_EM-3-FMPD_UNKNOWN_ENV: fh_parse_var: could not find environment variable: _track_name');
    expect(entry).toMatchObject({ kind: 'FMPD_UNKNOWN_ENV', severity: 3 });
    expect(parseEemLogEntries(loadCapture('genie_show_logging_1.txt'))).toEqual([]);
  });
});

describe('parseShowVersion', () => {
  it('reads C8000V 17.15 as genieparser does', () => {
    const v = parseShowVersion(loadCapture('genie_show_version_c8000v_17_15.txt'));
    const expected = loadCapture('genie_show_version_c8000v_17_15.expected.txt');
    expect(v).toEqual({
      version: '17.15.20240326:010319',
      xeVersion: 'BLD_POLARIS_DEV_LATEST_20240326_003112',
      hostname: 'ott-mdt-vm7',
      uptime: '0 minutes',
      model: 'C8000V',
      serialNumber: '9E42BIFKVLR',
      systemImage: 'bootflash:packages.conf',
    });
    for (const value of [v.version, v.hostname, v.uptime, v.model, v.serialNumber]) expect(expected).toContain(`'${value}'`);
  });

  it('reads an ISR4451 16.6 release', () => {
    expect(parseShowVersion(loadCapture('genie_show_version_isr4k_16_6.txt'))).toMatchObject({
      version: '16.6.5',
      xeVersion: '16.06.05',
      hostname: 'isr4k',
      uptime: '2 days, 3 hours, 18 minutes',
      model: 'ISR4451-X/K9',
    });
  });

  it('says what is missing when the output is not show version', () => {
    expect(() => parseShowVersion('% Invalid input detected')).toThrow(ShowVersionParseError);
  });
});
