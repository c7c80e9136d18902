import type { Pair, ReferenceFigures } from './reference.js';
import type { SeedSummary, TaskResult } from './results.js';
import { type ModelKind, MODEL_KINDS } from './tasks.js';

const MODEL_LABEL: Record<ModelKind, string> = { baseline: 'baseline', hnn: 'HNN' };

/** A number as 3.71e-2. */
function sci(x: number | null): string {
  // An error estimate needs 5 chunks: with fewer trajectories it is NaN (null once in JSON).
  return x === null || !Number.isFinite(x) ? '—' : x.toExponential(2);
}

function pairText(pair: Pair | undefined): string {
  return pair === undefined ? '—' : `${sci(pair[0])} ± ${sci(pair[1])}`;
}

function oursText(s: SeedSummary | undefined): [string, string] {
  if (s === undefined) return ['—', '—'];
  return [`${sci(s.mean)} ± ${sci(s.error)}`, s.spread === null ? '—' : sci(s.spread)];
}

/** The reference figures to print beside a figure of ours. */
function referenceOf(
  ref: ReferenceFigures,
  figure: string,
  paper: boolean,
  rerun?: string,
): [Pair | undefined, Pair | undefined] {
  if (figure === 'trainLoss') return [ref.paper.train, ref.rerun.train];
  if (figure === 'testLoss') return [ref.paper.test, ref.rerun.test];
  const rerunPair = rerun === undefined ? undefined : rerun === 'energy' ? ref.rerun.energy : ref.rerunExtra[rerun];
  return [paper ? ref.paper.energy : undefined, rerunPair];
}

/** Rows of one task: figure, model, ours (mean ± mean error), spread over seeds, paper, re-run. */
function taskRows(task: TaskResult): string[][] {
  const figures = [
    { key: 'trainLoss', label: 'train loss', models: MODEL_KINDS as readonly ModelKind[], paper: true, rerun: 'loss' },
    { key: 'testLoss', label: 'test loss', models: MODEL_KINDS as readonly ModelKind[], paper: true, rerun: 'loss' },
    ...task.evaluation.metrics.map((m) => ({
      key: m.key,
      label: m.label,
      models: m.models,
      paper: m.paper,
      rerun: m.rerun,
    })),
  ];
  const rows: string[][] = [];
  for (const figure of figures) {
    figure.models.forEach((kind, i) => {
      const [ours, spread] = oursText(task.summary[kind]?.[figure.key]);
      const [paper, rerun] = referenceOf(task.reference[kind], figure.key, figure.paper, figure.rerun);
      rows.push([i === 0 ? figure.label : '', MODEL_LABEL[kind], ours, spread, pairText(paper), pairText(rerun)]);
    });
  }
  return rows;
}

/** Pads the columns of rows to a common width. */
function layout(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => [...r[c]].length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => cell + ' '.repeat(widths[c] - [...cell].length))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/**
 * The comparison table of one task: our figures (mean over seeds ± the mean of the per-seed ±, and
 * the spread across seeds) beside the paper's Table 1 and the re-run of the reference code.
 */
export function taskTable(task: TaskResult): string {
  const n = task.seeds.length;
  const data = task.seeds[0].data.origin;
  const header = `${task.title} (${task.task}) — ${n} seed${n === 1 ? '' : 's'}, ${data} data, ${task.seeds[0].models.hnn.stepsDone} steps`;
  const rows = [
    ['figure', 'model', 'ours', 'seed spread', 'paper (Table 1)', 're-run of reference'],
    ...taskRows(task),
  ];
  return `${header}\n${layout(rows)}\n`;
}
