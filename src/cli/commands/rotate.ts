/** `certagent rotate`: re-reads the playbook's certificate sources (probes again) and replaces on each device exactly
 * the certificates that expired, expire soon or differ from the current chain. Safe to run unattended. */
import { UsageError } from '../command.js';
import type { Command } from '../command.js';
import { workflowCommand } from './rollout.js';
import type { WorkflowCommandDeps } from './rollout.js';
import { SUMMARIES } from './summaries.js';

export function rotateCommand(deps: WorkflowCommandDeps = {}): Command {
  return workflowCommand(
    'rotate',
    SUMMARIES.rotate,
    'certagent rotate -i INVENTORY -p PLAYBOOK [--renew-before 30d] [--limit NAMES] [--concurrency N] [--dry-run] [--json FILE]',
    { 'renew-before': { type: 'string' }, 'dry-run': { type: 'boolean' } },
    0,
    (values) => {
      if (values['renew-before'] === '') throw new UsageError('--renew-before needs a duration like 30d');
      return { command: 'rotate', values, dryRun: values['dry-run'] === true };
    },
    deps,
  );
}
