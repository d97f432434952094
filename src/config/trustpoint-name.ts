/** Trustpoint names as IOS accepts them on `crypto pki trustpoint NAME`: one CLI word. We hold names to a
 * conservative set (letters, digits, `.`, `_`, `-`, at most 64 characters, starting with a letter or digit) so a
 * name can never be read as a keyword separator, help request (`?`) or comment, and survives `show` output
 * column layouts. */
export const TRUSTPOINT_NAME_MAX = 64;
const VALID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Why the name is unusable, or undefined when it is fine. */
export function trustpointNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'is empty';
  if (name.length > TRUSTPOINT_NAME_MAX) return `is ${name.length} characters long; IOS trustpoint names are kept to ${TRUSTPOINT_NAME_MAX}`;
  if (/\s/.test(name)) return 'contains white space: IOS takes one word as the trustpoint name';
  if (name.includes('?')) return 'contains ?, which the IOS CLI reads as a help request';
  if (!VALID.test(name)) return 'must start with a letter or digit and use only letters, digits, . _ -';
  return undefined;
}

/** A trustpoint name from a certificate's common name: `GTS Root R1` with prefix `CA-` gives `CA-GTS-Root-R1`. */
export function trustpointNameFromCommonName(prefix: string, commonName: string): string {
  const word = commonName
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-._]+|[-._]+$/g, '');
  return `${prefix}${word}`.slice(0, TRUSTPOINT_NAME_MAX).replace(/[-._]+$/, '');
}
