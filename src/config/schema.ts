/** Shared schema pieces and the translation of zod's findings into ConfigIssues. */
import { resolve as resolvePath, dirname, isAbsolute, join } from 'node:path';
import { z } from 'zod';
import type { ConfigIssue, Origin, PathSegment } from './issues.js';
import type { SecretRef, SecretRefAt } from './secret.js';

/** `SHA256:` and the unpadded base64 of 32 bytes, as OpenSSH prints it. */
export const HOST_KEY_FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const SECRET_REF_HELP = 'write {env: VARIABLE}, {file: path} or {prompt: true}; clear-text secrets are refused';

export const secretRefSchema = z.union(
  [z.object({ env: z.string().regex(ENV_NAME) }).strict(), z.object({ file: z.string().min(1) }).strict(), z.object({ prompt: z.literal(true) }).strict()],
  { error: () => `must be a secret reference: ${SECRET_REF_HELP}` },
);

export type RawSecretRef = z.infer<typeof secretRefSchema>;

/** `~/x` is relative to the home directory, anything else relative to the file that names it. */
export function resolveFilePath(path: string, declaringFile: string, home: string): string {
  if (path === '~') return home;
  if (path.startsWith('~/')) return join(home, path.slice(2));
  if (isAbsolute(path)) return path;
  return resolvePath(dirname(declaringFile), path);
}

export function toSecretRef(raw: RawSecretRef, declaringFile: string, home: string): SecretRef {
  if ('env' in raw) return { kind: 'env', name: raw.env };
  if ('file' in raw) return { kind: 'file', path: resolveFilePath(raw.file, declaringFile, home) };
  return { kind: 'prompt' };
}

export function secretAt(raw: RawSecretRef, origin: Origin, purpose: string, home: string): SecretRefAt {
  return { ref: toSecretRef(raw, origin.file, home), origin, purpose };
}

/** zod's default messages start like these; a schema's own message (given with `error:`) is kept as written. */
const ZOD_DEFAULT = /^(Invalid|Too (big|small)|Unrecognized)/;

/** zod's messages never quote the input, which keeps clear-text secrets out of errors; ours must not either. */
function describeIssue(zi: z.core.$ZodIssue): { path: PathSegment[]; message: string }[] {
  const path = zi.path.filter((p): p is PathSegment => typeof p !== 'symbol');
  if (!ZOD_DEFAULT.test(zi.message)) return [{ path, message: zi.message }];
  switch (zi.code) {
    case 'unrecognized_keys':
      return zi.keys.map((key) => ({ path: [...path, key], message: `unknown key '${key}'` }));
    case 'invalid_type': {
      const received = /received (\w+)$/.exec(zi.message)?.[1];
      if (received === 'undefined') return [{ path, message: `is required (${zi.expected})` }];
      const article = /^[aeiou]/.test(zi.expected) ? 'an' : 'a';
      return [{ path, message: `must be ${article} ${zi.expected}${received === undefined ? '' : `, not ${received}`}` }];
    }
    case 'invalid_value':
      return [{ path, message: `must be one of ${zi.values.map((v) => JSON.stringify(v)).join(', ')}` }];
    default:
      return [{ path, message: zi.message }];
  }
}

/** Runs a schema and reports every finding under `base`; returns the parsed value only when all is well. */
export function check<T>(schema: z.ZodType<T>, value: unknown, base: Origin, issues: ConfigIssue[]): T | undefined {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const zi of result.error.issues) {
    for (const { path, message } of describeIssue(zi)) {
      issues.push({ file: base.file, path: [...base.path, ...path], message, severity: 'error' });
    }
  }
  return undefined;
}
