/** Durations as people write them in playbooks: `30d`, `12h`, `2w`, `1d12h`, `90m`, `45s`. */
const UNIT_SECONDS: Record<string, number> = { w: 604800, d: 86400, h: 3600, m: 60, s: 1 };
const WHOLE = /^(?:\d+[wdhms])+$/;
const PART = /(\d+)([wdhms])/g;

/** Seconds, or undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const compact = text.trim();
  if (!WHOLE.test(compact)) return undefined;
  let seconds = 0;
  for (const m of compact.matchAll(PART)) seconds += Number(m[1]) * (UNIT_SECONDS[m[2] ?? 's'] ?? 1);
  return seconds;
}
