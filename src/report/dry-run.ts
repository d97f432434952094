/**
 * The dry-run (`plan`) rendering: for each device the exact commands it would be sent, in order, with the
 * changes they make and the findings that led to them (`fix --dry-run`). Devices whose plans are identical are
 * shown once as a group, so a fleet of 500
 * routers needing the same trustpoint reads as one block, not 500. Secrets are already masked by the
 * workflow (and masked again by the reporter wrapper); this module never sees a real value.
 */
import type { ChangeRecord, DeviceOutcome, RunReporter, RunSummary } from './events.js';
import { oneLine, plural } from './format.js';
import { OutcomeCollector, isProblem, renderFindings, renderProblems, renderSummaryLine } from './final-report.js';
import { useColor } from './sink.js';
import type { TextSink } from './sink.js';

/** Devices that would receive the same commands for the same changes, on the same findings. */
export interface PlanGroup {
  readonly devices: string[];
  readonly changes: readonly ChangeRecord[];
  readonly commands: readonly string[];
  readonly diagnoses: readonly string[];
}

/** How many device names a group header lists before saying "and N more". */
const NAMES_SHOWN = 8;

function groupKey(o: DeviceOutcome): string {
  return JSON.stringify([o.changes, o.commands ?? [], o.diagnoses ?? []]);
}

/** Groups planned devices by identical plan, in the order devices first appear. Problems are not plans. */
export function groupPlans(outcomes: Iterable<DeviceOutcome>): PlanGroup[] {
  const groups = new Map<string, PlanGroup>();
  for (const o of outcomes) if (!isProblem(o)) addToGroup(groups, o);
  return [...groups.values()];
}

function addToGroup(groups: Map<string, PlanGroup>, o: DeviceOutcome): void {
  const key = groupKey(o);
  const group = groups.get(key);
  if (group) group.devices.push(o.device);
  else groups.set(key, { devices: [o.device], changes: o.changes, commands: o.commands ?? [], diagnoses: o.diagnoses ?? [] });
}

function namesOf(devices: readonly string[]): string {
  const shown = devices.slice(0, NAMES_SHOWN).join(', ');
  return devices.length > NAMES_SHOWN ? `${shown} and ${devices.length - NAMES_SHOWN} more` : shown;
}

export function renderPlanGroup(group: PlanGroup): string {
  const who = group.devices.length === 1 ? (group.devices[0] ?? '') : `${namesOf(group.devices)} (${plural(group.devices.length, 'device')})`;
  const changes = group.changes.filter((c) => c.action !== 'unchanged');
  const findings = group.diagnoses.map((d) => `    - ${oneLine(d)}`);
  if (changes.length === 0 && group.commands.length === 0) {
    return findings.length === 0 ? `${who}: nothing to do` : [`${who}: nothing to do`, '  findings:', ...findings].join('\n');
  }
  const lines = [`${who}: ${plural(changes.length, 'change')}, ${plural(group.commands.length, 'command')}`];
  if (findings.length > 0) lines.push('  findings:', ...findings);
  for (const c of changes) lines.push(`  ${c.object}: ${c.action}${c.detail === undefined ? '' : ` (${oneLine(c.detail)})`}`);
  if (group.commands.length > 0) {
    lines.push('  would send:');
    // Commands keep their own indentation: IOS submode lines are indented under their parent.
    for (const cmd of group.commands) lines.push(`    ${cmd}`);
  }
  return lines.join('\n');
}

export function renderDryRun(groups: readonly PlanGroup[]): string {
  return groups.map(renderPlanGroup).join('\n\n');
}

export interface DryRunOptions {
  readonly out: TextSink;
  readonly color?: boolean;
  /** Cap on problems listed in detail. Default 200. */
  readonly maxRows?: number;
}

/**
 * Prints the grouped plans, then the devices that could not be planned, then the summary line. Memory is
 * one group per distinct plan plus device names, not one copy of the commands per device.
 */
export class DryRunReporter implements RunReporter {
  readonly #out: TextSink;
  readonly #color: boolean;
  readonly #maxRows: number;
  #groups = new Map<string, PlanGroup>();
  #problems: OutcomeCollector;

  constructor(options: DryRunOptions) {
    this.#out = options.out;
    this.#color = options.color ?? useColor(options.out);
    this.#maxRows = options.maxRows ?? 200;
    this.#problems = new OutcomeCollector(this.#maxRows);
  }

  runStarted(_command: RunSummary['command'], _devices: readonly string[]): void {
    this.#groups = new Map();
    this.#problems = new OutcomeCollector(this.#maxRows);
  }

  deviceStarted(_device: string): void {}

  deviceStep(_device: string, _step: string): void {}

  deviceFinished(outcome: DeviceOutcome): void {
    if (isProblem(outcome)) this.#problems.add(outcome);
    else addToGroup(this.#groups, outcome);
  }

  runFinished(summary: RunSummary): void {
    const problems = renderProblems(this.#problems.problems, { color: this.#color, more: this.#problems.moreProblems });
    const parts = [renderDryRun([...this.#groups.values()]), problems, renderFindings(this.#problems.problems), renderSummaryLine(summary)];
    this.#out.write(`${parts.filter((p) => p !== '').join('\n\n')}\n`);
  }
}
