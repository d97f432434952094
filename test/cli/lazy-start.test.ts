/**
 * Start-up loads only what the command needs (the adversarial suite starts the CLI ~190 times): `--help` no
 * command module, and a rollout refused as bad input none of SSH, NETCONF, logging, metrics or the lab. Which
 * packages a start loaded is read from Node's own module loader through a load hook, not timed.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CLI_ENTRY } from '../helpers/cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'certagent-lazy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const hooks = join(dir, 'hooks.mjs');
writeFileSync(
  hooks,
  "import { appendFileSync } from 'node:fs';\nexport async function load(url, context, next) { appendFileSync(process.env.LOADED_LOG, url + '\\n'); return next(url, context); }\n",
);
const register = join(dir, 'register.mjs');
writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);

const HEAVY = ['ssh2', 'fast-xml-parser', 'winston', 'prom-client', 'smtp-server', 'nodemailer', 'node-forge', '@peculiar/x509', 'p-retry'];

function packagesLoaded(args: readonly string[]): { status: number | null; packages: Set<string> } {
  const log = join(dir, `loaded-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(log, '');
  const r = spawnSync(process.execPath, ['--import', register, CLI_ENTRY, ...args], { cwd: dir, env: { ...process.env, LOADED_LOG: log }, encoding: 'utf8' });
  const packages = new Set(
    readFileSync(log, 'utf8')
      .split('\n')
      .flatMap((url) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1] ?? []),
  );
  return { status: r.status, packages };
}

describe('what a start of certagent loads', () => {
  it('--help loads no package at all', () => {
    const help = packagesLoaded(['--help']);
    expect(help.status).toBe(0);
    expect([...help.packages]).toEqual([]);
  });

  it('a rollout refused as bad input loads the configuration and certificate parsers only', () => {
    const inventory = join(dir, 'inventory.yaml');
    writeFileSync(inventory, 'devices: []\n');
    writeFileSync(join(dir, 'playbook.yaml'), 'trustpoints: []\n');
    const refused = packagesLoaded(['rollout', '-i', inventory, '-p', join(dir, 'playbook.yaml'), '--progress', 'none']);
    expect(refused.status).toBe(2);
    expect(refused.packages.has('yaml')).toBe(true);
    expect(HEAVY.filter((p) => refused.packages.has(p))).toEqual([]);
  });

  it('the hook does see packages: the lab command loads its mail server and certificate factory', () => {
    const lab = packagesLoaded(['lab', '--help']);
    expect(lab.status).toBe(0);
    expect(lab.packages.has('smtp-server')).toBe(true);
    expect(lab.packages.has('node-forge')).toBe(true);
  });
});
