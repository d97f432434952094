/**
 * Texts of the engine's show commands, pure. `show version` follows a real C8000V 17.9.2a capture (Ansible
 * ios_command output published in a GitHub README) with this router's hostname and uptime; Ansible's
 * facts regexes (`Version (\S+)`, `^(.+) uptime`, `image file is "(.+)"`, `^[Cc]isco (\S+).+bytes of .*memory`)
 * parse it. `show logging` follows genieparser's IOS XE ShowLogging golden output.
 */

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `*07:10:59.123 UTC Mon Nov 23 2026` (the `*`: the clock was never set by NTP). */
export function showClock(now: Date): string {
  const time = now.toISOString().slice(11, 23);
  return `*${time} UTC ${WEEKDAYS[now.getUTCDay()] ?? ''} ${MONTHS[now.getUTCMonth()] ?? ''} ${now.getUTCDate()} ${now.getUTCFullYear()}\n`;
}

/** `1 week, 2 days, 3 hours, 4 minutes`, zero parts left out except minutes. */
export function uptime(ms: number): string {
  let minutes = Math.floor(ms / 60000);
  const parts: string[] = [];
  const units: [string, number][] = [
    ['year', 525600],
    ['week', 10080],
    ['day', 1440],
    ['hour', 60],
  ];
  for (const [name, size] of units) {
    const n = Math.floor(minutes / size);
    minutes -= n * size;
    if (n > 0) parts.push(`${n} ${name}${n === 1 ? '' : 's'}`);
  }
  parts.push(`${minutes} minute${minutes === 1 ? '' : 's'}`);
  return parts.join(', ');
}

export function showVersion(hostname: string, upMs: number): string {
  return `Cisco IOS XE Software, Version 17.09.02a
Cisco IOS Software [Cupertino], Virtual XE Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 17.9.2a, RELEASE SOFTWARE (fc4)
Technical Support: http://www.cisco.com/techsupport
Copyright (c) 1986-2022 by Cisco Systems, Inc.
Compiled Wed 30-Nov-22 02:47 by mcpre


Cisco IOS-XE software, Copyright (c) 2005-2022 by cisco Systems, Inc.
All rights reserved.  Certain components of Cisco IOS-XE software are
licensed under the GNU General Public License ("GPL") Version 2.0.  The
software code licensed under GPL Version 2.0 is free software that comes
with ABSOLUTELY NO WARRANTY.  You can redistribute and/or modify such
GPL code under the terms of GPL Version 2.0.  For more details, see the
documentation or "License Notice" file accompanying the IOS-XE software,
or the applicable URL provided on the flyer accompanying the IOS-XE
software.


ROM: IOS-XE ROMMON
${hostname} uptime is ${uptime(upMs)}
Uptime for this control processor is ${uptime(upMs)}
System returned to ROM by reload
System image file is "bootflash:packages.conf"
Last reload reason: reload



This product contains cryptographic features and is subject to United
States and local country laws governing import, export, transfer and
use. Delivery of Cisco cryptographic products does not imply
third-party authority to import, export, distribute or use encryption.
Importers, exporters, distributors and users are responsible for
compliance with U.S. and local country laws. By using this product you
agree to comply with applicable laws and regulations. If you are unable
to comply with U.S. and local laws, return this product immediately.

A summary of U.S. laws governing Cisco cryptographic products may be found at:
http://www.cisco.com/wwl/export/crypto/tool/stqrg.html

If you require further assistance please contact us by sending email to
export@cisco.com.

License Level: 
License Type: Perpetual
Next reload license Level: 

Addon License Level: 
Addon License Type: Subscription
Next reload addon license Level: 

The current throughput level is 20000 kbps 


Smart Licensing Status: Smart Licensing Using Policy

cisco C8000V (VXE) processor (revision VXE) with 1980715K/3075K bytes of memory.
Processor board ID 9UWS2FADP45
Router operating mode: Autonomous
3 Gigabit Ethernet interfaces
32768K bytes of non-volatile configuration memory.
3965344K bytes of physical memory.
5234688K bytes of virtual hard disk at bootflash:.

Configuration register is 0x2102

`;
}

/** `Monitor logging: disabled` after `no logging monitor`, as the genieparser capture prints `Console logging: disabled`. */
export function showLogging(entries: readonly string[], logged: number, monitor = true): string {
  return `Syslog logging: enabled (0 messages dropped, 0 messages rate-limited, 0 flushes, 0 overruns, xml disabled, filtering disabled)

No Active Message Discriminator.



No Inactive Message Discriminator.


    Console logging: level debugging, ${logged} messages logged, xml disabled,
                     filtering disabled
${
  monitor
    ? `    Monitor logging: level debugging, ${logged} messages logged, xml disabled,
                     filtering disabled`
    : '    Monitor logging: disabled'
}
    Buffer logging:  level debugging, ${logged} messages logged, xml disabled,
                    filtering disabled
    Exception Logging: size (4096 bytes)
    Count and timestamp logging messages: disabled
    File logging: disabled
    Persistent logging: disabled

No active filter modules.

    Trap logging: level informational, ${logged} message lines logged
        Logging Source-Interface:       VRF Name:

Log Buffer (102400 bytes):

${entries.map((e) => `${e}\n`).join('')}`;
}
