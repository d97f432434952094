/**
 * `certagent lab cucm-trust --state-dir D FILE...`: the one step of the CUBE workflow that happens on CUCM, not
 * on the router: uploading the CUBE's exported certificates to CallManager-trust. The running lab reads the trust
 * store at every handshake, so the next rollout sees the trunk come up.
 */
import { parseArgs } from 'node:util';
import { CucmTrustInputError, uploadToCucmTrust } from '../../lab/cube/index.js';
import { EXIT_OK, UsageError } from '../command.js';
import { errorMessage } from '../../shared/error-message.js';

export const CUCM_TRUST_USAGE =
  'certagent lab cucm-trust [--state-dir D] FILE...   (the PEM files a CUBE rollout exported; D as given to certagent lab, default .lab)';

export async function runCucmTrust(argv: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: { 'state-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    throw new UsageError(errorMessage(error));
  }
  if (parsed.values.help === true) {
    console.log(`usage: ${CUCM_TRUST_USAGE}`);
    return EXIT_OK;
  }
  const stateDir = parsed.values['state-dir'] ?? '.lab';
  let uploads;
  try {
    uploads = await uploadToCucmTrust(stateDir, parsed.positionals);
  } catch (error) {
    if (error instanceof CucmTrustInputError) throw new UsageError(error.message);
    throw error;
  }
  for (const u of uploads) {
    console.log(`${u.added ? 'uploaded' : 'already trusted'}: ${u.commonName} (SHA1 ${u.sha1}) from ${u.file}`);
  }
  console.log(`CUCM's CallManager-trust in ${stateDir} now trusts these; the next look at the trunk (certagent rollout) uses them.`);
  return EXIT_OK;
}
