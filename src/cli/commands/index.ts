import type { Command } from '../command.js';
import { inspectCommand } from './inspect.js';
import { labCommand } from './lab.js';
import { probeCommand } from './probe.js';
import { validateCommand } from './validate.js';

/** Every sub-command, in the order `certagent --help` lists them. */
export const commands: readonly Command[] = [probeCommand, inspectCommand, labCommand, validateCommand()];
