/**
 * `certagent lab --tls-scenarios`: a pair of loopback TLS servers (SMTP STARTTLS, implicit TLS) per failure class
 * of catalogue.ts, the root a device is meant to trust as a file, a playbook per scenario, and the `probe`
 * command to run against each.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TLS_SCENARIOS, type TlsScenario } from './catalogue.js';
import { startEndpoint, type EndpointMode, type RunningEndpoint } from './endpoints.js';
import { scenarioCertificates, trustedRootPem, TRUSTED_ROOT_NAME } from './identities.js';
import { renderScenarioPlaybook } from './playbook-text.js';

export { TLS_SCENARIOS, SCENARIO_DOMAIN, type ScenarioId, type TlsScenario } from './catalogue.js';
export { TRUSTED_ROOT_NAME } from './identities.js';
export type { EndpointMode } from './endpoints.js';

export interface TlsScenarioEndpoint {
  readonly scenario: TlsScenario;
  readonly mode: EndpointMode;
  readonly host: string;
  readonly port: number;
  /** What `certagent probe` takes: smtp://HOST:PORT (STARTTLS) or tls://HOST:PORT (implicit TLS). */
  readonly url: string;
}

/** `certagent probe`'s arguments for an endpoint: its URL, the name a client asks for, the device's trust. */
export function probeArgs(endpoint: TlsScenarioEndpoint, trustFile: string): string[] {
  const name = endpoint.scenario.servername;
  return [endpoint.url, ...(name !== undefined ? ['--servername', name] : []), '--trust', trustFile];
}

export interface TlsScenarioLab {
  readonly endpoints: readonly TlsScenarioEndpoint[];
  /** The root the device trusts (PEM), for `probe --trust`. */
  readonly trustFile: string;
  /** Per scenario, the playbook pointing EEM at its STARTTLS server. */
  readonly playbooks: ReadonlyMap<string, string>;
  stop(): Promise<void>;
}

export interface TlsScenarioOptions {
  /** Where the trust file and the playbooks go. */
  readonly dir: string;
  readonly host?: string;
  readonly userEnv: string;
  readonly passwordEnv: string;
}

export async function startTlsScenarios(options: TlsScenarioOptions): Promise<TlsScenarioLab> {
  const host = options.host ?? '127.0.0.1';
  await mkdir(options.dir, { recursive: true });
  const trustFile = join(options.dir, 'device-trust.pem');
  await writeFile(trustFile, await trustedRootPem());
  const running: RunningEndpoint[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(running.map((e) => e.stop()));
  };
  const endpoints: TlsScenarioEndpoint[] = [];
  const playbooks = new Map<string, string>();
  try {
    for (const scenario of TLS_SCENARIOS) {
      const certs = await scenarioCertificates(scenario.identity);
      for (const mode of ['starttls-smtp', 'implicit-tls'] as const) {
        const endpoint = await startEndpoint(certs, mode, host, scenario.servername ?? `${scenario.id}.scenario`);
        running.push(endpoint);
        const url = `${mode === 'starttls-smtp' ? 'smtp' : 'tls'}://${host}:${endpoint.port}`;
        endpoints.push({ scenario, mode, host, port: endpoint.port, url });
        if (mode === 'starttls-smtp') {
          const file = join(options.dir, `${scenario.id}.yaml`);
          await writeFile(
            file,
            renderScenarioPlaybook({ scenario, address: host, port: endpoint.port, userEnv: options.userEnv, passwordEnv: options.passwordEnv }),
          );
          playbooks.set(scenario.id, file);
        }
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoints, trustFile, playbooks, stop };
}

/** The summary's lines: each scenario, the probe command of its two endpoints, the fix to try; paths as given. */
export function describeTlsScenarios(lab: TlsScenarioLab, shown: (path: string) => string, inventory: string): string[] {
  const trust = shown(lab.trustFile);
  const lines = [`TLS scenarios: what certagent says about each failure class (the device trusts only ${TRUSTED_ROOT_NAME}, ${trust}):`];
  for (const scenario of TLS_SCENARIOS) {
    lines.push('', `  ${scenario.id}: ${scenario.title}`, `    ${scenario.why}`);
    for (const e of lab.endpoints.filter((x) => x.scenario === scenario)) lines.push(`    certagent probe ${probeArgs(e, trust).join(' ')}`);
    const playbook = lab.playbooks.get(scenario.id);
    if (playbook !== undefined) lines.push(`    certagent fix lab-r001 --inventory ${inventory} --playbook ${shown(playbook)}`);
  }
  return lines;
}
