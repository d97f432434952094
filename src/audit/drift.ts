/**
 * Drift against the playbook: what a rollout would change on the device, read from the planner itself so audit and
 * rollout can never disagree, plus chain members the playbook no longer has (the planner leaves those in place and
 * notes them). Pure.
 */
import type { DesiredState, DeviceFacts, PlannedChange } from '../workflow/index.js';
import { planDevice } from '../workflow/index.js';

function describe(change: PlannedChange): string {
  const { object, action, detail } = change.record;
  const shown = detail === undefined ? '' : ` (${detail})`;
  switch (change.kind) {
    case 'create':
      return `${object} missing${shown}`;
    case 'replace':
      return `${object} holds a different CA certificate${shown}`;
    case 'authenticate':
      return `${object} has no CA certificate${shown}`;
    case 'options':
      return `${object} options differ${shown}`;
    default:
      return `${object} ${action === 'created' ? 'missing' : 'differs'}${shown}`;
  }
}

export function driftLines(facts: DeviceFacts, desired: DesiredState): string[] {
  const plan = planDevice(facts, desired);
  const lines = plan.changes.map(describe);
  for (const note of plan.notes) {
    const extra = /^trustpoint (\S+) is no longer part of the chain/.exec(note);
    if (extra) lines.push(`trustpoint ${extra[1] ?? ''} extra (not in the playbook's chain any more)`);
  }
  return lines;
}
