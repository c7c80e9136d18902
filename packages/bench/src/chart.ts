// A small horizontal bar chart of each case's speedup over its group's baseline, as standalone
// SVG (no fonts or scripts to load), so BENCHMARKS.md can show it as an image. The axis is
// logarithmic: speedups are ratios, so 0.5× and 2× sit at the same distance from 1×, and a 60×
// case does not flatten a 1.3× one. Bars start at the 1× rule and run right (faster) or left.
import type { CaseResult, GroupResult } from './harness.js';

/** Width of the bars' area and of the value written after a bar. */
const PLOT_WIDTH = 346;
const VALUE_WIDTH = 84;
/** Room for the row names: at least 230 px, about 7 px per character of the longest at 12 px sans-serif. */
const MIN_LABEL_WIDTH = 230;
const CHAR_WIDTH = 7;
const ROW_HEIGHT = 24;
const TOP = 28;
const BOTTOM = 30;

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function barColour(isBaseline: boolean, speedup: number, relative: boolean): string {
  if (isBaseline) return '#9e9e9e';
  if (relative) return '#1565c0';
  return speedup >= 1 ? '#2e7d32' : '#e65100';
}

/** The value a row's bar shows: speedup over the baseline, or time relative to the row's reference. */
function barValue(c: CaseResult, relative: boolean): number {
  if (c.unavailable !== undefined) return Number.NaN;
  return relative ? (c.relative?.ratio ?? Number.NaN) : c.speedup;
}

function formatSpeedup(speedup: number): string {
  if (!Number.isFinite(speedup)) return 'n/a';
  if (speedup >= 10) return `${speedup.toFixed(1)}×`;
  if (speedup >= 0.01) return `${speedup.toFixed(2)}×`;
  return `${Number(speedup.toPrecision(2))}×`;
}

/** Axis ticks on the 1-2-5 sequence inside [low, high]; powers of ten only when the axis spans more than 3 decades. */
function ticks(low: number, high: number): number[] {
  const out: number[] = [];
  const steps = Math.log10(high / low) > 3 ? [1] : [1, 2, 5];
  for (let decade = Math.floor(Math.log10(low)); decade <= Math.ceil(Math.log10(high)); decade++) {
    for (const m of steps) {
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

function title(group: GroupResult, relative: boolean): string {
  if (relative) return `${escapeXml(group.name)}: time relative to each row’s reference (log scale)`;
  return `${escapeXml(group.name)}: speedup over ${escapeXml(group.baseline)} (log scale; red: target)`;
}

/**
 * SVG bar chart of the speedup (baseline time / case time) of every case of a group, on a log
 * axis; for a group whose chart is 'relative', of each row's time relative to its reference
 * instead (e.g. a derivative's cost in units of the function). Rows not run say why.
 */
export function ratioChartSvg(group: GroupResult): string {
  const relative = group.chart === 'relative';
  const height = TOP + ROW_HEIGHT * group.cases.length + BOTTOM;
  const labelWidth = Math.max(MIN_LABEL_WIDTH, 16 + CHAR_WIDTH * Math.max(...group.cases.map((c) => c.name.length)));
  const width = labelWidth + PLOT_WIDTH + VALUE_WIDTH;
  const plotWidth = PLOT_WIDTH;
  const values = group.cases
    .flatMap((c) => [barValue(c, relative), relative ? 1 : (c.claim?.minSpeedup ?? 1)])
    .filter((s) => s > 0 && Number.isFinite(s));
  const low = Math.min(1, ...values) / 1.15;
  const high = Math.max(1, ...values) * 1.15;
  const scale = (s: number) => labelWidth + (plotWidth * Math.log(s / low)) / Math.log(high / low);
  const rows = group.cases.map((c, i) => {
    const y = TOP + i * ROW_HEIGHT;
    const label = `<text x="${labelWidth - 8}" y="${y + 16}" text-anchor="end">${escapeXml(c.name)}</text>`;
    const value = barValue(c, relative);
    if (!(value > 0 && Number.isFinite(value))) {
      const why = c.unavailable === undefined ? 'n/a' : `not run: ${c.unavailable}`;
      const short = why.length > 60 ? `${why.slice(0, 57)}…` : why;
      return `${label}<text x="${labelWidth + 4}" y="${y + 16}" fill="#757575">${escapeXml(short)}<title>${escapeXml(why)}</title></text>`;
    }
    const [from, to] = [scale(Math.min(1, value)), scale(Math.max(1, value))];
    const barWidth = Math.max(to - from, 2); // the baseline's bar is a 2-pixel mark at 1×
    return [
      label,
      `<rect x="${from.toFixed(1)}" y="${y + 4}" width="${barWidth.toFixed(1)}" height="${ROW_HEIGHT - 8}" fill="${barColour(c.isBaseline, value, relative)}"/>`,
      `<text x="${(from + barWidth + 6).toFixed(1)}" y="${y + 16}">${formatSpeedup(value)}</text>`,
      c.claim && !relative ? targetMark(scale(c.claim.minSpeedup), y) : '',
    ].join('');
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="8" y="18" font-weight="bold">${title(group, relative)}</text>`,
    ...axis(scale, low, high, height),
    ...rows,
    '</svg>',
    '',
  ].join('\n');
}
