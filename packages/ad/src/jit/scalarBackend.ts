import { type Tensor, type TypedArray, broadcastShapes, shapesEqual, sizeOf, stridesOf } from '@liouville/linalg';
import type { BinaryPrimitive, ComparisonPrimitive, UnaryPrimitive } from '../primitives.js';
import { rules } from '../rules/index.js';
import { BINARY, FLOAT32_UNARY, MUL_ADD, UNARY, binaryDType, literal, stored } from './expressions.js';
import { broadcastMap, concatMap, padMap, reductionGroups, sliceMap, transposeMap } from './indexing.js';
import { type Equation, type LoopEquation, type Program, type Var, isLoop, tensorOf } from './ir.js';

/**
 * The backend for small tensors (a phase-space state, a few bodies): straight-line JavaScript with
 * one local per element, no loops over elements and no allocation but the outputs. Data movement
 * (reshape, transpose, slice, broadcast, …) costs nothing: it only renames locals. Each element is
 * computed by the expression the eager kernel uses, in the same order, so results are bit-identical.
 * A `loop` equation becomes a JavaScript `for` loop around its body's straight-line code.
 */

/** Programs whose every value has at most this many elements use this backend (a 12×12 Jacobian block fits). */
export const SCALAR_MAX_SIZE = 256;
/** …and at most this many element operations in all (larger functions compile slowly). */
export const SCALAR_MAX_ELEMENTS = 40_000;
/** Sums are written as chains of at most this many terms (deep expressions strain the parser). */
const CHAIN = 32;
/** Constants of at most this many elements are inlined as literals. */
const INLINE_CONSTANT = 16;

/**
 * True when a program suits this backend: every value small, except the values a loop stacks,
 * which live in arrays and may be large as long as nothing but the program's outputs reads them
 * (a rollout's trajectory).
 */
export function fitsScalarBackend(program: Program): boolean {
  let elements = 0;
  const visit = (p: Program): boolean => {
    const stacked = new Set<number>();
    for (const v of p.inputs) if (v.size > SCALAR_MAX_SIZE) return false;
    for (const eq of p.equations) {
      if (isLoop(eq)) {
        if (eq.init.some((v) => stacked.has(v.id)) || eq.free.some((v) => stacked.has(v.id))) return false;
        if (!visit(eq.body)) return false;
        for (const v of eq.outs.slice(eq.init.length)) if (v.size > SCALAR_MAX_SIZE) stacked.add(v.id);
        continue;
      }
      if (eq.inputs.some((v) => stacked.has(v.id))) return false;
      if (eq.out.size > SCALAR_MAX_SIZE || eq.inputs.some((v) => v.size > SCALAR_MAX_SIZE)) return false;
      elements += eq.out.size * Math.max(1, eq.primitive === 'matmul' ? (eq.inputs[0].shape.at(-1) ?? 1) : 1);
    }
    return p.outputs.every((v) => v.size <= SCALAR_MAX_SIZE || stacked.has(v.id));
  };
  return visit(program) && elements <= SCALAR_MAX_ELEMENTS;
}

/** An equation the backend hands to the eager kernel (the escape hatch for rare primitives). */
type Fallback = (arrays: readonly TypedArray[]) => TypedArray;

class ScalarEmitter {
  readonly lines: string[] = [];
  readonly constants: TypedArray[] = [];
  readonly fallbacks: Fallback[] = [];
  private readonly elements = new Map<number, string[]>();
  /** Values that live in a typed array (a loop's stacked values): the array's local name. */
  readonly arrays = new Map<number, string>();
  private next = 0;

  temp(): string {
    return `t${this.next++}`;
  }

  elems(v: Var): string[] {
    let e = this.elements.get(v.id);
    if (e === undefined) {
      const array = this.arrays.get(v.id);
      if (array === undefined) throw new Error(`jit: variable ${v.id} used before it is defined`);
      e = Array.from({ length: v.size }, (_, i) => `${array}[${i}]`);
      this.elements.set(v.id, e);
    }
    return e;
  }

  define(v: Var, elements: string[]): void {
    this.elements.set(v.id, elements);
  }

  /** Binds each expression to a fresh const local (rounded for float32) and defines v as those locals. */
  compute(v: Var, expressions: readonly string[]): void {
    const names = expressions.map((expression) => {
      const name = this.temp();
      this.lines.push(`const ${name} = ${stored(expression, v.dtype)};`);
      return name;
    });
    this.define(v, names);
  }

  constant(v: Var, value: Tensor): void {
    if (value.size <= INLINE_CONSTANT) {
      this.define(v, Array.from(value.data, literal));
      return;
    }
    const name = `c${this.constants.length}`;
    this.lines.push(`const ${name} = C[${this.constants.length}];`);
    this.constants.push(value.data);
    this.define(
      v,
      Array.from(value.data, (_, i) => `${name}[${i}]`),
    );
  }

  /** Emits a program's equations (its inputs and constants must be defined already). */
  equations(program: Program): void {
    for (const c of program.constants) this.constant(c.variable, c.value);
    for (const eq of program.equations) {
      if (isLoop(eq)) this.loop(eq);
      else this.equation(eq);
    }
  }

  private equation(eq: Equation): void {
    const emit = EMITTERS[eq.primitive] ?? fallback;
    emit(this, eq);
  }

  private loop(eq: LoopEquation): void {
    const carried = eq.init.map((v) => {
      const names = this.elems(v).map((e) => {
        const name = this.temp();
        this.lines.push(`let ${name} = ${e};`);
        return name;
      });
      return names;
    });
    const body = eq.body;
    const stackedOuts = eq.outs.slice(eq.init.length);
    const stackArrays = stackedOuts.map((v) => {
      const name = this.temp();
      this.lines.push(`const ${name} = new ${arrayType(v)}(${v.size});`);
      return name;
    });
    const counter = this.temp();
    this.lines.push(`for (let ${counter} = 0; ${counter} < ${eq.length}; ${counter}++) {`);
    body.inputs.forEach((v, i) => {
      if (i < eq.init.length) this.define(v, carried[i]);
      else this.define(v, this.elems(eq.free[i - eq.init.length]));
    });
    this.equations(body);
    const nextCarry = body.outputs.slice(0, eq.init.length).map((v) => {
      const names = this.elems(v).map((e) => {
        const name = this.temp();
        this.lines.push(`const ${name} = ${e};`);
        return name;
      });
      return names;
    });
    body.outputs.slice(eq.init.length).forEach((v, j) => {
      this.elems(v).forEach((e, i) => {
        this.lines.push(`${stackArrays[j]}[${counter} * ${v.size} + ${i}] = ${e};`);
      });
    });
    nextCarry.forEach((names, j) => {
      names.forEach((n, i) => {
        this.lines.push(`${carried[j][i]} = ${n};`);
      });
    });
    this.lines.push('}');
    eq.outs.forEach((v, j) => {
      if (j < eq.init.length) this.define(v, carried[j]);
      else this.arrays.set(v.id, stackArrays[j - eq.init.length]);
    });
  }
}

function arrayType(v: Var): string {
  return v.dtype === 'float32' ? 'Float32Array' : 'Float64Array';
}

type Emit = (emitter: ScalarEmitter, eq: Equation) => void;

/** Any primitive by the eager kernel: operands packed into arrays, the result unpacked into locals. */
const fallback: Emit = (emitter, eq) => {
  const index = emitter.fallbacks.length;
  const rule = rules[eq.primitive] as { evaluate(args: Tensor[], params: unknown): Tensor };
  emitter.fallbacks.push(
    (arrays) =>
      rule.evaluate(
        arrays.map((data, i) => tensorOf(eq.inputs[i], data)),
        eq.params,
      ).data,
  );
  const args = eq.inputs.map((v) => `new ${arrayType(v)}([${emitter.elems(v).join(', ')}])`);
  const result = emitter.temp();
  emitter.lines.push(`const ${result} = F[${index}]([${args.join(', ')}]);`);
  emitter.compute(
    eq.out,
    Array.from({ length: eq.out.size }, (_, i) => `${result}[${i}]`),
  );
};

const unary =
  (primitive: UnaryPrimitive): Emit =>
  (emitter, eq) => {
    const template = (eq.out.dtype === 'float32' ? FLOAT32_UNARY[primitive] : undefined) ?? UNARY[primitive];
    emitter.compute(eq.out, emitter.elems(eq.inputs[0]).map(template));
  };

/** Elements of `v` read at the positions of a broadcast to `shape`. */
function broadcastElems(emitter: ScalarEmitter, v: Var, shape: readonly number[]): string[] {
  const elements = emitter.elems(v);
  if (v.size === sizeOf(shape) && v.shape.length === shape.length) return elements;
  return Array.from(broadcastMap(v.shape, shape), (i) => elements[i]);
}

const binary =
  (primitive: BinaryPrimitive | ComparisonPrimitive): Emit =>
  (emitter, eq) => {
    const template = BINARY[primitive];
    const [a, b] = eq.inputs.map((v) => broadcastElems(emitter, v, eq.out.shape));
    emitter.compute(
      eq.out,
      a.map((x, i) => template(x, b[i])),
    );
  };

const moved =
  (map: (eq: Equation) => Int32Array): Emit =>
  (emitter, eq) => {
    const source = emitter.elems(eq.inputs[0]);
    emitter.define(
      eq.out,
      Array.from(map(eq), (i) => (i < 0 ? '0' : source[i])),
    );
  };

const reduction =
  (initial: string, step: (acc: string, v: string) => string, chain: boolean): Emit =>
  (emitter, eq) => {
    const source = emitter.elems(eq.inputs[0]);
    const { axes } = eq.params as { axes: readonly number[] };
    const groups = reductionGroups(eq.inputs[0].shape, axes);
    const totals = groups.map((group) => {
      let acc = initial;
      for (let start = 0; start < group.length; start += chain ? CHAIN : 1) {
        const part = group.slice(start, start + (chain ? CHAIN : 1)).map((i) => source[i]);
        let expression = acc;
        for (const v of part) expression = step(expression, v);
        acc = emitter.temp();
        emitter.lines.push(`const ${acc} = ${expression};`);
      }
      return acc;
    });
    emitter.compute(eq.out, totals);
  };

/** (..., m, k) · (..., k, n) by dot products summed in order of the inner index, as linalg's small product. */
const matmul: Emit = (emitter, eq) => {
  const [a, b] = eq.inputs;
  const m = a.shape[a.shape.length - 2];
  const k = a.shape[a.shape.length - 1];
  const n = b.shape[b.shape.length - 1];
  if (eq.out.dtype !== 'float64' || m * k * n > 512) {
    fallback(emitter, eq);
    return;
  }
  const batch = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
  const aMap = broadcastMap(a.shape.slice(0, -2), batch);
  const bMap = broadcastMap(b.shape.slice(0, -2), batch);
  const [ea, eb] = [emitter.elems(a), emitter.elems(b)];
  const expressions: string[] = [];
  for (let t = 0; t < sizeOf(batch); t++) {
    const [ia, ib] = [aMap[t] * m * k, bMap[t] * k * n];
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let acc = '0';
        for (let p = 0; p < k; p++) acc = `${acc} + ${ea[ia + i * k + p]} * ${eb[ib + p * n + j]}`;
        expressions.push(acc);
      }
    }
  }
  emitter.compute(eq.out, expressions);
};

/** a·b + c·d: one expression when the four shapes agree (linalg's fused loop), else two products and a sum. */
const mulAdd: Emit = (emitter, eq) => {
  const [a, b, c, d] = eq.inputs;
  const shape = eq.out.shape;
  if (eq.inputs.every((v) => shapesEqual(v.shape, a.shape))) {
    const [ea, eb, ec, ed] = eq.inputs.map((v) => emitter.elems(v));
    emitter.compute(
      eq.out,
      ea.map((x, i) => MUL_ADD(x, eb[i], ec[i], ed[i])),
    );
    return;
  }
  const product = (x: Var, y: Var) => {
    const productShape = broadcastShapes('mulAdd', x.shape, y.shape);
    const [ex, ey] = [broadcastElems(emitter, x, productShape), broadcastElems(emitter, y, productShape)];
    const dtype = binaryDType(x, y);
    const names = ex.map((e, i) => {
      const name = emitter.temp();
      emitter.lines.push(`const ${name} = ${stored(BINARY.mul(e, ey[i]), dtype)};`);
      return name;
    });
    return { shape: productShape, dtype, names };
  };
  const [ab, cd] = [product(a, b), product(c, d)];
  const spread = (p: { shape: readonly number[]; names: string[] }) =>
    Array.from(broadcastMap(p.shape, shape), (i) => p.names[i]);
  const [left, right] = [spread(ab), spread(cd)];
  emitter.compute(
    eq.out,
    left.map((x, i) => BINARY.add(x, right[i])),
  );
};

const where: Emit = (emitter, eq) => {
  const [c, a, b] = eq.inputs.map((v) => broadcastElems(emitter, v, eq.out.shape));
  emitter.compute(
    eq.out,
    c.map((x, i) => `(${x} !== 0 ? ${a[i]} : ${b[i]})`),
  );
};

const alias: Emit = (emitter, eq) => emitter.define(eq.out, emitter.elems(eq.inputs[0]));

const cast: Emit = (emitter, eq) => {
  if (eq.out.dtype === 'float64') alias(emitter, eq);
  else emitter.compute(eq.out, emitter.elems(eq.inputs[0]));
};

const concat: Emit = (emitter, eq) => {
  const { axis } = eq.params as { axis: number };
  const { input, offset } = concatMap(
    eq.inputs.map((v) => v.shape),
    axis,
  );
  const sources = eq.inputs.map((v) => emitter.elems(v));
  const elements = Array.from(input, (which, i) => sources[which][offset[i]]);
  // Mixed dtypes promote: a float64 result of float32 parts is exact, the reverse rounds.
  if (eq.inputs.some((v) => v.dtype !== eq.out.dtype)) emitter.compute(eq.out, elements);
  else emitter.define(eq.out, elements);
};

const EMITTERS: Partial<Record<Equation['primitive'], Emit>> = {
  ...(Object.fromEntries(Object.keys(UNARY).map((p) => [p, unary(p as UnaryPrimitive)])) as Record<
    UnaryPrimitive,
    Emit
  >),
  ...(Object.fromEntries(Object.keys(BINARY).map((p) => [p, binary(p as BinaryPrimitive)])) as Record<
    BinaryPrimitive,
    Emit
  >),
  mulAdd,
  where,
  matmul,
  sum: reduction('0', (acc, v) => `${acc} + ${v}`, true),
  max: reduction('-Infinity', (acc, v) => `(${v} > ${acc} || ${v} !== ${v} ? ${v} : ${acc})`, false),
  reshape: alias,
  stopGradient: alias,
  cast,
  concat,
  broadcastTo: moved((eq) => broadcastMap(eq.inputs[0].shape, eq.out.shape)),
  transpose: moved((eq) => transposeMap(eq.inputs[0].shape, (eq.params as { permutation: number[] }).permutation)),
  slice: moved((eq) => {
    const { starts, ends } = eq.params as { starts: number[]; ends: number[] };
    return sliceMap(eq.inputs[0].shape, starts, ends);
  }),
  pad: moved((eq) => padMap(eq.inputs[0].shape, eq.out.shape, (eq.params as unknown as { starts: number[] }).starts)),
};

/** The generated source and its runtime tables. */
export interface ScalarCode {
  readonly source: string;
  readonly constants: TypedArray[];
  readonly fallbacks: Fallback[];
}

/** Generates the straight-line function `(I, C, F) => outputs` of a program. */
export function generateScalarCode(program: Program): ScalarCode {
  const emitter = new ScalarEmitter();
  program.inputs.forEach((v, k) => {
    const names = Array.from({ length: v.size }, (_, i) => {
      const name = emitter.temp();
      emitter.lines.push(`const ${name} = I[${k}][${i}];`);
      return name;
    });
    emitter.define(v, names);
  });
  emitter.equations(program);
  const outs = program.outputs.map((v) => {
    const array = emitter.arrays.get(v.id);
    if (array !== undefined) return array;
    const name = emitter.temp();
    emitter.lines.push(`const ${name} = new ${arrayType(v)}(${v.size});`);
    emitter.elems(v).forEach((e, i) => {
      emitter.lines.push(`${name}[${i}] = ${e};`);
    });
    return name;
  });
  emitter.lines.push(`return [${outs.join(', ')}];`);
  return { source: emitter.lines.join('\n'), constants: emitter.constants, fallbacks: emitter.fallbacks };
}

export { stridesOf };
