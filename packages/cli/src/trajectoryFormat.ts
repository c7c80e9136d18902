import type { TrajectoryTable } from './simulation.js';

/** Column names: t, q (or q1 … qn), p (or p1 … pn), energy and, for an HNN, learnedEnergy. */
export function trajectoryColumns(table: TrajectoryTable): string[] {
  const n = table.q[0]?.length ?? 0;
  const names = (s: string) => (n === 1 ? [s] : Array.from({ length: n }, (_, i) => `${s}${i + 1}`));
  return ['t', ...names('q'), ...names('p'), 'energy', ...(table.learnedEnergy ? ['learnedEnergy'] : [])];
}

/** The rows of the table in column order. */
function tableRows(table: TrajectoryTable): number[][] {
  return table.t.map((t, i) => [
    t,
    ...table.q[i],
    ...table.p[i],
    table.energy[i],
    ...(table.learnedEnergy ? [table.learnedEnergy[i]] : []),
  ]);
}

/** CSV with a header line; numbers in their shortest exact decimal form, so they read back bit for bit. */
export function trajectoryCsv(table: TrajectoryTable): string {
  const lines = [trajectoryColumns(table).join(','), ...tableRows(table).map((row) => row.map(String).join(','))];
  return `${lines.join('\n')}\n`;
}

/** JSON: what was simulated and how, the column names, and the columns as arrays. */
export function trajectoryJson(table: TrajectoryTable, about: Record<string, unknown>): string {
  const doc = {
    ...about,
    columns: trajectoryColumns(table),
    t: table.t,
    q: table.q,
    p: table.p,
    energy: table.energy,
    ...(table.learnedEnergy ? { learnedEnergy: table.learnedEnergy } : {}),
  };
  return `${JSON.stringify(doc)}\n`;
}
