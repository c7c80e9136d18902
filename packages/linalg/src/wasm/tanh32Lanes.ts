import { FunctionBody, Op, SimdOp, ValType } from './assembler.js';
import { TANH32_ALPHA, TANH32_BETA, TANH32_CLAMP, TANH32_TINY } from '../tanh32.js';
import { SsaLanes } from './ssaLanes.js';
import { TANH_ELEMENTS_PER_STEP } from './tanhLanes.js';

/**
 * float32 tanh over arrays in WebAssembly SIMD, four float32 lanes per f32x4 vector: the
 * operations of tanhOf32 (../tanh32.ts), one for one and in the same order, so each lane gets
 * tanhOf32's bits (f32x4 arithmetic rounds each operation to float32, to nearest, never fused;
 * f32x4.min and f32x4.max propagate NaN as Math.min and Math.max do). tanhOf32's early return for
 * |x| < 0.0004 is a per-lane selection of x over the approximation.
 *
 * A step is TANH_ELEMENTS_PER_STEP = 8 elements, two vectors (the contract of the float64
 * kernel's tanh_f32, which the callers keep).
 */

const v128 = ValType.v128;
const i32 = ValType.i32;
/** f32x4 vectors per step. */
const VECTORS_PER_STEP = 2;
const BYTES_PER_VECTOR = 16;
if (VECTORS_PER_STEP * 4 !== TANH_ELEMENTS_PER_STEP)
  throw new Error('tanh32Lanes: a step must hold TANH_ELEMENTS_PER_STEP elements');

const { f32x4Add: add, f32x4Mul: mul } = SimdOp;

const CONSTANTS = [TANH32_CLAMP, -TANH32_CLAMP, TANH32_TINY, ...TANH32_ALPHA, ...TANH32_BETA];

/** tanhOf32 of the lanes of `x`, operation for operation. */
function tanh32Lanes(l: SsaLanes, x: number): number {
  const c = (value: number) => l.constant(value);
  const [A1, A3, A5, A7, A9, A11, A13] = TANH32_ALPHA.map(c);
  const [B0, B2, B4, B6] = TANH32_BETA.map(c);
  const clamped = l.op(SimdOp.f32x4Max, l.op(SimdOp.f32x4Min, x, c(TANH32_CLAMP)), c(-TANH32_CLAMP));
  const z = l.op(mul, clamped, clamped);
  // Horner: p = (…(α₁₃z + α₁₁)z + …)z + α₁, then x·p; q likewise.
  let p = l.op(add, l.op(mul, A13, z), A11);
  for (const alpha of [A9, A7, A5, A3, A1]) p = l.op(add, l.op(mul, p, z), alpha);
  p = l.op(mul, clamped, p);
  let q = l.op(add, l.op(mul, B6, z), B4);
  for (const beta of [B2, B0]) q = l.op(add, l.op(mul, q, z), beta);
  const y = l.op(SimdOp.f32x4Div, p, q);
  const tiny = l.op(SimdOp.f32x4Lt, l.op(SimdOp.f32x4Abs, x), c(TANH32_TINY));
  return l.op(SimdOp.v128Bitselect, x, y, tiny);
}

/**
 * `tanh_f32(in, out, steps)`: out[i] = tanhOf32(in[i]) for steps·TANH_ELEMENTS_PER_STEP float32
 * elements at byte addresses `in` and `out` (equal, or not overlapping). Requires steps ≥ 1.
 * Pairs of steps go through a loop of four independent vectors (measured 1.31 ns per element
 * against 1.50 for a loop of two: one vector's chain of dependent operations is about twenty
 * long); an odd last step takes two.
 */
export function tanh32Body(): FunctionBody {
  const f = new FunctionBody([i32, i32, i32]);
  const [input, output, steps] = [0, 1, 2];
  const l = new SsaLanes(f, 'f32');
  for (const value of CONSTANTS) l.constant(value);
  /** tanh of `vectors` vectors from `input` to `output`, both then moved past them. */
  const vectorsAt = (vectors: number) => {
    const xs = Array.from({ length: vectors }, (_, u) => {
      f.get(input).simdMemory(SimdOp.v128Load, 0, u * BYTES_PER_VECTOR);
      const x = f.local(v128);
      f.set(x);
      return x;
    });
    const ys = xs.map((x) => tanh32Lanes(l, x));
    for (const [u, y] of ys.entries())
      f.get(output)
        .get(y)
        .simdMemory(SimdOp.v128Store, 0, u * BYTES_PER_VECTOR);
    f.increment(input, () => f.i32(vectors * BYTES_PER_VECTOR));
    f.increment(output, () => f.i32(vectors * BYTES_PER_VECTOR));
  };
  f.whileLoop(
    () => f.get(steps).i32(2).emit(Op.i32GeU),
    () => {
      vectorsAt(2 * VECTORS_PER_STEP);
      f.increment(steps, () => f.i32(-2));
    },
  );
  f.get(steps).ifThen(() => vectorsAt(VECTORS_PER_STEP));
  return f;
}
