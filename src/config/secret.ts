/** Secrets and references to them. A playbook or inventory never holds a password, only where to find it;
 * once found, the value lives in a `Secret` that prints as a placeholder everywhere (logs, JSON reports,
 * `util.inspect`, template strings, error messages) and gives its value only through `reveal()`. */
import { type Origin, issue, ConfigError } from './issues.js';
import { errorMessage } from '../shared/error-message.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

export class Secret {
  readonly #value: string;
  /** Where the value came from (`env SMTP_PASSWORD`), safe to print. */
  readonly source: string;

  constructor(value: string, source: string) {
    this.#value = value;
    this.source = source;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return `[secret from ${this.source}]`;
  }

  toJSON(): string {
    return this.toString();
  }

  [Symbol.toPrimitive](): string {
    return this.toString();
  }

  [INSPECT](): string {
    return this.toString();
  }
}

export type SecretRef = { readonly kind: 'env'; readonly name: string } | { readonly kind: 'file'; readonly path: string } | { readonly kind: 'prompt' };

/** A reference together with the place that declared it, so a failure names file and path. */
export interface SecretRefAt {
  readonly ref: SecretRef;
  readonly origin: Origin;
  /** Shown when prompting, e.g. `password for netops@R1`. */
  readonly purpose: string;
}

/** Where secret values come from; the loader supplies the real process environment, file system and terminal. */
export interface SecretSources {
  env(name: string): string | undefined;
  /** Returns the file's text; throws with a message (no contents) when it cannot be read. */
  readFile(path: string): string;
  prompt(question: string): Promise<string>;
}

export function describeRef(ref: SecretRef): string {
  switch (ref.kind) {
    case 'env':
      return `env ${ref.name}`;
    case 'file':
      return `file ${ref.path}`;
    case 'prompt':
      return 'prompt';
  }
}

function cacheKey(at: SecretRefAt): string {
  // A prompt is asked once per place it is declared: an `all:`-level password is asked once for the fleet.
  return at.ref.kind === 'prompt' ? `prompt:${at.origin.file}:${at.origin.path.join('.')}` : describeRef(at.ref);
}

/** Resolves references, asking each env variable, file and prompt once, and collecting every failure. */
export class SecretResolver {
  readonly #sources: SecretSources;
  readonly #cache = new Map<string, Secret>();

  constructor(sources: SecretSources) {
    this.#sources = sources;
  }

  async resolve(at: SecretRefAt): Promise<Secret> {
    const secrets = await this.resolveAll([at]);
    const only = secrets[0];
    if (only === undefined) throw new Error('unreachable: one reference resolves to one secret');
    return only;
  }

  /** Resolves in order (prompts cannot overlap); throws one ConfigError listing every reference that failed. */
  async resolveAll(refs: readonly SecretRefAt[]): Promise<Secret[]> {
    const problems = [];
    const out: Secret[] = [];
    for (const at of refs) {
      const key = cacheKey(at);
      const cached = this.#cache.get(key);
      if (cached !== undefined) {
        out.push(cached);
        continue;
      }
      const result = await this.#fetch(at);
      if (typeof result === 'string') {
        problems.push(issue(at.origin, result));
        continue;
      }
      this.#cache.set(key, result);
      out.push(result);
    }
    if (problems.length > 0) throw new ConfigError(problems);
    return out;
  }

  /** A Secret, or the reason it could not be had (never containing the value). */
  async #fetch(at: SecretRefAt): Promise<Secret | string> {
    const { ref } = at;
    switch (ref.kind) {
      case 'env': {
        const value = this.#sources.env(ref.name);
        if (value === undefined) return `environment variable ${ref.name} (${at.purpose}) is not set`;
        if (value === '') return `environment variable ${ref.name} (${at.purpose}) is empty`;
        return new Secret(value, describeRef(ref));
      }
      case 'file': {
        let text: string;
        try {
          text = this.#sources.readFile(ref.path);
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          return `cannot read ${at.purpose} from ${ref.path}${code === undefined ? '' : ` (${code})`}`;
        }
        // Editors end files with a newline; it is never part of the secret.
        const value = text.replace(/\r?\n$/, '');
        if (value === '') return `${ref.path} (${at.purpose}) is empty`;
        return new Secret(value, describeRef(ref));
      }
      case 'prompt': {
        let value: string;
        try {
          value = await this.#sources.prompt(`${at.purpose}: `);
        } catch (err) {
          // No terminal (cron, a pipe, Kubernetes): the reference cannot work there.
          return errorMessage(err);
        }
        if (value === '') return `no ${at.purpose} was entered at the prompt`;
        return new Secret(value, 'prompt');
      }
    }
  }
}
