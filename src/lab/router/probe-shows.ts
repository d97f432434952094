/**
 * The everyday show commands third-party tooling sends on login or in scripts (`show ip interface brief`,
 * `show inventory`, `show users`, `show line`, `show hosts`, `show ip route`), in IOS's own layout, so a probing
 * client parses them. Layouts follow ntc-templates' real captures (tests/cisco_ios/show_ip_interface_brief,
 * show_inventory_c8000v, show_users, show_ip_route1); `show line` and `show hosts` have no capture there and
 * follow IOS 15/17 output as remembered (GUESS: column widths). Pure: state in, text out.
 */
import type { InterfaceConfig } from './runtime.js';

function pad(text: string, width: number): string {
  return text.length >= width ? `${text} ` : text.padEnd(width);
}

/** ntc-templates cisco_ios_show_ip_interface_brief.raw: `Interface` 27 wide, `IP-Address` 16, `OK? Method Status`. */
export function showIpInterfaceBrief(interfaces: ReadonlyMap<string, InterfaceConfig>): string {
  const rows = ['Interface                  IP-Address      OK? Method Status                Protocol'];
  for (const [name, i] of interfaces) {
    const address = i.address === undefined || i.address === 'dhcp' ? 'unassigned' : (i.address.split(' ')[0] ?? 'unassigned');
    const method = i.address === undefined ? 'unset' : i.address === 'dhcp' ? 'DHCP' : 'manual';
    const status = i.shutdown ? 'administratively down down' : 'up                    up';
    rows.push(`${pad(name, 27)}${pad(address, 16)}YES ${pad(method, 7)}${status}`);
  }
  return `${rows.join('\n')}\n`;
}

/** ntc-templates cisco_ios_show_inventory_c8000v.raw (a C8000V: chassis, route processor, embedded services). */
export function showInventory(serial: string): string {
  return `NAME: "Chassis", DESCR: "Cisco Catalyst 8000V Edge Chassis"
PID: C8000V            , VID: V00  , SN: ${serial}

NAME: "module R0", DESCR: "Cisco Catalyst 8000V Edge Route Processor"
PID: C8000V            , VID: V00  , SN: JAB1303001C

NAME: "module F0", DESCR: "Cisco Catalyst 8000V Edge Embedded Services Processor"
PID: C8000V            , VID:      , SN:            
`;
}

export interface VtyUser {
  readonly line: string;
  readonly username: string;
  readonly peer: string;
  /** The session asking (`*` in the first column). */
  readonly self: boolean;
}

/** ntc-templates cisco_ios_show_users.raw: line number (vty0 is line 866 on IOS XE virtual routers), user, host. */
export function showUsers(users: readonly VtyUser[]): string {
  const rows = ['    Line       User       Host(s)              Idle       Location'];
  for (const u of users) {
    const vty = Number(/\d+$/.exec(u.line)?.[0] ?? '0');
    const line = `${866 + vty} vty ${vty}`;
    rows.push(`${u.self ? '*' : ' '} ${pad(line, 10)} ${pad(u.username, 10)} idle                 00:00:00 ${u.peer}`);
  }
  rows.push('', '  Interface    User               Mode         Idle     Peer Address');
  return `${rows.join('\n')}\n`;
}

/** GUESS (no capture): IOS XE's `show line` on a virtual router: console, aux and five vtys from line 866. */
export function showLine(activeVtys: ReadonlySet<number>): string {
  const rows = [
    '   Tty Line Typ     Tx/Rx    A Modem  Roty AccO AccI   Uses   Noise  Overruns   Int',
    '*     0    0 CTY              -    -      -    -    -      0       0     0/0       -',
    '      1    1 AUX   9600/9600  -    -      -    -    -      0       0     0/0       -',
  ];
  for (let vty = 0; vty < 5; vty++) {
    const n = String(866 + vty);
    rows.push(`${activeVtys.has(vty) ? '*' : ' '} ${n.padStart(5)} ${n.padStart(4)} VTY              -    -      -    -    -      0       0     0/0       -`);
  }
  rows.push('', 'Line(s) not in async mode -or- with no hardware support:', '2-865');
  return `${rows.join('\n')}\n`;
}

/** GUESS (no capture): IOS's `show hosts` header and one row per `ip host` entry (permanent, OK). */
export function showHosts(hosts: ReadonlyMap<string, string>): string {
  const rows = [
    'Default domain is not set',
    'Name/address lookup uses domain service',
    'Name servers are 255.255.255.255',
    '',
    'Codes: UN - unknown, EX - expired, OK - OK, ?? - revalidate',
    '       temp - temporary, perm - permanent',
    '       NA - Not Applicable None - Not defined',
    '',
    'Host                      Port  Flags      Age Type   Address(es)',
  ];
  for (const [name, address] of hosts) rows.push(`${pad(name, 26)}None  (perm, OK)  0   IP    ${address}`);
  return `${rows.join('\n')}\n`;
}

/** ntc-templates cisco_ios_show_ip_route1.raw's codes legend; connected and local routes of static addresses. */
export function showIpRoute(interfaces: ReadonlyMap<string, InterfaceConfig>): string {
  const legend = `Codes: L - local, C - connected, S - static, R - RIP, M - mobile, B - BGP
       D - EIGRP, EX - EIGRP external, O - OSPF, IA - OSPF inter area 
       N1 - OSPF NSSA external type 1, N2 - OSPF NSSA external type 2
       E1 - OSPF external type 1, E2 - OSPF external type 2
       i - IS-IS, su - IS-IS summary, L1 - IS-IS level-1, L2 - IS-IS level-2
       ia - IS-IS inter area, * - candidate default, U - per-user static route
       o - ODR, P - periodic downloaded static route, H - NHRP, l - LISP
       a - application route
       + - replicated route, % - next hop override, p - overrides from PfR

Gateway of last resort is not set

`;
  const routes: string[] = [];
  for (const [name, i] of interfaces) {
    const m = /^(\d+\.\d+\.\d+\.\d+) (\d+\.\d+\.\d+\.\d+)$/.exec(i.address ?? '');
    if (!m || i.shutdown) continue;
    const [address, mask] = [m[1] as string, m[2] as string];
    const bits = mask.split('.').reduce((n, octet) => n + Number(octet).toString(2).replace(/0/g, '').length, 0);
    const network = address
      .split('.')
      .map((octet, k) => Number(octet) & Number(mask.split('.')[k]))
      .join('.');
    routes.push(`C        ${network}/${bits} is directly connected, ${name}`, `L        ${address}/32 is directly connected, ${name}`);
  }
  return `${legend}${routes.join('\n')}${routes.length > 0 ? '\n' : ''}`;
}
