/** Ansible itself is the reference for how an Ansible inventory reads: the same files go through
 * `ansible-inventory --list`, and certagent must agree on hosts, groups, addresses and variables. */
import { afterAll, describe, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { compareWithAnsible } from './ansible-compare.js';
import { scratch } from './helpers.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const tmp = scratch();
afterAll(() => tmp.cleanup());

const compare = (path: string): Promise<void> => compareWithAnsible(path, `${tmp.dir}/ansible-tmp`);

describe('Ansible inventories, read by certagent as ansible-inventory reads them', () => {
  it('agrees on the shipped example', async () => {
    await compare(`${repo}inventory/ansible-example.yaml`);
  });

  it('agrees on precedence across nested groups, siblings at one depth, repeated hosts and host ranges', async () => {
    const path = tmp.write(
      'precedence.yaml',
      `all:
  vars: { ansible_user: base, ansible_password: "{{ lookup('env', 'PW') }}", level: all, shared: all }
  children:
    emea:
      vars: { level: emea, region: emea, ansible_port: 2200 }
      children:
        paris:
          vars: { level: paris, site: paris }
          hosts:
            p1: { ansible_host: 10.0.1.1, level: host }
            p2: { ansible_host: 10.0.1.2 }
        core:
          vars: { level: core, tier: core, ansible_user: coreops }
          hosts:
            p1: { extra: yes }
    amer:
      vars: { region: amer }
      hosts:
        ny[01:03]:
        edge-[a:c]-[1:4:3]:
          role: edge
        n1:
          ansible_host: 10.1.0.1
          ansible_port: 22
`,
    );
    await compare(path);
  });
});
