import { EXIT_DEVICE_FAILED, EXIT_OK, UsageError } from '../command.js';
import type { Command } from '../command.js';
import { diagnose } from '../../certs/diagnose.js';
import { ProbeError, parseProbeTarget, probe } from '../../certs/probe.js';
import type { ProbeResult } from '../../certs/probe.js';
import { certificateDetails, certificateJson, chainTable, diagnosisLines, hostLine, planJson, planLines, verdictJson } from '../../certs/summary.js';
import { planTrustpoints } from '../../certs/trustpoints.js';
import { parseOptions, trustStore } from './inspect.js';
import { errorMessage } from '../../shared/error-message.js';
import { SUMMARIES } from './summaries.js';

export const probeCommand: Command = {
  name: 'probe',
  summary: SUMMARIES.probe,
  usage:
    'certagent probe URL [--trust FILE]... [--servername NAME] [--timeout MS] [--pin-leaf] [--json]   (URL: smtp://host[:port], host:587, smtps://host, host:443)',
  async run(argv) {
    const { values, positionals } = parseOptions(argv, {
      json: { type: 'boolean' },
      trust: { type: 'string', multiple: true },
      servername: { type: 'string' },
      timeout: { type: 'string' },
      'pin-leaf': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      console.log(`usage: ${this.usage}`);
      return EXIT_OK;
    }
    const [url, ...extra] = positionals;
    if (url === undefined) throw new UsageError('no URL given');
    if (extra.length > 0) throw new UsageError(`one URL only (also got ${extra.join(' ')})`);
    const timeoutMs = values.timeout === undefined ? 10_000 : Number(values.timeout);
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0)
      throw new UsageError(`--timeout must be a positive number of milliseconds, not '${values.timeout ?? ''}'`);
    let target;
    try {
      target = parseProbeTarget(url);
    } catch (err) {
      throw new UsageError(errorMessage(err));
    }
    const trusted = trustStore(values.trust, true) ?? [];
    let result: ProbeResult;
    try {
      result = await probe(target, { timeoutMs, ...(values.servername ? { servername: values.servername } : {}) });
    } catch (err) {
      if (!(err instanceof ProbeError)) throw err;
      if (values.json) console.log(JSON.stringify({ target, error: { stage: err.stage, message: err.message } }, null, 2));
      else console.error(`certagent probe: ${err.message}`);
      return EXIT_DEVICE_FAILED;
    }
    const verdict = diagnose({ sent: result.chain, address: values.servername ?? target.host, trusted });
    const plan = planTrustpoints(verdict.chain, { pinLeaf: values['pin-leaf'] === true });
    const trustName = values.trust && values.trust.length > 0 ? values.trust.join(', ') : 'the public root store';
    if (values.json) {
      console.log(
        JSON.stringify(
          {
            target,
            protocol: result.protocol,
            cipher: result.cipher,
            chainSource: result.chainSource,
            sent: result.chain.map(certificateJson),
            trustedBy: trustName,
            ...verdictJson(verdict),
            trustpoints: planJson(plan),
          },
          null,
          2,
        ),
      );
    } else {
      const mode = target.mode === 'starttls-smtp' ? 'SMTP STARTTLS' : 'implicit TLS';
      const lines = [
        `${target.host}:${target.port} (${mode}, ${result.protocol}, ${result.cipher}): the server sent ${result.chain.length} certificate${result.chain.length === 1 ? '' : 's'}${result.chainSource === 'peer-chain' ? ' (TLS 1.3: order as rebuilt by Node, strays not shown)' : ''}.`,
        `Judged against ${trustName}.`,
        '',
        ...chainTable(verdict.chain),
        '',
        ...verdict.chain.members.flatMap((m, i) => [
          ...certificateDetails(m.cert, `depth ${i}: ${m.role}${m.fromTrustStore ? ' (from the trust store, not sent)' : ''}`),
          '',
        ]),
        `Host: ${hostLine(verdict.host)}`,
        '',
        'Diagnoses:',
        ...diagnosisLines(verdict.diagnoses, `none: a device trusting ${trustName} accepts this server.`),
        '',
        'Trustpoints for the router:',
        ...planLines(plan),
      ];
      console.log(lines.join('\n'));
    }
    return verdict.ok ? EXIT_OK : EXIT_DEVICE_FAILED;
  },
};
