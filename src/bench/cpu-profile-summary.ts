/**
 * Summarises a V8 CPU profile (`node --cpu-prof`, a .cpuprofile file) by function and by module: self time (samples
 * whose top frame is the function) and total time (samples with the function anywhere on the stack, counted once
 * per sample), so "where the agent's time goes" is read from the profile rather than guessed. Samples under Node's
 * module loader are counted apart. The samples are wall-clock intervals of the main thread only: on a loaded machine
 * they overstate, and GC helper threads and the kernel's share do not show; GNU time's CPU is the measure.
 *
 *   node dist/bench/cpu-profile-summary.js FILE.cpuprofile [--top N]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}
export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface Row {
  readonly name: string;
  readonly selfMs: number;
  readonly totalMs: number;
}

export interface Summary {
  /** Busy samples, module loading left out. */
  readonly sampledMs: number;
  /** Samples with module loading on the stack: a per-run cost whose run-to-run noise would swamp a difference. */
  readonly loadingMs: number;
  readonly functions: readonly Row[];
  readonly modules: readonly Row[];
}

/** A module's short name: the package for node_modules, the path under dist/ for certagent, node:... for built-ins. */
export function moduleOf(url: string): string {
  if (url === '') return '(native/vm)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1] ?? url;
  const own = /\/dist\/(.+)$/.exec(url);
  if (own) return own[1] ?? url;
  if (url.startsWith('node:')) return url;
  return url.replace(/^file:\/\//, '');
}

/** Node's module loader (resolution, compilation, CommonJS export parsing) on the stack. */
const LOADING = /^node:internal\/modules\/|^node:internal\/deps\/cjs-module-lexer\//;

function functionKey(frame: CallFrame): string {
  const name = frame.functionName === '' ? '(anonymous)' : frame.functionName;
  if (frame.url === '') return name;
  return `${name} ${moduleOf(frame.url)}:${frame.lineNumber + 1}`;
}

export function summarise(profile: CpuProfile): Summary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const fnSelf = new Map<string, number>();
  const fnTotal = new Map<string, number>();
  const modSelf = new Map<string, number>();
  const modTotal = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, v: number): void => void m.set(k, (m.get(k) ?? 0) + v);
  let sampled = 0;
  let loading = 0;
  const stackOf = (top: ProfileNode): ProfileNode[] => {
    const stack: ProfileNode[] = [];
    for (let node: ProfileNode | undefined = top; node !== undefined; node = byId.get(parent.get(node.id) ?? -1)) stack.push(node);
    return stack;
  };
  profile.samples.forEach((id, i) => {
    // timeDeltas[i] is the time before sample i; the sample stands for the interval that follows it.
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const top = byId.get(id);
    if (top === undefined || top.callFrame.functionName === '(idle)') return;
    const stack = stackOf(top);
    if (stack.some((n) => LOADING.test(n.callFrame.url))) {
      loading += ms;
      return;
    }
    sampled += ms;
    add(fnSelf, functionKey(top.callFrame), ms);
    add(modSelf, moduleOf(top.callFrame.url), ms);
    const seenFn = new Set<string>();
    const seenMod = new Set<string>();
    for (const node of stack) {
      const f = functionKey(node.callFrame);
      const m = moduleOf(node.callFrame.url);
      if (!seenFn.has(f)) {
        seenFn.add(f);
        add(fnTotal, f, ms);
      }
      if (!seenMod.has(m)) {
        seenMod.add(m);
        add(modTotal, m, ms);
      }
    }
  });
  const rows = (self: Map<string, number>, total: Map<string, number>): Row[] =>
    [...total.keys()].map((name) => ({ name, selfMs: self.get(name) ?? 0, totalMs: total.get(name) ?? 0 }));
  return { sampledMs: sampled, loadingMs: loading, functions: rows(fnSelf, fnTotal), modules: rows(modSelf, modTotal) };
}

/** What `more` spent beyond `base`, row by row (the N-device run minus the one-device run: the per-device cost). */
export function difference(more: Summary, base: Summary): Summary {
  const minus = (a: readonly Row[], b: readonly Row[]): Row[] => {
    const old = new Map(b.map((r) => [r.name, r]));
    return a.map((r) => ({ name: r.name, selfMs: r.selfMs - (old.get(r.name)?.selfMs ?? 0), totalMs: r.totalMs - (old.get(r.name)?.totalMs ?? 0) }));
  };
  return {
    sampledMs: more.sampledMs - base.sampledMs,
    loadingMs: more.loadingMs - base.loadingMs,
    functions: minus(more.functions, base.functions),
    modules: minus(more.modules, base.modules),
  };
}

function table(title: string, rows: readonly Row[], key: 'selfMs' | 'totalMs', top: number): string {
  const sorted = [...rows].sort((a, b) => b[key] - a[key]).slice(0, top);
  return [`${title}`, ...sorted.map((r) => `${r.selfMs.toFixed(0).padStart(7)} ${r.totalMs.toFixed(0).padStart(7)}  ${r.name}`)].join('\n');
}

export function formatSummary(summary: Summary, top: number): string {
  return [
    `busy (non-idle) samples: ${summary.sampledMs.toFixed(0)} ms, module loading apart: ${summary.loadingMs.toFixed(0)} ms`,
    table('modules by self time (self ms, total ms)', summary.modules, 'selfMs', top),
    table('functions by self time (self ms, total ms)', summary.functions, 'selfMs', top),
    table('functions by total time (self ms, total ms)', summary.functions, 'totalMs', top),
  ].join('\n\n');
}

function main(): void {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '30' }, minus: { type: 'string' } } });
  const file = positionals[0];
  if (file === undefined) {
    process.stderr.write('usage: cpu-profile-summary FILE.cpuprofile [--minus BASE.cpuprofile] [--top N]\n');
    process.exitCode = 2;
    return;
  }
  const load = (path: string): Summary => summarise(JSON.parse(readFileSync(path, 'utf8')) as CpuProfile);
  const summary = values.minus === undefined ? load(file) : difference(load(file), load(values.minus));
  process.stdout.write(formatSummary(summary, Number(values.top)) + '\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
