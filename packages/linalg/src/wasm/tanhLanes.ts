import { FunctionBody, SimdOp, ValType } from './assembler.js';
import { SsaLanes } from './ssaLanes.js';
import {
  CEPHES_P,
  CEPHES_Q,
  INVERSE_FACTORIALS,
  INV_LN2,
  LN2_HI,
  LN2_LO,
  ROUNDING,
  SMALL_END,
  T_MAX,
} from '../tanh.js';

/**
 * tanh over arrays in WebAssembly SIMD, two float64 lanes per vector: the operations of tanhOf
 * (../tanh.ts), one for one and in the same order, so each lane gets tanhOf's bits (WebAssembly's
 * f64x2 arithmetic rounds each operation as JavaScript's does: IEEE 754, to nearest, never fused).
 * Where tanhOf reads 2ᵏ from a table, the kernel builds it: k + (2⁵² + 1023) leaves k + 1023 in
 * the low mantissa bits, and shifting them left by 52 moves them into the exponent field (the same
 * exact power of two). float32 arrays are widened to float64 two elements at a time, computed the
 * same way and rounded once on the way out, as storing tanhOf of a float32 into a Float32Array does.
 *
 * Each loop iteration computes UNROLL independent vectors: one vector's chain of dependent
 * operations is long (about 110 cycles), and interleaving independent ones keeps the SIMD units
 * busy (measured 3.8–4.9 ns per element against 5.7–7.3 for one vector per iteration).
 */

const v128 = ValType.v128;
const i32 = ValType.i32;
const UNROLL = 4;
/** Elements per loop iteration, in both dtypes (float32 vectors hold two widened elements). */
export const TANH_ELEMENTS_PER_STEP = 2 * UNROLL;

/** 2⁵² + 1023 (see the module comment). */
const EXPONENT_BIAS_MAGIC = 2 ** 52 + 1023;

const { f64x2Add: add, f64x2Mul: mul, f64x2Sub: sub } = SimdOp;

/** SsaLanes over float64 lanes, with the powers of two of tanh's reconstruction. */
class Lanes extends SsaLanes {
  constructor(f: FunctionBody) {
    super(f, 'f64');
  }

  /** The lanes 2ᵏ of integer-valued lanes k in [0, 1023]. */
  powerOfTwo(k: number): number {
    this.f.get(k).get(this.constant(EXPONENT_BIAS_MAGIC)).simd(add).i32(52).simd(SimdOp.i64x2Shl);
    return this.store();
  }
}

/** Every constant tanhLanes uses, so they are all made before the loop. */
const CONSTANTS = [
  2,
  T_MAX,
  INV_LN2,
  ROUNDING,
  LN2_HI,
  LN2_LO,
  ...INVERSE_FACTORIALS.slice(2),
  EXPONENT_BIAS_MAGIC,
  1,
  0,
];
CONSTANTS.push(SMALL_END, ...CEPHES_P, ...CEPHES_Q);

/** tanh of the lanes of `x`: tanhOf, operation for operation, both of its branches computed and one selected per lane. */
function tanhLanes(l: Lanes, x: number): number {
  const a = l.op(SimdOp.f64x2Abs, x);
  const y = l.op(
    SimdOp.v128Bitselect,
    tanhSmall(l, a),
    tanhLarge(l, a),
    l.op(SimdOp.f64x2Lt, a, l.constant(SMALL_END)),
  );
  const signed = l.op(SimdOp.v128Bitselect, l.op(SimdOp.f64x2Neg, y), y, l.op(SimdOp.f64x2Lt, x, l.constant(0)));
  return l.op(SimdOp.v128Bitselect, x, signed, l.op(SimdOp.f64x2Eq, x, l.constant(0)));
}

/** tanhOf's tanhSmall. */
function tanhSmall(l: Lanes, a: number): number {
  const c = (value: number) => l.constant(value);
  const [P0, P1, P2] = CEPHES_P;
  const [Q0, Q1, Q2] = CEPHES_Q;
  const z = l.op(mul, a, a);
  const p = l.op(add, l.op(mul, l.op(add, l.op(mul, c(P0), z), c(P1)), z), c(P2));
  const q = l.op(add, l.op(mul, l.op(add, l.op(mul, l.op(add, z, c(Q0)), z), c(Q1)), z), c(Q2));
  return l.op(add, a, l.op(mul, a, l.op(SimdOp.f64x2Div, l.op(mul, z, p), q)));
}

/** tanhOf's tanhLarge. */
function tanhLarge(l: Lanes, a: number): number {
  const c = (value: number) => l.constant(value);
  const C = (n: number) => c(INVERSE_FACTORIALS[n]);
  const t = l.op(SimdOp.f64x2Min, l.op(mul, a, c(2)), c(T_MAX));
  const k = l.op(sub, l.op(add, l.op(mul, t, c(INV_LN2)), c(ROUNDING)), c(ROUNDING));
  const r = l.op(sub, l.op(sub, t, l.op(mul, k, c(LN2_HI))), l.op(mul, k, c(LN2_LO)));
  const r2 = l.op(mul, r, r);
  const r4 = l.op(mul, r2, r2);
  const r8 = l.op(mul, r4, r4);
  // C_n + C_{n+1} r + (C_{n+2} + C_{n+3} r) r², as tanhOf's q0, q1, q2.
  const pair = (n: number) => l.op(add, C(n), l.op(mul, C(n + 1), r));
  const quad = (n: number) => l.op(add, pair(n), l.op(mul, pair(n + 2), r2));
  const [q0, q1, q2] = [quad(2), quad(6), quad(10)];
  const q = l.op(add, l.op(add, q0, l.op(mul, q1, r4)), l.op(mul, q2, r8));
  const expm1r = l.op(add, r, l.op(mul, r2, q));
  const s = l.powerOfTwo(k);
  const e = l.op(add, l.op(mul, s, expm1r), l.op(sub, s, c(1)));
  return l.op(sub, c(1), l.op(SimdOp.f64x2Div, c(2), l.op(add, e, c(2))));
}

/**
 * `tanh_f64(in, out, steps)` or `tanh_f32(in, out, steps)`: out[i] = tanh(in[i]) for
 * steps·TANH_ELEMENTS_PER_STEP elements at byte addresses `in` and `out` (equal, or not
 * overlapping). Requires steps ≥ 1.
 */
export function tanhBody(dtype: 'f64' | 'f32'): FunctionBody {
  const f = new FunctionBody([i32, i32, i32]);
  const [input, output, steps] = [0, 1, 2];
  const l = new Lanes(f);
  for (const value of CONSTANTS) l.constant(value);
  const bytesPerVector = dtype === 'f64' ? 16 : 8;
  f.doWhile(
    () => {
      const xs = Array.from({ length: UNROLL }, (_, u) => {
        f.get(input);
        if (dtype === 'f64') f.simdMemory(SimdOp.v128Load, 0, u * bytesPerVector);
        else f.simdMemory(SimdOp.v128Load64Zero, 0, u * bytesPerVector).simd(SimdOp.f64x2PromoteLowF32x4);
        const x = f.local(v128);
        f.set(x);
        return x;
      });
      const ys = xs.map((x) => tanhLanes(l, x));
      for (const [u, y] of ys.entries()) {
        f.get(output).get(y);
        if (dtype === 'f64') f.simdMemory(SimdOp.v128Store, 0, u * bytesPerVector);
        else
          f.simd(SimdOp.f32x4DemoteF64x2Zero)
            .simdMemory(SimdOp.v128Store64Lane, 0, u * bytesPerVector)
            .emit(0);
      }
      f.increment(input, () => f.i32(UNROLL * bytesPerVector));
      f.increment(output, () => f.i32(UNROLL * bytesPerVector));
      f.increment(steps, () => f.i32(-1));
    },
    () => f.get(steps),
  );
  return f;
}
