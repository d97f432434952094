/**
 * What every demo tour shares: narration (a heading per step, a few lines of why at the start, what to look at at
 * the end) and the lab's secrets handed to the real commands the way `source lab.env` would, without touching
 * process.env. A tour returns the problems it saw; none means every step did what the tour says it does.
 */
import { join } from 'node:path';
import { processSecretSources } from '../../../config/index.js';
import type { SecretSources } from '../../../config/index.js';
import { labEnvironment, type Lab } from '../../../lab/lab.js';

export const TOUR_NAMES = ['secure-email', 'cube', 'diagnose'] as const;
export type TourName = (typeof TOUR_NAMES)[number];

export interface TourOptions {
  /** This tour's own folder: its lab state and the files it writes. */
  readonly dir: string;
  readonly devices: number;
}

export interface Tour {
  readonly name: TourName;
  /** One line for the tour list and its first heading. */
  readonly title: string;
  run(options: TourOptions): Promise<string[]>;
}

export function say(text = ''): void {
  process.stdout.write(`${text}\n`);
}

export function heading(text: string): void {
  process.stdout.write(`\n== ${text}\n\n`);
}

/** The tour's opening: what it does and why, in a few lines. */
export function intro(title: string, lines: readonly string[]): void {
  process.stdout.write(`\n#### ${title}\n\n${lines.map((l) => `  ${l}`).join('\n')}\n`);
}

/** The tour's closing: where to look to see for oneself. */
export function lookAt(lines: readonly string[]): void {
  heading('what to look at');
  for (const line of lines) say(`  ${line}`);
}

export function labSecrets(lab: Lab): SecretSources {
  const env = labEnvironment(lab.credentials);
  const base = processSecretSources();
  return { ...base, env: (name) => env[name] ?? base.env(name) };
}

/** Each command's journal in the tour's folder, not in the working folder's .certagent/. */
export function journal(dir: string, step: string): string[] {
  return ['--journal', join(dir, 'journal', `${step}.jsonl`)];
}

/** `expected` problem text when the exit code is not the one the tour promised. */
export function expectExit(problems: string[], what: string, code: number, expected: number): void {
  if (code !== expected) problems.push(`${what} exited ${code}, not ${expected}`);
}
