import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const script = join(root, 'test/setup/ensure-packages.sh');
const absent = 'certagent-no-such-package';

/** A package list in a temporary folder the unprivileged user can read too. */
function withList(lines: string[], run: (list: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'certagent-pkgs-'));
  chmodSync(dir, 0o755);
  const list = join(dir, 'packages.txt');
  writeFileSync(list, lines.join('\n') + '\n', { mode: 0o644 });
  try {
    run(list);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runScript(args: string[], list: string, asNobody = false) {
  const command = asNobody ? 'setpriv' : 'bash';
  const argv = asNobody ? ['--reuid=nobody', '--regid=nogroup', '--clear-groups', 'bash', script, ...args] : [script, ...args];
  return spawnSync(command, argv, {
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', CERTAGENT_TEST_PACKAGES: list },
    timeout: 30_000,
  });
}

describe('test/setup/ensure-packages.sh', () => {
  it('passes quietly when every listed package is installed', () => {
    withList(['openssl   # a comment after the name', '', '# a whole-line comment'], (list) => {
      const result = runScript(['--check'], list);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
    });
  });

  it('stops at once with the exact apt-get line naming only the missing packages', () => {
    withList(['openssl', `${absent}   # not in Debian`], (list) => {
      const result = runScript(['--check'], list);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`not installed: ${absent}\n`);
      expect(result.stderr).toContain(`  apt-get install -y --no-install-recommends ${absent}\n`);
      expect(result.stderr).toContain('npm run test:all');
    });
  });

  it('without root or passwordless sudo, --install says it cannot and gives the same line', () => {
    withList([absent], (list) => {
      const result = runScript(['--install'], list, true);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('not root and no passwordless sudo');
      expect(result.stderr).toContain(`apt-get install -y --no-install-recommends ${absent}`);
    });
  });

  it('refuses an unknown mode with exit 2', () => {
    withList(['openssl'], (list) => {
      const result = runScript(['--bogus'], list);
      expect(result.status).toBe(2);
      expect(result.stderr).toContain('usage:');
    });
  });

  it('is what npm test runs first, so a missing package fails in the first seconds', () => {
    const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['pretest']).toBe('bash test/setup/ensure-packages.sh --check');
    expect(scripts['test:all']).toBe('bash test/setup/test-all.sh');
    withList([absent], (list) => {
      const result = spawnSync('npm', ['run', '--silent', 'pretest'], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, CERTAGENT_TEST_PACKAGES: list },
        timeout: 30_000,
      });
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain(`apt-get install -y --no-install-recommends ${absent}`);
    });
  });

  it('lists only well-formed Debian package names, each with a reason', () => {
    const lines = readFileSync(join(root, 'test/setup/debian-packages.txt'), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('#'));
    expect(lines.length).toBeGreaterThanOrEqual(5);
    for (const line of lines) {
      expect(line).toMatch(/^[a-z0-9][a-z0-9+.-]+\s+# \S/);
    }
  });
});
