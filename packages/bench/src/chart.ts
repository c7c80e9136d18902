// A small horizontal bar chart of each case's speedup over its group's baseline, as standalone
// SVG (no fonts or scripts to load), so BENCHMARKS.md can show it as an image. The axis is
// logarithmic: speedups are ratios, so 0.5× and 2× sit at the same distance from 1×, and a 60×
// case does not flatten a 1.3× one. Bars start at the 1× rule and run right (faster) or left.
import type { GroupResult } from './harness.js';

const WIDTH = 640;
const LABEL_WIDTH = 230;
const VALUE_WIDTH = 64;
const ROW_HEIGHT = 24;
const TOP = 28;
const BOTTOM = 30;

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function barColour(isBaseline: boolean, speedup: number): string {
  if (isBaseline) return '#9e9e9e';
  return speedup >= 1 ? '#2e7d32' : '#e65100';
}

function formatSpeedup(speedup: number): string {
  if (!Number.isFinite(speedup)) return 'n/a';
  return `${speedup >= 10 ? speedup.toFixed(1) : speedup.toFixed(2)}×`;
}

/** Axis ticks on the 1-2-5 sequence inside [low, high]. */
function ticks(low: number, high: number): number[] {
  const out: number[] = [];
  for (let decade = Math.floor(Math.log10(low)); decade <= Math.ceil(Math.log10(high)); decade++) {
    for (const m of [1, 2, 5]) {
      const t = m * 10 ** decade;
      if (t >= low && t <= high) out.push(Number(t.toPrecision(1)));
    }
  }
  return out;
}

/** A short red rule across a row at the case's stated target speedup. */
function targetMark(x: number, y: number): string {
  const at = x.toFixed(1);
  return `<line x1="${at}" y1="${y + 1}" x2="${at}" y2="${y + ROW_HEIGHT - 1}" stroke="#c62828" stroke-width="2"><title>target</title></line>`;
}

function axis(scale: (s: number) => number, low: number, high: number, height: number): string[] {
  const y = height - BOTTOM + 4;
  return ticks(low, high).map((t) => {
    const at = scale(t).toFixed(1);
    const style = t === 1 ? 'stroke="#424242" stroke-dasharray="3,3"' : 'stroke="#e0e0e0"';
    return `<line x1="${at}" y1="${TOP}" x2="${at}" y2="${y}" ${style}/><text x="${at}" y="${y + 14}" text-anchor="middle" fill="#616161">${t}×</text>`;
  });
}

/** SVG bar chart of the speedup (baseline time / case time) of every case of a group, on a log axis. */
export function ratioChartSvg(group: GroupResult): string {
  const height = TOP + ROW_HEIGHT * group.cases.length + BOTTOM;
  const plotWidth = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
  const values = group.cases
    .flatMap((c) => [c.speedup, c.claim?.minSpeedup ?? 1])
    .filter((s) => s > 0 && Number.isFinite(s));
  const low = Math.min(1, ...values) / 1.15;
  const high = Math.max(1, ...values) * 1.15;
  const scale = (s: number) => LABEL_WIDTH + (plotWidth * Math.log(s / low)) / Math.log(high / low);
  const rows = group.cases.map((c, i) => {
    const y = TOP + i * ROW_HEIGHT;
    const s = c.speedup > 0 && Number.isFinite(c.speedup) ? c.speedup : 1;
    const [from, to] = [scale(Math.min(1, s)), scale(Math.max(1, s))];
    const width = Math.max(to - from, 2); // the baseline's bar is a 2-pixel mark at 1×
    return [
      `<text x="${LABEL_WIDTH - 8}" y="${y + 16}" text-anchor="end">${escapeXml(c.name)}</text>`,
      `<rect x="${from.toFixed(1)}" y="${y + 4}" width="${width.toFixed(1)}" height="${ROW_HEIGHT - 8}" fill="${barColour(c.isBaseline, s)}"/>`,
      `<text x="${(from + width + 6).toFixed(1)}" y="${y + 16}">${formatSpeedup(c.speedup)}</text>`,
      c.claim ? targetMark(scale(c.claim.minSpeedup), y) : '',
    ].join('');
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="8" y="18" font-weight="bold">${escapeXml(group.name)}: speedup over ${escapeXml(group.baseline)} (log scale; red: target)</text>`,
    ...axis(scale, low, high, height),
    ...rows,
    '</svg>',
    '',
  ].join('\n');
}
