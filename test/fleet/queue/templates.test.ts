/**
 * The desired state through Redis: the coordinator resolves the lab playbook with its secret references as templates,
 * the codec writes it as JSON holding no secret value, and a worker's own environment turns it back into the very
 * desired state a direct resolution gives (same journal fingerprint, same secrets, certificates as Buffers and Dates).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, Secret, SecretResolver, loadPlaybook } from '../../../src/config/index.js';
import { playbookFingerprint } from '../../../src/fleet/index.js';
import {
  PromptInQueueError,
  SecretInQueueError,
  decode,
  encode,
  isTemplate,
  placeholderSources,
  secretFiller,
  secretTemplates,
} from '../../../src/fleet/queue/index.js';
import { LAB_ENV, startLab } from '../../../src/lab/index.js';
import type { Lab } from '../../../src/lab/index.js';
import { resolveDesired } from '../../../src/workflow/index.js';
import type { DesiredState } from '../../../src/workflow/index.js';

describe('the desired state through the queue', () => {
  let dir: string;
  let lab: Lab;
  let playbook: string;
  const env: Record<string, string> = {};
  const sources = { env: (n: string) => env[n], readFile: (p: string) => readFileSync(p, 'utf8'), prompt: () => Promise.reject(new Error('no prompt')) };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'certagent-templates-'));
    lab = await startLab({ stateDir: join(dir, 'lab'), devices: 1 });
    playbook = await lab.writePlaybook(join(dir, 'playbook.yaml'));
    Object.assign(env, { [LAB_ENV.smtpUser]: lab.credentials.smtpUser, [LAB_ENV.smtpPassword]: lab.credentials.smtpPassword });
  });
  afterAll(async () => {
    await lab.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("is stored with references only and comes back equal to a direct resolution with the worker's values", async () => {
    const direct = await resolveDesired(await loadPlaybook(playbook, { secrets: sources }));
    const template = await resolveDesired(await loadPlaybook(playbook, { secrets: new SecretResolver(placeholderSources()) }));
    const stored = JSON.stringify(encode(template, isTemplate));
    expect(stored).not.toContain(lab.credentials.smtpPassword);
    expect(stored).toContain('CERTAGENT-SECRET.env.');

    const json: unknown = JSON.parse(stored);
    const fill = await secretFiller(secretTemplates(json), new SecretResolver(sources), 'run test');
    const back = decode(json, fill) as DesiredState;
    expect(playbookFingerprint(back, 'rollout')).toBe(playbookFingerprint(direct, 'rollout'));
    expect(back.secrets.map((s) => s.reveal()).sort()).toEqual(direct.secrets.map((s) => s.reveal()).sort());
    expect(back.secrets.every((s) => s instanceof Secret)).toBe(true);
    expect(Buffer.isBuffer(back.trustpoints[0]?.cert.der)).toBe(true);
    expect(back.trustpoints[0]?.cert.notAfter).toEqual(direct.trustpoints[0]?.cert.notAfter);
    expect(back.verify?.forbiddenLogPatterns.map(String)).toEqual(direct.verify?.forbiddenLogPatterns.map(String));
  });

  it('a worker without the variables fails naming every missing one, and no value', async () => {
    const template = await resolveDesired(await loadPlaybook(playbook, { secrets: new SecretResolver(placeholderSources()) }));
    const json: unknown = JSON.parse(JSON.stringify(encode(template, isTemplate)));
    const empty = new SecretResolver({ env: () => undefined, readFile: () => '', prompt: () => Promise.reject(new Error('no')) });
    const failure = await secretFiller(secretTemplates(json), empty, 'run X').catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as Error).message).toContain(`environment variable ${LAB_ENV.smtpPassword}`);
    expect((failure as Error).message).toContain(`environment variable ${LAB_ENV.smtpUser}`);
  });

  it('refuses to write a secret value, and a prompt the worker could not answer', async () => {
    expect(() => encode({ password: new Secret('hunter22', 'env X') }, isTemplate)).toThrow(SecretInQueueError);
    await expect(placeholderSources().prompt('SMTP password: ')).rejects.toThrow(PromptInQueueError);
  });

  it('refuses a value with a line break: it would end the IOS command', async () => {
    const resolver = new SecretResolver({ env: () => 'two\nlines', readFile: () => '', prompt: () => Promise.reject(new Error('no')) });
    const template = (
      await new SecretResolver(placeholderSources()).resolve({ ref: { kind: 'env', name: 'P' }, origin: { file: 'x', path: [] }, purpose: 'p' })
    ).reveal();
    await expect(secretFiller([template], resolver, 'run X')).rejects.toThrow('holds a line break');
  });
});
