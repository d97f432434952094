/**
 * The IOS command grammar: `CommandSpec.syntax` compiled once, and a matcher that walks a typed line
 * through all commands of a mode at the same time, the way IOS's parser chain does. Abbreviations
 * resolve by unique prefix across every command available in the mode, so `conf t` works and `e` in a
 * trustpoint is ambiguous, as on a device.
 */

export type GrammarNode =
  | { readonly kind: 'keyword'; readonly word: string }
  | { readonly kind: 'param'; readonly name: string }
  | { readonly kind: 'rest'; readonly name: string }
  | { readonly kind: 'optional'; readonly body: readonly GrammarNode[] }
  | { readonly kind: 'choice'; readonly alternatives: readonly (readonly GrammarNode[])[] };

const compiled = new Map<string, readonly GrammarNode[]>();

/** Compiles a syntax string (cached: the same text is shared by every router). */
export function compileSyntax(syntax: string): readonly GrammarNode[] {
  let nodes = compiled.get(syntax);
  if (!nodes) {
    nodes = new SyntaxReader(syntax).readAll();
    compiled.set(syntax, nodes);
  }
  return nodes;
}

class SyntaxReader {
  private readonly tokens: string[];
  private position = 0;

  constructor(private readonly syntax: string) {
    this.tokens = syntax.match(/<[^>]+>|[[\]{}|]|[^\s[\]{}|<>]+/g) ?? [];
  }

  readAll(): readonly GrammarNode[] {
    const nodes = this.readSequence();
    if (this.position < this.tokens.length) this.fail(`unexpected '${this.tokens[this.position] ?? ''}'`);
    if (nodes.length === 0) this.fail('empty syntax');
    return nodes;
  }

  private readSequence(): GrammarNode[] {
    const nodes: GrammarNode[] = [];
    for (;;) {
      const token = this.tokens[this.position];
      if (token === undefined || token === ']' || token === '}' || token === '|') return nodes;
      this.position++;
      if (token === '[') {
        nodes.push({ kind: 'optional', body: this.readSequence() });
        this.expect(']');
      } else if (token === '{') {
        const alternatives = [this.readSequence()];
        while (this.tokens[this.position] === '|') {
          this.position++;
          alternatives.push(this.readSequence());
        }
        this.expect('}');
        nodes.push({ kind: 'choice', alternatives });
      } else if (token.startsWith('<')) {
        const inner = token.slice(1, -1);
        nodes.push(inner.endsWith('...') ? { kind: 'rest', name: inner.slice(0, -3) } : { kind: 'param', name: inner });
      } else {
        nodes.push({ kind: 'keyword', word: token.toLowerCase() });
      }
    }
  }

  private expect(token: string): void {
    if (this.tokens[this.position] !== token) this.fail(`expected '${token}'`);
    this.position++;
  }

  private fail(what: string): never {
    throw new Error(`Bad command syntax "${this.syntax}": ${what}`);
  }
}

/** One word of a typed line, with where it starts (for the caret). Double-quoted text stays one word. */
export interface Word {
  readonly text: string;
  readonly start: number;
}

export function splitWords(line: string): Word[] {
  const words: Word[] = [];
  const pattern = /(?:"[^"]*"?|[^\s"])+/g;
  for (let m = pattern.exec(line); m; m = pattern.exec(line)) words.push({ text: m[0], start: m.index });
  return words;
}

export type MatchResult<T> =
  | { readonly kind: 'ok'; readonly command: T; readonly params: Record<string, string> }
  | { readonly kind: 'invalid'; readonly offset: number; readonly progress: number }
  | { readonly kind: 'incomplete'; readonly progress: number }
  | { readonly kind: 'ambiguous'; readonly progress: number }
  | { readonly kind: 'empty' };

interface Continuation {
  readonly node: GrammarNode;
  readonly next: Continuation | null;
}

interface Path<T> {
  readonly command: T;
  readonly rest: Continuation | null;
  readonly params: Record<string, string>;
}

function prepend(nodes: readonly GrammarNode[], next: Continuation | null): Continuation | null {
  let result = next;
  for (let i = nodes.length - 1; i >= 0; i--) result = { node: nodes[i] as GrammarNode, next: result };
  return result;
}

/** Unfolds optional parts and choices so that every path starts with a word-consuming node (or ends). */
function expand<T>(path: Path<T>, out: Path<T>[]): void {
  const head = path.rest?.node;
  if (head?.kind === 'optional') {
    expand({ ...path, rest: path.rest?.next ?? null }, out);
    expand({ ...path, rest: prepend(head.body, path.rest?.next ?? null) }, out);
  } else if (head?.kind === 'choice') {
    for (const alternative of head.alternatives) expand({ ...path, rest: prepend(alternative, path.rest?.next ?? null) }, out);
  } else {
    out.push(path);
  }
}

function commonPrefixLength(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/**
 * Matches `line` (from `from` on) against the commands. Keywords win over parameters at the same
 * position, an exact keyword wins over prefixes, and `<x...>` takes the rest of the line verbatim.
 */
export function matchLine<T>(line: string, commands: readonly { readonly syntax: string; readonly value: T }[], from = 0): MatchResult<T> {
  const words = splitWords(line.slice(from)).map((w) => ({ text: w.text, start: w.start + from }));
  if (words.length === 0) return { kind: 'empty' };
  let paths: Path<T>[] = [];
  for (const c of commands) expand({ command: c.value, rest: prepend(compileSyntax(c.syntax), null), params: {} }, paths);

  for (let index = 0; index < words.length; index++) {
    const word = words[index] as Word;
    const typed = word.text.toLowerCase();
    const keywordPaths = paths.filter((p) => p.rest?.node.kind === 'keyword' && p.rest.node.word.startsWith(typed));
    const exact = keywordPaths.filter((p) => p.rest?.node.kind === 'keyword' && p.rest.node.word === typed);
    const distinct = new Set(keywordPaths.map((p) => (p.rest?.node.kind === 'keyword' ? p.rest.node.word : '')));
    const next: Path<T>[] = [];
    if (exact.length > 0 || distinct.size === 1) {
      for (const p of exact.length > 0 ? exact : keywordPaths) {
        const node = p.rest?.node;
        if (node?.kind !== 'keyword') continue;
        expand({ ...p, rest: p.rest?.next ?? null, params: { ...p.params, [node.word]: '' } }, next);
      }
    } else if (distinct.size > 1) {
      return { kind: 'ambiguous', progress: index };
    } else {
      for (const p of paths) {
        const node = p.rest?.node;
        if (node?.kind === 'param') {
          expand({ ...p, rest: p.rest?.next ?? null, params: { ...p.params, [node.name]: word.text } }, next);
        } else if (node?.kind === 'rest') {
          const params = { ...p.params, [node.name]: line.slice(word.start).trimEnd() };
          const finished: Path<T>[] = [];
          expand({ ...p, rest: p.rest?.next ?? null, params }, finished);
          const done = finished.find((f) => f.rest === null);
          if (done) return { kind: 'ok', command: done.command, params: done.params };
        }
      }
      if (next.length === 0) {
        let matched = 0;
        for (const p of paths) {
          if (p.rest?.node.kind === 'keyword') matched = Math.max(matched, commonPrefixLength(typed, p.rest.node.word));
        }
        return { kind: 'invalid', offset: word.start + matched, progress: index };
      }
    }
    paths = next;
  }
  const done = paths.find((p) => p.rest === null);
  if (done) return { kind: 'ok', command: done.command, params: done.params };
  return { kind: 'incomplete', progress: words.length };
}
