/** `certagent fix DEVICE`: why the device's mail does not go out, in plain words; the repair (the rollout plan for
 * that device); and the proof (the applet runs and its mail goes out). */
import { UsageError } from '../command.js';
import type { Command } from '../command.js';
import { workflowCommand } from './rollout.js';
import type { WorkflowCommandDeps } from './rollout.js';
import { SUMMARIES } from './summaries.js';

export function fixCommand(deps: WorkflowCommandDeps = {}): Command {
  return workflowCommand(
    'fix',
    SUMMARIES.fix,
    'certagent fix DEVICE -i INVENTORY -p PLAYBOOK [--dry-run] [--json FILE] [--transcripts DIR]',
    { 'dry-run': { type: 'boolean' } },
    1,
    (values, positionals) => {
      const device = positionals[0];
      if (device === undefined) throw new UsageError('name the device to fix: certagent fix DEVICE -i INVENTORY -p PLAYBOOK');
      if (values.limit !== undefined) throw new UsageError('fix takes one DEVICE, not --limit');
      return { command: 'fix', values, dryRun: values['dry-run'] === true, device };
    },
    deps,
  );
}
