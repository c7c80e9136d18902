import { massSpring } from '../systems/massSpring.js';
import type { Dataset } from './Dataset.js';
import { springField } from './fields.js';
import { type OscillatorDatasetOptions, oscillatorDataset } from './oscillator.js';

/**
 * The ideal mass-spring dataset of the HNN paper (Greydanus, Dzamba & Yosinski, NeurIPS 2019,
 * task 1), as the reference code builds it (greydanus/hamiltonian-nn, experiment-spring/data.py):
 * H = q² + p² (`massSpring({ variant: 'hnnCode' })`), 50 trajectories of 30 points on t ∈ [0, 3],
 * initial radius ~ U[0.1, 1), solver rtol 1e-10, targets ẋ = J∇H at the noise-free states, then
 * noise σ = 0.1 on q and p; the first 25 trajectories (750 rows) train, the last 25 test.
 */
export function springDataset(options?: OscillatorDatasetOptions): Dataset {
  const recipe = {
    name: 'spring',
    system: massSpring({ variant: 'hnnCode' }),
    field: springField,
    points: 30,
    radius: [0.1, 1] as const,
    source: 'greydanus/hamiltonian-nn experiment-spring/data.py get_dataset (bcc3622)',
  };
  return oscillatorDataset(recipe, options);
}
