/**
 * Every sub-command, in the order `certagent --help` lists them: its name and summary, and its module, loaded only
 * when that command runs. A start-up then pays for one command's dependencies (the lab's certificate factory and
 * mail server, Redis clients, SSH) instead of all of them.
 */
import type { Command } from '../command.js';
import { SUMMARIES } from './summaries.js';

export interface CommandEntry {
  readonly name: keyof typeof SUMMARIES;
  readonly summary: string;
  load(): Promise<Command>;
}

function entry(name: keyof typeof SUMMARIES, load: () => Promise<Command>): CommandEntry {
  return { name, summary: SUMMARIES[name], load };
}

export const commands: readonly CommandEntry[] = [
  entry('rollout', async () => (await import('./rollout.js')).rolloutCommand()),
  entry('plan', async () => (await import('./plan.js')).planCommand()),
  entry('rotate', async () => (await import('./rotate.js')).rotateCommand()),
  entry('fix', async () => (await import('./fix.js')).fixCommand()),
  entry('audit', async () => (await import('./audit.js')).auditCommand()),
  entry('probe', async () => (await import('./probe.js')).probeCommand),
  entry('inspect', async () => (await import('./inspect.js')).inspectCommand),
  entry('lab', async () => (await import('./lab.js')).labCommand),
  entry('validate', async () => (await import('./validate.js')).validateCommand()),
  entry('worker', async () => (await import('./worker.js')).workerCommand()),
  entry('demo', async () => (await import('./demo/index.js')).demoCommand),
];
