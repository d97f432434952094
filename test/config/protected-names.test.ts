/** A playbook naming a trustpoint IOS XE owns (issue 10, item 2) is refused before anything connects, by file and
 * line, unless the entry says take_over: true. */
import { afterAll, describe, expect, it } from '@jest/globals';
import { readPlaybook } from '../../src/config/index.js';
import { configError, scratch } from './helpers.js';

const tmp = scratch();
afterAll(() => tmp.cleanup());
const PEM = '/usr/share/ca-certificates/mozilla/GTS_Root_R1.crt';

describe('built-in trustpoint names', () => {
  it.each([
    ['SLA-TrustPoint', "Cisco's Smart Licensing root CA"],
    ['TP-self-signed-1357684700', "the router's own self-signed identity (HTTPS, RESTCONF)"],
    ['CISCO_IDEVID_SUDI', "the router's manufacturing identity (SUDI)"],
    ['CISCO_IDEVID_SUDI_LEGACY0', "the router's manufacturing identity (SUDI, legacy chain)"],
  ])('%s is refused with its line', async (name, what) => {
    const file = tmp.write(`${name}.yaml`, `name: p\ntrustpoints:\n  - name: ${name}\n    pem_file: ${PEM}\n`);
    const err = await configError(() => readPlaybook(file));
    expect(err.message).toContain(
      `${file}:3: trustpoints[0].name: trustpoint ${name} is built into IOS XE (${what}): certagent does not replace it; add take_over: true to this entry only if you mean to`,
    );
  });

  it('take_over: true lets it through, and is carried to the spec', async () => {
    const file = tmp.write('take.yaml', `name: p\ntrustpoints:\n  - name: SLA-TrustPoint\n    take_over: true\n    pem_file: ${PEM}\n`);
    const playbook = await readPlaybook(file);
    expect(playbook.trustpoints[0]).toMatchObject({ name: 'SLA-TrustPoint', takeOver: true });
  });
});
