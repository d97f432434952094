import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ConfigError, Device, SecretSources } from '../../src/config/index.js';

/** A scratch directory whose files the test writes; removed by `cleanup`. */
export function scratch(): { dir: string; write(name: string, text: string): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'certagent-config-'));
  return {
    dir,
    write(name, text) {
      const path = join(dir, name);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      return path;
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function sources(
  env: Record<string, string>,
  files: Record<string, string> = {},
  answers: string[] = [],
): SecretSources & {
  questions: string[];
} {
  const questions: string[] = [];
  return {
    questions,
    env: (name) => env[name],
    readFile: (path) => {
      const text = files[path];
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      return text;
    },
    prompt: async (question) => {
      questions.push(question);
      return answers.shift() ?? '';
    },
  };
}

/** Runs `fn` and returns the ConfigError it must throw. */
export async function configError(fn: () => Promise<unknown>): Promise<ConfigError> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof Error && err.name === 'ConfigError') return err as ConfigError;
    throw err;
  }
  throw new Error('expected a ConfigError, but nothing was thrown');
}

/** The device of that name, or a test failure naming it. */
export function byName(devices: readonly Device[], name: string): Device {
  const d = devices.find((x) => x.name === name);
  if (d === undefined) throw new Error(`no device ${name}`);
  return d;
}
