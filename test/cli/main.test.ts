import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

function certagent(...args: string[]) {
  return spawnSync(process.execPath, [entry, ...args], { encoding: 'utf8' });
}

describe('certagent entry point', () => {
  it('exits 2 with usage when no command is given', () => {
    const r = certagent();
    expect(r.status).toBe(2);
    expect(r.stdout).toContain('usage: certagent <command>');
  });

  it('names an unknown command and exits 2', () => {
    const r = certagent('frobnicate');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown command 'frobnicate'");
  });
});
