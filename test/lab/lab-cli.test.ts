/**
 * `certagent lab` as users run it: a child process of the built CLI (dist/, as test/cli/main.test.ts; `npm test`
 * builds first). It prints where everything is, writes the files, and stops cleanly on SIGTERM.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, startCliLab, stopAll } from '../helpers/cli-process.js';

afterAll(stopAll);

describe('certagent lab', () => {
  it('prints the device table and where everything is, writes the files, rotates the mail chain on SIGUSR2 and exits 0 on SIGTERM', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'certagent-lab-cli-'));
    const started = startCliLab(['--devices', '2', '--fault', 'lab-r002:reject-password', '--latency', '1'], cwd);
    const out = await started.waitFor(/Press Ctrl-C/, 20_000);
    const rows = [...out.matchAll(/^(lab-r00\d)\s+127\.0\.0\.1\s+(\d+)\s+(SHA256:\S{43})$/gm)];
    expect(rows.map((r) => r[1])).toEqual(['lab-r001', 'lab-r002']);
    expect(out).toMatch(/^DEVICE\s+ADDRESS\s+PORT\s+HOST KEY$/m);
    expect(out).toMatch(/^Mail server\s+smtp\.lab\.example = 127\.0\.0\.1:\d+ \(STARTTLS/m);
    expect(out).toMatch(/^Received mail\s+\.lab\/mail\/inbox/m);
    expect(out).toContain('source .lab/lab.env');
    expect(out).toMatch(/^Latency\s+1 ms before each command's output \(every router\)$/m);
    expect(out).toMatch(/^Faults\s+lab-r002 \{"rejectPasswords":true\}$/m);

    const inventory = readFileSync(join(cwd, '.lab/inventory.yaml'), 'utf8');
    for (const row of rows) {
      expect(inventory).toContain(`port: ${row[2] ?? ''}\n    groups: [lab]\n    host_key: "${row[3] ?? ''}"`);
    }
    const mailPort = /127\.0\.0\.1:(\d+) \(STARTTLS/.exec(out)?.[1] ?? '';
    expect(readFileSync(join(cwd, '.lab/playbook.yaml'), 'utf8')).toContain(`port: ${mailPort}`);
    expect(existsSync(join(cwd, '.lab/lab.env'))).toBe(true);
    expect(existsSync(join(cwd, '.lab/mail-chain.pem'))).toBe(true);

    const rootBefore = readFileSync(join(cwd, '.lab/mail-chain.pem'), 'utf8');
    started.child.kill('SIGUSR2');
    await started.waitFor(/^mail chain rotated: now smtp\.lab\.example <- Lab Root R2 CA 1C3 <- Lab Root R2, written to \.lab\/mail-chain\.pem$/m, 20_000);
    expect(readFileSync(join(cwd, '.lab/mail-chain.pem'), 'utf8')).not.toBe(rootBefore);

    expect(await started.stop()).toBe(0);
    expect(started.stdout()).toContain('SIGTERM: stopping the lab');
  });

  it('exits 2 with the message and the usage on a bad option', async () => {
    const r = await runCli(['lab', '--devices', 'zero'], { cwd: mkdtempSync(join(tmpdir(), 'certagent-lab-bad-')), timeoutMs: 20_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('certagent lab: --devices must be a whole number 1..10000, not "zero"');
    expect(r.stderr).toContain('usage: certagent lab');
  });

  it('exits 2 naming the port when the base port is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const started = startCliLab(['--devices', '1', '--base-port', String(port)], mkdtempSync(join(tmpdir(), 'certagent-lab-taken-')));
      expect(await started.exited(20_000)).toBe(2);
      expect(started.stderr()).toContain(`router lab-r001: port ${port} on 127.0.0.1 is already in use`);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
