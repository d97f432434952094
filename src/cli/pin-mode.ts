/**
 * `--pin-fingerprints [auto|always|never]`: whether trustpoints get a `fingerprint` line before authenticate.
 * `auto` (default) pins on devices that need it (IOS XE 26.x and later); `always` pins everywhere; `never` pins
 * only what the playbook gives. A bare `--pin-fingerprints` still means `always`, as it did before it took a value.
 */
import { UsageError } from './command.js';
import type { PinPolicy } from '../workflow/index.js';

const MODES = ['auto', 'always', 'never'] as const;

/** Takes the flag out of argv (node's parseArgs cannot have an optional value) and returns the policy. */
export function takePinMode(argv: readonly string[]): { argv: string[]; pin: PinPolicy } {
  const rest: string[] = [];
  let mode = 'auto';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (arg.startsWith('--pin-fingerprints=')) mode = arg.slice('--pin-fingerprints='.length);
    else if (arg === '--pin-fingerprints') {
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('-')) {
        mode = next;
        i++;
      } else mode = 'always';
    } else rest.push(arg);
  }
  if (!(MODES as readonly string[]).includes(mode)) throw new UsageError(`--pin-fingerprints must be auto, always or never, not '${mode}'`);
  return { argv: rest, pin: mode === 'never' ? 'playbook' : (mode as PinPolicy) };
}
