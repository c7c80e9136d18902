import type { Pair } from '../reference.js';
import type { SeedSummary } from '../results.js';
import { type ComparisonModel, MODEL_TITLES } from './models.js';
import { targetsLabel } from './tasks.js';

/** What results.json records for one task of a comparison. */
export interface ComparisonTaskResult {
  readonly task: string;
  readonly title: string;
  readonly data: string;
  /** The ẋ targets every model trained and was tested on (`--targets`): the dataset's, or central differences. */
  readonly targets?: 'dataset' | 'central';
  /** The observation noise σ of generated data (the task's own, or `--noise`). */
  readonly noise?: number;
  readonly steps: number;
  readonly models: readonly ComparisonModel[];
  readonly energyLabel: string;
  readonly horizons: readonly string[];
  /** The true damping rate, where the task knows it. */
  readonly damping?: number;
  /** Model → figure ('trainLoss', 'testLoss', 'energy', 'rollout@<t>', 'dissipation') → summary over seeds. */
  readonly summary: Readonly<Record<string, Readonly<Record<string, SeedSummary>>>>;
  /** Model → rollout failures (one message per failed seed). */
  readonly failures: Readonly<Record<string, readonly string[]>>;
  /** The paper's Table 1 figures of the baseline and the HNN, when the task is one of the paper's. */
  readonly paper: Readonly<Record<string, { readonly test: Pair; readonly energy: Pair }>>;
  /** The D-HNN authors' energy figures per model, where the run matches their setup (dhnnAuthors.ts). */
  readonly dhnnAuthors?: Readonly<Record<string, Pair>>;
  /** Per seed, model → every figure and the saved parameters. */
  readonly seeds: readonly unknown[];
}

/** A number as 3.71e-2, or — when absent or not finite. */
function sci(x: number | undefined): string {
  return x === undefined || !Number.isFinite(x) ? '—' : x.toExponential(2);
}

function cell(s: SeedSummary | undefined): string {
  if (s === undefined) return '—';
  const error = Number.isFinite(s.error) ? ` ± ${sci(s.error)}` : '';
  const spread = s.spread === null ? '' : ` (seeds ±${sci(s.spread)})`;
  return `${sci(s.mean)}${error}${spread}`;
}

function paperCell(pair: Pair | undefined): string {
  return pair === undefined ? '—' : `${sci(pair[0])} ± ${sci(pair[1])}`;
}

/** Pads the columns of rows to a common width. */
function layout(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => [...r[c]].length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => c + ' '.repeat(widths[i] - [...c].length))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/**
 * One table per task: a column per model, rows for the test loss, the energy figure and the rollout
 * errors (each followed by the paper's figure where Table 1 has one, and the energy by the D-HNN
 * authors' where the run matches their setup), and the learned dissipation.
 */
export function comparisonTable(result: ComparisonTaskResult): string {
  const { models, summary, paper } = result;
  const row = (label: string, figure: string) => [label, ...models.map((m) => cell(summary[m]?.[figure]))];
  const paperRow = (what: 'test' | 'energy') => [
    '  paper (Table 1)',
    ...models.map((m) => paperCell(paper[m]?.[what])),
  ];
  const hasPaper = Object.keys(paper).length > 0;
  const rows: string[][] = [
    ['figure', ...models.map((m) => MODEL_TITLES[m])],
    row('train loss', 'trainLoss'),
    row('test loss', 'testLoss'),
  ];
  if (hasPaper) rows.push(paperRow('test'));
  rows.push(row(result.energyLabel, 'energy'));
  if (hasPaper) rows.push(paperRow('energy'));
  const authors = result.dhnnAuthors ?? {};
  if (Object.keys(authors).length > 0)
    rows.push(['  D-HNN authors (Sosanya & Greydanus)', ...models.map((m) => paperCell(authors[m]))]);
  for (const h of result.horizons) rows.push(row(`rollout error at t = ${h}`, `rollout@${h}`));
  if (models.includes('dhnn') || models.includes('dhnn-fd')) {
    const truth = result.damping === undefined ? '' : ` (true γ = ${result.damping})`;
    rows.push(row(`learned dissipation −ΔD${truth}`, 'dissipation'));
  }
  const failures = Object.entries(result.failures).flatMap(([m, messages]) =>
    messages.map((text) => `  ${MODEL_TITLES[m as ComparisonModel]}: rollout stopped: ${text}`),
  );
  const targets = targetsLabel(result.targets);
  const noise = result.noise === undefined ? '' : `, noise σ = ${result.noise}`;
  const header = `${result.title} (${result.task}) — ${result.data} data${noise}${targets}, ${result.steps} steps`;
  return `${header}\n${layout(rows)}\n${failures.length > 0 ? `${failures.join('\n')}\n` : ''}`;
}
