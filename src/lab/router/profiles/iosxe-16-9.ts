/**
 * IOS XE 16.9 (Fuji): the old SSH stack. Key exchange only diffie-hellman-group14-sha1 and
 * diffie-hellman-group-exchange-sha1, an ssh-rsa 2048-bit host key, aes-ctr/cbc ciphers, hmac-sha1 and
 * hmac-sha2-256, as field reports of 16.x describe it (issue 11). GUESS: no Cisco document listing 16.9's exact
 * defaults was found, so the lists are that description, nothing more. `show version` is a real CSR1000V 16.9.3
 * capture (Claudia de Luna, pyATS_Community_Solutions parse_from_static.py) with this router's hostname and uptime.
 */
import { uptime } from '../show-texts.js';
import type { RouterProfile } from './profile.js';

function showVersion169(hostname: string, upMs: number): string {
  return `Cisco IOS XE Software, Version 16.09.03
Cisco IOS Software [Fuji], Virtual XE Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 16.9.3, RELEASE SOFTWARE (fc2)
Technical Support: http://www.cisco.com/techsupport
Copyright (c) 1986-2019 by Cisco Systems, Inc.
Compiled Wed 20-Mar-19 07:56 by mcpre


Cisco IOS-XE software, Copyright (c) 2005-2019 by cisco Systems, Inc.
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

License Level: ax
License Type: Default. No valid license found.
Next reload license Level: ax


Smart Licensing Status: Smart Licensing is DISABLED

cisco CSR1000V (VXE) processor (revision VXE) with 2392579K/3075K bytes of memory.
Processor board ID 95C9AN22Z68
3 Gigabit Ethernet interfaces
32768K bytes of non-volatile configuration memory.
8113280K bytes of physical memory.
7774207K bytes of virtual hard disk at bootflash:.
0K bytes of WebUI ODM Files at webui:.

Configuration register is 0x2102

`;
}

export const IOSXE_16_9: RouterProfile = {
  name: 'iosxe-16.9',
  sshAlgorithms: {
    // 16.9 also offers diffie-hellman-group-exchange-sha1, but ssh2's server side cannot run a group exchange.
    kex: ['diffie-hellman-group14-sha1'],
    serverHostKey: ['ssh-rsa'],
    cipher: ['aes128-ctr', 'aes192-ctr', 'aes256-ctr', 'aes128-cbc', 'aes192-cbc', 'aes256-cbc'],
    hmac: ['hmac-sha2-256', 'hmac-sha1'],
  },
  hostKey: { type: 'rsa', bits: 2048 },
  showVersion: showVersion169,
  requiresFingerprintPin: false,
};
