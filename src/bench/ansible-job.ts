/**
 * The Ansible side of the comparison: the steps certagent plans for a fresh lab router (netmiko-job.ts), as a
 * playbook for Debian's ansible with the cisco.ios collection over network_cli, the way an operator would write it:
 * `ios_config` for each config block (match none: the lines as planned, in order), `cli_command` with prompt/answer
 * for each `crypto pki authenticate` (the PEM pasted at the paste prompt, `yes` at the fingerprint question), and
 * `write memory`. Like the Netmiko script it neither proves the mail nor rolls back. Pure rendering.
 */
import { stringify } from 'yaml';
import type { NetmikoJob, NetmikoStep } from './netmiko-job.js';

/** The questions of `crypto pki authenticate` (dossier 2.2; the lab prints them the same way). */
const PASTE_PROMPT = 'End with a blank line or the word "quit" on a line by itself';
const ACCEPT_QUESTION = 'Do you accept this certificate\\? \\[yes/no\\]';

function task(step: NetmikoStep, index: number): Record<string, unknown>[] {
  if (step.kind === 'config') {
    return [{ name: `config block ${index + 1}`, 'cisco.ios.ios_config': { lines: step.lines, match: 'none' } }];
  }
  // One task looping over its commands: network_cli returns to exec mode at the start of each task
  // (ansible.netcommon's update_cli_prompt_context), not between the items of one task, as its docs' example for
  // config mode commands with prompt/answer relies on.
  return [
    {
      name: `authenticate ${step.trustpoint}`,
      'ansible.netcommon.cli_command': {
        command: '{{ item.command }}',
        check_all: '{{ item.check_all | default(false) }}',
        prompt: '{{ item.prompt | default(omit) }}',
        answer: '{{ item.answer | default(omit) }}',
      },
      loop: [
        { command: 'configure terminal' },
        // The PEM, then the empty line that ends the paste (network_cli adds the last line end); then yes.
        {
          command: `crypto pki authenticate ${step.trustpoint}`,
          check_all: true,
          prompt: [PASTE_PROMPT, ACCEPT_QUESTION],
          answer: [`${step.pem.trimEnd()}\n`, 'yes'],
        },
        { command: 'end' },
      ],
    },
  ];
}

export function ansiblePlaybook(steps: readonly NetmikoStep[]): string {
  const tasks = [...steps.flatMap(task), { name: 'write memory', 'cisco.ios.ios_command': { commands: ['write memory'] } }];
  return stringify([{ name: 'certagent benchmark: the trustpoint steps of a fresh lab router', hosts: 'lab', gather_facts: false, tasks }], {
    lineWidth: 0,
    version: '1.1',
  }); // YAML 1.1 as Ansible reads it: 'yes' stays a string
}

/** An INI inventory of the job's routers (mode 0600: it holds the login and enable passwords). */
export function ansibleInventory(job: Pick<NetmikoJob, 'devices' | 'username' | 'password' | 'secret'>): string {
  const common =
    `ansible_user=${job.username} ansible_password=${job.password} ansible_connection=ansible.netcommon.network_cli ` +
    `ansible_network_os=cisco.ios.ios ansible_become=true ansible_become_method=enable ansible_become_password=${job.secret} ` +
    'ansible_python_interpreter=/usr/bin/python3';
  return `[lab]\n${job.devices.map((d) => `${d.name} ansible_host=${d.host} ansible_port=${d.port} ${common}`).join('\n')}\n`;
}
