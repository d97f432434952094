import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ed25519KeyPair } from '../helpers/ssh-keys.js';
import { judgeHostKey, knownFingerprints, knownHostsLine, recordHostKey, sha256Fingerprint } from '../../src/transport/ssh/host-keys.js';
import { tempDir } from './lab.js';

function keyBlob(): { blob: Buffer; openssh: string } {
  const pair = ed25519KeyPair();
  const [type, b64] = pair.public.split(' ');
  return { blob: Buffer.from(b64 ?? '', 'base64'), openssh: `${type} ${b64}` };
}

describe('host keys', () => {
  it("refuses a known_hosts folder that cannot be made instead of spinning (Node's recursive mkdir never returns under /proc)", async () => {
    const key = Buffer.from('AAAAC3NzaC1lZDI1NTE5AAAAIGZha2Vfa2V5X2Zvcl90aGVfdGVzdF9vbmx5X18', 'base64');
    await expect(recordHostKey('/proc/certagent-known-hosts/known_hosts', '192.0.2.1', 22, key)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('prints fingerprints exactly as ssh-keygen -lf does', () => {
    const { blob, openssh } = keyBlob();
    const file = join(tempDir(), 'key.pub');
    writeFileSync(file, `${openssh} test\n`);
    const keygen = execFileSync('ssh-keygen', ['-lf', file], { encoding: 'utf8' }).split(' ')[1];
    expect(sha256Fingerprint(blob)).toBe(keygen);
  });

  it('writes hashed known_hosts lines that OpenSSH finds, and reads them back', () => {
    const { blob } = keyBlob();
    const file = join(tempDir(), 'known_hosts');
    const line = knownHostsLine('127.0.0.1', 2222, blob);
    writeFileSync(file, `${line}\n`);
    const found = execFileSync('ssh-keygen', ['-F', '[127.0.0.1]:2222', '-f', file], { encoding: 'utf8' });
    expect(found).toContain(line.split(' ')[0]);
    expect(knownFingerprints(`${line}\n`, '127.0.0.1', 2222)).toEqual([sha256Fingerprint(blob)]);
    expect(knownFingerprints(`${line}\n`, '127.0.0.1', 22)).toEqual([]);
  });

  it('reads plain, wildcard and negated known_hosts entries', () => {
    const a = keyBlob();
    const b = keyBlob();
    const text = ['# comment', `r1.lab,10.0.0.1 ${a.openssh}`, `*.lab,!r2.lab ${b.openssh}`, `@revoked r1.lab ${b.openssh}`].join('\n');
    expect(knownFingerprints(text, 'r1.lab', 22)).toEqual([sha256Fingerprint(a.blob), sha256Fingerprint(b.blob)]);
    expect(knownFingerprints(text, 'r2.lab', 22)).toEqual([]);
    expect(knownFingerprints(text, '10.0.0.1', 22)).toEqual([sha256Fingerprint(a.blob)]);
  });

  it('judges pins first, then known_hosts, and trusts on first use only when asked', () => {
    const { blob } = keyBlob();
    const other = keyBlob();
    const fp = sha256Fingerprint(blob);
    expect(judgeHostKey({ mode: 'pinned', fingerprints: [fp] }, '', 'h', 22, blob)).toEqual({ kind: 'trusted', fingerprint: fp, source: 'pin' });
    expect(judgeHostKey({ mode: 'pinned', fingerprints: [fp.slice('SHA256:'.length)] }, '', 'h', 22, blob).kind).toBe('trusted');
    // A pin decides alone: a known_hosts entry cannot vouch for a key the pin refuses.
    expect(judgeHostKey({ mode: 'pinned', fingerprints: [fp] }, `h ${other.openssh}`, 'h', 22, other.blob)).toMatchObject({ kind: 'mismatch', expected: [fp] });
    expect(judgeHostKey({ mode: 'strict', knownHosts: '/k' }, `h ${other.openssh}`, 'h', 22, other.blob)).toMatchObject({
      kind: 'trusted',
      source: 'known_hosts',
    });
    expect(judgeHostKey({ mode: 'tofu', knownHosts: '/k' }, `h ${other.openssh}`, 'h', 22, blob).kind).toBe('mismatch');
    expect(judgeHostKey({ mode: 'strict', knownHosts: '/k' }, '', 'h', 22, blob).kind).toBe('unknown');
    expect(judgeHostKey({ mode: 'tofu', knownHosts: '/k' }, '', 'h', 22, blob).kind).toBe('first-use');
  });
});
