/**
 * Lab grammar gaps found against real captures, each checked over SSH with the device's real text: ambiguous
 * abbreviations, the show commands probing tools send, unknown and malformed config lines refused with the caret,
 * known-but-unmodelled lines kept verbatim, and the startup-config's nvram certificate references.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LabRouter } from '../../../src/lab/router/index.js';
import { DeviceCommandError, IosXeSession } from '../../../src/transport/ssh-cli/index.js';
import { optionsFor, startLab } from '../../transport/lab.js';

describe('lab grammar against real IOS XE text', () => {
  let router: LabRouter;
  let session: IosXeSession;
  beforeAll(async () => {
    router = await startLab('R1');
    session = await IosXeSession.open(optionsFor(router));
  });
  afterAll(async () => {
    await session.close();
    await router.stop();
  });

  async function refused(run: Promise<unknown>): Promise<DeviceCommandError> {
    const err = await run.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeviceCommandError);
    return err as DeviceCommandError;
  }

  it("answers an ambiguous abbreviation with IOS's text (two spaces, quotes), in exec and config mode", async () => {
    expect((await refused(session.send('show i'))).deviceSays).toBe('% Ambiguous command:  "show i"');
    expect((await refused(session.sendConfig(['a']))).deviceSays).toBe('% Ambiguous command:  "a"');
  });

  it('prints show ip interface brief, show inventory and show users in the layouts of real captures', async () => {
    // ntc-templates tests/cisco_ios/show_ip_interface_brief/cisco_ios_show_ip_interface_brief.raw (header and columns).
    const brief = (await session.send('show ip interface brief')).split('\n');
    expect(brief[0]).toBe('Interface                  IP-Address      OK? Method Status                Protocol');
    expect(brief).toContain('GigabitEthernet2           unassigned      YES unset  administratively down down');
    // ntc-templates tests/cisco_ios/show_inventory/cisco_ios_show_inventory_c8000v.raw.
    const inventory = await session.send('show inventory');
    expect(inventory).toContain('NAME: "Chassis", DESCR: "Cisco Catalyst 8000V Edge Chassis"\nPID: C8000V            , VID: V00  , SN: ');
    // ntc-templates tests/cisco_ios/show_users/cisco_ios_show_users.raw.
    const users = (await session.send('show users')).split('\n');
    expect(users[0]).toBe('    Line       User       Host(s)              Idle       Location');
    expect(users[1]).toMatch(/^\* 866 vty 0 +admin +idle +00:00:00 127\.0\.0\.1$/);
    expect(await session.send('show line')).toMatch(/^\* +866 +866 VTY /m);
  });

  it('shows ip host entries in show hosts and connected routes in show ip route', async () => {
    await session.sendConfig(['ip host smtp.lab.example 192.0.2.25', 'interface GigabitEthernet2', 'ip address 10.9.8.1 255.255.255.0', 'no shutdown']);
    expect(await session.send('show hosts')).toMatch(/^smtp\.lab\.example +None +\(perm, OK\) +0 +IP +192\.0\.2\.25$/m);
    const route = await session.send('show ip route');
    // The codes legend and route lines of ntc-templates tests/cisco_ios/show_ip_route/cisco_ios_show_ip_route1.raw.
    expect(route).toContain('Codes: L - local, C - connected, S - static, R - RIP, M - mobile, B - BGP');
    expect(route).toContain('Gateway of last resort is not set');
    expect(route).toContain('C        10.9.8.0/24 is directly connected, GigabitEthernet2\nL        10.9.8.1/32 is directly connected, GigabitEthernet2');
  });

  it('refuses unknown and malformed config lines with the caret under the bad word', async () => {
    const malformed = await refused(session.sendConfig(['logging 0255.255.1']));
    expect(malformed.deviceSays).toBe("% Invalid input detected at '^' marker.");
    // The caret stands under the address: prompt `R1(config)#` (11) plus `logging ` (8).
    expect(malformed.output).toContain(`${' '.repeat(19)}^`);
    expect((await refused(session.sendConfig(['frobnicate the router']))).deviceSays).toBe("% Invalid input detected at '^' marker.");
    expect(router.runningConfig()).not.toMatch(/0255\.255\.1|frobnicate/);
  });

  it('keeps known but unmodelled lines verbatim, and removes them with no', async () => {
    await session.sendConfig(['logging host 10.1.1.1', 'ntp server 10.2.2.2 prefer', 'snmp-server community public RO', 'logging buffered 64000']);
    const config = router.runningConfig();
    for (const line of ['logging host 10.1.1.1', 'ntp server 10.2.2.2 prefer', 'snmp-server community public RO', 'logging buffered 64000'])
      expect(config).toContain(`\n${line}\n`);
    await session.sendConfig(['no ntp server 10.2.2.2 prefer']);
    expect(router.runningConfig()).not.toContain('ntp server');
  });

  it('names the nvram file of each certificate in show startup-config, as devices do', async () => {
    await session.send('write memory');
    const startup = await session.send('show startup-config');
    expect(startup).toMatch(/^ certificate self-signed 01 nvram:IOS-Self-Sig#1\.cer$/m);
    expect(startup).toMatch(/^ certificate ca 01 nvram:CiscoLicensi#2CA\.cer$/m);
    expect(startup).not.toMatch(/^ {2}30820/m);
    expect(router.runningConfig()).toMatch(/^ certificate self-signed 01\n {2}30820/m);
  });
});
