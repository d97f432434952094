import type { Command } from '../command.js';
import { auditCommand } from './audit.js';
import { demoCommand } from './demo/index.js';
import { fixCommand } from './fix.js';
import { inspectCommand } from './inspect.js';
import { labCommand } from './lab.js';
import { planCommand } from './plan.js';
import { probeCommand } from './probe.js';
import { rolloutCommand } from './rollout.js';
import { rotateCommand } from './rotate.js';
import { validateCommand } from './validate.js';
import { workerCommand } from './worker.js';

/** Every sub-command, in the order `certagent --help` lists them. */
export const commands: readonly Command[] = [
  rolloutCommand(),
  planCommand(),
  rotateCommand(),
  fixCommand(),
  auditCommand(),
  probeCommand,
  inspectCommand,
  labCommand,
  validateCommand(),
  workerCommand(),
  demoCommand,
];
