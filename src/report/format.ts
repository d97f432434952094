/** Small pure text helpers shared by the renderings: durations, counts, alignment, colour. */
import type { DeviceResult } from './events.js';

/** `0.4 s`, `12.3 s`, `2 min 05 s`, `1 h 02 min`: tenths matter for one device, not for an hour-long run. */
export function formatDuration(ms: number): string {
  const safe = Number.isFinite(ms) && ms > 0 ? ms : 0;
  if (safe < 59_950) return `${(safe / 1000).toFixed(1)} s`;
  const seconds = Math.round(safe / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** `00:35`, `12:04`, `1:02:09`: a clock for the live counter, fixed width so the line does not jitter. */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mmss = `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
  return h > 0 ? `${h}:${mmss}` : mmss;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Cuts a single line to `width` visible characters, marking the cut. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (text.length <= width) return text;
  return width === 1 ? '…' : `${text.slice(0, width - 1)}…`;
}

/** Collapses anything multi-line into one line: a table cell or a status line must stay one row. */
export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

const ANSI = {
  red: ['\u001b[31m', '\u001b[39m'],
  green: ['\u001b[32m', '\u001b[39m'],
  yellow: ['\u001b[33m', '\u001b[39m'],
  cyan: ['\u001b[36m', '\u001b[39m'],
  dim: ['\u001b[2m', '\u001b[22m'],
  bold: ['\u001b[1m', '\u001b[22m'],
} as const;

export type Style = keyof typeof ANSI;

/** Applies a style when colour is on; with colour off it returns the text unchanged. */
export type Paint = (style: Style, text: string) => string;

export function painter(color: boolean): Paint {
  if (!color) return (_style, text) => text;
  return (style, text) => `${ANSI[style][0]}${text}${ANSI[style][1]}`;
}

export const RESULT_STYLE: Readonly<Record<DeviceResult, Style>> = {
  changed: 'green',
  unchanged: 'dim',
  failed: 'red',
  'rolled-back': 'yellow',
  planned: 'cyan',
  skipped: 'dim',
};

/** Order in which result counts are listed: the good news first, the failures last where the eye lands. */
export const RESULT_ORDER: readonly DeviceResult[] = ['changed', 'unchanged', 'planned', 'skipped', 'rolled-back', 'failed'];

export const RESULT_WORDS: Readonly<Record<DeviceResult, string>> = {
  changed: 'changed',
  unchanged: 'unchanged',
  failed: 'failed',
  'rolled-back': 'rolled back',
  planned: 'planned',
  skipped: 'skipped',
};
