// Human-readable reports of benchmark results: a text table for the terminal, and BENCHMARKS.md
// sections (a table per group, with a bar chart of speedups written beside it as an .svg file).
import { ratioChartSvg } from './chart.js';
import { type Environment, formatEnvironment } from './environment.js';
import type { CaseResult, GroupResult } from './harness.js';
import type { BenchmarkRun } from './results.js';
import { summaryMarkdown } from './summary.js';

/** A duration in ms written with a unit that keeps 3–4 significant digits (ns, µs, ms or s). */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  if (ms >= 1000) return `${(ms / 1000).toPrecision(3)} s`;
  if (ms >= 1) return `${ms.toPrecision(3)} ms`;
  if (ms >= 1e-3) return `${(ms * 1e3).toPrecision(3)} µs`;
  return `${(ms * 1e6).toPrecision(3)} ns`;
}

function formatPercent(pct: number): string {
  return Number.isFinite(pct) ? `${pct.toFixed(1)}%` : 'n/a';
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toPrecision(3);
}

function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(2)} MiB`;
  if (bytes >= 2 ** 10) return `${(bytes / 2 ** 10).toFixed(1)} KiB`;
  return `${bytes.toFixed(0)} B`;
}

/** A target as a reader states it: a speedup of at least k, or a cost of at most k times the baseline. */
function claimText(minSpeedup: number): string {
  return minSpeedup >= 1
    ? `target ≥${minSpeedup}× faster:`
    : `target ≤${Number((1 / minSpeedup).toPrecision(3))}× the baseline's time:`;
}

/** Remarks on a case: baseline mark, reason it was not run, claim outcome, memory per call, note. */
function remarks(c: CaseResult, group?: GroupResult): string[] {
  const out: string[] = [];
  if (c.isBaseline) out.push('baseline');
  if (c.unavailable !== undefined) out.push(`not run: ${c.unavailable}`);
  if (c.relative && group && group.compareLabel === undefined && c.relative.to !== commonReference(group))
    out.push(`relative to: ${c.relative.to}`);
  if (c.claim) out.push(`${claimText(c.claim.minSpeedup)} ${c.claim.met ? 'met' : 'NOT met'}`);
  if (c.heapBytesPerOp !== undefined)
    out.push(`heap ${c.heapBytesPerOp === null ? 'n/a' : formatBytes(c.heapBytesPerOp)}/op`);
  if (c.note) out.push(c.note);
  return out;
}

function formatRatio(ratio: number | null | undefined, spread: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return 'n/a';
  return spread ? `${ratio.toFixed(3)} ±${formatPercent(spread)}` : ratio.toFixed(3);
}

/** The columns of one case, shared by the text and markdown tables. */
function cells(c: CaseResult): string[] {
  if (c.unavailable !== undefined) return [c.name, 'not run', '', '', '', ''];
  const ratio = c.isBaseline ? '1' : formatRatio(c.ratio, c.ratioSpread);
  return [
    c.name,
    formatDuration(c.medianMs),
    formatPercent(c.spreadPct),
    ratio,
    `${formatNumber(c.speedup)}×`,
    c.metric ? formatNumber(c.metric.value) : '',
  ];
}

function metricHeader(group: GroupResult): string {
  return group.cases.find((c) => c.metric)?.metric?.unit ?? '';
}

/** The reference every row with a relative time shares, if they all share one. */
function commonReference(group: GroupResult): string | undefined {
  const refs = new Set(group.cases.flatMap((c) => (c.relative ? [c.relative.to] : [])));
  return refs.size === 1 ? [...refs][0] : undefined;
}

/** Header of the relative-time column: 'time / <case>' when every row shares it, else 'time / reference'. */
function relativeHeader(group: GroupResult): string | undefined {
  if (!group.cases.some((c) => c.relative)) return undefined;
  if (group.compareLabel !== undefined) return `time / ${group.compareLabel}`;
  const common = commonReference(group);
  return common === undefined ? 'time / reference' : `time / ${common}`;
}

function relativeCell(c: CaseResult): string {
  return c.relative ? formatRatio(c.relative.ratio, c.relative.spread) : '';
}

const HEADERS = ['case', 'median/op', 'spread (IQR)', 'time / baseline', 'speedup'];

/** A text table of one group's results, aligned for a fixed-width terminal. */
export function formatTable(group: GroupResult): string {
  const relative = relativeHeader(group);
  const header = [...HEADERS, metricHeader(group), ...(relative ? [relative] : []), 'remarks'];
  const rows = group.cases.map((c) => [
    ...cells(c),
    ...(relative ? [relativeCell(c)] : []),
    remarks(c, group).join('; '),
  ]);
  const widths = header.map((h, col) => Math.max(h.length, ...rows.map((r) => r[col].length)));
  const line = (r: string[]) =>
    r
      .map((cell, col) => (col === 0 || col === r.length - 1 ? cell.padEnd(widths[col]) : cell.padStart(widths[col])))
      .join('  ')
      .trimEnd();
  const title = `${group.name}: ${group.description}`;
  const info = `  baseline: ${group.baseline}; ${group.rounds} interleaved rounds in ${formatDuration(group.durationMs)}`;
  return [title, info, `  ${line(header)}`, ...rows.map((r) => `  ${line(r)}`)].join('\n');
}

/** Text tables of every group of a run, headed by the environment line. */
export function formatRun(run: BenchmarkRun): string {
  const head = `Environment: ${formatEnvironment(run.environment)}${run.quick ? '\n(quick smoke run: short budgets, numbers are rough)' : ''}`;
  return [head, ...run.groups.map(formatTable)].join('\n\n');
}

/** The file-name form of a group name: lower case, runs of other characters as '-'. */
export function slugOf(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'group'
  );
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** Options of `toMarkdown`. */
export interface MarkdownOptions {
  /** Folder of the chart files, relative to the markdown file; 'results' by default. */
  chartDir?: string;
}

/** A chart to write: `path` is relative to the folder of the markdown file. */
export interface ChartFile {
  path: string;
  svg: string;
}

/** The BENCHMARKS.md section of one group: heading, description, table and chart link. */
export function groupMarkdown(group: GroupResult, chartPath: string): string {
  const unit = metricHeader(group);
  const relative = relativeHeader(group);
  const header = [
    'case',
    'median/op',
    'spread (IQR)',
    'time / baseline (±IQR)',
    'speedup',
    ...(unit ? [unit] : []),
    ...(relative ? [`${relative} (±IQR)`] : []),
    'remarks',
  ];
  const rows = group.cases.map((c) => {
    const row = cells(c);
    if (!unit) row.pop();
    return [...row, ...(relative ? [relativeCell(c)] : []), remarks(c, group).join('; ')].map(escapeCell);
  });
  const table = [header, header.map((_, i) => (i === 0 || i === header.length - 1 ? '---' : '---:')), ...rows]
    .map((r) => `| ${r.join(' | ')} |`)
    .join('\n');
  const intro = `Baseline: **${escapeCell(group.baseline)}**. ${group.rounds} interleaved rounds, ~${(group.budgetMs / 1000).toFixed(1)} s of samples per case.`;
  return [
    `## ${group.name}`,
    '',
    group.description,
    '',
    intro,
    '',
    table,
    '',
    `![${group.name}: ${group.chart === 'relative' ? 'time relative to each row’s reference' : 'speedup over baseline'}](${chartPath})`,
    '',
  ].join('\n');
}

function environmentMarkdown(env: Environment): string {
  const packages = Object.entries(env.packages)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ');
  return [
    `- CPU: ${env.cpu}, ${env.cores} logical cores (${env.availableParallelism} available), ${env.memoryGiB} GiB memory; load average ${env.loadAverage ?? 'n/a'} at start`,
    `- ${env.platform}/${env.arch} ${env.osRelease}; Node ${env.node}, V8 ${env.v8}`,
    `- Packages: ${packages}${env.commit ? `; commit ${env.commit}` : ''}`,
    ...Object.entries(env.peers ?? {}).map(([name, text]) => `- ${name}: ${text}`),
    `- Measured: ${env.date}`,
  ].join('\n');
}

/**
 * BENCHMARKS.md for a run: environment, how to read the tables, then one section per group; the
 * charts are returned separately, to be written at `path` relative to the markdown file.
 */
export function toMarkdown(
  run: BenchmarkRun,
  options: MarkdownOptions = {},
): { markdown: string; charts: ChartFile[] } {
  const chartDir = (options.chartDir ?? 'results').replace(/\/+$/, '');
  const charts = run.groups.map((g) => ({ path: `${chartDir}/${slugOf(g.name)}.svg`, svg: ratioChartSvg(g) }));
  const markdown = [
    '# Benchmarks',
    '',
    'Generated from the JSON of one run by `pnpm bench -- --markdown BENCHMARKS.md --from packages/bench/results/benchmarks.json',
    '--charts docs/bench` (see packages/bench/README.md); not edited by hand. Every row of a group is timed in the same run,',
    'interleaved round by round with the baseline; "time / baseline" is the median of the per-round ratios (below 1 is',
    'faster), "speedup" its inverse, and spreads are interquartile ranges as % of the median. Where a group compares other',
    "libraries, a further column gives each row's time relative to the Liouville row of the same dtype or level (or, for",
    "the derivative-cost groups, to the same library's f), also as a median of per-round ratios. PyTorch rows are timed",
    'inside the Python process (one request per sample, in the same rounds); every row runs on one thread. A row a library',
    'cannot fill stays in its table with the reason.',
    ...(run.quick ? ['', '**Quick smoke run: short budgets, numbers are rough.**'] : []),
    '',
    environmentMarkdown(run.environment),
    '',
    summaryMarkdown(run),
    ...run.groups.map((g, i) => groupMarkdown(g, charts[i].path)),
  ].join('\n');
  return { markdown, charts };
}
