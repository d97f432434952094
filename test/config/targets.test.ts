/** Which inventory entries are one router (issue 10, item 1): host and port after a normalisation without DNS. */
import { describe, expect, it } from '@jest/globals';
import { duplicateTargets, hostProblem, normalizeHost, targetKey } from '../../src/config/targets.js';

describe('targets', () => {
  it.each([
    ['R1.Example.COM.', 'r1.example.com'],
    ['127.1', '127.0.0.1'],
    ['0x7f.0.0.1', '127.0.0.1'],
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['[::FFFF:7F00:1]', '127.0.0.1'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['[2001:DB8:0:0::1]', '2001:db8::1'],
  ])('%s is %s', (host, normal) => {
    expect(normalizeHost(host)).toBe(normal);
  });

  it('keys IPv6 in brackets with the port', () => {
    expect(targetKey('::1', 830)).toBe('[::1]:830');
    expect(targetKey('r1.example', 22)).toBe('r1.example:22');
  });

  it('names both entries of one router; another port is another router', () => {
    const origin = (i: number) => ({ file: '/inv.yaml', path: ['devices', i] });
    const issues = duplicateTargets([
      { name: 'r1', host: '127.0.0.1', port: 2201, origin: origin(0) },
      { name: 'r1-again', host: '::ffff:127.0.0.1', port: 2201, origin: origin(1) },
      { name: 'r2', host: '127.0.0.1', port: 2202, origin: origin(2) },
    ]);
    expect(issues).toEqual([
      {
        file: '/inv.yaml',
        path: ['devices', 1],
        severity: 'error',
        message:
          "device 'r1-again' (::ffff:127.0.0.1 port 2201) is the same router as 'r1' at devices[0] (127.0.0.1 port 2201): both would change it at once; list each router once",
      },
    ]);
  });

  it('says to put a port given in the host into port:', () => {
    expect(hostProblem('127.0.0.1:25001', 'port')).toBe("'127.0.0.1:25001' carries a port: put the port in port: (port: 25001) and only 127.0.0.1 in the host");
    expect(hostProblem('r1.example:22', 'ansible_port')).toContain('put the port in ansible_port:');
    expect(hostProblem('fe80::1', 'port')).toBeUndefined();
    expect(hostProblem('bad host', 'port')).toBe("'bad host' is not a host name or an IP address");
  });
});
