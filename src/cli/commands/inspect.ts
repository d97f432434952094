import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { EXIT_DEVICE_FAILED, EXIT_OK, UsageError } from '../command.js';
import type { Command } from '../command.js';
import { buildChain } from '../../certs/chain.js';
import { chainDiagnoses, diagnose } from '../../certs/diagnose.js';
import { CertificateInputError } from '../../certs/errors.js';
import { certificateDetails, certificateJson, chainJson, chainTable, diagnosisLines, hostLine, planJson, planLines, verdictJson } from '../../certs/summary.js';
import { planTrustpoints } from '../../certs/trustpoints.js';
import type { CertificateFacts } from '../../certs/types.js';
import { parseCertificates } from '../../certs/x509.js';
import { errorMessage } from '../../shared/error-message.js';
import { SUMMARIES } from './summaries.js';

/** Reads every certificate of a PEM/DER/base64 file; a missing or bad file is a usage error naming it. */
export function loadCertificateFile(path: string): CertificateFacts[] {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  try {
    return parseCertificates(data, path);
  } catch (err) {
    if (err instanceof CertificateInputError) throw new UsageError(err.message);
    throw err;
  }
}

/** `--trust FILE` (repeatable) or, when `publicDefault`, the public roots Node ships (Mozilla's store). */
export function trustStore(files: readonly string[] | undefined, publicDefault: boolean): CertificateFacts[] | undefined {
  if (files && files.length > 0) return files.flatMap((f) => loadCertificateFile(f));
  if (!publicDefault) return undefined;
  return rootCertificates.flatMap((pem, i) => parseCertificates(pem, `Node root store #${i + 1}`));
}

/** Options and positionals of one command; unknown options are usage errors. */
export function parseOptions<const O extends NonNullable<ParseArgsConfig['options']>>(argv: readonly string[], options: O) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(errorMessage(err));
  }
}

export const inspectCommand: Command = {
  name: 'inspect',
  summary: SUMMARIES.inspect,
  usage: 'certagent inspect FILE [--host NAME|IP] [--trust FILE]... [--public-roots] [--pin-leaf] [--json]',
  async run(argv) {
    const { values, positionals } = parseOptions(argv, {
      json: { type: 'boolean' },
      host: { type: 'string' },
      trust: { type: 'string', multiple: true },
      'public-roots': { type: 'boolean' },
      'pin-leaf': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      console.log(`usage: ${this.usage}`);
      return EXIT_OK;
    }
    const [file, ...extra] = positionals;
    if (file === undefined) throw new UsageError('no FILE given');
    if (extra.length > 0) throw new UsageError(`one FILE only (also got ${extra.join(' ')})`);
    const certs = loadCertificateFile(file);
    const trusted = trustStore(values.trust, values['public-roots'] === true);
    const verdict = values.host === undefined ? undefined : diagnose({ sent: certs, address: values.host, ...(trusted ? { trusted } : {}) });
    const chain = verdict?.chain ?? buildChain(certs, trusted ? { trusted } : {});
    const plan = planTrustpoints(chain, { pinLeaf: values['pin-leaf'] === true });
    if (values.json) {
      console.log(
        JSON.stringify(
          { file, certificates: certs.map(certificateJson), ...(verdict ? verdictJson(verdict) : { chain: chainJson(chain) }), trustpoints: planJson(plan) },
          null,
          2,
        ),
      );
    } else {
      const lines = [
        `${file}: ${certs.length} certificate${certs.length === 1 ? '' : 's'}; chain ${chain.complete ? 'ends in a root' : 'does not reach a root'}${trusted ? (chain.anchored ? ', anchored in the trust store' : ', not anchored in the trust store') : ''}.`,
        '',
        ...chainTable(chain),
        '',
        ...chain.members.flatMap((m, i) => [...certificateDetails(m.cert, `depth ${i}: ${m.role}`), '']),
      ];
      if (verdict) lines.push(`Host: ${hostLine(verdict.host)}`, '', 'Diagnoses:', ...diagnosisLines(verdict.diagnoses), '');
      else lines.push('Chain problems:', ...diagnosisLines(chainDiagnoses(chain)), '');
      lines.push('Trustpoints:', ...planLines(plan));
      console.log(lines.join('\n'));
    }
    return verdict && !verdict.ok ? EXIT_DEVICE_FAILED : EXIT_OK;
  },
};
