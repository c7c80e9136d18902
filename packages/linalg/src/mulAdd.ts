import { add, mul, perDType } from './elementwise.js';
import { shapesEqual } from './shape.js';
import { type DType, Tensor, type TypedArray, allocate } from './Tensor.js';

type FusedKernel = (a: TypedArray, b: TypedArray, c: TypedArray, d: TypedArray, out: TypedArray) => void;

/** One loop per dtype combination, so every load and store stays monomorphic (see perDType). */
const kernelFor = perDType(
  () =>
    new Function(
      'a',
      'b',
      'c',
      'd',
      'out',
      'for (let i = 0; i < out.length; i++) out[i] = a[i] * b[i] + c[i] * d[i];\n//# sourceURL=liouville-kernel-mulAdd.js',
    ) as FusedKernel,
);

/**
 * a·b + c·d elementwise in one pass (one allocation instead of three): the product rule's shape,
 * ȧ·b + a·ḃ. Operands of one shape take the fused loop; others fall back to broadcasting ops.
 */
export function mulAdd(a: Tensor, b: Tensor, c: Tensor, d: Tensor): Tensor {
  const same = shapesEqual(a.shape, b.shape) && shapesEqual(a.shape, c.shape) && shapesEqual(a.shape, d.shape);
  if (!same) return add(mul(a, b), mul(c, d));
  const dtype: DType = [a, b, c, d].every((t) => t.dtype === 'float32') ? 'float32' : 'float64';
  const out = allocate(dtype, a.size);
  kernelFor(a.dtype, b.dtype, c.dtype, d.dtype, dtype)(a.data, b.data, c.data, d.data, out);
  return new Tensor(out, a.shape);
}
