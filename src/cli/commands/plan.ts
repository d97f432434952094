/** `certagent plan`: `rollout --dry-run`. Prints per device the exact commands a rollout would send; sends only the
 * facts-gathering show command. */
import type { Command } from '../command.js';
import { workflowCommand } from './rollout.js';
import type { WorkflowCommandDeps } from './rollout.js';
import { SUMMARIES } from './summaries.js';

export function planCommand(deps: WorkflowCommandDeps = {}): Command {
  return workflowCommand(
    'plan',
    SUMMARIES.plan,
    'certagent plan -i INVENTORY -p PLAYBOOK [--limit NAMES] [--concurrency N] [--json FILE] [--transcripts DIR]',
    {},
    0,
    (values) => ({ command: 'plan', values, dryRun: true }),
    deps,
  );
}
