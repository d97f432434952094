/**
 * Command output shaping, without I/O: the `|` filters (include, exclude, section, begin, count) applied
 * line by line as output is produced, and the pager's texts.
 */
import { matchLine } from './grammar.js';

/** ` --More-- `, then what IOS sends after a key press to wipe it (backspaces, blanks, backspaces). */
export const MORE_PROMPT = ' --More-- ';
export const MORE_ERASE = '\b'.repeat(10) + ' '.repeat(10) + '\b'.repeat(10);

export type FilterKind = 'include' | 'exclude' | 'section' | 'begin' | 'count';

const FILTER_SYNTAX: readonly { readonly syntax: string; readonly value: FilterKind }[] = [
  { syntax: 'include <regex...>', value: 'include' },
  { syntax: 'exclude <regex...>', value: 'exclude' },
  { syntax: 'section <regex...>', value: 'section' },
  { syntax: 'begin <regex...>', value: 'begin' },
  { syntax: 'count <regex...>', value: 'count' },
];

export type FilterParse =
  | { readonly kind: 'ok'; readonly filter: LineFilter }
  | { readonly kind: 'invalid'; readonly offset: number }
  | { readonly kind: 'incomplete' }
  | { readonly kind: 'ambiguous' };

/** Parses what follows the `|` (from `from` in `line`), e.g. `i hostname` or `sec crypto pki`. */
export function parseFilter(line: string, from: number): FilterParse {
  const result = matchLine(line, FILTER_SYNTAX, from);
  switch (result.kind) {
    case 'ok': {
      const source = result.params['regex'] ?? '';
      let regex: RegExp;
      try {
        regex = new RegExp(source);
      } catch {
        return { kind: 'invalid', offset: line.length - source.length };
      }
      return { kind: 'ok', filter: new LineFilter(result.command, regex) };
    }
    case 'invalid':
      return { kind: 'invalid', offset: result.offset };
    case 'ambiguous':
      return { kind: 'ambiguous' };
    default:
      return { kind: 'incomplete' };
  }
}

/** One filter's state across the lines of one command's output. */
export class LineFilter {
  private sectionIndent = -1;
  private begun = false;
  private counted = 0;

  constructor(
    readonly kind: FilterKind,
    private readonly regex: RegExp,
  ) {}

  /** The lines to show for one output line (none, or the line). */
  accept(line: string): boolean {
    const matches = this.regex.test(line);
    switch (this.kind) {
      case 'include':
        return matches;
      case 'exclude':
        return !matches;
      case 'begin':
        this.begun ||= matches;
        return this.begun;
      case 'count':
        if (matches) this.counted++;
        return false;
      case 'section': {
        const indent = line.length - line.trimStart().length;
        if (this.sectionIndent >= 0 && indent > this.sectionIndent) return true;
        this.sectionIndent = matches ? indent : -1;
        return matches;
      }
    }
  }

  /** What the filter prints after the output ends (`count`'s total). */
  trailer(): string[] {
    return this.kind === 'count' ? [`Number of lines which match regexp = ${this.counted}`] : [];
  }
}
