/**
 * Secrets through the queue without their values. The coordinator resolves the playbook with placeholder sources:
 * every `{env: NAME}` or `{file: PATH}` becomes a token naming the reference, so the desired state it stores holds
 * templates (`CERTAGENT-SECRET.env.TEFCX1NNVFBfVVNFUg.:CERTAGENT-SECRET.env.….@mail.example.com`) and no value. A worker fills the tokens from its
 * OWN environment and files, so each region keeps its secrets where its devices are.
 */
import { Secret, describeRef } from '../../config/index.js';
import type { SecretRef, SecretResolver, SecretSources } from '../../config/index.js';

// Letters, digits and dots only: EEM's checks (no ':' in a user, no '@', no line break) pass on a template as on a
// value, and '.' never occurs in base64url, so a token's end is unambiguous.
const TOKEN = /CERTAGENT-SECRET\.(env|file)\.([A-Za-z0-9_-]+)\./g;

function token(kind: 'env' | 'file', what: string): string {
  return `CERTAGENT-SECRET.${kind}.${Buffer.from(what, 'utf8').toString('base64url')}.`;
}

/** A prompt cannot be answered by a worker on another machine. */
export class PromptInQueueError extends Error {
  override readonly name = 'PromptInQueueError';
}

/** Sources that answer every reference with its token; a prompt is refused. */
export function placeholderSources(): SecretSources {
  return {
    env: (name) => token('env', name),
    readFile: (path) => token('file', path),
    prompt: (question) =>
      Promise.reject(
        new PromptInQueueError(
          `'${question.replace(/:\s*$/, '')}' is asked at a prompt, which a queue worker cannot answer: reference it with {env: NAME} or {file: PATH} instead`,
        ),
      ),
  };
}

/** True when `text` holds at least one token: a secret's template, safe to store. */
export function isTemplate(text: string): boolean {
  return new RegExp(TOKEN.source).test(text);
}

type QueueRef = Extract<SecretRef, { kind: 'env' | 'file' }>;

/** The references a set of templates names, each once. */
export function referencesIn(templates: Iterable<string>): QueueRef[] {
  const seen = new Map<string, QueueRef>();
  for (const text of templates) {
    for (const m of text.matchAll(TOKEN)) {
      const what = Buffer.from(m[2] as string, 'base64url').toString('utf8');
      seen.set(m[0], m[1] === 'env' ? { kind: 'env', name: what } : { kind: 'file', path: what });
    }
  }
  return [...seen.values()];
}

/** Something that turns templates into Secrets with this process's values. */
export type SecretFiller = (template: string, source: string) => Secret;

/**
 * Resolves every reference the templates name with `resolver` (one error listing all that are missing) and returns
 * the filler. A value with a line break is refused: it would end the IOS command it is typed into.
 */
export async function secretFiller(templates: readonly string[], resolver: SecretResolver, where: string): Promise<SecretFiller> {
  const refs = referencesIn(templates);
  const secrets = await resolver.resolveAll(
    refs.map((ref) => ({ ref, origin: { file: where, path: [] }, purpose: `a secret of the playbook (${describeRef(ref)})` })),
  );
  const values = new Map<string, string>();
  refs.forEach((ref, i) => {
    const value = (secrets[i] as Secret).reveal();
    if (/[\r\n]/.test(value))
      throw new Error(`${where}: the secret from ${describeRef(ref)} holds a line break, which would end the IOS command it is typed into`);
    values.set(ref.kind === 'env' ? token('env', ref.name) : token('file', ref.path), value);
  });
  return (template, source) =>
    new Secret(
      template.replace(TOKEN, (t) => values.get(t) ?? t),
      source,
    );
}
