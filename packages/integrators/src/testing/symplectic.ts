import { type Value, jacfwd, primalTensor } from '@liouville/ad';
import * as L from '@liouville/linalg';
import { ShapeError, formatShape } from '@liouville/linalg';
import { flow } from '../rollout.js';
import type { State, Step } from '../system.js';
import { PropertyCheckError } from './check.js';

/** The largest entry of |MᵀJM − J|, the defect of symplecticity of a 2n×2n Jacobian M. */
export function symplecticDefect(M: L.Tensor): number {
  const n = M.shape[0] / 2;
  const J = L.symplecticJ(n, M.dtype);
  const defect = L.sub(L.matmul(L.matmul(L.transpose(M), J), M), J);
  let worst = 0;
  for (const d of defect.data) {
    if (Number.isNaN(d)) return Number.NaN;
    worst = Math.max(worst, Math.abs(d));
  }
  return worst;
}

/**
 * Asserts that a step map is symplectic at `state` (Hairer, Lubich & Wanner, GNI 2nd ed.,
 * Def. VI.2.2): its Jacobian M, computed exactly by forward-mode AD in one batched pass
 * (jacfwd of the flat step map), satisfies max |MᵀJM − J| ≤ tol. Returns the measured defect;
 * throws a PropertyCheckError naming it otherwise. `state` is one state, q and p of shape [dim].
 */
export function expectSymplectic(step: Step, state: State, tol = 1e-12): number {
  const q = primalTensor(state.q);
  const p = primalTensor(state.p);
  if (q.shape.length !== 1 || p.shape.length !== 1 || q.shape[0] !== p.shape[0]) {
    throw new ShapeError(
      'expectSymplectic',
      `expects one state, q and p of shape [dim], got q ${formatShape(q.shape)} and p ${formatShape(p.shape)}`,
    );
  }
  const x = L.concat([q, p], 0);
  const M = primalTensor(jacfwd(flow(step))(x) as Value);
  const defect = symplecticDefect(M);
  if (!(defect <= tol)) {
    throw new PropertyCheckError(
      'expectSymplectic',
      defect,
      tol,
      `max |MᵀJM − J| = ${defect.toExponential(3)} exceeds the tolerance ${tol.toExponential(1)} at q = [${Array.from(q.data)}], p = [${Array.from(p.data)}]`,
    );
  }
  return defect;
}
