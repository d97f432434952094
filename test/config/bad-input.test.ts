/**
 * Bad files end in errors naming the file and line, never in a crash (issue 10, items 8 and 9): a YAML alias bomb,
 * an Ansible range of a hundred million hosts, files too large or not UTF-8, a port inside host, one router listed
 * twice, a --limit that leaves nothing, a prompt without a terminal.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { truncateSync, writeFileSync } from 'node:fs';
import { SecretResolver, loadInventory, readPlaybook, resolveCredentials, selectDevices } from '../../src/config/index.js';
import { configError, scratch, sources } from './helpers.js';

const tmp = scratch();
afterAll(() => tmp.cleanup());
const KEY = `SHA256:${'A'.repeat(43)}`;
const native = (devices: string) => `all:\n  username: admin\n  password: {env: P}\ndevices:\n${devices}`;

describe('files certagent refuses', () => {
  it('a YAML alias bomb, with the limit', async () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 0; i < 8; i++)
      lines.push(
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(97 + i)}`)
          .join(',')}]`,
      );
    const file = tmp.write('bomb.yaml', `${lines.join('\n')}\n`);
    const err = await configError(() => readPlaybook(file));
    expect(err.message).toContain(
      `${file}: (top level): YAML: Excessive alias count indicates a resource exhaustion attack (certagent allows 100 aliases per file)`,
    );
  });

  it('an Ansible host range beyond 10000 hosts, before making one name', async () => {
    const file = tmp.write('range.yaml', 'all:\n  hosts:\n    r[0:99999999]:\n');
    const err = await configError(() => loadInventory(file));
    expect(err.message).toContain(
      `${file}:3: all.hosts["r[0:99999999]"]: expands to 100000000 hosts; one pattern may give at most 10000: split it or narrow the range`,
    );
  });

  it('a file over 16 MiB, without reading it', async () => {
    const file = tmp.write('huge.yaml', '');
    truncateSync(file, 17 * 1024 * 1024);
    const err = await configError(() => loadInventory(file));
    expect(err.message).toContain(`${file}: (top level): is 17825792 bytes; certagent reads files of at most 16777216 bytes (16 MiB)`);
  });

  it('a playbook that is not UTF-8, with the line of the first bad byte', async () => {
    const file = tmp.write('latin1.yaml', '');
    writeFileSync(file, Buffer.concat([Buffer.from('name: p\ndescription: caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
    const err = await configError(() => readPlaybook(file));
    expect(err.message).toContain(`${file}:2: (top level): is not UTF-8 text: save it as UTF-8`);
  });

  it('a host carrying its port, and one router under two names', async () => {
    const file = tmp.write(
      'inv.yaml',
      native(
        `  - {name: r1, host: "127.0.0.1:25001", host_key: "${KEY}"}\n  - {name: r2, host: 10.0.0.1, port: 22, host_key: "${KEY}"}\n  - {name: r3, host: 10.0.0.1., port: 22, host_key: "${KEY}"}\n`,
      ),
    );
    const err = await configError(() => loadInventory(file));
    expect(err.message).toContain(
      `${file}:5: devices[0].host: '127.0.0.1:25001' carries a port: put the port in port: (port: 25001) and only 127.0.0.1 in the host`,
    );
    expect(err.message).toContain(`${file}:7: devices[2]: device 'r3' (10.0.0.1. port 22) is the same router as 'r2' at devices[1] (10.0.0.1 port 22)`);
  });

  it('a --limit whose exclusions leave no device', async () => {
    const file = tmp.write(
      'two.yaml',
      native(`  - {name: lab-r1, host: 10.0.0.1, host_key: "${KEY}"}\n  - {name: lab-r2, host: 10.0.0.2, host_key: "${KEY}"}\n`),
    );
    const inventory = await loadInventory(file);
    expect(() => selectDevices(inventory, '!lab-*')).toThrow("--limit '!lab-*' leaves no device: its exclusions remove every device it selects");
    expect(() => selectDevices(inventory, ',,,')).toThrow("--limit ',,,' names no device or group");
  });

  it('a prompt without a terminal is a problem of the reference, not a crash', async () => {
    const file = tmp.write(
      'prompt.yaml',
      `all:\n  username: admin\n  password: {prompt: true}\ndevices:\n  - {name: r1, host: 10.0.0.1, host_key: "${KEY}"}\n`,
    );
    const [device] = (await loadInventory(file)).devices;
    const noTerminal = {
      ...sources({}),
      prompt: () => Promise.reject(new Error('cannot ask "password for all devices:": standard input is not a terminal; use {env: ...} or {file: ...}')),
    };
    const err = await configError(() => resolveCredentials(device ?? (undefined as never), new SecretResolver(noTerminal)));
    expect(err.message).toContain(`${file}: all.password: cannot ask "password for all devices:": standard input is not a terminal`);
  });
});
