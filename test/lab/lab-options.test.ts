/** The pure parts of the lab command: options, fault specs, the secrets file and the inventory text. */
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../src/cli/command.js';
import { parseLabArgs } from '../../src/cli/commands/lab.js';
import { loadInventory } from '../../src/config/index.js';
import { faultPlans, parseEnvFile, parseFaultSpec, renderEnvFile, renderLabInventory } from '../../src/lab/index.js';

describe('parseLabArgs', () => {
  it('has defaults: 3 devices, free ports, state in .lab, files in it', () => {
    expect(parseLabArgs([])).toEqual({
      lab: { stateDir: '.lab', devices: 3, basePort: 0, smtpPort: 0, latency: {}, faults: {} },
      inventoryOut: join('.lab', 'inventory.yaml'),
      playbookOut: join('.lab', 'playbook.yaml'),
    });
  });

  it('--chunking cuts the output of every router into packets of 1..N bytes', () => {
    const parsed = parseLabArgs(['--chunking', '8']);
    expect(parsed !== 'help' && parsed.lab.output).toEqual({ chunkMaxBytes: 8 });
    expect(() => parseLabArgs(['--chunking', '0'])).toThrow(/--chunking must be a whole number 1\.\.65536/);
  });

  it('reads every option, faults by name, number and all', () => {
    const parsed = parseLabArgs([
      '--devices=4',
      '--base-port',
      '2201',
      '--state-dir',
      'st',
      '--smtp-port',
      '2525',
      '--latency',
      '20',
      '--line-latency',
      '2',
      '--fault',
      'lab-r001:drop-at=show running-config',
      '--fault',
      '2:reject-cert=LAB-Root,LAB-CA',
      '--fault',
      'all:fail-write',
      '--fault',
      'lab-r003:hang-at=write',
      '--fault',
      '4:reject-cert',
      '--inventory-out',
      'inv.yaml',
      '--playbook-out',
      'pb.yaml',
    ]);
    expect(parsed).toEqual({
      lab: {
        stateDir: 'st',
        devices: 4,
        basePort: 2201,
        smtpPort: 2525,
        latency: { commandMs: 20, lineMs: 2 },
        faults: {
          'lab-r001': { dropAtCommand: 'show running-config', failWriteMemory: true },
          'lab-r002': { rejectCertificate: ['LAB-Root', 'LAB-CA'], failWriteMemory: true },
          'lab-r003': { failWriteMemory: true, hangAtCommand: 'write' },
          'lab-r004': { failWriteMemory: true, rejectCertificate: true },
        },
      },
      inventoryOut: 'inv.yaml',
      playbookOut: 'pb.yaml',
    });
  });

  it('--cube N adds CUBEs beside the routers, which faults can name', () => {
    expect(parseLabArgs(['--devices', '1', '--cube', '2', '--fault', 'lab-cube002:reject-password'])).toEqual({
      lab: { stateDir: '.lab', devices: 1, basePort: 0, smtpPort: 0, latency: {}, faults: { 'lab-cube002': { rejectPasswords: true } }, cubes: 2 },
      inventoryOut: join('.lab', 'inventory.yaml'),
      playbookOut: join('.lab', 'playbook.yaml'),
    });
    expect(() => parseLabArgs(['--cube', 'two'])).toThrow('--cube must be a whole number 0..1000, not "two"');
  });

  it.each([
    [['--devices', '0'], '--devices must be a whole number 1..10000, not "0"'],
    [['--base-port=-1'], '--base-port must be a whole number 0..65535, not "-1"'],
    [['--smtp-port', '70000'], '--smtp-port must be a whole number 0..65535, not "70000"'],
    [['--latency', '1.5'], '--latency must be a whole number'],
    [['--colour'], "Unknown option '--colour'"],
    [['extra'], "Unexpected argument 'extra'"],
    [['--base-port', '65535', '--devices', '2'], '--base-port 65535 leaves no room for 2 routers'],
    [['--fault', 'refuse'], '--fault "refuse": expected DEVICE:KIND[=VALUE]'],
    [['--fault', 'lab-r001:melt'], 'unknown fault "melt"; known: refuse, reject-password, drop-at'],
    [['--fault', 'lab-r001:refuse=yes'], 'refuse takes no value'],
    [['--fault', 'lab-r001:drop-at'], 'drop-at needs a value'],
    [['--fault', 'lab-r001:drop-after=many'], 'drop-after needs a whole number, not "many"'],
    [['--fault', 'lab-r009:refuse'], '--fault device "lab-r009" is not in the lab: use a hostname (lab-r001, lab-r002, lab-r003), a number 1..3 or all'],
    [['--fault', '0:refuse'], 'a number 1..3 or all'],
  ])('refuses %j: %s', (args, message) => {
    expect(() => parseLabArgs(args)).toThrow(UsageError);
    expect(() => parseLabArgs(args)).toThrow(message);
  });
});

describe('fault specs', () => {
  it('maps each kind onto the router fault plan; a later spec of the same kind wins', () => {
    expect(parseFaultSpec('lab-r001:refuse').plan).toEqual({ refuseConnections: true });
    expect(parseFaultSpec('lab-r001:reject-password').plan).toEqual({ rejectPasswords: true });
    expect(parseFaultSpec('lab-r001:garble-hex').plan).toEqual({ garbleHex: true });
    expect(parseFaultSpec('lab-r001:drop-after=512').plan).toEqual({ dropAfterBytes: 512 });
    expect(parseFaultSpec('x:hang-at=copy run start').plan).toEqual({ hangAtCommand: 'copy run start' });
    expect(parseFaultSpec('x:line-latency=3').plan).toEqual({ lineLatencyMs: 3 });
    const plans = faultPlans([parseFaultSpec('1:latency=5'), parseFaultSpec('lab-r001:latency=9')], ['lab-r001']);
    expect(plans).toEqual({ 'lab-r001': { commandLatencyMs: 9 } });
  });
});

describe('the secrets file', () => {
  it('round-trips values with quotes, spaces and $ literally, as sh would read them', () => {
    const values = { LAB_PASSWORD: `it's $HOME "quoted"`, LAB_SMTP_USER: 'certagent-lab' };
    const text = renderEnvFile(values, ['comment']);
    expect(text).toBe(`# comment\nexport LAB_PASSWORD='it'\\''s $HOME "quoted"'\nexport LAB_SMTP_USER='certagent-lab'\n`);
    expect(Object.fromEntries(parseEnvFile(text))).toEqual(values);
  });

  it('refuses names the shell cannot take and values spanning lines', () => {
    expect(() => renderEnvFile({ 'LAB-PASSWORD': 'x' })).toThrow('"LAB-PASSWORD" is not a shell variable name');
    expect(() => renderEnvFile({ LAB_PASSWORD: 'a\nb' })).toThrow('spans lines');
  });
});

describe('the lab inventory text', () => {
  it('quotes what YAML would misread and loads with the CONFIG loader', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'certagent-lab-inv-'));
    const fingerprint = `SHA256:${'A'.repeat(42)}+`;
    const text = renderLabInventory({
      devices: [{ name: 'lab-r001', host: '::1', port: 2201, hostKeyFingerprint: fingerprint }],
      username: 'admin #1',
      passwordEnv: 'LAB_PASSWORD',
      enableSecretEnv: 'LAB_ENABLE_SECRET',
      envFile: '.lab/lab.env',
    });
    const path = join(dir, 'inventory.yaml');
    writeFileSync(path, text);
    const [device] = (await loadInventory(path, { home: dir })).devices;
    expect(device).toMatchObject({ name: 'lab-r001', host: '::1', port: 2201, hostKey: { mode: 'pinned', fingerprints: [fingerprint] } });
    expect(device?.credentials.username).toBe('admin #1');
  });

  it('puts a CUBE in its own group and, in a NETCONF inventory, on the SSH CLI', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'certagent-lab-inv-'));
    const fingerprint = `SHA256:${'B'.repeat(43)}`;
    const text = renderLabInventory({
      devices: [
        { name: 'lab-r001', host: '127.0.0.1', port: 2201, netconfPort: 2830, hostKeyFingerprint: fingerprint },
        { name: 'lab-cube001', host: '127.0.0.1', port: 2202, netconfPort: 2831, hostKeyFingerprint: fingerprint, group: 'cube', transport: 'ssh' },
      ],
      username: 'admin',
      passwordEnv: 'LAB_PASSWORD',
      enableSecretEnv: 'LAB_ENABLE_SECRET',
      envFile: '.lab/lab.env',
      transport: 'netconf',
    });
    const path = join(dir, 'inventory.yaml');
    writeFileSync(path, text);
    const devices = (await loadInventory(path, { home: dir })).devices;
    expect(devices.map((d) => [d.name, d.groups, d.transport])).toEqual([
      ['lab-r001', ['lab'], 'netconf'],
      ['lab-cube001', ['cube'], 'ssh'],
    ]);
  });
});
