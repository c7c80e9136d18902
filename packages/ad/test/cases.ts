// The elementwise functions, one table entry each: the input domain where the function is smooth
// and its closed-form first and second derivatives. Every derivative property runs over every
// entry (describe.each).
import * as L from '@liouville/linalg';
import type { Shape, Tensor } from '@liouville/linalg';
import fc from 'fast-check';
import {
  type Input,
  type Value,
  abs,
  add,
  cos,
  div,
  exp,
  expm1,
  log,
  log1p,
  maximum,
  minimum,
  mul,
  neg,
  pow,
  relu,
  sigmoid,
  sign,
  sin,
  softplus,
  sqrt,
  square,
  sub,
  tan,
  tanh,
} from '../src/index.js';
import { awayFromZero, broadcastableShapeArb, doubleIn, shapeArb, tensorArb } from './helpers.js';

/** The logistic function, written directly from its definition. */
export const logistic = (x: number): number => 1 / (1 + Math.exp(-x));

/** An elementwise function of one argument with its first and second derivatives. */
export interface UnaryCase {
  name: string;
  f: (x: Input) => Value;
  /** Inputs where f is smooth (and defined) with room for the finite-difference step. */
  element: fc.Arbitrary<number>;
  d1: (x: number) => number;
  d2: (x: number) => number;
}

export const unaryCases: UnaryCase[] = [
  { name: 'neg', f: neg, element: doubleIn([-3, 3]), d1: () => -1, d2: () => 0 },
  { name: 'exp', f: exp, element: doubleIn([-2, 2]), d1: Math.exp, d2: Math.exp },
  { name: 'expm1', f: expm1, element: doubleIn([-2, 2]), d1: Math.exp, d2: Math.exp },
  { name: 'log', f: log, element: doubleIn([0.5, 3]), d1: (x) => 1 / x, d2: (x) => -1 / (x * x) },
  {
    name: 'log1p',
    f: log1p,
    element: doubleIn([-0.5, 2]),
    d1: (x) => 1 / (1 + x),
    d2: (x) => -1 / ((1 + x) * (1 + x)),
  },
  {
    name: 'sqrt',
    f: sqrt,
    element: doubleIn([0.5, 3]),
    d1: (x) => 0.5 / Math.sqrt(x),
    d2: (x) => -0.25 / (x * Math.sqrt(x)),
  },
  { name: 'square', f: square, element: doubleIn([-3, 3]), d1: (x) => 2 * x, d2: () => 2 },
  { name: 'sin', f: sin, element: doubleIn([-3, 3]), d1: Math.cos, d2: (x) => -Math.sin(x) },
  { name: 'cos', f: cos, element: doubleIn([-3, 3]), d1: (x) => -Math.sin(x), d2: (x) => -Math.cos(x) },
  // tan' = sec² x, tan'' = 2 tan x sec² x; |x| ≤ 1 keeps sec² ≤ 3.4 and the third derivative small.
  {
    name: 'tan',
    f: tan,
    element: doubleIn([-1, 1]),
    d1: (x) => 1 / Math.cos(x) ** 2,
    d2: (x) => (2 * Math.tan(x)) / Math.cos(x) ** 2,
  },
  // tanh' = 1 − tanh², tanh'' = −2 tanh (1 − tanh²)
  {
    name: 'tanh',
    f: tanh,
    element: doubleIn([-3, 3]),
    d1: (x) => 1 - Math.tanh(x) ** 2,
    d2: (x) => -2 * Math.tanh(x) * (1 - Math.tanh(x) ** 2),
  },
  { name: 'abs', f: abs, element: awayFromZero(), d1: Math.sign, d2: () => 0 },
  { name: 'sign', f: sign, element: awayFromZero(), d1: () => 0, d2: () => 0 },
  // σ' = σ(1 − σ), σ'' = σ(1 − σ)(1 − 2σ)
  {
    name: 'sigmoid',
    f: sigmoid,
    element: doubleIn([-5, 5]),
    d1: (x) => logistic(x) * logistic(-x),
    d2: (x) => logistic(x) * logistic(-x) * (1 - 2 * logistic(x)),
  },
  // softplus' = σ, softplus'' = σ(1 − σ)
  { name: 'softplus', f: softplus, element: doubleIn([-5, 5]), d1: logistic, d2: (x) => logistic(x) * logistic(-x) },
  { name: 'relu', f: relu, element: awayFromZero(), d1: (x) => (x > 0 ? 1 : 0), d2: () => 0 },
];

/** An elementwise broadcasting function of two arguments with its partial derivatives. */
export interface BinaryCase {
  name: string;
  f: (a: Input, b: Input) => Value;
  a: fc.Arbitrary<number>;
  b: fc.Arbitrary<number>;
  /** Smallest allowed |a − b| over broadcast pairs (a kink at a = b), or 0. */
  gap: number;
  /** ∂f/∂a and ∂f/∂b at (a, b). */
  da: (a: number, b: number) => number;
  db: (a: number, b: number) => number;
  /** ∂²f/∂a², ∂²f/∂a∂b, ∂²f/∂b². */
  daa: (a: number, b: number) => number;
  dab: (a: number, b: number) => number;
  dbb: (a: number, b: number) => number;
}

const zero = () => 0;

export const binaryCases: BinaryCase[] = [
  {
    name: 'add',
    f: add,
    a: doubleIn([-2, 2]),
    b: doubleIn([-2, 2]),
    gap: 0,
    da: () => 1,
    db: () => 1,
    daa: zero,
    dab: zero,
    dbb: zero,
  },
  {
    name: 'sub',
    f: sub,
    a: doubleIn([-2, 2]),
    b: doubleIn([-2, 2]),
    gap: 0,
    da: () => 1,
    db: () => -1,
    daa: zero,
    dab: zero,
    dbb: zero,
  },
  {
    name: 'mul',
    f: mul,
    a: doubleIn([-2, 2]),
    b: doubleIn([-2, 2]),
    gap: 0,
    da: (_a, b) => b,
    db: (a) => a,
    daa: zero,
    dab: () => 1,
    dbb: zero,
  },
  // a/b: ∂a = 1/b, ∂b = −a/b², ∂aa = 0, ∂ab = −1/b², ∂bb = 2a/b³; |b| ≥ 0.5 keeps it smooth.
  {
    name: 'div',
    f: div,
    a: doubleIn([-2, 2]),
    b: awayFromZero(0.5, 2),
    gap: 0,
    da: (_a, b) => 1 / b,
    db: (a, b) => -a / (b * b),
    daa: zero,
    dab: (_a, b) => -1 / (b * b),
    dbb: (a, b) => (2 * a) / (b * b * b),
  },
  // aᵇ with a > 0: ∂a = b aᵇ⁻¹, ∂b = aᵇ log a, ∂aa = b(b − 1)aᵇ⁻², ∂ab = aᵇ⁻¹(1 + b log a), ∂bb = aᵇ log² a.
  {
    name: 'pow',
    f: pow,
    a: doubleIn([0.5, 2]),
    b: doubleIn([-2, 2]),
    gap: 0,
    da: (a, b) => b * a ** (b - 1),
    db: (a, b) => a ** b * Math.log(a),
    daa: (a, b) => b * (b - 1) * a ** (b - 2),
    dab: (a, b) => a ** (b - 1) * (1 + b * Math.log(a)),
    dbb: (a, b) => a ** b * Math.log(a) ** 2,
  },
  {
    name: 'maximum',
    f: maximum,
    a: doubleIn([-2, 2]),
    b: doubleIn([-2, 2]),
    gap: 1e-3,
    da: (a, b) => (a > b ? 1 : 0),
    db: (a, b) => (a > b ? 0 : 1),
    daa: zero,
    dab: zero,
    dbb: zero,
  },
  {
    name: 'minimum',
    f: minimum,
    a: doubleIn([-2, 2]),
    b: doubleIn([-2, 2]),
    gap: 1e-3,
    da: (a, b) => (a < b ? 1 : 0),
    db: (a, b) => (a < b ? 0 : 1),
    daa: zero,
    dab: zero,
    dbb: zero,
  },
];

/** Two tensors of broadcast-compatible random shapes with elements from the case's domains. */
export function binaryInputsArb(c: BinaryCase): fc.Arbitrary<[Tensor, Tensor]> {
  return shapeArb()
    .chain((out) => fc.tuple(broadcastableShapeArb(out), broadcastableShapeArb(out)))
    .chain(([sa, sb]) => fc.tuple(tensorArb(sa, c.a), tensorArb(sb, c.b)))
    .filter(([a, b]) => c.gap === 0 || Math.min(...L.abs(L.sub(a, b)).toFlatArray()) >= c.gap);
}

/** The elementwise map g(a, b) over the broadcast of a and b (plain arithmetic). */
export function broadcastMap(a: Tensor, b: Tensor, g: (x: number, y: number) => number): Tensor {
  const shape = L.broadcastShapes('test', a.shape, b.shape);
  const fa = L.broadcastTo(a, shape);
  const fb = L.broadcastTo(b, shape);
  return L.tensor(
    fa.toFlatArray().map((x, i) => g(x, fb.data[i])),
    shape,
  );
}

/** Sums a tensor down to `shape` (the adjoint of broadcasting), with plain tensor reductions. */
export function sumDown(x: Tensor, shape: Shape): Tensor {
  const lead = x.rank - shape.length;
  const axes = x.shape.map((_, i) => i).filter((i) => i < lead || (shape[i - lead] === 1 && x.shape[i] !== 1));
  return L.reshape(axes.length === 0 ? x : L.sum(x, axes), shape);
}
