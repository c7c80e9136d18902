import * as L from '@liouville/linalg';
import { InvalidArgumentError, ShapeError, formatShape } from '@liouville/linalg';
import { withTrace } from './bind.js';
import { Dual, type JacobianOf, JvpTrace, jacfwd, jvp, tangentLayout } from './forward.js';
import { reshape, sum, transpose } from './ops.js';
import { grad } from './reverse.js';
import type { Tree } from './tree.js';
import type { Value } from './Tracer.js';

/**
 * The Hessian of a scalar f: forward over reverse, `jacfwd(grad(f))`, as JAX's `hessian`.
 *
 * @example
 * ```ts
 * import { type Value, hessian, mul, square, sum } from '@liouville/ad';
 * import { tensor } from '@liouville/linalg';
 *
 * const f = (x: Value) => sum(mul(square(x), x)); // Σ xᵢ³, so ∇²f = diag(6x)
 * hessian(f)(tensor([1, 2])); // [[6, 0], [0, 12]]
 * ```
 */
export function hessian<X extends Tree>(f: (x: X) => Value): (x: X) => JacobianOf<X, X> {
  return jacfwd(grad(f));
}

/**
 * The Hessian-vector product ∇²f(x)·v without forming the Hessian: forward mode over reverse
 * mode, one forward and one backward pass over dual numbers (Pearlmutter, Neural Comput. 6(1), 1994).
 *
 * @example
 * ```ts
 * import { type Value, grad, hvp, mul, square, sum } from '@liouville/ad';
 * import { tensor } from '@liouville/linalg';
 *
 * const f = (x: Value) => sum(mul(square(x), x)); // Σ xᵢ³, so ∇²f = diag(6x)
 * hvp(f, tensor([1, 2]), tensor([1, 1])); // ∇²f·v = [6, 12]
 * grad((x: Value) => sum(hvp(f, x, tensor([1, 1]))))(tensor([1, 2])); // a third derivative: [6, 6]
 * ```
 */
export function hvp<X extends Tree>(f: (x: X) => Value, x: X, v: X): X {
  return jvp(grad(f), x, v)[1];
}

/** Options of `rowwiseGrad`. */
export interface RowwiseGradOptions {
  /** 'forward' (default): all d directions in one batched forward pass; 'reverse': one backward pass. */
  mode?: 'forward' | 'reverse';
}

/**
 * For a function applied independently to each row, f: [B, d] → [B] (or [B, 1]), the gradient
 * of each row's output with respect to its own row: a [B, d] result, what `vmap(grad(f))` gives
 * in JAX. Forward mode pushes the d coordinate directions of every row in one pass (tangent
 * [d, B, d]); reverse mode differentiates Σᵢ f(x)ᵢ, equal because the rows are independent.
 * This is the input gradient of a Hamiltonian Neural Network (Greydanus et al., 2019).
 */
export function rowwiseGrad(f: (x: Value) => Value, options: RowwiseGradOptions = {}): (x: Value) => Value {
  const mode = options.mode ?? 'forward';
  if (mode !== 'forward' && mode !== 'reverse') {
    throw new InvalidArgumentError('rowwiseGrad: mode', "'forward' or 'reverse'", mode);
  }
  const checkOutput = (x: Value, y: Value): void => {
    const [rows] = x.shape;
    const ok =
      (y.shape.length === 1 && y.shape[0] === rows) ||
      (y.shape.length === 2 && y.shape[0] === rows && y.shape[1] === 1);
    if (!ok)
      throw new ShapeError(
        'rowwiseGrad',
        `f must map [B, d] to [B] or [B, 1]; got ${formatShape(x.shape)} to ${formatShape(y.shape)}`,
      );
  };
  return (x: Value) => {
    if (x.shape.length !== 2)
      throw new ShapeError('rowwiseGrad', `expected a matrix [B, d] of rows, got ${formatShape(x.shape)}`);
    const [rows, d] = x.shape;
    if (mode === 'reverse') {
      return grad((z: Value) => {
        const y = f(z);
        checkOutput(z, y);
        return sum(y);
      })(x);
    }
    return withTrace(
      (level) => new JvpTrace(level, tangentLayout(d)),
      (trace) => {
        // Direction j sets coordinate j of every row: tangent[j, b, j] = 1.
        const basis = L.zeros([d, rows, d], x.dtype);
        for (let j = 0; j < d; j++) for (let b = 0; b < rows; b++) basis.data[(j * rows + b) * d + j] = 1;
        const y = f(new Dual(trace, x, basis));
        checkOutput(x, y);
        return transpose(reshape(trace.tangentOf(y), [d, rows]));
      },
    );
  };
}
