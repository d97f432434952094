import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** The README's quick start runs `npm run demo`: this keeps that command true. */
describe('certagent demo', () => {
  it('runs rollout, a re-run, a provider rotation and rotate against the built-in lab, and every router mails', async () => {
    const child = spawn(process.execPath, [entry, 'demo', '--devices', '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(out).toContain('rollout: 2 devices, 2 changed');
    expect(out).toContain('rollout: 2 devices, 2 unchanged');
    expect(out).toContain('rotate: 2 devices, 2 changed');
    expect(out).toContain('demo: every step worked');
    expect(code).toBe(0);
  }, 120_000);

  it('refuses a bad option with exit 2', async () => {
    const child = spawn(process.execPath, [entry, 'demo', '--devices', 'many'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(2);
    expect(err).toContain('--devices must be a whole number');
  });
});
