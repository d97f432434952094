/**
 * The `cube:` playbook section and its `verify:` keys: the shipped example loads and resolves to the trunk the
 * device layer renders, and bad input is refused naming file, line and path.
 */
import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseCertificates } from '../../src/certs/x509.js';
import { validateCommand } from '../../src/cli/commands/validate.js';
import { ConfigError, formatIssue, loadPlaybook, readPlaybook } from '../../src/config/index.js';
import { cubeConfigLines } from '../../src/workflow/cube/index.js';
import { resolveDesired } from '../../src/workflow/index.js';
import { scratch } from '../config/helpers.js';

const EXAMPLE = resolve('playbooks/cube-cucm-tls.yaml');
const noSecrets = { env: () => undefined, readFile: (p: string) => readFileSync(p, 'utf8'), prompt: () => Promise.reject(new Error('no prompt')) };

describe('the example playbook', () => {
  it('loads, and its CallManager example is a self-signed non-CA certificate with the fingerprint its header names', async () => {
    const playbook = await loadPlaybook(EXAMPLE, { secrets: noSecrets });
    expect(playbook.warnings).toEqual([]);
    expect(playbook.cube?.identityTrustpoint).toBe('sip-trunk-cert');
    expect(playbook.cube?.exportDir).toBe(resolve('playbooks/out/{device}'));
    expect(playbook.cube?.dialPeers).toEqual([
      expect.objectContaining({
        tag: 100,
        description: 'CUCM publisher',
        destinationPattern: '2...',
        target: '10.72.86.74',
        port: 5061,
        srtp: true,
        optionsKeepalive: true,
      }),
    ]);
    expect(playbook.verify?.certificates).toEqual(['CCM-cert-02', 'sip-trunk-cert']);
    expect(playbook.verify?.tlsTrunks).toEqual([expect.objectContaining({ address: '10.72.86.74', port: 5061, waitSeconds: 90 })]);
    expect(playbook.verify?.runApplet).toBeUndefined();

    const pemText = readFileSync(resolve('playbooks/cucm/CallManager-pub.pem'), 'utf8');
    expect(pemText).toMatch(/^EXAMPLE ONLY/);
    const [ccm] = parseCertificates(pemText, 'CallManager-pub.pem');
    expect(ccm?.selfSigned).toBe(true);
    expect(ccm?.basicConstraints?.ca ?? false).toBe(false);
    expect(pemText).toContain(`SHA1 ${(ccm?.sha1 ?? '').match(/.{4}/g)?.join(' ')}`);
  });

  it('is summarised by certagent validate', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      expect(await validateCommand(noSecrets).run(['-p', EXAMPLE])).toBe(0);
      expect(
        log.mock.calls
          .map((c) => String(c[0]))
          .join('\n')
          .split('\n'),
      ).toEqual([
        `playbook cube-cucm-tls (${EXAMPLE})`,
        `  trustpoint CCM-cert-02 from ${resolve('playbooks/cucm/CallManager-pub.pem')}`,
        '  cube: signaling trustpoint sip-trunk-cert, dial-peer 100 to 10.72.86.74:5061',
        '  verify: tls trunk 10.72.86.74:5061 Established within 90 s',
      ]);
    } finally {
      log.mockRestore();
    }
  });

  it('resolves to the trunk spec the device layer renders, with the CallManager SHA1 to verify', async () => {
    const desired = await resolveDesired(await loadPlaybook(EXAMPLE, { secrets: noSecrets }));
    const cube = desired.cube;
    if (!cube) throw new Error('no cube in the desired state');
    const [ccm] = parseCertificates(readFileSync(resolve('playbooks/cucm/CallManager-pub.pem'), 'utf8'), 'ccm');
    expect(desired.trustpoints.map((t) => t.name)).toEqual(['CCM-cert-02']);
    expect(cube.certificates).toEqual([{ trustpoint: 'CCM-cert-02', sha1: ccm?.sha1 }, { trustpoint: 'sip-trunk-cert' }]);
    expect(cubeConfigLines(cube.trunk)).toEqual([
      'sip-ua',
      'crypto signaling default trustpoint sip-trunk-cert',
      'crypto signaling remote-addr 10.72.86.0 255.255.255.0 trustpoint sip-trunk-cert',
      'transport tcp tls v1.2',
      'exit',
      'voice service voip',
      'srtp fallback',
      'sip',
      'url sips',
      'exit',
      'exit',
      'dial-peer voice 100 voip',
      'description CUCM publisher',
      'destination-pattern 2...',
      'session protocol sipv2',
      'session target ipv4:10.72.86.74:5061',
      'session transport tcp tls',
      'voice-class sip options-keepalive',
      'srtp',
      'exit',
    ]);
  });
});

describe('bad cube sections', () => {
  const files = scratch();
  afterAll(() => files.cleanup());
  const ccm = files.write('cucm/CallManager.pem', readFileSync(resolve('playbooks/cucm/CallManager-pub.pem'), 'utf8'));

  async function problems(yaml: string): Promise<string[]> {
    const path = files.write(`p${Math.random().toString(16).slice(2)}.yaml`, yaml);
    try {
      await readPlaybook(path);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      return err.issues.map((i) => formatIssue(i).replace(path, 'FILE'));
    }
    throw new Error('the playbook was accepted');
  }

  it('names file, line and path of each problem', async () => {
    const found = await problems(
      [
        'trustpoints:',
        `  - { name: sip-trunk-cert, pem_file: ${ccm} }`,
        'cube:',
        '  identity_trustpoint: sip-trunk-cert',
        '  sip_ua: { tls_version: v1.1, remote_addrs: [{ network: 10.72.86.0, mask: 255.0.255.0, trustpoint: sip-trunk-cert }] }',
        '  dial_peers:',
        '    - { tag: 100, target: cucm.example.com }',
        '    - { tag: 100, target: 10.72.86.75, port: 70000 }',
        '    - { tag: 101, target: 10.72.86.75, colour: blue }',
      ].join('\n'),
    );
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^FILE:4: cube\.identity_trustpoint: trustpoint sip-trunk-cert is also under trustpoints:/),
        'FILE:5: cube.sip_ua.tls_version: must be one of "v1.2", "v1.3"',
        "FILE:7: cube.dial_peers[0].target: must be CUCM's IPv4 address (session target ipv4:ADDRESS:PORT)",
        'FILE:8: cube.dial_peers[1].port: must be a port number 1..65535',
        "FILE:9: cube.dial_peers[2].colour: unknown key 'colour'",
      ]),
    );
  });

  it('checks the mask, duplicate tags, and that the verify keys come with a cube', async () => {
    const found = await problems(
      [
        'cube:',
        '  identity_trustpoint: sip-trunk-cert',
        '  sip_ua: { remote_addrs: [{ network: 10.72.86.0, mask: 255.0.255.0, trustpoint: sip-trunk-cert }] }',
        '  dial_peers:',
        '    - { tag: 100, target: 10.72.86.74 }',
        '    - { tag: 100, target: 10.72.86.75 }',
        'verify:',
        '  certificates: [CCM-cert-09]',
      ].join('\n'),
    );
    expect(found).toEqual([
      'FILE:3: cube.sip_ua.remote_addrs[0].mask: must be a dotted IPv4 mask like 255.255.255.0',
      'FILE:6: cube.dial_peers[1].tag: dial-peer 100 is already declared at cube.dial_peers[0]',
    ]);
    expect(
      await problems(['trustpoints:', `  - { name: CCM-cert-02, pem_file: ${ccm} }`, 'verify:', '  tls_trunks: [{ address: 10.72.86.74 }]'].join('\n')),
    ).toEqual(['FILE:4: verify.tls_trunks: is checked by the CUBE step: add a cube: section (or remove this key)']);
    expect(
      await problems(
        [
          'cube:',
          '  identity_trustpoint: sip-trunk-cert',
          '  dial_peers: [{ tag: 100, target: 10.72.86.74 }]',
          'verify:',
          '  certificates: [CCM-cert-09]',
        ].join('\n'),
      ),
    ).toEqual(['FILE:5: verify.certificates[0]: trustpoint CCM-cert-09 is neither under trustpoints: nor cube.identity_trustpoint']);
  });

  it('warns when one export folder would serve every device', async () => {
    const path = files.write(
      'shared.yaml',
      ['cube:', '  identity_trustpoint: sip-trunk-cert', '  export_dir: ./out', '  dial_peers: [{ tag: 100, target: 10.72.86.74 }]'].join('\n'),
    );
    expect((await readPlaybook(path)).warnings.map((w) => formatIssue(w).replace(path, 'FILE'))).toEqual([
      'FILE:3: cube.export_dir (warning): has no {device}: run on several CUBEs, each would overwrite the files of the one before',
    ]);
  });

  it('warns when a trunk to verify is no dial-peer target', async () => {
    const path = files.write(
      'warn.yaml',
      [
        'cube:',
        '  identity_trustpoint: sip-trunk-cert',
        '  dial_peers: [{ tag: 100, target: 10.72.86.74 }]',
        'verify:',
        '  tls_trunks: [{ address: 10.72.86.75, wait_seconds: 5 }]',
      ].join('\n'),
    );
    const spec = await readPlaybook(path);
    expect(spec.warnings.map((w) => formatIssue(w).replace(path, 'FILE'))).toEqual([
      'FILE:5: verify.tls_trunks[0] (warning): no dial-peer under cube.dial_peers targets 10.72.86.75:5061, so the CUBE opens no connection there to verify',
    ]);
    expect(spec.verify?.tlsTrunks).toEqual([expect.objectContaining({ address: '10.72.86.75', port: 5061, waitSeconds: 5 })]);
  });
});
