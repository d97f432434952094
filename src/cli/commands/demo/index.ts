/**
 * `certagent demo`: the quick start's first command, and a guided tour of each workflow certagent exists for.
 * Each tour starts the built-in lab with what it needs, says in a few lines what it does and why, runs the real
 * commands against it (their output is their own), checks each did what the tour says, and ends with what to look
 * at. `--tour all` runs them one after the other, each on its own lab.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EXIT_DEVICE_FAILED, EXIT_OK, UsageError } from '../../command.js';
import type { Command } from '../../command.js';
import { cubeTour } from './cube.js';
import { diagnoseTour } from './diagnose.js';
import { secureEmailTour } from './secure-email.js';
import { heading, say, TOUR_NAMES, type Tour, type TourName } from './tour.js';
import { errorMessage } from '../../../shared/error-message.js';
import { SUMMARIES } from '../summaries.js';

const TOURS: Readonly<Record<TourName, Tour>> = { 'secure-email': secureEmailTour, cube: cubeTour, diagnose: diagnoseTour };

const USAGE = `certagent demo [--tour ${TOUR_NAMES.join('|')}|all] [--devices N] [--state-dir D]
  --tour T        ${TOUR_NAMES.map((t) => `${t.padEnd(13)} ${TOURS[t].title}`).join('\n                  ')}
                  ${'all'.padEnd(13)} the three, one after the other (default: secure-email)
  --devices N     routers of the secure-email tour (default 3)
  --state-dir D   keep the labs and files here (default: a temporary folder, removed at the end)`;

export interface DemoOptions {
  readonly tours: readonly TourName[];
  readonly devices: number;
  readonly stateDir?: string;
}

export function parseDemoArgs(argv: readonly string[]): DemoOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: { tour: { type: 'string' }, devices: { type: 'string' }, 'state-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    throw new UsageError(errorMessage(error));
  }
  if (values.help) return 'help';
  const devices = values.devices === undefined ? 3 : Number(values.devices);
  if (!Number.isInteger(devices) || devices < 1 || devices > 1000) {
    throw new UsageError(`--devices must be a whole number 1..1000, not "${values.devices ?? ''}"`);
  }
  const tour = values.tour ?? 'secure-email';
  const tours = tour === 'all' ? [...TOUR_NAMES] : TOUR_NAMES.filter((t) => t === tour);
  if (tours.length === 0) throw new UsageError(`--tour must be ${TOUR_NAMES.join(', ')} or all, not "${tour}"`);
  return { tours, devices, ...(values['state-dir'] !== undefined && { stateDir: values['state-dir'] }) };
}

async function runDemo(options: DemoOptions): Promise<number> {
  const stateDir = options.stateDir ?? (await mkdtemp(join(tmpdir(), 'certagent-demo-')));
  const problems: string[] = [];
  try {
    for (const name of options.tours) {
      const found = await TOURS[name].run({ dir: options.tours.length === 1 ? stateDir : join(stateDir, name), devices: options.devices });
      problems.push(...found.map((p) => (options.tours.length === 1 ? p : `${name}: ${p}`)));
    }
  } finally {
    if (options.stateDir === undefined) await rm(stateDir, { recursive: true, force: true });
  }
  if (options.stateDir === undefined) say(`\n  (The files were in a temporary folder, now removed: certagent demo --state-dir D keeps them.)`);
  heading(problems.length === 0 ? 'demo: every step worked' : `demo: ${problems.join('; ')}`);
  return problems.length === 0 ? EXIT_OK : EXIT_DEVICE_FAILED;
}

export const demoCommand: Command = {
  name: 'demo',
  summary: SUMMARIES.demo,
  usage: USAGE,
  async run(argv) {
    const options = parseDemoArgs(argv);
    if (options === 'help') {
      process.stdout.write(`usage: ${USAGE}\n`);
      return EXIT_OK;
    }
    return runDemo(options);
  },
};
