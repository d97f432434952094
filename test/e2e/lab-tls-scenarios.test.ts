/**
 * Issue #15: `certagent lab --tls-scenarios` serves each TLS failure class of the Expressway TLS-verification
 * note and the EEM mail note on loopback, over SMTP STARTTLS and implicit TLS. `certagent probe`, run exactly as
 * the lab prints it, must give exactly the class's diagnosis (and nothing else); `certagent fix` on a lab router
 * whose playbook points at the expired server must say so in the same words and change nothing, while on the
 * correct server it repairs the router and proves the mail.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeLab } from '../../src/cli/commands/lab.js';
import { fixCommand } from '../../src/cli/commands/fix.js';
import { probeCommand } from '../../src/cli/commands/probe.js';
import type { Diagnosis } from '../../src/certs/diagnose.js';
import { loadPlaybook } from '../../src/config/index.js';
import { labEnvironment, startLab, type Lab } from '../../src/lab/index.js';
import { probeArgs, TLS_SCENARIOS, type ScenarioId, type TlsScenarioEndpoint } from '../../src/lab/tls-scenarios/index.js';
import type { DeviceOutcome } from '../../src/report/events.js';

const INTERMEDIATE = 'C=US, O=Lab Trust Services LLC, CN=Lab TLS Root CA 1C3';

/** Each scenario's diagnosis as a device trusting only the lab's root meets it: summary, then fix. */
const EXPECTED: Readonly<Record<ScenarioId, readonly [string | RegExp, string | RegExp][]>> = {
  correct: [],
  'self-signed': [
    [
      "The server's certificate CN=self-signed.tls.lab.example is self-signed (depth 0) and not trusted: none of the device's 1 trusted certificates is in it.",
      'Give the server a certificate from a CA the device trusts, or pin this certificate on the device (it breaks at the next renewal).',
    ],
  ],
  'private-ca': [
    [
      "The chain ends in the root C=US, O=Lab Trust Services LLC, CN=Lab Private Root (depth 2), which the device does not trust: none of the device's 1 trusted certificates is in it.",
      /^Install C=US, O=Lab Trust Services LLC, CN=Lab Private Root as a trustpoint \(SHA1 [0-9A-F]{40}\)\.$/,
    ],
  ],
  'name-fqdn': [
    [
      'The server certificate does not name name-fqdn.tls.lab.example (host name): it names www.tls.lab.example.',
      "Connect to one of the names the certificate carries (www.tls.lab.example), or have the server's certificate reissued with name-fqdn.tls.lab.example in its subject alternative names.",
    ],
  ],
  'name-ip': [
    [
      'The server certificate does not name 127.0.0.1 (IP address): it names name-ip.tls.lab.example.',
      "Connect to one of the names the certificate carries (name-ip.tls.lab.example), or have the server's certificate reissued with 127.0.0.1 in its subject alternative names.",
    ],
  ],
  'cn-only': [
    [
      'The server certificate does not name 127.0.0.1 (IP address): it has no subject alternative names and its CN is cn-only.tls.lab.example.',
      "Connect to one of the names the certificate carries, or have the server's certificate reissued with 127.0.0.1 in its subject alternative names.",
    ],
  ],
  expired: [
    [/^CN=expired\.tls\.lab\.example \(depth 0\) expired \d\d:\d\d:\d\d UTC [A-Z][a-z]{2} \d{1,2} \d{4} \(1 days ago\)\.$/, 'Renew the server certificate.'],
  ],
  'incomplete-chain': [
    [
      `The server sent only its own certificate, not the intermediate CA ${INTERMEDIATE} that signed it, so the chain cannot be built up to a root.`,
      `Configure the server to send its intermediate certificate(s), or install ${INTERMEDIATE} as a trustpoint on the device.`,
    ],
  ],
  'sni-not-served': [
    [
      'The server certificate does not name mail.tls.lab.example (host name): it names default.tls.lab.example, 127.0.0.1.',
      "Connect to one of the names the certificate carries (default.tls.lab.example), or have the server's certificate reissued with mail.tls.lab.example in its subject alternative names.",
    ],
  ],
};

interface ProbeJson {
  readonly ok: boolean;
  readonly diagnoses: readonly Diagnosis[];
  readonly chain: readonly { readonly subject: string }[];
}

describe('certagent lab --tls-scenarios', () => {
  let dir: string;
  let lab: Lab;
  let inventory: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'certagent-tls-scenarios-'));
    lab = await startLab({ stateDir: join(dir, 'lab'), devices: 1, tlsScenarios: true });
    inventory = await lab.writeInventory(join(dir, 'inventory.yaml'));
  });

  afterAll(async () => {
    await lab?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** `certagent probe ARGS --json` as the lab prints it; the exit code and the parsed report. */
  async function probe(endpoint: TlsScenarioEndpoint): Promise<{ code: number; report: ProbeJson }> {
    const printed: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((text: unknown) => void printed.push(String(text)));
    try {
      const code = await probeCommand.run([...probeArgs(endpoint, lab.tlsScenarios?.trustFile ?? ''), '--json', '--timeout', '10000']);
      return { code, report: JSON.parse(printed.join('\n')) as ProbeJson };
    } finally {
      log.mockRestore();
    }
  }

  it('serves every failure class over STARTTLS and implicit TLS, and the summary prints the probe command of each', () => {
    const endpoints = lab.tlsScenarios?.endpoints ?? [];
    expect(endpoints.map((e) => `${e.scenario.id} ${e.mode}`)).toEqual(TLS_SCENARIOS.flatMap((s) => [`${s.id} starttls-smtp`, `${s.id} implicit-tls`]));
    const summary = describeLab(lab, inventory, join(dir, 'playbook.yaml'));
    for (const e of endpoints) expect(summary).toContain(`certagent probe ${probeArgs(e, lab.tlsScenarios?.trustFile ?? '').join(' ')}`);
    expect(summary).toContain(`certagent fix lab-r001 --inventory ${inventory} --playbook ${join(dir, 'lab', 'tls-scenarios', 'expired.yaml')}`);
  });

  it('writes a playbook per scenario that loads, mailing the scenario STARTTLS server under the name a client asks for', async () => {
    const env = labEnvironment(lab.credentials);
    const sources = { env: (n: string) => env[n], readFile: (p: string) => readFileSync(p, 'utf8'), prompt: () => Promise.reject(new Error('no prompt')) };
    for (const scenario of TLS_SCENARIOS) {
      const endpoint = lab.tlsScenarios?.endpoints.find((e) => e.scenario === scenario && e.mode === 'starttls-smtp');
      const playbook = await loadPlaybook(lab.tlsScenarios?.playbooks.get(scenario.id) ?? '', { secrets: sources });
      const server = playbook.eem?.environment['_email_server'];
      expect({ id: scenario.id, host: server?.kind === 'server' ? server.host : undefined }).toEqual({
        id: scenario.id,
        host: scenario.servername ?? '127.0.0.1',
      });
      expect(playbook.trustpoints[0]?.source).toMatchObject({ kind: 'probe', host: '127.0.0.1', port: endpoint?.port });
    }
  });

  it.each(TLS_SCENARIOS.map((s) => [s.id, s] as const))('probe gives exactly the diagnosis of %s, over both protocols', async (id, scenario) => {
    for (const endpoint of (lab.tlsScenarios?.endpoints ?? []).filter((e) => e.scenario === scenario)) {
      const { code, report } = await probe(endpoint);
      const errors = report.diagnoses.filter((d) => d.severity === 'error');
      expect({ mode: endpoint.mode, codes: errors.map((d) => d.code) }).toEqual({ mode: endpoint.mode, codes: scenario.expect });
      errors.forEach((d, i) => {
        const [summary, fix] = EXPECTED[id][i] ?? ['', ''];
        if (typeof summary === 'string') expect(d.summary).toBe(summary);
        else expect(d.summary).toMatch(summary);
        if (typeof fix === 'string') expect(d.fix).toBe(fix);
        else expect(d.fix).toMatch(fix);
      });
      expect(report.ok).toBe(scenario.expect.length === 0);
      expect(code).toBe(scenario.expect.length === 0 ? 0 : 1);
    }
  });

  async function fix(scenario: ScenarioId): Promise<{ code: number; text: string; outcome: DeviceOutcome; transcript: string }> {
    let text = '';
    const sink = { write: (chunk: string) => void (text += chunk) };
    const env = labEnvironment(lab.credentials);
    const run = join(dir, `fix-${scenario}`);
    const code = await fixCommand({
      secrets: { env: (n) => env[n], readFile: (p) => readFileSync(p, 'utf8'), prompt: () => Promise.reject(new Error('no prompt')) },
      stdout: sink,
      stderr: sink,
      fleet: { retry: { retries: 0 }, pollIntervalMs: 50 },
    }).run([
      'lab-r001',
      '-i',
      inventory,
      '-p',
      lab.tlsScenarios?.playbooks.get(scenario) ?? '',
      '--json',
      join(run, 'report.jsonl'),
      '--journal',
      join(run, 'journal.jsonl'),
      '--transcripts',
      run,
      '--progress',
      'none',
    ]);
    const records = readFileSync(join(run, 'report.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string } & DeviceOutcome);
    const outcome = records.find((r) => r.type === 'device');
    if (!outcome) throw new Error(`no outcome: ${text}`);
    return { code, text, outcome, transcript: readFileSync(join(run, 'lab-r001.log'), 'utf8') };
  }

  it("fix on a router pointed at the expired server explains it in probe's words and changes nothing", async () => {
    const expired = (lab.tlsScenarios?.endpoints ?? []).find((e) => e.scenario.id === 'expired' && e.mode === 'starttls-smtp');
    if (!expired) throw new Error('no expired endpoint');
    const probed = (await probe(expired)).report.diagnoses.find((d) => d.code === 'expired');
    if (!probed) throw new Error('probe found no expired certificate');
    const router = lab.device('lab-r001').router;
    const before = router.runningConfig();

    const { code, text, outcome, transcript } = await fix('expired');
    expect(outcome.diagnoses).toContain(`${probed.summary} ${probed.fix}`);
    expect(outcome.result).toBe('failed');
    expect(outcome.error?.message).toBe(
      `lab-r001: nothing changed: the mail server's certificate chain cannot work whatever the device trusts: ${probed.summary}`,
    );
    expect(outcome.error?.hint).toBe('Renew the server certificate. Then run certagent fix again.');
    expect(text).toContain(probed.summary);
    expect(code).toBe(1);
    expect(outcome.changes).toEqual([]);
    expect(router.runningConfig()).toBe(before);
    expect(transcript).not.toContain('configure terminal');
    expect(existsSync(join(dir, 'lab', 'routers', 'lab-r001', 'startup-config'))).toBe(false);
  });

  it('fix on a router pointed at the correct server repairs it and proves the mail', async () => {
    const { code, outcome } = await fix('correct');
    expect(outcome.error).toBeUndefined();
    expect(outcome.result).toBe('changed');
    expect(outcome.changes.map((c) => `${c.object} ${c.action}`)).toEqual(
      expect.arrayContaining(['ip host good.tls.lab.example created', 'applet SendSecureEmailEEM proven']),
    );
    expect(code).toBe(0);
  });
});
