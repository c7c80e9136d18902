import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  COS_COEFFICIENTS,
  cosOf,
  PIO2_1,
  PIO2_2,
  PIO2_3,
  PIO2_3T,
  SIN_COEFFICIENTS,
  sinOf,
  TRIG_BOUND,
  TWO_OVER_PI,
} from '../src/trig.js';
import { FunctionBody, Op, ValType, assembleModule, type ModuleSpec } from '../src/wasm/assembler.js';
import { type WasmApi, wasmApi } from '../src/wasm/engine.js';
import { sinCosModuleBytes } from '../src/wasm/trigLanes.js';
import { wasmSimdSupported } from '../src/wasm/wasmMatmulKernel.js';

const WebAssembly = wasmApi as WasmApi; // Node 20 has WebAssembly

const view = new DataView(new ArrayBuffer(16));

/** The distance in ulps between two finite doubles of the same sign (their bit patterns' difference). */
function ulpsApart(a: number, b: number): number {
  view.setFloat64(0, a);
  view.setFloat64(8, b);
  return Math.abs(Number(view.getBigInt64(0) - view.getBigInt64(8)));
}

/** The double `steps` representable values above x (below for negative steps), for x > 0. */
function stepped(x: number, steps: number): number {
  view.setFloat64(0, x);
  view.setBigInt64(0, view.getBigInt64(0) + BigInt(steps));
  return view.getFloat64(0);
}

const signed = (arb: fc.Arbitrary<number>) => fc.tuple(arb, fc.boolean()).map(([x, negative]) => (negative ? -x : x));

/** |x| < TRIG_BOUND: tiny to medium magnitudes evenly in the exponent, a uniform [−2, 2] and [−B, B], and the doubles within 3 ulps of kπ/2, where the reduction cancels most. */
const reducedArb = fc.oneof(
  signed(fc.double({ min: -700, max: Math.log(TRIG_BOUND), noNaN: true }).map(Math.exp)),
  fc.double({ min: -2, max: 2, noNaN: true }),
  fc.double({ min: -TRIG_BOUND, max: TRIG_BOUND, noNaN: true, maxExcluded: true, minExcluded: true }),
  signed(
    fc
      .tuple(fc.integer({ min: 1, max: Math.floor((TRIG_BOUND * 2) / Math.PI) }), fc.integer({ min: -3, max: 3 }))
      .map(([k, steps]) => stepped((k * Math.PI) / 2, steps)),
  ),
);

/** |x| ≥ TRIG_BOUND, and the inputs of no magnitude: Math.sin and Math.cos's domain. */
const fallbackArb = fc.oneof(
  signed(fc.double({ min: TRIG_BOUND, max: Number.MAX_VALUE, noNaN: true })),
  signed(fc.integer({ min: 0, max: 8 }).map((steps) => stepped(TRIG_BOUND, steps))),
  fc.constantFrom(Infinity, -Infinity, Number.NaN),
);

/** Everything, with the edges (both sides of the bound, zeros, subnormals) often. */
const inputArb = fc.oneof(
  reducedArb,
  fallbackArb,
  signed(fc.integer({ min: 1, max: 8 }).map((steps) => stepped(TRIG_BOUND, -steps))),
  fc.constantFrom(0, -0, Number.MIN_VALUE, -Number.MIN_VALUE, 2.2e-308, -1e-310, Math.PI / 4, Math.PI / 2),
);

/** The bit pattern of x as 16 hexadecimal digits. */
function hex(x: number): string {
  view.setFloat64(0, x);
  return view.getBigUint64(0).toString(16).padStart(16, '0');
}

/** The doubles within one ulp of k·(π/2) for every `stride`-th k with |kπ/2| < TRIG_BOUND, both signs: where r cancels most. */
function nearMultiples(stride: number): Float64Array {
  const out: number[] = [];
  for (let k = 1; (k * Math.PI) / 2 < TRIG_BOUND; k += stride)
    for (const steps of [-1, 0, 1]) {
      const x = stepped((k * Math.PI) / 2, steps);
      if (x < TRIG_BOUND) out.push(x, -x);
    }
  return Float64Array.from(out);
}

describe('sinOf and cosOf', () => {
  test("use fdlibm's constants, bit for bit", () => {
    // e_rem_pio2.c's invpio2, pio2_1, pio2_2, pio2_3, pio2_3t; k_sin.c's S1 … S6; k_cos.c's C1 … C6.
    expect([TWO_OVER_PI, PIO2_1, PIO2_2, PIO2_3, PIO2_3T].map(hex)).toEqual([
      '3fe45f306dc9c883',
      '3ff921fb54400000',
      '3dd0b4611a600000',
      '3ba3198a2e000000',
      '397b839a252049c1',
    ]);
    expect(SIN_COEFFICIENTS.map(hex)).toEqual([
      'bfc5555555555549',
      '3f8111111110f8a6',
      'bf2a01a019c161d5',
      '3ec71de357b1fe7d',
      'be5ae5e68a2b9ceb',
      '3de5d93a5acfd57c',
    ]);
    expect(COS_COEFFICIENTS.map(hex)).toEqual([
      '3fa555555555554c',
      'bf56c16c16c15177',
      '3efa01a019cb1590',
      'be927e4f809c52ad',
      '3e21ee9ebdb4b1c4',
      'bda8fae9be8838d4',
    ]);
  });

  test('are within 1 ulp of Math.sin and Math.cos at the doubles nearest kπ/2', () => {
    // The hardest inputs of the reduction. Over every k (not every third) and 3 ulps either side,
    // 9.3·10⁶ values: at most 1 ulp apart, 99.998% bit-equal; the smallest |r| met is 2⁻⁶⁰·⁵, at
    // x = 45.553093477052 (k = 29), which has its own line here.
    const xs = [...nearMultiples(3), 45.553093477052];
    for (const x of xs)
      for (const [ours, reference] of [
        [sinOf(x), Math.sin(x)],
        [cosOf(x), Math.cos(x)],
      ])
        if (!Object.is(ours, reference)) expect([x, ulpsApart(ours, reference)]).toEqual([x, 1]);
  });

  test('are within 1 ulp of Math.sin and Math.cos below the bound', () => {
    // Math.sin and Math.cos (V8's port of fdlibm, correctly reduced) are within 1 ulp of sin and cos,
    // and so are sinOf and cosOf (fdlibm's kernels, whose error is below an ulp, on a remainder
    // accurate to about 150 bits of π/2: src/trig.ts); they round alike almost always. Measured
    // over 10⁶ inputs of each kind: at most 1 ulp apart; bit-equal for 98.5% (sin) and 99.3% (cos)
    // of uniform [−2, 2], 99.1% of uniform [−B, B], 99.7% of log-uniform magnitudes 10⁻¹³ … 10¹³.
    // Here 10⁵ inputs of reducedArb (100 runs of 1000).
    fc.assert(
      fc.property(fc.array(reducedArb, { minLength: 1000, maxLength: 1000 }), (xs) => {
        for (const x of xs)
          for (const [ours, reference] of [
            [sinOf(x), Math.sin(x)],
            [cosOf(x), Math.cos(x)],
          ]) {
            if (Object.is(ours, reference)) continue;
            expect(Math.sign(ours)).toBe(Math.sign(reference));
            expect([x, ulpsApart(ours, reference)]).toEqual([x, 1]);
          }
      }),
      { numRuns: 100 },
    );
  });

  test('are Math.sin and Math.cos from the bound on, and at ±∞ and NaN', () => {
    fc.assert(
      fc.property(fallbackArb, (x) => {
        expect(Object.is(sinOf(x), Math.sin(x))).toBe(true);
        expect(Object.is(cosOf(x), Math.cos(x))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  test('sin is odd and cos is even, bit for bit', () => {
    // The reduction rounds k to even and every step after it is a sign-symmetric IEEE operation, so
    // x and −x take mirrored paths (and Math.sin and Math.cos are odd and even themselves).
    fc.assert(
      fc.property(inputArb, (x) => {
        expect(Object.is(sinOf(-x), -sinOf(x))).toBe(true);
        expect(Object.is(cosOf(-x), cosOf(x))).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  test('keep the special values: ±0, tiny x, ±∞ and NaN', () => {
    expect(Object.is(sinOf(0), 0)).toBe(true);
    expect(Object.is(sinOf(-0), -0)).toBe(true);
    expect(cosOf(0)).toBe(1);
    expect(cosOf(-0)).toBe(1);
    // sin x = x and cos x = 1 to within half an ulp for |x| < 2⁻²⁷.
    for (const x of [Number.MIN_VALUE, -Number.MIN_VALUE, 1e-300, -1e-20, 2 ** -28]) {
      expect(sinOf(x)).toBe(x);
      expect(cosOf(x)).toBe(1);
    }
    for (const x of [Infinity, -Infinity, Number.NaN]) {
      expect(sinOf(x)).toBeNaN();
      expect(cosOf(x)).toBeNaN();
    }
  });
});

/** The standalone SIMD module, on Math.sin and Math.cos, with its memory grown to `bytes`. */
function sinCosModule(bytes: number) {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(sinCosModuleBytes()), {
    env: { sin: Math.sin, cos: Math.cos },
  });
  const exports = instance.exports as {
    memory: { buffer: ArrayBuffer; grow(pages: number): number };
    sin(input: number, output: number, count: number): void;
    cos(input: number, output: number, count: number): void;
    sincos(input: number, sinOutput: number, cosOutput: number, count: number): void;
  };
  const pages = Math.ceil(bytes / 65536) - exports.memory.buffer.byteLength / 65536;
  if (pages > 0) exports.memory.grow(pages);
  return exports;
}

describe('the SIMD sine and cosine', () => {
  const sameBits = (actual: Float64Array, f: (x: number) => number, xs: Float64Array) => {
    for (let i = 0; i < xs.length; i++)
      if (!Object.is(actual[i], f(xs[i]))) expect([i, xs[i], actual[i]]).toEqual([i, xs[i], f(xs[i])]);
  };

  test('gives sinOf and cosOf of every lane, bit for bit, alone or together, for odd and even counts', () => {
    if (!wasmSimdSupported()) return;
    const capacity = 401;
    const m = sinCosModule(4 * capacity * 8 + 64);
    // Offsets of 8 bytes (not 16): the module takes any multiple of 8.
    const [input, sinOutput, cosOutput, output] = [0, 1, 2, 3].map((i) => i * (capacity * 8 + 8));
    fc.assert(
      fc.property(fc.array(inputArb, { minLength: 0, maxLength: capacity }), (values) => {
        const n = values.length;
        const xs = new Float64Array(m.memory.buffer, input, n);
        xs.set(values);
        m.sincos(input, sinOutput, cosOutput, n);
        sameBits(new Float64Array(m.memory.buffer, sinOutput, n), sinOf, xs);
        sameBits(new Float64Array(m.memory.buffer, cosOutput, n), cosOf, xs);
        m.sin(input, output, n);
        sameBits(new Float64Array(m.memory.buffer, output, n), sinOf, xs);
        m.cos(input, output, n);
        sameBits(new Float64Array(m.memory.buffer, output, n), cosOf, xs);
      }),
      { numRuns: 300 },
    );
  });

  test('gives sinOf and cosOf at the doubles nearest kπ/2, bit for bit', () => {
    if (!wasmSimdSupported()) return;
    const xs = nearMultiples(3);
    const bytes = xs.length * 8;
    const m = sinCosModule(3 * bytes);
    new Float64Array(m.memory.buffer, 0, xs.length).set(xs);
    m.sincos(0, bytes, 2 * bytes, xs.length);
    sameBits(new Float64Array(m.memory.buffer, bytes, xs.length), sinOf, xs);
    sameBits(new Float64Array(m.memory.buffer, 2 * bytes, xs.length), cosOf, xs);
  });

  test('puts Math.sin and Math.cos in only the lanes past the bound', () => {
    if (!wasmSimdSupported()) return;
    const m = sinCosModule(65536);
    const pairs = [
      [1, 1e10],
      [Number.NaN, -0],
      [-Infinity, 3],
      [TRIG_BOUND, -TRIG_BOUND],
      [stepped(TRIG_BOUND, -1), 2 ** 60],
    ];
    const xs = new Float64Array(m.memory.buffer, 0, 2 * pairs.length);
    xs.set(pairs.flat());
    m.sincos(0, 1024, 2048, xs.length);
    sameBits(new Float64Array(m.memory.buffer, 1024, xs.length), sinOf, xs);
    sameBits(new Float64Array(m.memory.buffer, 2048, xs.length), cosOf, xs);
  });
});

describe('assembleModule with imported functions', () => {
  /** A function of one i32 calling function `callee` on it, and `callee` plus one. */
  const caller = (callee: number) => {
    const f = new FunctionBody([ValType.i32], [ValType.i32]);
    f.get(0).call(callee).i32(1).emit(Op.i32Add);
    return f;
  };
  const twice = () => {
    const f = new FunctionBody([ValType.i32], [ValType.i32]);
    f.get(0).get(0).emit(Op.i32Add);
    return f;
  };

  test('encodes a module without imports exactly as with an empty list', () => {
    const specs: ModuleSpec[] = [
      { functions: [{ body: twice(), exportName: 'twice' }, { body: caller(0) }], memoryExport: 'm', initialPages: 1 },
      { functions: [{ body: twice() }], memoryExport: 'memory', initialPages: 2, importMemory: true },
      { functions: [{ body: twice() }], memoryExport: 'memory', initialPages: 1, sharedMemory: { maximumPages: 4 } },
    ];
    for (const spec of specs) expect(assembleModule({ ...spec, imports: [] })).toEqual(assembleModule(spec));
  });

  test('gives imports the first function indices, before the memory import', () => {
    const spec: ModuleSpec = {
      imports: [
        { name: 'triple', params: [ValType.i32], results: [ValType.i32] },
        { name: 'half', params: [ValType.f64], results: [ValType.f64] },
      ],
      // Defined functions are 2 and 3: `viaImport` calls import 0, `viaDefined` calls function 2.
      functions: [
        { body: caller(0), exportName: 'viaImport' },
        { body: caller(2), exportName: 'viaDefined' },
      ],
      memoryExport: 'memory',
      initialPages: 1,
    };
    const env = { triple: (n: number) => 3 * n, half: (x: number) => x / 2 };
    for (const importMemory of [false, true]) {
      const bytes = assembleModule({ ...spec, importMemory });
      expect(WebAssembly.validate(bytes)).toBe(true);
      const memory = new WebAssembly.Memory({ initial: 1 });
      const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
        env: importMemory ? { ...env, memory } : env,
      });
      expect((exports.viaImport as (n: number) => number)(5)).toBe(16);
      expect((exports.viaDefined as (n: number) => number)(5)).toBe(17);
      if (importMemory) expect(exports.memory).toBe(memory);
    }
  });
});
