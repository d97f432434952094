/** Byte sizes as flags take them: `16MiB`, `512KiB`, `2GiB`, `1048576` (bytes); the KB/MB/GB spellings mean the same powers of two. */
import { UsageError } from './command.js';

const UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};

export function parseSize(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d{1,10})\s*([A-Za-z]{0,3})$/.exec(text.trim());
  const unit = m ? UNITS[(m[2] ?? '').toLowerCase()] : undefined;
  const bytes = m && unit !== undefined ? Number(m[1]) * unit : NaN;
  if (!Number.isSafeInteger(bytes) || bytes < 1024 || bytes > 64 * 1024 ** 3)
    throw new UsageError(`${flag} must be a size from 1KiB to 64GiB like 16MiB or 512KiB, not '${text}'`);
  return bytes;
}
