import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../../src/cli/command.js';
import { parseDemoArgs } from '../../src/cli/commands/demo/index.js';

const entry = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** The built CLI to its end; stdout and stderr together, as a user sees them. */
async function demo(...args: string[]): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, [entry, 'demo', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, out };
}

/** The README's quick start runs `npm run demo`, and its rehearsal section each tour: this keeps them true. */
describe('certagent demo', () => {
  it('runs rollout, a re-run, a provider rotation and rotate against the built-in lab, and every router mails', async () => {
    const { code, out } = await demo('--devices', '2');
    expect(out).toContain('#### secure e-mail: install the mail provider chain, prove mail, follow its rotation');
    expect(out).toContain('rollout: 2 devices, 2 changed');
    expect(out).toContain('rollout: 2 devices, 2 unchanged');
    expect(out).toContain('rotate: 2 devices, 2 changed');
    expect(out).toContain('== what to look at');
    expect(out).toContain('demo: every step worked');
    expect(code).toBe(0);
  }, 120_000);

  it('--tour cube: the first rollout fails and explains, the upload to CUCM, then Established and saved, then unchanged', async () => {
    const { code, out } = await demo('--tour', 'cube');
    expect(out).toContain('#### CUBE to CUCM TLS trunk');
    expect(out).toContain('rollout: 1 device, 1 rolled back');
    expect(out).toContain("CUCM's CallManager-trust does not hold the CUBE certificate");
    expect(out).toMatch(/^uploaded: lab-cube001\.lab\.example \(SHA1 [0-9A-F]{40}\)/m);
    expect(out).toContain('rollout: 1 device, 1 changed');
    expect(out).toContain('rollout: 1 device, 1 unchanged');
    expect(out).toContain('demo: every step worked');
    expect(code).toBe(0);
  }, 120_000);

  it('--tour diagnose: probe names each class, fix leaves the router pointed at the expired server untouched', async () => {
    const { code, out } = await demo('--tour', 'diagnose');
    expect(out).toContain('ERROR self-signed-untrusted: ');
    expect(out).toContain('ERROR address-mismatch: The server certificate does not name 127.0.0.1 (IP address)');
    expect(out).toContain('ERROR chain-incomplete: ');
    expect(out).toMatch(/ERROR expired: CN=expired\.tls\.lab\.example \(depth 0\) expired/);
    expect(out).toMatch(/lab-r001 \(127\.0\.0\.1\) failed at diagnose: lab-r001: nothing changed: /);
    expect(out).toContain('fix: 1 device, 1 changed');
    expect(out).toContain('demo: every step worked');
    expect(code).toBe(0);
  }, 120_000);

  it('reads --tour: one tour, all three in order, or a usage error', () => {
    expect(parseDemoArgs([])).toEqual({ tours: ['secure-email'], devices: 3 });
    expect(parseDemoArgs(['--tour', 'all', '--devices', '1', '--state-dir', 'd'])).toEqual({
      tours: ['secure-email', 'cube', 'diagnose'],
      devices: 1,
      stateDir: 'd',
    });
    expect(() => parseDemoArgs(['--tour', 'voip'])).toThrow(new UsageError('--tour must be secure-email, cube, diagnose or all, not "voip"'));
  });

  it('refuses a bad option with exit 2', async () => {
    const { code, out } = await demo('--devices', 'many');
    expect(code).toBe(2);
    expect(out).toContain('--devices must be a whole number');
  });
});
