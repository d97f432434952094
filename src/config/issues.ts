/** Configuration problems, each tied to a file and a place inside it, so a user can go straight to the line. */

export type PathSegment = string | number;

export interface ConfigIssue {
  readonly file: string;
  /** Where inside the file, as segments: `['devices', 3, 'port']` prints as `devices[3].port`. */
  readonly path: readonly PathSegment[];
  readonly message: string;
  /** 1-based line of the offending value, when the loader could locate it. */
  readonly line?: number;
  readonly severity: 'error' | 'warning';
}

/** Where a value was declared: carried along so that a later failure (an unset variable, say) points at its source. */
export interface Origin {
  readonly file: string;
  readonly path: readonly PathSegment[];
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out === '' ? '(top level)' : out;
}

export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}`;
  const tag = issue.severity === 'warning' ? ' (warning)' : '';
  return `${where}: ${formatPath(issue.path)}${tag}: ${issue.message}`;
}

export function issue(origin: Origin, message: string, severity: 'error' | 'warning' = 'error'): ConfigIssue {
  return { file: origin.file, path: origin.path, message, severity };
}

export function at(origin: Origin, ...more: PathSegment[]): Origin {
  return { file: origin.file, path: [...origin.path, ...more] };
}

/** Every problem found in one or more files, reported together so a user fixes them in one pass. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    const errors = issues.filter((i) => i.severity === 'error');
    const files = [...new Set(errors.map((i) => i.file))].join(', ');
    super(`${errors.length} problem${errors.length === 1 ? '' : 's'} in ${files}:\n` + issues.map((i) => `  ${formatIssue(i)}`).join('\n'));
    this.issues = issues;
  }
}

export function errorsOf(issues: readonly ConfigIssue[]): ConfigIssue[] {
  return issues.filter((i) => i.severity === 'error');
}

/** Throws when any issue is an error; warnings alone pass. */
export function throwIfErrors(issues: readonly ConfigIssue[]): void {
  if (errorsOf(issues).length > 0) throw new ConfigError(issues);
}
