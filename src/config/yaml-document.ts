/** Parses YAML text and reports syntax problems and positions; no file access here. */
import { LineCounter, isNode, parseDocument, type ScalarTag } from 'yaml';
import type { ConfigIssue, PathSegment } from './issues.js';
import { AnsibleVaultValue } from './inventory-ansible.js';
import { MAX_YAML_ALIASES } from './limits.js';
import { errorMessage } from '../shared/error-message.js';

/** Ansible writes encrypted values as `!vault |`; they become markers that the Ansible reader refuses clearly. */
const vaultTag: ScalarTag = {
  tag: '!vault',
  resolve: () => new AnsibleVaultValue(),
};

export interface ParsedYaml {
  readonly value: unknown;
  /** 1-based line of the node at `path`, or of its nearest existing parent. */
  lineOf(path: readonly PathSegment[]): number | undefined;
  readonly issues: ConfigIssue[];
}

/** YAML 1.2 by default; '1.1' reads as Ansible (PyYAML) does, where `yes`/`no`/`on`/`off` are booleans. */
export function parseYaml(text: string, file: string, version: '1.1' | '1.2' = '1.2'): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, customTags: [vaultTag], prettyErrors: false, uniqueKeys: true, version });
  const issues: ConfigIssue[] = [];
  for (const err of doc.errors) {
    const line = lineCounter.linePos(err.pos[0]).line;
    issues.push({
      file,
      path: [],
      message: `YAML syntax: ${err.message.split('\n')[0] ?? err.code}`,
      ...(line !== undefined && { line }),
      severity: 'error',
    });
  }
  const lineOf = (path: readonly PathSegment[]): number | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  let value: unknown;
  if (issues.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
    } catch (err) {
      // The yaml library stops alias expansion past the limit ("billion laughs") with a ReferenceError.
      issues.push({
        file,
        path: [],
        message: `YAML: ${errorMessage(err).split('\n')[0] ?? 'cannot be read'} (certagent allows ${MAX_YAML_ALIASES} aliases per file)`,
        severity: 'error',
      });
    }
  }
  return { value, lineOf, issues };
}

export function withLines(issues: readonly ConfigIssue[], parsed: ParsedYaml, file: string): ConfigIssue[] {
  return issues.map((i) => {
    if (i.line !== undefined || i.file !== file) return i;
    const line = parsed.lineOf(i.path);
    return line === undefined ? i : { ...i, line };
  });
}
