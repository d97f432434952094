/**
 * NETCONF from the command line: `certagent lab --netconf` options and inventory, `rollout --transport netconf`
 * over an SSH inventory (the fleet runner sends NETCONF devices down the NETCONF workflow), a re-run from the
 * NETCONF inventory the lab writes, and fix and rotate over NETCONF.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../src/cli/command.js';
import { describeLab, parseLabArgs } from '../../src/cli/commands/lab.js';
import { fixCommand } from '../../src/cli/commands/fix.js';
import { planCommand } from '../../src/cli/commands/plan.js';
import { rotateCommand } from '../../src/cli/commands/rotate.js';
import { rolloutCommand } from '../../src/cli/commands/rollout.js';
import type { WorkflowCommandDeps } from '../../src/cli/commands/rollout.js';
import { loadInventory } from '../../src/config/index.js';
import { nativeConfig, removeTrustpointFragment } from '../../src/device/netconf/index.js';
import { NetconfClient } from '../../src/transport/netconf/index.js';
import { resolveDesired } from '../../src/workflow/index.js';
import { Capture, labCommandDeps, startE2eLab } from './helpers.js';
import type { E2eLab } from './helpers.js';

describe('NETCONF from the command line', () => {
  let e2e: E2eLab;
  beforeAll(async () => {
    e2e = await startE2eLab({ devices: 2, netconf: true });
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  const deps = (out: Capture, err: Capture): WorkflowCommandDeps => labCommandDeps(e2e, out, err);

  it('lab --netconf starts NETCONF, prints its ports and writes them with transport netconf', async () => {
    const parsed = parseLabArgs(['--netconf', '--devices', '2']);
    expect(parsed !== 'help' && parsed.lab.netconf).toBe(true);
    const r1 = e2e.lab.device('lab-r001');
    expect(r1.netconfPort).toBe(r1.router.netconfPort);
    expect(describeLab(e2e.lab, 'inv.yaml', 'pb.yaml')).toMatch(new RegExp(`lab-r001 +127\\.0\\.0\\.1 +${r1.port} +${r1.netconfPort} `));
    const file = await e2e.lab.writeInventory(join(mkdtempSync(join(e2e.dir, 'inv-')), 'inventory.yaml'), { transport: 'netconf' });
    const inventory = await loadInventory(file);
    expect(inventory.devices.map((d) => [d.name, d.transport, d.port, d.netconfPort])).toEqual(
      e2e.lab.devices.map((d) => [d.name, 'netconf', d.port, d.netconfPort]),
    );
  });

  it('rollout --transport netconf changes every device over NETCONF (exit 0); a re-run from the NETCONF inventory changes nothing', async () => {
    const args = ['-i', e2e.inventoryFile, '-p', e2e.playbookFile, '--progress', 'none'];
    await expect(rolloutCommand(deps(new Capture(), new Capture())).run([...args, '--transport', 'telnet'])).rejects.toThrow(
      new UsageError("--transport must be ssh or netconf, not 'telnet'"),
    );
    const dir = mkdtempSync(join(e2e.dir, 'json-'));
    const json = join(dir, 'report.jsonl');
    const err = new Capture();
    const transcripts = join(dir, 'transcripts');
    expect(
      await rolloutCommand(deps(new Capture(), err)).run([
        ...args,
        '--transport',
        'netconf',
        '--json',
        json,
        '--journal',
        join(dir, 'journal.jsonl'),
        '--transcripts',
        transcripts,
      ]),
    ).toBe(0);
    expect(err.text).not.toMatch(/fail|error/i);
    const report = readFileSync(json, 'utf8');
    expect(report.match(/"result":"changed"/g)).toHaveLength(2);
    for (const d of e2e.lab.devices) {
      expect(d.router.state.syslog.entries().join('\n')).toContain('Configured from NETCONF/RESTCONF');
      expect(d.router.runningConfig()).toContain('event manager applet SendSecureEmailEEM');
    }
    // The NETCONF exchanges beside the CLI transcript: what was sent and how it ended, secrets removed.
    const netconfLog = readFileSync(join(transcripts, 'lab-r001.netconf.log'), 'utf8');
    expect(netconfLog).toMatch(
      />> lock running[\s\S]*>> edit-config candidate\n<native [^\n]*<trustpoint nc:operation="create">[\s\S]*<< commit \(\d+ ms\): ok[\s\S]*>> unlock running/,
    );
    expect(netconfLog).toContain('<name>_email_server</name><value><redacted></value>');
    expect(readFileSync(join(transcripts, 'lab-r001.log'), 'utf8')).toContain('crypto pki authenticate');
    const c = e2e.lab.credentials;
    for (const secret of [c.password, c.enableSecret, c.smtpPassword]) expect(report + netconfLog).not.toContain(secret);

    const netconfInventory = await e2e.lab.writeInventory(join(mkdtempSync(join(e2e.dir, 'inv-')), 'inventory.yaml'), { transport: 'netconf' });
    const out = new Capture();
    const again = join(mkdtempSync(join(e2e.dir, 'json-')), 'again.jsonl');
    expect(await planCommand(deps(out, new Capture())).run(['-i', netconfInventory, '-p', e2e.playbookFile, '--progress', 'none', '--json', again])).toBe(0);
    expect(readFileSync(again, 'utf8').match(/"result":"unchanged"/g)).toHaveLength(2);
  });

  it('fix --transport netconf names a missing intermediate, puts it back and proves the mail; rotate finds nothing to do', async () => {
    const d = e2e.lab.device('lab-r002');
    const desired = await resolveDesired(await e2e.playbook());
    const intermediate = desired.trustpoints.find((t) => !t.cert.selfSigned && t.cert.basicConstraints?.ca === true)?.name ?? '';
    const client = await NetconfClient.connect({
      device: 'breaker',
      host: d.host,
      port: d.netconfPort ?? 0,
      credentials: { username: e2e.lab.credentials.username, password: e2e.lab.credentials.password },
      hostKey: { mode: 'pinned', fingerprints: [d.hostKeyFingerprint] },
    });
    await client.editConfig({ target: 'running', config: nativeConfig([removeTrustpointFragment(intermediate)]) });
    await client.close();
    const dir = mkdtempSync(join(e2e.dir, 'fix-'));
    const mails = e2e.lab.mail.messages().length;
    const args = ['-i', e2e.inventoryFile, '-p', e2e.playbookFile, '--progress', 'none', '--transport', 'netconf'];
    expect(
      await fixCommand(deps(new Capture(), new Capture())).run(['lab-r002', ...args, '--json', join(dir, 'fix.jsonl'), '--journal', join(dir, 'j1.jsonl')]),
    ).toBe(0);
    expect(readFileSync(join(dir, 'fix.jsonl'), 'utf8')).toContain(`Missing chain member: trustpoint ${intermediate}`);
    expect(d.router.runningConfig()).toContain(`crypto pki trustpoint ${intermediate}`);
    expect(e2e.lab.mail.messages().length).toBeGreaterThan(mails);
    expect(
      await rotateCommand(deps(new Capture(), new Capture())).run([...args, '--json', join(dir, 'rotate.jsonl'), '--journal', join(dir, 'j2.jsonl')]),
    ).toBe(0);
    expect(readFileSync(join(dir, 'rotate.jsonl'), 'utf8').match(/"result":"unchanged"/g)).toHaveLength(2);
  });
});
