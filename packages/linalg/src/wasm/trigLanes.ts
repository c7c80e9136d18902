import { FunctionBody, Op, SimdOp, ValType, assembleModule } from './assembler.js';
import {
  COS_COEFFICIENTS,
  PIO2_1,
  PIO2_2,
  PIO2_3,
  PIO2_3T,
  ROUNDING,
  SIN_COEFFICIENTS,
  TRIG_BOUND,
  TWO_OVER_PI,
} from '../trig.js';

/**
 * sin and cos in WebAssembly SIMD, two float64 lanes per vector: the operations of sinOf and cosOf
 * (../trig.ts), one for one and in the same order, so each lane gets their bits (WebAssembly's f64x2
 * arithmetic rounds each operation as JavaScript's does: IEEE 754, to nearest, never fused). One
 * reduction and both kernels serve sin and cos together; the quadrant then only selects.
 *
 * k is rounded with the 1.5·2⁵² trick in the lanes too, not with f64x2.nearest: the same integer
 * (both round ties to even), but nearest(−0.3) is −0 where the trick gives +0, which would make
 * sin(−0) = +0; and the trick's intermediate already holds the quadrant's bits.
 *
 * Where the scalar code computes q = k mod 4 with integer arithmetic, the lanes read it from the bits
 * of x·2/π + 1.5·2⁵² (before the rounding constant is subtracted again): that double's significand
 * is 2⁵² + 2⁵¹ + k, so its two lowest bits are k mod 4 (for negative k too). 0 − (bits & 1), as
 * 64-bit integers, is the all-ones mask of q odd (swap sin and cos; x64 has no 64-bit arithmetic
 * right shift before AVX-512, which V8 would emulate), and the bits shifted left by 62, keeping the
 * sign bit, flip the sign for q ≥ 2; cos uses q + 1, as cosOf does. Selecting with v128.bitselect
 * and flipping the sign with v128.xor give exactly the values of the scalar code's conditional
 * expressions (a choice and a negation, both exact, −0 included).
 *
 * Lanes with |x| ≥ TRIG_BOUND, ±∞ or NaN: the reduction is computed for every lane regardless, and
 * when any lane is one of those (v128.any_true), both lanes' x are passed to the imported Math.sin
 * or Math.cos and the flagged lanes take those results, as sinOf and cosOf do.
 */

const v128 = ValType.v128;
const i32 = ValType.i32;
const f64 = ValType.f64;
const { f64x2Add: add, f64x2Mul: mul, f64x2Sub: sub } = SimdOp;

/** −0: the sign bit alone in each lane. */
const SIGN_BIT = -0;
/** The smallest subnormal: the 64-bit integer 1 in each lane. */
const INTEGER_ONE = Number.MIN_VALUE;

/** Every constant emitSinCos uses (as float64 lanes; SIGN_BIT and INTEGER_ONE are bit patterns). */
const CONSTANTS: readonly number[] = [
  TWO_OVER_PI,
  ROUNDING,
  PIO2_1,
  PIO2_2,
  PIO2_3,
  PIO2_3T,
  ...SIN_COEFFICIENTS,
  ...COS_COEFFICIENTS,
  0.5,
  1,
  TRIG_BOUND,
  SIGN_BIT,
  INTEGER_ONE,
  0,
];

/** A constant's bits as a map key (Map would equate 0 and −0). */
function bitsKey(value: number): bigint {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  return view.getBigUint64(0);
}

/** v128 locals holding emitSinCos's constants, made by sinCosConstants. */
export type SinCosConstants = ReadonlyMap<bigint, number>;

/**
 * Emits the constants emitSinCos uses into v128 locals, once: call it before a loop whose body
 * calls emitSinCos, and pass the result, so the loop does not rebuild them on every iteration.
 * (V8 hoists or cheaply rematerialises v128.const itself: sinCosModuleBytes ran as fast without.)
 */
export function sinCosConstants(f: FunctionBody): SinCosConstants {
  const locals = new Map<bigint, number>();
  for (const value of CONSTANTS) {
    const key = bitsKey(value);
    if (locals.has(key)) continue;
    emitConstant(f, value);
    const local = f.local(v128);
    f.set(local);
    locals.set(key, local);
  }
  return locals;
}

/** v128.const with `value` in both lanes. */
function emitConstant(f: FunctionBody, value: number): void {
  const bytes = new Uint8Array(16);
  const view = new DataView(bytes.buffer);
  view.setFloat64(0, value, true);
  view.setFloat64(8, value, true);
  f.simd(SimdOp.v128Const).emit(...bytes);
}

/**
 * SSA-style recording over v128 locals: each operation reads locals (or constants) and writes a new
 * local, declared at once, while its code is kept as a step to emit afterwards (so the operations
 * of several vectors could be interleaved; on the machine measured, the standalone module ran as
 * fast with 1, 2 or 4 vectors per iteration, interleaved or not: the SIMD units, not the chain of
 * dependent operations, are the limit there).
 */
class Lanes {
  readonly steps: (() => void)[] = [];

  constructor(
    readonly f: FunctionBody,
    private readonly constants: SinCosConstants | undefined,
  ) {}

  /** A new local from a SIMD operation on `args` (pushed in order). */
  op(code: number, ...args: Operand[]): number {
    const local = this.f.local(v128);
    this.steps.push(() => {
      for (const a of args) this.push(a);
      this.f.simd(code).set(local);
    });
    return local;
  }

  /** A new local from a shift of the 64-bit lanes of `a` by `bits`. */
  shift(code: number, a: Operand, bits: number): number {
    const local = this.f.local(v128);
    this.steps.push(() => {
      this.push(a);
      this.f.i32(bits).simd(code).set(local);
    });
    return local;
  }

  /** An operand: a local index, or `{ c: value }` for a constant. */
  private push(operand: Operand): void {
    if (typeof operand === 'number') this.f.get(operand);
    else {
      const local = this.constants?.get(bitsKey(operand.c));
      if (local === undefined) emitConstant(this.f, operand.c);
      else this.f.get(local);
    }
  }
}

type Operand = number | { c: number };

const c = (value: number): Operand => ({ c: value });

/** The locals emitSinCos fills: sin and/or cos before the fallback, and the mask of lanes needing it. */
interface Recorded {
  sin?: number;
  cos?: number;
  slow: number;
}

/** Records sinOf's and cosOf's operations on the lanes of `x` (one reduction, both kernels). */
function record(l: Lanes, x: number, out: { sin?: number; cos?: number }): Recorded {
  const [S1, S2, S3, S4, S5, S6] = SIN_COEFFICIENTS.map(c);
  const [C1, C2, C3, C4, C5, C6] = COS_COEFFICIENTS.map(c);
  // The reduction (trig.ts's `reduced`).
  const kr = l.op(add, l.op(mul, x, c(TWO_OVER_PI)), c(ROUNDING));
  const k = l.op(sub, kr, c(ROUNDING));
  const a1 = l.op(sub, x, l.op(mul, k, c(PIO2_1)));
  const w2 = l.op(mul, k, c(PIO2_2));
  const a2 = l.op(sub, a1, w2);
  const e2 = l.op(sub, l.op(sub, a1, a2), w2);
  const w3 = l.op(mul, k, c(PIO2_3));
  const a3 = l.op(sub, a2, w3);
  const e3 = l.op(sub, l.op(sub, a2, a3), w3);
  const tn = l.op(sub, l.op(sub, l.op(mul, k, c(PIO2_3T)), e2), e3);
  const y0 = l.op(sub, a3, tn);
  const y1 = l.op(sub, l.op(sub, a3, y0), tn);
  const z = l.op(mul, y0, y0);
  const w = l.op(mul, z, z);
  // The sine kernel.
  const sp = l.op(
    add,
    l.op(add, S2, l.op(mul, z, l.op(add, S3, l.op(mul, z, S4)))),
    l.op(mul, l.op(mul, z, w), l.op(add, S5, l.op(mul, z, S6))),
  );
  const v = l.op(mul, z, y0);
  const inner = l.op(sub, l.op(mul, c(0.5), y1), l.op(mul, v, sp));
  const s = l.op(sub, y0, l.op(sub, l.op(sub, l.op(mul, z, inner), y1), l.op(mul, v, S1)));
  // The cosine kernel.
  const cp = l.op(
    add,
    l.op(mul, z, l.op(add, C1, l.op(mul, z, l.op(add, C2, l.op(mul, z, C3))))),
    l.op(mul, l.op(mul, w, w), l.op(add, C4, l.op(mul, z, l.op(add, C5, l.op(mul, z, C6))))),
  );
  const h = l.op(mul, c(0.5), z);
  const u = l.op(sub, c(1), h);
  const cc = l.op(add, u, l.op(add, l.op(sub, l.op(sub, c(1), u), h), l.op(sub, l.op(mul, z, cp), l.op(mul, y0, y1))));
  // The quadrant's choice and sign (the module comment).
  const select = (quadrant: number) => {
    const swap = l.op(SimdOp.i64x2Sub, c(0), l.op(SimdOp.v128And, quadrant, c(INTEGER_ONE)));
    const sign = l.op(SimdOp.v128And, l.shift(SimdOp.i64x2Shl, quadrant, 62), c(SIGN_BIT));
    return l.op(SimdOp.v128Xor, l.op(SimdOp.v128Bitselect, cc, s, swap), sign);
  };
  return {
    sin: out.sin === undefined ? undefined : select(kr),
    cos: out.cos === undefined ? undefined : select(l.op(SimdOp.i64x2Add, kr, c(INTEGER_ONE))),
    // Lanes for Math.sin / Math.cos: not |x| < TRIG_BOUND (NaN compares false).
    slow: l.op(SimdOp.v128Not, l.op(SimdOp.f64x2Lt, l.op(SimdOp.f64x2Abs, x), c(TRIG_BOUND))),
  };
}

/**
 * Emits into `f` code reading the v128 local `x` (two float64 lanes) and writing sin x and/or cos x
 * into the v128 locals `out.sin` and `out.cos`, the bits of sinOf and cosOf lane by lane, sharing
 * one reduction. `fallback.sin` and `fallback.cos` are the indices of imported functions (f64) → f64
 * computing Math.sin and Math.cos, called for lanes with |x| ≥ TRIG_BOUND, ±∞ or NaN. Scratch locals
 * are declared on `f`; `constants`, from sinCosConstants, avoids rebuilding constants in a loop.
 */
export function emitSinCos(
  f: FunctionBody,
  x: number,
  out: { sin?: number; cos?: number },
  fallback: { sin: number; cos: number },
  constants?: SinCosConstants,
): void {
  const l = new Lanes(f, constants);
  const recorded = record(l, x, out);
  for (const step of l.steps) step();
  for (const kind of ['sin', 'cos'] as const) {
    const target = out[kind];
    const value = recorded[kind];
    if (target === undefined || value === undefined) continue;
    const { slow } = recorded;
    f.get(value).set(target);
    f.get(slow)
      .simd(SimdOp.v128AnyTrue)
      .ifThen(() => {
        // [fallback(x₀), fallback(x₁)], then taken where `slow` is set.
        f.get(x).simdLane(SimdOp.f64x2ExtractLane, 0).call(fallback[kind]).simd(SimdOp.f64x2Splat);
        f.get(x).simdLane(SimdOp.f64x2ExtractLane, 1).call(fallback[kind]).simdLane(SimdOp.f64x2ReplaceLane, 1);
        f.get(target).get(slow).simd(SimdOp.v128Bitselect).set(target);
      });
  }
}

/**
 * A standalone module computing sin and cos over float64 arrays in its memory (exported as
 * `memory`, one page to start with; grow it from JavaScript as needed), importing `env.sin` and
 * `env.cos` (Math.sin and Math.cos) as functions 0 and 1. Exports, each over `count` float64 at byte
 * addresses that are multiples of 8 (16 is faster):
 * - `sin(input, output, count)` and `cos(input, output, count)`;
 * - `sincos(input, sinOutput, cosOutput, count)`, sharing each reduction.
 * The loop takes a vector (two elements) at a time, then the last element alone if count is odd.
 */
export function sinCosModuleBytes(): Uint8Array {
  const fallback = { sin: 0, cos: 1 };
  const map = (outputs: 'sin' | 'cos' | 'sincos') => {
    const both = outputs === 'sincos';
    const f = new FunctionBody(both ? [i32, i32, i32, i32] : [i32, i32, i32]);
    const input = 0;
    const sinOutput = outputs === 'cos' ? undefined : 1;
    const cosOutput = outputs === 'sin' ? undefined : both ? 2 : 1;
    const count = both ? 3 : 2;
    const constants = sinCosConstants(f);
    const x = f.local(v128);
    const sinLocal = sinOutput === undefined ? undefined : f.local(v128);
    const cosLocal = cosOutput === undefined ? undefined : f.local(v128);
    /** One vector: two elements, or (`single`) the last one, with a zero in the other lane. */
    const step = (single: boolean) => {
      f.get(input);
      if (single) f.simdMemory(SimdOp.v128Load64Zero, 3);
      else f.simdMemory(SimdOp.v128Load, 3);
      f.set(x);
      emitSinCos(f, x, { sin: sinLocal, cos: cosLocal }, fallback, constants);
      for (const [address, local] of [
        [sinOutput, sinLocal],
        [cosOutput, cosLocal],
      ] as const) {
        if (address === undefined || local === undefined) continue;
        f.get(address).get(local);
        if (single) f.simdMemory(SimdOp.v128Store64Lane, 3).emit(0);
        else f.simdMemory(SimdOp.v128Store, 3);
      }
    };
    f.whileLoop(
      () => f.get(count).i32(1).emit(Op.i32GtU),
      () => {
        step(false);
        for (const address of [input, sinOutput, cosOutput])
          if (address !== undefined) f.increment(address, () => f.i32(16));
        f.increment(count, () => f.i32(-2));
      },
    );
    f.get(count).ifThen(() => step(true));
    return { body: f, exportName: outputs };
  };
  return assembleModule({
    imports: [
      { name: 'sin', params: [f64], results: [f64] },
      { name: 'cos', params: [f64], results: [f64] },
    ],
    functions: [map('sin'), map('cos'), map('sincos')],
    memoryExport: 'memory',
    initialPages: 1,
  });
}
