/**
 * Outputs never over inputs (issue 10, item 3): the shared check every output flag goes through, on real files
 * (symlinks, hard links, a named pipe, folders), and the built CLI refusing `--json INVENTORY` and
 * `--log-file PLAYBOOK` with exit 2 before anything starts, the files left as they were.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { outputPathProblems } from '../../src/report/output-paths.js';

const dir = mkdtempSync(join(tmpdir(), 'certagent-outputs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (name: string) => join(dir, name);
const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

const INVENTORY = `all:\n  username: admin\n  password: {env: OUT_TEST_PASSWORD}\ndevices:\n  - name: r1\n    host: 127.0.0.1\n    port: 1\n    host_key: "SHA256:${'A'.repeat(43)}"\n`;
const PLAYBOOK = 'name: p\ntrustpoints:\n  - name: CA-GTS-Root-R1\n    pem_file: /usr/share/ca-certificates/mozilla/GTS_Root_R1.crt\n';

describe('outputPathProblems', () => {
  writeFileSync(at('inventory.yaml'), INVENTORY);
  writeFileSync(at('playbook.yaml'), PLAYBOOK);
  symlinkSync(at('inventory.yaml'), at('link.yaml'));
  linkSync(at('playbook.yaml'), at('hard.yaml'));
  mkdirSync(at('folder'));
  execFileSync('mkfifo', [at('pipe')]);
  const inputs = [at('inventory.yaml'), at('playbook.yaml')];

  it('refuses an input by any name, a special file, a folder for a file and a file for a folder', () => {
    expect(
      outputPathProblems(
        [
          { flag: '--json', path: at('link.yaml'), kind: 'file' },
          { flag: '--log-file', path: at('hard.yaml'), kind: 'file' },
          { flag: '--html', path: at('pipe'), kind: 'file' },
          { flag: '--prometheus', path: at('folder'), kind: 'file' },
          { flag: '--transcripts', path: at('inventory.yaml'), kind: 'folder' },
        ],
        inputs,
      ),
    ).toEqual([
      `--json ${at('link.yaml')} is the input file ${at('inventory.yaml')}: certagent never writes over what it reads; give another path`,
      `--log-file ${at('hard.yaml')} is the input file ${at('playbook.yaml')}: certagent never writes over what it reads; give another path`,
      `--html ${at('pipe')} is a named pipe, not a file: give a file path`,
      `--prometheus ${at('folder')} is a folder, not a file: give a file path`,
      `--transcripts ${at('inventory.yaml')} is the input file ${at('inventory.yaml')}: certagent never writes over what it reads; give another path`,
    ]);
  });

  it('refuses a missing folder (unless the output makes it), a file in the way of a folder, and two outputs on one path', () => {
    expect(
      outputPathProblems(
        [
          { flag: '--json', path: at('missing/report.jsonl'), kind: 'file' },
          { flag: '--transcripts', path: at('playbook.yaml/t'), kind: 'folder' },
          { flag: '--log-file', path: at('same.jsonl'), kind: 'file' },
          { flag: '--html', path: at('same.jsonl'), kind: 'file' },
        ],
        inputs,
      ),
    ).toEqual([
      `--json ${at('missing/report.jsonl')}: the folder ${at('missing')} does not exist`,
      `--transcripts ${at('playbook.yaml/t')}: ${at('playbook.yaml')} is a file, not a folder`,
      `--html ${at('same.jsonl')} is the same path as --log-file: give each output its own path`,
    ]);
  });

  it('lets through new files, existing regular files, new folders, a journal folder it makes, and /dev/null', () => {
    writeFileSync(at('old.jsonl'), 'x');
    expect(
      outputPathProblems(
        [
          { flag: '--json', path: at('new.jsonl'), kind: 'file' },
          { flag: '--log-file', path: at('old.jsonl'), kind: 'file' },
          { flag: '--transcripts', path: at('t/u'), kind: 'folder' },
          { flag: '--journal', path: at('j/k/run.jsonl'), kind: 'file', makesParents: true },
          { flag: '--html', path: '/dev/null', kind: 'file' },
        ],
        inputs,
      ),
    ).toEqual([]);
  });

  it.each([
    ['--json', 'inventory.yaml'],
    ['--log-file', 'playbook.yaml'],
  ])('the CLI refuses %s %s with exit 2 and leaves it alone', (flag, target) => {
    const run = spawnSync(process.execPath, [CLI, 'rollout', '-i', 'inventory.yaml', '-p', 'playbook.yaml', flag, target], {
      cwd: dir,
      env: { ...process.env, OUT_TEST_PASSWORD: 'x', CERTAGENT_LOCK_DIR: at('locks') },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`certagent rollout: ${flag} ${target} is the input file ${at(target)}: certagent never writes over what it reads`);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(at('inventory.yaml'), 'utf8')).toBe(INVENTORY);
    expect(readFileSync(at('playbook.yaml'), 'utf8')).toBe(PLAYBOOK);
    expect(existsSync(at('.certagent'))).toBe(false);
  });
});
