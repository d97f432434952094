/**
 * Issue 10 item 5: `host_key_policy: tofu` with a known_hosts file whose folder does not exist hung forever after
 * the ENOENT failure (the SSH connection stayed open). certagent now creates the folder (0700) and file (0600) as
 * OpenSSH does, and when it cannot, fails the device cleanly; either way the command exits.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from './fleet-helpers.js';
import { startE2eLab } from './helpers.js';
import type { E2eLab } from './helpers.js';

/** The exit code, or a failure naming what the command printed when it has not exited within the deadline. */
async function exitWithin(run: ReturnType<typeof runCli>, ms: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      run.child.kill('SIGKILL');
      reject(new Error(`certagent did not exit within ${ms} ms; it printed: ${run.stderr()}`));
    }, ms);
  });
  try {
    return await Promise.race([run.exited, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

describe('trust on first use without a known_hosts folder', () => {
  let e2e: E2eLab;
  beforeAll(async () => {
    e2e = await startE2eLab({ devices: 2 });
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  function tofuInventory(knownHosts: string): string {
    const text = readFileSync(e2e.inventoryFile, 'utf8').replace(/^\s+host_key: .*\n/gm, '');
    const file = join(e2e.dir, `tofu-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, text.replace(/^all:\n/m, `all:\n  host_key_policy: tofu\n  known_hosts: ${JSON.stringify(knownHosts)}\n`));
    return file;
  }

  it('creates the folder and file with safe modes, records both keys, and exits', async () => {
    const knownHosts = join(e2e.dir, 'fresh', 'ssh', 'known_hosts');
    const run = runCli(['plan', '-i', tofuInventory(knownHosts), '-p', e2e.playbookFile, '--progress', 'none', '-q'], e2e.env, e2e.dir);
    expect(await exitWithin(run, 60_000)).toBe(0);
    expect(statSync(join(e2e.dir, 'fresh', 'ssh')).mode & 0o777).toBe(0o700);
    expect(statSync(knownHosts).mode & 0o777).toBe(0o600);
    expect(readFileSync(knownHosts, 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('fails each device cleanly when the file cannot be written, and exits', async () => {
    const blocker = join(e2e.dir, 'not-a-folder');
    writeFileSync(blocker, 'a file where a folder should be\n');
    const report = join(e2e.dir, 'tofu-failed.jsonl');
    const run = runCli(
      ['plan', '-i', tofuInventory(join(blocker, 'known_hosts')), '-p', e2e.playbookFile, '--progress', 'none', '-q', '--json', report],
      e2e.env,
      e2e.dir,
    );
    expect(await exitWithin(run, 60_000)).toBe(1);
    const text = readFileSync(report, 'utf8');
    expect(text).toMatch(/lab-r001: cannot read the known_hosts file: ENOTDIR: not a directory, open '[^']*not-a-folder\/known_hosts' \(/);
    expect(text).toMatch(/"device":"lab-r002".*"result":"failed".*cannot read the known_hosts file/);
    expect(text).toMatch(/"hint":"fix the known_hosts path/);
  });
});
