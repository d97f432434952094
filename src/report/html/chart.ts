/**
 * The expiry timeline as inline SVG: certificates counted by the week they expire in, over the next year, with a
 * bar for those already expired and one for later ones. Its size does not grow with the fleet (54 bars whether
 * there are ten certificates or thirty thousand), so the page stays light for 10,000 routers.
 */
import { esc } from './page.js';

const WEEKS = 52;
const DAY = 86_400_000;

export interface TimelineInput {
  readonly notAfter: readonly string[];
  readonly now: Date;
  readonly warnBeforeSeconds: number;
}

export interface Buckets {
  readonly expired: number;
  readonly weeks: readonly number[];
  readonly later: number;
}

export function bucketExpiries(input: TimelineInput): Buckets {
  const weeks = new Array<number>(WEEKS).fill(0);
  let expired = 0;
  let later = 0;
  for (const iso of input.notAfter) {
    const days = (Date.parse(iso) - input.now.getTime()) / DAY;
    if (days <= 0) expired++;
    else if (days >= WEEKS * 7) later++;
    else weeks[Math.floor(days / 7)] = (weeks[Math.floor(days / 7)] ?? 0) + 1;
  }
  return { expired, weeks, later };
}

export function timelineSvg(input: TimelineInput): string {
  const b = bucketExpiries(input);
  const counts = [b.expired, ...b.weeks, b.later];
  const max = Math.max(1, ...counts);
  const width = 960;
  const height = 220;
  const left = 36;
  const bottom = 30;
  const slot = (width - left - 8) / counts.length;
  const plot = height - bottom - 12;
  const warnWeeks = input.warnBeforeSeconds / (7 * 86_400);
  const bars = counts.map((n, i) => {
    const h = n === 0 ? 0 : Math.max(2, (n / max) * plot);
    const x = left + i * slot + 1;
    const tone = i === 0 ? '#cf222e' : i <= warnWeeks ? '#bf8700' : i === counts.length - 1 ? '#8c959f' : '#2da44e';
    const what = i === 0 ? 'already expired' : i === counts.length - 1 ? 'expire in a year or later' : `expire in week ${i} (${(i - 1) * 7}–${i * 7} days)`;
    return `<rect x="${x.toFixed(1)}" y="${(height - bottom - h).toFixed(1)}" width="${(slot - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="${tone}"><title>${esc(`${n} certificate${n === 1 ? '' : 's'} ${what}`)}</title></rect>`;
  });
  // No labels at `now` and one year: the `expired` and `later` bars are labelled right there.
  const ticks = [0, 4, 13, 26, 39, 52].map((w) => {
    const x = left + (w + 1) * slot;
    const label = w === 0 || w === 52 ? '' : `${Math.round(w / 4.345)} mo`;
    return `<line x1="${x.toFixed(1)}" y1="${height - bottom}" x2="${x.toFixed(1)}" y2="${height - bottom + 4}" stroke="#8c959f"/><text x="${x.toFixed(1)}" y="${height - bottom + 16}" text-anchor="middle">${label}</text>`;
  });
  const axis = `<line x1="${left}" y1="${height - bottom}" x2="${width - 8}" y2="${height - bottom}" stroke="#8c959f"/><text x="${left - 6}" y="${height - bottom - plot + 4}" text-anchor="end">${max}</text><text x="${left - 6}" y="${height - bottom}" text-anchor="end">0</text><text x="${left + slot / 2}" y="${height - bottom + 16}" text-anchor="middle">expired</text><text x="${width - 8 - slot / 2}" y="${height - bottom + 16}" text-anchor="middle">later</text>`;
  const label = `Certificates by week of expiry: ${b.expired} expired, ${b.weeks.reduce((a, n) => a + n, 0)} within a year, ${b.later} later`;
  return `<svg id="timeline" class="chart" role="img" aria-label="${esc(label)}" viewBox="0 0 ${width} ${height}" width="100%" xmlns="http://www.w3.org/2000/svg"><title>${esc(label)}</title>${axis}${ticks.join('')}${bars.join('')}</svg>`;
}
