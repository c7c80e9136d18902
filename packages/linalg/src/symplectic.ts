import { InvalidArgumentError } from './errors.js';
import { checkNonNegativeInteger } from './validate.js';
import { type DType, Tensor, allocate } from './Tensor.js';

/**
 * The canonical symplectic matrix J = [[0, I], [−I, 0]] of size 2n×2n, so that Hamilton's
 * equations for x = (q, p) read ẋ = J ∇H(x) (Hairer, Lubich & Wanner, Geometric Numerical
 * Integration, 2nd ed., §VI.2). It satisfies Jᵀ = −J = J⁻¹.
 */
export function symplecticJ(n: number, dtype: DType = 'float64'): Tensor {
  checkNonNegativeInteger('symplecticJ: n', n);
  if (dtype !== 'float64' && dtype !== 'float32') {
    throw new InvalidArgumentError('symplecticJ: dtype', "'float64' or 'float32'", dtype);
  }
  const size = 2 * n;
  const out = allocate(dtype, size * size);
  for (let i = 0; i < n; i++) {
    out[i * size + n + i] = 1; // q̇ = +∂H/∂p
    out[(n + i) * size + i] = -1; // ṗ = −∂H/∂q
  }
  return new Tensor(out, [size, size]);
}
