import type { Pair } from '../reference.js';
import type { ComparisonTargets } from './tasks.js';

/**
 * The figures the D-HNN's authors report on the real pendulum (Sosanya & Greydanus 2022, arXiv
 * 2201.10085), printed beside ours where our run matches their setup.
 *
 * Source: their public repository DrewSosa/dissipative_hnns, notebook analyze_realpend.ipynb at
 * commit 9082ec4 (the final results run), cell "energy MSE" output. Their setup: Schmidt & Lipson's
 * real_pend_h_1, central-difference ẋ targets (their data.py averages two forward differences, the
 * "midpoint rule"), the first 80% of the rows for training, MLP / HNN / D-HNN of 256 hidden units,
 * 5000 Adam steps at lr 5e-3 on minibatches of 128, float32; energy H = 2.4(1 − cos q) + p² along
 * the test segment, integrated by solve_ivp from its first state with default tolerances — the
 * protocol of our `--task real --targets central`, with their own training hyperparameters.
 * The ± is their standard error over the segment's points.
 *
 * They report no test loss: the last one their training log prints (step 4800, on the first 128
 * test rows) is 8.13e-4 for the MLP, 6.55e-4 for the HNN and 1.09e-3 for the D-HNN, the D-HNN's the
 * highest of the three. Those logged values are not a reported figure and are not printed here.
 */
const REAL_PENDULUM_CENTRAL_ENERGY: Readonly<Record<string, Pair>> = {
  baseline: [1.167e-3, 1.06e-4],
  hnn: [1.0177e-2, 7.95e-4],
  dhnn: [1.0675e-3, 1.06e-4],
};

/** The D-HNN authors' energy figures, per model, for a task and targets they match; empty otherwise. */
export function dhnnAuthorsEnergy(
  task: string,
  targets: ComparisonTargets,
  models: readonly string[],
): Readonly<Record<string, Pair>> {
  if (task !== 'real' || targets !== 'central') return {};
  return Object.fromEntries(
    models.flatMap((m) => (m in REAL_PENDULUM_CENTRAL_ENERGY ? [[m, REAL_PENDULUM_CENTRAL_ENERGY[m]]] : [])),
  );
}
