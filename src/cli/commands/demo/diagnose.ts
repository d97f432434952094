/**
 * The diagnose tour: what certagent says about servers a device refuses, one per TLS failure class, and how `fix`
 * treats a router pointed at them: an expired server certificate is explained and nothing is changed; a correct
 * server gets the router repaired and its mail proven.
 */
import { join } from 'node:path';
import { startLab } from '../../../lab/lab.js';
import { probeArgs, TLS_SCENARIOS, type ScenarioId } from '../../../lab/tls-scenarios/index.js';
import { EXIT_DEVICE_FAILED, EXIT_OK } from '../../command.js';
import { fixCommand } from '../fix.js';
import { probeCommand } from '../probe.js';
import { expectExit, heading, intro, journal, labSecrets, lookAt, say, type Tour } from './tour.js';

/** The classes the tour probes; the lab serves the others too and its summary lists them. */
const PROBED: readonly ScenarioId[] = ['correct', 'self-signed', 'name-ip', 'incomplete-chain', 'expired'];

export const diagnoseTour: Tour = {
  name: 'diagnose',
  title: 'TLS diagnoses: what certagent says about TLS servers a device refuses, and what fix does about them',
  async run({ dir }) {
    const lab = await startLab({ stateDir: join(dir, 'lab'), devices: 1, tlsScenarios: true });
    try {
      const scenarios = lab.tlsScenarios;
      if (!scenarios) throw new Error('demo: the lab started without its TLS scenarios');
      const inventory = await lab.writeInventory(join(dir, 'inventory.yaml'));
      const secrets = labSecrets(lab);
      const problems: string[] = [];
      intro(this.title, [
        "A device refuses a TLS server for a handful of reasons (the classes of Cisco's Expressway TLS-verification",
        'note); each looks the same on the router: the mail does not go out. certagent probe fetches the chain as',
        'openssl s_client would and names the class in plain words, judged against what the device trusts.',
        `Lab: a loopback server per class (STARTTLS and implicit TLS), a device trusting only the lab root, in ${dir}.`,
      ]);
      for (const id of PROBED) {
        const endpoint = scenarios.endpoints.find((e) => e.scenario.id === id && e.mode === 'starttls-smtp');
        if (!endpoint) continue;
        heading(`certagent probe: ${endpoint.scenario.title}`);
        const args = probeArgs(endpoint, scenarios.trustFile);
        say(`$ certagent probe ${args.join(' ')}`);
        expectExit(problems, `probe of ${id}`, await probeCommand.run(args), endpoint.scenario.expect.length === 0 ? EXIT_OK : EXIT_DEVICE_FAILED);
      }
      const router = lab.devices[0];
      if (!router) throw new Error('demo: the lab has no router');
      const fix = async (id: ScenarioId): Promise<number> =>
        fixCommand({ secrets }).run([
          router.name,
          '-i',
          inventory,
          '-p',
          scenarios.playbooks.get(id) ?? '',
          '--progress',
          'none',
          ...journal(dir, `fix-${id}`),
        ]);

      heading(`certagent fix ${router.name} with a playbook pointing at the expired server: explained, nothing changed`);
      const before = router.router.runningConfig();
      expectExit(problems, 'fix against the expired server', await fix('expired'), EXIT_DEVICE_FAILED);
      if (router.router.runningConfig() !== before) problems.push(`fix changed ${router.name} although the server's certificate is expired`);

      heading(`certagent fix ${router.name} with a playbook pointing at the correct server: repaired, mail proven`);
      expectExit(problems, 'fix against the correct server', await fix('correct'), EXIT_OK);

      lookAt([
        'the Diagnoses of each probe: the class, the fix, and what Expressway and IOS XE log for it;',
        'fix on the expired server: the same words as probe, result failed, and no configure terminal sent;',
        `the scenario playbooks in ${join(dir, 'lab', 'tls-scenarios')};`,
        `the other classes (${TLS_SCENARIOS.filter((s) => !PROBED.includes(s.id))
          .map((s) => s.id)
          .join(', ')}): certagent lab --tls-scenarios prints a probe command for each.`,
      ]);
      return problems;
    } finally {
      await lab.stop();
    }
  },
};
