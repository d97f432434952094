/**
 * validate checks what rollout checks (issue 10, item 6): one playbook with every certificate problem that needs no
 * device (invalid base64, a truncated PEM with its END line, a body that is not X.509, a wrong fingerprint, a
 * select matching nothing, a chain prefix giving an explicit trustpoint's name) fails `validate` and `rollout`
 * alike, exit 2, each problem with its line; rollout connects to nothing and leaves no journal.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = mkdtempSync(join(tmpdir(), 'certagent-parity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (name: string) => join(dir, name);
const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const GTS = '/usr/share/ca-certificates/mozilla/GTS_Root_R1.crt';
const ISRG = '/usr/share/ca-certificates/mozilla/ISRG_Root_X1.crt';

const body = readFileSync(GTS, 'utf8').split('-----BEGIN CERTIFICATE-----')[1]?.split('-----END CERTIFICATE-----')[0]?.trim().split('\n') ?? [];
const pem = (lines: readonly string[]) => `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
writeFileSync(at('bad-base64.pem'), pem([...body.slice(0, 3), '!!!!****####', ...body.slice(3)]));
writeFileSync(at('truncated.pem'), pem(body.slice(0, Math.floor(body.length / 2))));
writeFileSync(at('not-x509.pem'), pem([Buffer.from('not a certificate, only text '.repeat(4)).toString('base64')]));
writeFileSync(
  at('playbook.yaml'),
  `name: p
trustpoints:
  - name: A
    pem_file: bad-base64.pem
  - name: B
    pem_file: truncated.pem
  - name: C
    pem_file: not-x509.pem
  - name: D
    pem_file: ${GTS}
    fingerprint: "00000000 00000000 00000000 00000000 00000000"
  - chain:
      bundle_file: ${GTS}
      select: Nothing Here
  - chain:
      bundle_file: ${ISRG}
      name_prefix: X-
  - name: X-ISRG-Root-X1
    pem_file: ${GTS}
`,
);
writeFileSync(
  at('inventory.yaml'),
  `all:\n  username: admin\n  password: {env: PARITY_PASSWORD}\ndevices:\n  - name: r1\n    host: 127.0.0.1\n    port: 1\n    host_key: "SHA256:${'A'.repeat(43)}"\n`,
);

const EXPECTED = [
  /playbook\.yaml:3: trustpoints\[0\]: .*bad-base64\.pem: certificate 1: invalid base64 .*'!!!!\*\*\*\*####'/,
  /playbook\.yaml:5: trustpoints\[1\]: .*truncated\.pem: certificate 1: not a valid X\.509 certificate/,
  /playbook\.yaml:7: trustpoints\[2\]: .*not-x509\.pem: certificate 1: not a valid X\.509 certificate/,
  /playbook\.yaml:9: trustpoints\[3\]: the certificate for D \(GTS Root R1\) has SHA1 E58C1CC4913B38634BE9106EE3AD8E6B9DD9814A, not the pinned 0{40}/,
  /playbook\.yaml:12: trustpoints\[4\]: selects no certificate from the chain it was given/,
  /playbook\.yaml:\d+: trustpoints: trustpoint X-ISRG-Root-X1 is given two different certificates, by the chain with name_prefix X- and by an explicit entry/,
];

function cli(args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], {
    cwd: dir,
    env: { ...process.env, PARITY_PASSWORD: 'x', CERTAGENT_LOCK_DIR: at('locks') },
    encoding: 'utf8',
    timeout: 20_000,
  });
}

describe('validate and rollout refuse the same playbook', () => {
  it.each([
    ['validate', ['validate', '-p', 'playbook.yaml']],
    ['rollout', ['rollout', '-i', 'inventory.yaml', '-p', 'playbook.yaml']],
  ])('%s: exit 2, six problems with their lines, no stack trace', (_name, args) => {
    const run = cli(args);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('6 problems in');
    for (const re of EXPECTED) expect(run.stderr).toMatch(re);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(at('.certagent'))).toBe(false);
  });
});
