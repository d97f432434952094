/**
 * The Netmiko script's job: the very steps certagent plans for a fresh lab router (config blocks with their
 * secrets revealed, and each `crypto pki authenticate` with its PEM), so both sides do the same device work.
 */
import { readFileSync } from 'node:fs';
import { toPem } from '../certs/pem.js';
import { loadPlaybook } from '../config/index.js';
import type { SecretSources } from '../config/index.js';
import { batches, parseFacts, planDevice, resolveDesired, revealLine } from '../workflow/index.js';

export type NetmikoStep =
  { readonly kind: 'config'; readonly lines: readonly string[] } | { readonly kind: 'authenticate'; readonly trustpoint: string; readonly pem: string };

export interface NetmikoJob {
  readonly devices: readonly { readonly name: string; readonly host: string; readonly port: number }[];
  readonly username: string;
  readonly password: string;
  readonly secret: string;
  readonly concurrency: number;
  readonly steps: readonly NetmikoStep[];
}

export function envSources(env: Readonly<Record<string, string>>): SecretSources {
  return {
    env: (name) => env[name],
    readFile: (path) => readFileSync(path, 'utf8'),
    prompt: () => Promise.reject(new Error('the benchmark asks no questions')),
  };
}

/** The steps of certagent's plan for a router holding none of the playbook yet. */
export async function freshRouterSteps(playbookFile: string, env: Readonly<Record<string, string>>): Promise<NetmikoStep[]> {
  const desired = await resolveDesired(await loadPlaybook(playbookFile, { secrets: envSources(env) }));
  const plan = planDevice(parseFacts(''), desired);
  return batches(plan.changes).flatMap((b): NetmikoStep[] => {
    const step = b.step;
    if (step.kind === 'config') return [{ kind: 'config', lines: step.lines.map(revealLine) }];
    if (step.kind === 'authenticate') return [{ kind: 'authenticate', trustpoint: step.trustpoint, pem: toPem(step.der) }];
    return [];
  });
}
