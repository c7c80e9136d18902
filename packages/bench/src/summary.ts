// The summary sections of BENCHMARKS.md, computed from the results (never written by hand):
// where a peer beat Liouville, and which rows a peer could not fill and why.
import type { CaseResult, GroupResult } from './harness.js';
import type { BenchmarkRun } from './results.js';

/** One comparison Liouville lost: `peer` took `factor` times less time (or cost) than `ours`. */
export interface Loss {
  group: string;
  peer: string;
  ours: string;
  /** Liouville's time (or cost) divided by the peer's: > 1. */
  factor: number;
  /** What was compared: 'time' (same task, same dtype or level) or 'cost in units of f'. */
  measure: string;
}

function isPeer(c: CaseResult | undefined): boolean {
  return c?.peer !== undefined;
}

/**
 * Peer rows faster than the Liouville row they are compared with (per-round ratio below 1), and
 * Liouville rows compared with a peer's row (the compiled HNN step against PyTorch) that took longer.
 */
function timeLosses(group: GroupResult): Loss[] {
  const byName = new Map(group.cases.map((c) => [c.name, c]));
  return group.cases.flatMap((c): Loss[] => {
    if (!c.relative) return [];
    const comparedWithPeer = isPeer(byName.get(c.relative.to));
    if (isPeer(c) && !comparedWithPeer && c.relative.ratio < 1)
      return [{ group: group.name, peer: c.name, ours: c.relative.to, factor: 1 / c.relative.ratio, measure: 'time' }];
    if (!isPeer(c) && comparedWithPeer && c.relative.ratio > 1)
      return [{ group: group.name, peer: c.relative.to, ours: c.name, factor: c.relative.ratio, measure: 'time' }];
    return [];
  });
}

/**
 * In groups whose rows are compared with their own library's f (chart 'relative'): peer hvp rows
 * whose cost in units of their f is below Liouville's hvp row's cost in units of its f.
 */
function costLosses(group: GroupResult): Loss[] {
  if (group.chart !== 'relative') return [];
  const ours = group.cases.find((c) => !isPeer(c) && c.name.startsWith('hvp') && c.relative);
  if (!ours?.relative) return [];
  const ourCost = ours.relative.ratio;
  return group.cases.flatMap((c) => {
    if (!isPeer(c) || !c.name.includes('hvp') || !c.relative || !(c.relative.ratio < ourCost)) return [];
    return [
      {
        group: group.name,
        peer: c.name,
        ours: ours.name,
        factor: ourCost / c.relative.ratio,
        measure: 'cost in units of f',
      },
    ];
  });
}

/** Every comparison a peer won, in the order of the groups. */
export function losses(run: BenchmarkRun): Loss[] {
  return run.groups.flatMap((g) => [...timeLosses(g), ...costLosses(g)]);
}

/** The rows not run, grouped by peer and reason: what each peer cannot do here (or why it is absent). */
export function unavailableRows(run: BenchmarkRun): { library: string; reason: string; rows: string[] }[] {
  const byKey = new Map<string, { library: string; reason: string; rows: string[] }>();
  for (const g of run.groups) {
    for (const c of g.cases) {
      if (c.unavailable === undefined) continue;
      const library = c.peer ?? c.name.split(/[ :,]/)[0];
      const key = `${library}\u0000${c.unavailable}`;
      if (!byKey.has(key)) byKey.set(key, { library, reason: c.unavailable, rows: [] });
      byKey.get(key)?.rows.push(`${g.name} / ${c.name}`);
    }
  }
  return [...byKey.values()];
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** The "Where Liouville loses" and "What the peers cannot do" sections. */
export function summaryMarkdown(run: BenchmarkRun): string {
  const lost = losses(run);
  const lossRows = lost.map(
    (l) =>
      `| ${escapeCell(l.group)} | ${escapeCell(l.peer)} | ${escapeCell(l.ours)} | ${l.measure} | ${l.factor.toFixed(2)}× |`,
  );
  const missing = unavailableRows(run).map(
    (u) => `| ${escapeCell(u.library)} | ${escapeCell(u.reason)} | ${escapeCell(u.rows.join('; '))} |`,
  );
  return [
    '## Where Liouville loses',
    '',
    'Every row of another library that took less time than the Liouville row it is compared with (same task, same dtype or',
    'level; the "time / Liouville …" column of its group), every Liouville row compared with another library\'s row (the',
    'compiled HNN step against PyTorch on one thread) that took more time, and every Hessian-vector product whose cost in units of its own',
    "library's f is below Liouville's. Computed from the results; the plain-TypeScript baselines, the limit of what",
    'JavaScript can do, beat Liouville in most groups as well (their "time / baseline" column).',
    '',
    ...(lossRows.length > 0
      ? [
          '| group | faster row | Liouville row | measure | Liouville / peer |',
          '| --- | --- | --- | --- | ---: |',
          ...lossRows,
        ]
      : ['No peer row beat its Liouville row in this run.']),
    '',
    '## What the peers cannot do here',
    '',
    'Rows kept in the tables without a time, and why (a library that is not installed says so here too).',
    '',
    ...(missing.length > 0 ? ['| library | reason | rows |', '| --- | --- | --- |', ...missing] : ['Every row ran.']),
    '',
  ].join('\n');
}
