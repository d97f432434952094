/**
 * Interop with the real ncclient 0.6.13 (Debian python3-ncclient, run with /usr/bin/python3), the NETCONF
 * client most IOS XE automation uses. Two short sessions (ncclient polls every 0.1 s, clients.md): base:1.1
 * chunked with config changes, and base:1.0 end-of-message meeting a lock held by another session.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { LabRouter } from '../../../src/lab/router/index.js';
import { NetconfClient } from '../../../src/transport/netconf/index.js';
import { TestShell } from '../router/shell.js';

const run = promisify(execFile);
const SCRIPT = join(import.meta.dirname, 'interop', 'ncclient_session.py');
const GTS_ROOT = '/usr/share/ca-certificates/mozilla/GTS_Root_R1.crt';
let router: LabRouter;
let work: string;

interface Seen {
  readonly session_id: string;
  readonly framing: string;
  readonly caps?: string[];
  readonly getconfig?: string;
  readonly edit?: boolean;
  readonly cli_made?: string;
  readonly lockdenied?: { readonly tag: string; readonly info: string } | string;
  readonly candidate?: boolean;
  readonly discard?: boolean;
  readonly clirpc?: string;
  readonly closed?: boolean;
}

async function ncclient(base: '1.0' | '1.1', steps: string[], extra: string[] = []): Promise<Seen> {
  const { stdout } = await run('/usr/bin/python3', [SCRIPT, router.host, String(router.netconfPort), 'admin', 'cisco123', base, steps.join(','), ...extra], {
    timeout: 30000,
  });
  return JSON.parse(stdout) as Seen;
}

beforeAll(async () => {
  router = await LabRouter.start({ hostname: 'R7', users: [{ username: 'admin', password: 'cisco123', privilege: 15 }], netconfPort: 0 });
  work = await mkdtemp(join(tmpdir(), 'lab-ncclient-'));
});

afterAll(async () => {
  await router.stop();
  await rm(work, { recursive: true, force: true });
});

describe('ncclient interop', () => {
  test('base:1.1: capabilities, subtree get-config, edit-config seen by the CLI, a CLI trustpoint seen by NETCONF, candidate commit, discard, a certificate chain by config-ios-cli-rpc, close-session', async () => {
    const shell = await TestShell.connect(router, { username: 'admin', password: 'cisco123' });
    try {
      await shell.command('configure terminal');
      await shell.command('crypto pki trustpoint CA-CLI-NCC');
      await shell.command(' enrollment terminal');
      await shell.command('end');
    } finally {
      shell.close();
    }
    const pem = await readFile(GTS_ROOT, 'utf8');
    const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    const hex =
      der
        .toString('hex')
        .toUpperCase()
        .match(/.{1,64}/g) ?? [];
    const clis = join(work, 'chain.txt');
    await writeFile(
      clis,
      [
        'crypto pki trustpoint CA-NCC-CHAIN',
        ' enrollment terminal',
        'crypto pki certificate chain CA-NCC-CHAIN',
        ' certificate ca 0203E5936F31B01349886BA217',
        ...hex.map((l) => `  ${l}`),
        '  quit',
      ].join('\n'),
    );

    const seen = await ncclient('1.1', ['caps', 'getconfig', 'edit', 'candidate', 'discard', 'clirpc'], [clis]);
    expect(seen.framing).toBe('BASE_11');
    expect(seen.caps).toEqual(
      expect.arrayContaining([
        'urn:ietf:params:netconf:base:1.1',
        'urn:ietf:params:netconf:capability:candidate:1.0',
        'urn:ietf:params:netconf:capability:writable-running:1.0',
      ]),
    );
    expect(seen.getconfig).toContain('<hostname>R7</hostname>');
    expect(seen.edit).toBe(true);
    expect(seen.cli_made).toContain('<id>CA-CLI-NCC</id>');
    expect(seen.candidate).toBe(true);
    expect(seen.discard).toBe(true);
    expect(seen.clirpc).toContain('RPC request successful');
    expect(seen.closed).toBe(true);
    const config = router.runningConfig();
    expect(config).toContain('crypto pki trustpoint CA-NCC-1.1\n enrollment terminal\n revocation-check none\n');
    expect(config).toContain('crypto pki trustpoint CA-NCC-CAND\n');
    expect(config).not.toContain('CA-NCC-DISCARD');
    expect(config).toContain('crypto pki certificate chain CA-NCC-CHAIN\n certificate ca 0203E5936F31B01349886BA217\n');
  }, 40000);

  test('base:1.0: a lock held by another session is lock-denied with the holder in error-info', async () => {
    const holder = await NetconfClient.connect({
      device: 'R7',
      host: router.host,
      port: router.netconfPort,
      credentials: { username: 'admin', password: 'cisco123' },
      hostKey: { mode: 'pinned', fingerprints: [router.hostKeyFingerprint] },
    });
    try {
      await holder.lock('running');
      const seen = await ncclient('1.0', ['getconfig', 'lockdenied']);
      expect(seen.framing).toBe('BASE_10');
      expect(seen.getconfig).toContain('<hostname>R7</hostname>');
      expect(seen.lockdenied).toMatchObject({ tag: 'lock-denied' });
      expect(JSON.stringify(seen.lockdenied)).toContain(`<session-id>${holder.sessionId}</session-id>`);
    } finally {
      await holder.close();
    }
  }, 40000);
});
