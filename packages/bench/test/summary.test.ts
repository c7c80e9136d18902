import { describe, expect, test } from 'vitest';
import type { CaseResult, GroupResult } from '../src/harness.js';
import type { BenchmarkRun } from '../src/results.js';
import { losses } from '../src/summary.js';

/** A case row with only what the summary reads; the timing fields are placeholders. */
function row(name: string, peer?: string, relative?: { to: string; ratio: number }): CaseResult {
  return {
    name,
    isBaseline: false,
    medianMs: 1,
    spreadPct: 0,
    ratio: 1,
    ratioSpread: 0,
    speedup: 1,
    metric: null,
    iterations: 1,
    samples: 1,
    ...(peer === undefined ? {} : { peer }),
    ...(relative === undefined ? {} : { relative: { ...relative, spread: 0 } }),
  };
}

function run(cases: CaseResult[]): BenchmarkRun {
  const group: GroupResult = {
    name: 'g',
    description: '',
    baseline: 'hand',
    rounds: 1,
    budgetMs: 1,
    durationMs: 1,
    cases,
  };
  return { format: 1, environment: {} as BenchmarkRun['environment'], quick: false, groups: [group] };
}

describe('Where Liouville loses', () => {
  test('lists a peer row faster than the Liouville row it is compared with, and not a slower one', () => {
    const lost = losses(
      run([
        row('Liouville eager'),
        row('PyTorch fast', 'PyTorch', { to: 'Liouville eager', ratio: 0.25 }),
        row('jax-js slow', 'jax-js', { to: 'Liouville eager', ratio: 3 }),
      ]),
    );
    expect(lost).toEqual([{ group: 'g', peer: 'PyTorch fast', ours: 'Liouville eager', factor: 4, measure: 'time' }]);
  });

  test('lists a Liouville row compared with a peer row when it took longer, and not when it was faster', () => {
    const lost = losses(
      run([
        row('PyTorch float64', 'PyTorch'),
        row('PyTorch float32', 'PyTorch'),
        row('Liouville float64, jit', undefined, { to: 'PyTorch float64', ratio: 1.9 }),
        row('Liouville float32, jit', undefined, { to: 'PyTorch float32', ratio: 0.8 }),
      ]),
    );
    expect(lost).toEqual([
      { group: 'g', peer: 'PyTorch float64', ours: 'Liouville float64, jit', factor: 1.9, measure: 'time' },
    ]);
  });
});
