import { pendulum } from '../systems/pendulum.js';
import type { Dataset } from './Dataset.js';
import { pendulumField } from './fields.js';
import { type OscillatorDatasetOptions, oscillatorDataset } from './oscillator.js';

/**
 * The ideal pendulum dataset of the HNN paper (Greydanus, Dzamba & Yosinski, NeurIPS 2019,
 * task 2), as the reference code builds it (greydanus/hamiltonian-nn, experiment-pend/data.py):
 * H = 3(1 − cos q) + p² (`pendulum({ variant: 'hnnCode' })`), 50 trajectories of 45 points on
 * t ∈ [0, 3], initial radius ~ U[1.3, 2.3), solver rtol 1e-10, targets ẋ = J∇H at the noise-free
 * states, then noise σ = 0.1 on q and p; the first 25 trajectories (1125 rows) train, the rest test.
 */
export function pendulumDataset(options?: OscillatorDatasetOptions): Dataset {
  const recipe = {
    name: 'pendulum',
    system: pendulum({ variant: 'hnnCode' }),
    field: pendulumField,
    points: 45,
    radius: [1.3, 2.3] as const,
    source: 'greydanus/hamiltonian-nn experiment-pend/data.py get_dataset (bcc3622)',
  };
  return oscillatorDataset(recipe, options);
}
