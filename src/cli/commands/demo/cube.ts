/**
 * The CUBE tour: the TLS SIP trunk between a CUBE and CUCM as it goes in real life. Both ends must trust each
 * other, and CUCM's side is an upload by hand, so the first rollout must fail (and roll back), the upload happens,
 * and the second rollout sees the trunk Established and saves.
 */
import { join } from 'node:path';
import { startLab } from '../../../lab/lab.js';
import { EXIT_DEVICE_FAILED, EXIT_OK } from '../../command.js';
import { runCucmTrust } from '../lab-cucm-trust.js';
import { rolloutCommand } from '../rollout.js';
import { expectExit, heading, intro, journal, labSecrets, lookAt, say, type Tour } from './tour.js';

export const cubeTour: Tour = {
  name: 'cube',
  title: 'CUBE to CUCM TLS trunk: trust both ways, the upload to CUCM, Established, saved',
  async run({ dir }) {
    // One plain router is the lab's minimum; the tour works on the CUBE alone (--limit cube).
    const lab = await startLab({ stateDir: join(dir, 'lab'), devices: 1, cubes: 1 });
    try {
      const cucm = lab.cucm;
      const cube = lab.cubes[0];
      if (!cucm || !cube) throw new Error('demo: the lab started without its CUBE');
      const inventory = await lab.writeInventory(join(dir, 'inventory.yaml'));
      const playbook = await lab.writeCubePlaybook(join(dir, 'cube-playbook.yaml'));
      const secrets = labSecrets(lab);
      const args = ['-i', inventory, '-p', playbook, '--limit', 'cube', '--progress', 'none'];
      const exported = ['sip-trunk-cert-ca.pem', 'sip-trunk-cert.pem'].map((f) => join(dir, 'cube-out', cube.name, f));
      const problems: string[] = [];
      intro(this.title, [
        "A SIP trunk over TLS needs trust both ways: the CUBE must trust CUCM's CallManager certificate (a trustpoint),",
        "and CUCM's CallManager-trust must hold the CUBE's certificate, which someone uploads to CUCM by hand.",
        'certagent does the CUBE side, exports its certificate for that upload, and proves the trunk is Established.',
        `Lab: CUBE ${cube.name} (identity enrolled in sip-trunk-cert) and a simulated CUCM at ${cucm.address}:${cucm.port}, in ${dir}.`,
      ]);

      heading('certagent rollout: CCM-cert-02, sip-ua, dial-peer; fails because CUCM does not trust the CUBE yet');
      expectExit(problems, 'the first rollout', await rolloutCommand({ secrets }).run([...args, ...journal(dir, 'first-rollout')]), EXIT_DEVICE_FAILED);
      say();
      say(`  As on a real first run: rolled back, nothing saved, and the files for CUCM written: ${exported.join(', ')}`);

      heading("certagent lab cucm-trust: the upload to CUCM's CallManager-trust (on a real CUCM: OS Administration)");
      expectExit(problems, 'the upload', await runCucmTrust(['--state-dir', join(dir, 'lab'), ...exported]), EXIT_OK);

      heading('certagent rollout again: the trunk comes up Established, then the CUBE is saved');
      expectExit(problems, 'the second rollout', await rolloutCommand({ secrets }).run([...args, ...journal(dir, 'second-rollout')]), EXIT_OK);

      heading('certagent rollout a third time: nothing to change, the trunk checked again');
      expectExit(problems, 'the re-run', await rolloutCommand({ secrets }).run([...args, ...journal(dir, 're-run')]), EXIT_OK);

      lookAt([
        'the first table: rolled back, with the plain-word reason (which side refused the handshake) and the upload hint;',
        `the exported files ${exported.join(', ')} and the trust store ${cucm.trustDir};`,
        `the CUBE's saved config ${join(dir, 'lab', 'routers', cube.name, 'startup-config')} (sip-ua, dial-peer voice 100, CCM-cert-02);`,
        'to try it by hand: certagent lab --cube 1, then the three commands it prints.',
      ]);
      return problems;
    } finally {
      await lab.stop();
    }
  },
};
