import { primalTensor } from '@liouville/ad';
import { type Hamiltonian, energy, hnn } from '@liouville/hamiltonian';
import { splitPhase } from '@liouville/integrators';
import { Tensor } from '@liouville/linalg';
import type { LoadedModel } from './modelFile.js';

/**
 * What `simulate --params` integrates of a saved model and which energies it writes beside the
 * states: a model whose flow is Hamilton's (an HNN, an SRNN) as a Hamiltonian, so any method of
 * the integrators applies; the learned energy of every model that has one.
 */

/** Energies of states [rows, 2n], one number a row. */
export type RowEnergies = (states: Tensor) => Float64Array;

/** The energies of a Hamiltonian, all rows in one batch. */
export function hamiltonianEnergies(system: Hamiltonian): RowEnergies {
  const H = energy(system);
  return (states) => {
    const { q, p } = splitPhase(states, system.dim);
    return Float64Array.from(primalTensor(H({ q, p })).data);
  };
}

/** The energies of a function of one state [2n], row by row. */
export function energiesOfEach(energyOf: (x: Tensor) => number): RowEnergies {
  return (states) => {
    const [rows, width] = states.shape;
    return Float64Array.from({ length: rows }, (_, r) =>
      energyOf(new Tensor(states.data.slice(r * width, (r + 1) * width), [width])),
    );
  };
}

/**
 * The saved model as a Hamiltonian when its flow is Hamilton's: an HNN with only its solenoidal
 * part (a `general` H_θ), an SRNN (a `separable` T_θ(p) + V_θ(q), so explicit splitting methods
 * apply). Undefined for a baseline, a DHNN (dissipative), an LNN (Lagrangian, in (q, q̇)).
 */
export function learnedHamiltonian(loaded: LoadedModel): Hamiltonian | undefined {
  const { model, params, meta } = loaded;
  const name = `${model.kind}(${meta.task ?? 'your data'})`;
  if (model.kind === 'hnn' && model.fieldType === 'solenoidal') return hnn(model, params, name);
  if (model.kind === 'srnn') return { ...model.system(params), name, params: {} };
  return undefined;
}

/**
 * The model's own energy of states [rows, 2n]: H_θ of an HNN, an SRNN or a DHNN (which the DHNN's
 * ∇D dissipates), E_θ = q̇·∂L/∂q̇ − L of an LNN trained in the data's units; none for a baseline.
 */
export function learnedEnergies(loaded: LoadedModel): RowEnergies | undefined {
  const { model, params, meta } = loaded;
  const numbers = (value: Parameters<typeof primalTensor>[0]) => Float64Array.from(primalTensor(value).data);
  switch (model.kind) {
    case 'hnn':
    case 'srnn':
    case 'dhnn':
      return (states) => numbers(model.hamiltonian(params, states));
    case 'lnn':
      // E_θ is the Legendre transform of L_θ in the units it was trained in; a scaling of q and q̇
      // apart is no change of a Lagrangian's units, so a scaled LNN writes none.
      return meta.scaling === undefined ? (states) => numbers(model.energy(params, states)) : undefined;
    case 'baseline':
      return undefined;
  }
}
