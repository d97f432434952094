/**
 * A playbook per scenario, pointing a lab router's EEM mail at the scenario's STARTTLS server: its chain comes
 * from a live probe (as smtp.gmail.com's leaf does in secure-email.yaml), its name is mapped with `ip host`.
 * `certagent fix lab-r001 -p tls-scenarios/<scenario>.yaml` then shows what certagent makes of that server.
 */
import { LAB_PLAYBOOK_DEFAULTS, renderLabMailProof } from '../../config/lab-playbook.js';
import type { TlsScenario } from './catalogue.js';

export interface ScenarioPlaybookOptions {
  readonly scenario: TlsScenario;
  readonly address: string;
  readonly port: number;
  readonly userEnv: string;
  readonly passwordEnv: string;
}

export function renderScenarioPlaybook(o: ScenarioPlaybookOptions): string {
  const { scenario } = o;
  // Without a name the router connects by address, as a mail server configured by IP would.
  const server = scenario.servername ?? o.address;
  return `# TLS scenario "${scenario.id}" (${scenario.title}), written by \`certagent lab --tls-scenarios\`.
# ${scenario.why}
# Try: certagent fix lab-r001 -i inventory.yaml -p ${`tls-scenarios/${scenario.id}.yaml`}
name: tls-scenario-${scenario.id}
description: EEM mail to the lab's "${scenario.id}" TLS scenario server
${scenario.servername !== undefined ? `\nip_hosts:\n  ${scenario.servername}: ${o.address}\n` : ''}
trustpoints:
  - chain:
      probe: smtp://${o.address}:${o.port}
      select: all
      name_prefix: SCN-
    pin_leaf: true

${renderLabMailProof({
  userEnv: o.userEnv,
  passwordEnv: o.passwordEnv,
  host: server,
  from: LAB_PLAYBOOK_DEFAULTS.from,
  to: LAB_PLAYBOOK_DEFAULTS.to,
  subject: `certagent lab TLS scenario ${scenario.id}`,
  port: o.port,
  waitSeconds: 15,
})}`;
}
