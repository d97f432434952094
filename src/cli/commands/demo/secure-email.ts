/**
 * The secure-email tour (the default, `npm run demo`): a rollout, the same rollout again (nothing to do), the
 * mail provider rotating its chain, and the scheduled `rotate` job that follows it; every router's mail must
 * arrive after each change.
 */
import { join } from 'node:path';
import { startLab, type Lab } from '../../../lab/lab.js';
import { EXIT_OK } from '../../command.js';
import { rolloutCommand } from '../rollout.js';
import { rotateCommand } from '../rotate.js';
import { expectExit, heading, intro, journal, labSecrets, lookAt, say, type Tour } from './tour.js';

/** How many routers' mail is missing since `before`: each router's applet sends one when the workflow proves it. */
function missingMail(lab: Lab, before: number): number {
  const fresh = lab.mail.messages().length - before;
  return Math.max(0, lab.devices.length - fresh);
}

export const secureEmailTour: Tour = {
  name: 'secure-email',
  title: 'secure e-mail: install the mail provider chain, prove mail, follow its rotation',
  async run({ dir, devices }) {
    const lab = await startLab({ stateDir: join(dir, 'lab'), devices });
    try {
      const inventory = await lab.writeInventory(join(dir, 'inventory.yaml'));
      const playbook = await lab.writePlaybook(join(dir, 'playbook.yaml'));
      const secrets = labSecrets(lab);
      const args = ['-i', inventory, '-p', playbook, '--progress', 'none'];
      const problems: string[] = [];
      intro(this.title, [
        "EEM's `action mail ... secure tls` only trusts what is installed as trustpoints; when the provider rotates",
        'its chain, alerts die silently. certagent installs the chain, proves the applet mails, saves, and rotates.',
        `Lab: ${lab.devices.length} simulated IOS XE routers and a STARTTLS mail server (${lab.mailServerName}), in ${dir}.`,
      ]);
      for (const d of lab.devices) say(`  ${d.name}  ssh ${d.host}:${d.port}  ${d.hostKeyFingerprint}`);

      let sent = lab.mail.messages().length;
      heading("certagent rollout: install the mail server's chain as trustpoints, configure EEM, prove mail, save");
      expectExit(problems, 'the rollout', await rolloutCommand({ secrets }).run([...args, ...journal(dir, 'rollout')]), EXIT_OK);
      const afterRollout = missingMail(lab, sent);
      if (afterRollout > 0) problems.push(`${afterRollout} router(s) sent no mail after the rollout`);

      heading('certagent rollout again: a re-run finds nothing to change');
      expectExit(problems, 'the re-run', await rolloutCommand({ secrets }).run([...args, ...journal(dir, 're-run')]), EXIT_OK);

      heading('the mail provider rotates its certificate chain (new root, new intermediate)');
      const rotated = await lab.rotateMailChain();
      say(`  now served: ${[rotated.names.leaf, ...rotated.names.intermediates, rotated.names.root].join(' <- ')}`);
      sent = lab.mail.messages().length;

      heading('certagent rotate: the scheduled job replaces exactly the changed trustpoints and proves mail again');
      expectExit(problems, 'the rotation', await rotateCommand({ secrets }).run([...args, ...journal(dir, 'rotate')]), EXIT_OK);
      const afterRotate = missingMail(lab, sent);
      if (afterRotate > 0) problems.push(`${afterRotate} router(s) sent no mail after the rotation`);

      heading('what the mail server received');
      for (const m of lab.mail.messages()) say(`  ${m.receivedAt}  from ${m.envelopeFrom}  tls=${String(m.tls)}  "${m.subject}"`);
      lookAt([
        'the tables above: changed, then unchanged, then only the rotated trustpoints changed;',
        `the mails in ${join(dir, 'lab', 'mail', 'inbox')} (one .eml per proof) and each router's saved config in ${join(dir, 'lab', 'routers')};`,
        'to try it by hand: certagent lab, then the rollout it prints (kill -USR2 rotates the chain).',
      ]);
      return problems;
    } finally {
      await lab.stop();
    }
  },
};
