import {
  type DType,
  FunctionBody,
  type HostFunction,
  Op,
  type SinCosConstants,
  SimdOp,
  ValType,
  emitSinCos,
  shapesEqual,
  sinCosConstants,
} from '@liouville/linalg';
import type { ClusterOutputs } from './arrayCodegen.js';
import type { Accumulator, LoopNest } from './arrayLoops.js';
import { binaryDType } from './expressions.js';
import type { Cluster, ElementMember, ReduceMember, Ref } from './arraySchedule.js';
import type { Equation, Var } from './ir.js';

/**
 * Fused loops in WebAssembly SIMD: the same loop nest as the JavaScript of arrayCodegen.ts, for a
 * cluster whose arrays all live in the program's arena (so the code reads and writes them in
 * place; a program's inputs and outputs get copies there, arrayBackend.ts) and whose members are
 * all primitives IEEE 754 rounds exactly once: +, −, ×, ÷, √, |x|, −x, x² (and a·b + c·d, two
 * products and a sum), or sin and cos, whose lanes (linalg's emitSinCos) give the bits of linalg's
 * sinOf and cosOf, as every other path does. The innermost loop runs two float64 or four float32
 * lanes per instruction, then a scalar tail.
 *
 * The bits are the JavaScript loop's, for these reasons:
 * - float64: the same IEEE operations on the same operands, one element per lane.
 * - float32: the JavaScript computes each member in float64 and rounds it with Math.fround. For
 *   +, −, ×, ÷ and √ of float32 operands, rounding the float64 result to float32 gives the
 *   correctly rounded float32 result, because 53 ≥ 2·24 + 2 (Figueroa, "When is double rounding
 *   innocuous?", SIGNUM Newsletter 30(3), 1995), so the f32x4 instructions give the same bits. A
 *   number in the loop (a literal) must itself be a float32 for this to hold, else the cluster
 *   stays in JavaScript.
 * - Reductions: a sum or max over the innermost loop accumulates in a float64 local lane by lane,
 *   in element order; a sum over outer axes (a bias gradient, summed over rows) adds a vector of
 *   columns at a time, each column still in row order. Both give the row-major order of
 *   linalg's reduce.ts.
 * Anything else (another transcendental, a comparison, mixed dtypes, a strided innermost read, an
 * output read by a later loop that another step wrote) keeps the JavaScript loop.
 */

export type LanePrimitive =
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'neg'
  | 'abs'
  | 'sqrt'
  | 'square'
  | 'mulAdd'
  | 'sin'
  | 'cos'
  | 'copy';

const COMPUTED: readonly string[] = ['neg', 'abs', 'sqrt', 'square', 'add', 'sub', 'mul', 'div', 'sin', 'cos'];

/**
 * The functions every lane module imports (env.sin, env.cos): linalg's emitSinCos hands lanes with
 * |x| ≥ 2²⁰ or non-finite to them, as sinOf and cosOf do. Function indices 0 and 1.
 */
export const LANE_IMPORTS: readonly HostFunction[] = [
  { name: 'sin', params: [ValType.f64], results: [ValType.f64], value: Math.sin },
  { name: 'cos', params: [ValType.f64], results: [ValType.f64], value: Math.cos },
];
const FALLBACK = { sin: 0, cos: 1 };

/** The lane primitive of an equation, if the WebAssembly loops compute it with the JavaScript loop's bits. */
export function lanePrimitive(eq: Equation): LanePrimitive | undefined {
  if (COMPUTED.includes(eq.primitive)) return eq.primitive as LanePrimitive;
  if (eq.primitive !== 'mulAdd') return undefined;
  // a·b + c·d: in float64 two products and a sum, as the lanes do. In float32 with four operands of
  // one shape, linalg adds the two exact float64 products before rounding once to float32, which
  // float32 lanes cannot reproduce; with other shapes each product is rounded first, as in lanes.
  const [a, b, c, d] = eq.inputs;
  if (eq.out.dtype === 'float64') return 'mulAdd';
  const roundedProducts =
    !eq.inputs.every((v) => shapesEqual(v.shape, a.shape)) &&
    binaryDType(a, b) === 'float32' &&
    binaryDType(c, d) === 'float32';
  return roundedProducts ? 'mulAdd' : undefined;
}

/** Below this many elements a cluster stays in JavaScript (a call into WebAssembly costs more than it saves). */
const MIN_LANE_ELEMENTS = 64;

/** The primitives that are one WebAssembly instruction. */
type ArithmeticPrimitive = Exclude<LanePrimitive, 'copy' | 'square' | 'mulAdd' | 'sin' | 'cos'>;

/** Opcodes and sizes of one element type, in vector (SIMD) and scalar form. */
interface LaneType {
  readonly bytes: number;
  readonly lanes: number;
  readonly scalar: ValType;
  readonly load: number;
  readonly store: number;
  readonly extractLane: number;
  readonly splat: number;
  readonly vector: Record<ArithmeticPrimitive, number>;
  readonly scalarOps: Record<ArithmeticPrimitive, number>;
}

const F64: LaneType = {
  bytes: 8,
  lanes: 2,
  scalar: ValType.f64,
  load: Op.f64Load,
  store: Op.f64Store,
  extractLane: SimdOp.f64x2ExtractLane,
  splat: SimdOp.f64x2Splat,
  vector: {
    add: SimdOp.f64x2Add,
    sub: SimdOp.f64x2Sub,
    mul: SimdOp.f64x2Mul,
    div: SimdOp.f64x2Div,
    neg: SimdOp.f64x2Neg,
    abs: SimdOp.f64x2Abs,
    sqrt: SimdOp.f64x2Sqrt,
  },
  scalarOps: {
    add: Op.f64Add,
    sub: Op.f64Sub,
    mul: Op.f64Mul,
    div: Op.f64Div,
    neg: Op.f64Neg,
    abs: Op.f64Abs,
    sqrt: Op.f64Sqrt,
  },
};

const F32: LaneType = {
  bytes: 4,
  lanes: 4,
  scalar: ValType.f32,
  load: Op.f32Load,
  store: Op.f32Store,
  extractLane: SimdOp.f32x4ExtractLane,
  splat: SimdOp.f32x4Splat,
  vector: {
    add: SimdOp.f32x4Add,
    sub: SimdOp.f32x4Sub,
    mul: SimdOp.f32x4Mul,
    div: SimdOp.f32x4Div,
    neg: SimdOp.f32x4Neg,
    abs: SimdOp.f32x4Abs,
    sqrt: SimdOp.f32x4Sqrt,
  },
  scalarOps: {
    add: Op.f32Add,
    sub: Op.f32Sub,
    mul: Op.f32Mul,
    div: Op.f32Div,
    neg: Op.f32Neg,
    abs: Op.f32Abs,
    sqrt: Op.f32Sqrt,
  },
};

const LANE_TYPES: Record<DType, LaneType> = { float64: F64, float32: F32 };

/** i8x16.shuffle lanes that move the upper two float32 lanes of a vector to the bottom. */
const UPPER_HALF = [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];
/** i8x16.shuffle lanes joining the lower halves of two vectors (a₀, a₁, b₀, b₁ in float32 lanes). */
const LOW_HALVES = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];

/** The byte address in the arena of an array a loop reads (or writes), or null when it has none there. */
export type AddressOf = (v: Var, writes: boolean) => number | null;

/** The one dtype of a cluster's arrays and members, or null when they mix. */
function clusterDType(cluster: Cluster): DType | null {
  const dtypes = new Set<DType>([
    ...cluster.accesses.map((a) => a.base.dtype),
    ...cluster.members.map((m) => m.out.dtype),
  ]);
  return dtypes.size === 1 ? [...dtypes][0] : null;
}

const accumulatorOf = (nest: LoopNest, m: ReduceMember) =>
  nest.reductions.get(m.out.id) as { readonly pattern: number; readonly accumulator: Accumulator };

/** Whether a cluster can run as WebAssembly lanes (see the module comment), its dtype then known. */
function eligible(cluster: Cluster, nest: LoopNest, dtype: DType | null): dtype is DType {
  if (dtype === null || nest.sizes.length === 0) return false;
  const size = nest.sizes.reduce((a, b) => a * b, 1);
  if (size < MIN_LANE_ELEMENTS) return false;
  const inner = nest.sizes.length - 1;
  if (nest.patterns.some((p) => p.strides[inner] !== 0 && p.strides[inner] !== 1)) return false;
  for (const m of cluster.members) {
    if (m.kind === 'element') {
      if (m.primitive === undefined) return false;
      for (const a of m.args)
        if (a.kind === 'literal' && dtype === 'float32' && Math.fround(a.value) !== a.value && !Number.isNaN(a.value))
          return false;
      continue;
    }
    if (m.arg.kind === 'literal') return false;
    const { pattern, accumulator } = accumulatorOf(nest, m);
    if (accumulator.kind === 'local' && accumulator.level > inner) return false;
    if (accumulator.kind === 'array' && (m.op !== 'sum' || nest.patterns[pattern].strides[inner] !== 1)) return false;
  }
  return true;
}

/** Whether a cluster can run as WebAssembly lanes once its arrays are in an arena. */
export function laneCandidate(cluster: Cluster, nest: LoopNest): boolean {
  return eligible(cluster, nest, clusterDType(cluster));
}

/**
 * The WebAssembly function (no parameters) computing a cluster as arrayCodegen.ts's loop does, or
 * null when the cluster is not eligible (see the module comment) or an array is not in the arena.
 */
export function laneFunction(
  cluster: Cluster,
  nest: LoopNest,
  outputs: ClusterOutputs,
  addressOf: AddressOf,
): FunctionBody | null {
  const dtype = clusterDType(cluster);
  if (!eligible(cluster, nest, dtype)) return null;
  const writes: Var[] = [...outputs.scratch.values()];
  for (const m of cluster.members) if (m.kind === 'reduce' || outputs.stored.has(m.out.id)) writes.push(m.out);
  const addresses = new Map<number, number>();
  for (const [v, written] of [
    ...cluster.accesses.map((a) => [a.base, false] as const),
    ...writes.map((v) => [v, true] as const),
  ]) {
    const address = addressOf(v, written);
    if (address === null) return null;
    addresses.set(v.id, address);
  }
  return new LaneWriter(cluster, nest, outputs, LANE_TYPES[dtype], addresses).write();
}

/** Writes one cluster's function (see laneFunction). */
class LaneWriter {
  private readonly f = new FunctionBody([]);
  private readonly depth: number;
  private readonly inner: number;
  /** Byte-index locals: key `${pattern}:${bytes}:${level}`, holding Σ i_l·stride_l·bytes over loops 0..level. */
  private readonly indices = new Map<string, number>();
  /** The (pattern, element bytes) pairs the loop addresses. */
  private readonly addressed: readonly (readonly [number, number])[];
  /** Vector and scalar locals of each value: accesses by index, members by output id, literals by value. */
  private readonly vectorOf = new Map<string, number>();
  private readonly scalarOf = new Map<string, number>();
  private readonly sums = new Map<number, number>();
  private readonly laneTemp: number;
  private readonly reductions: ReduceMember[];
  /** Members whose value the current element's (or vector's) code has computed already (a sin and cos pair). */
  private readonly computed = new Set<number>();
  /** Locals holding emitSinCos's constants, when the cluster takes a sine or cosine. */
  private sinCos: SinCosConstants | undefined;

  constructor(
    private readonly cluster: Cluster,
    private readonly nest: LoopNest,
    private readonly outputs: ClusterOutputs,
    private readonly t: LaneType,
    private readonly addresses: ReadonlyMap<number, number>,
  ) {
    this.depth = nest.sizes.length;
    this.inner = this.depth - 1;
    this.laneTemp = this.f.local(ValType.f64);
    this.reductions = cluster.members.filter((m): m is ReduceMember => m.kind === 'reduce');
    this.addressed = this.addressedPairs();
  }

  write(): FunctionBody {
    const { f } = this;
    this.literals();
    for (const m of this.reductions) {
      if (accumulatorOf(this.nest, m).accumulator.kind === 'array') this.fill(this.target(m), m.out.size);
    }
    this.declare(0);
    this.level(0);
    this.store(0);
    for (const m of this.reductions) {
      const scratch = this.outputs.scratch.get(m.out.id);
      if (scratch !== undefined) this.demoteCopy(scratch, m.out);
    }
    return f;
  }

  // ---- values ----

  private key(r: Ref): string {
    if (r.kind === 'local') return `t${r.v.id}`;
    if (r.kind === 'access') return `x${r.index}`;
    return `c${Object.is(r.value, -0) ? '-0' : r.value}`;
  }

  private vectorLocal(key: string): number {
    let local = this.vectorOf.get(key);
    if (local === undefined) {
      local = this.f.local(ValType.v128);
      this.vectorOf.set(key, local);
    }
    return local;
  }

  private scalarLocal(key: string): number {
    let local = this.scalarOf.get(key);
    if (local === undefined) {
      local = this.f.local(this.t.scalar);
      this.scalarOf.set(key, local);
    }
    return local;
  }

  /** Numbers of the loop, as a scalar and a splat vector, and emitSinCos's constants, set once at the top. */
  private literals(): void {
    const { f, t } = this;
    for (const m of this.cluster.members) {
      if (m.kind !== 'element') continue;
      for (const a of m.args) {
        if (a.kind !== 'literal' || this.scalarOf.has(this.key(a))) continue;
        const scalar = this.scalarLocal(this.key(a));
        if (t === F64) f.f64(a.value);
        else f.f32(a.value);
        f.tee(scalar)
          .simd(t.splat)
          .set(this.vectorLocal(this.key(a)));
      }
    }
    const trigonometric = this.cluster.members.some(
      (m) => m.kind === 'element' && (m.primitive === 'sin' || m.primitive === 'cos'),
    );
    if (trigonometric) this.sinCos = sinCosConstants(f);
  }

  // ---- addresses ----

  /** Pushes the byte index of pattern p (elements of `bytes`) with loops 0..level open (−1: none). */
  private index(p: number, bytes: number, level: number): void {
    const strides = this.nest.patterns[p].strides;
    for (let l = Math.min(level, this.depth - 1); l >= 0; l--) {
      if (strides[l] !== 0) {
        this.f.get(this.indexLocal(p, bytes, l));
        return;
      }
    }
    this.f.i32(0);
  }

  private indexLocal(p: number, bytes: number, level: number): number {
    const key = `${p}:${bytes}:${level}`;
    let local = this.indices.get(key);
    if (local === undefined) {
      local = this.f.local(ValType.i32);
      this.indices.set(key, local);
    }
    return local;
  }

  private addressedPairs(): [number, number][] {
    const pairs = new Map<string, [number, number]>();
    const add = (p: number, bytes: number) => pairs.set(`${p}:${bytes}`, [p, bytes]);
    for (const p of this.nest.accessPatterns) add(p, this.t.bytes);
    add(this.nest.contiguous, this.t.bytes);
    for (const m of this.reductions) {
      const { pattern } = accumulatorOf(this.nest, m);
      add(pattern, this.outputs.scratch.has(m.out.id) ? 8 : this.t.bytes);
    }
    return [...pairs.values()];
  }

  /** Byte address in memory of element 0 of an access, output or scratch array, plus the pattern's offset. */
  private base(v: Var, offsetElements: number, bytes: number): number {
    return (this.addresses.get(v.id) as number) + offsetElements * bytes;
  }

  // ---- loops ----

  private level(level: number): void {
    const { f } = this;
    const pairs = this.addressed.filter(([p]) => this.nest.patterns[p].strides[level] !== 0);
    for (const [p, bytes] of pairs) {
      this.index(p, bytes, level - 1);
      f.set(this.indexLocal(p, bytes, level));
    }
    const advance = (elements: number) => {
      for (const [p, bytes] of pairs) {
        const step = this.nest.patterns[p].strides[level] * bytes * elements;
        const local = this.indexLocal(p, bytes, level);
        f.increment(local, () => f.i32(step));
      }
    };
    if (level === this.inner) {
      this.innermost(advance);
      return;
    }
    const counter = f.local(ValType.i32);
    f.i32(0).set(counter);
    f.doWhile(
      () => {
        this.declare(level + 1);
        this.level(level + 1);
        this.store(level + 1);
        advance(1);
        f.increment(counter, () => f.i32(1));
      },
      () => f.get(counter).i32(this.nest.sizes[level]).emit(Op.i32Ne),
    );
  }

  /** The innermost loop: whole vectors, then the remaining elements one at a time. */
  private innermost(advance: (elements: number) => void): void {
    const { f, t } = this;
    this.broadcasts();
    const size = this.nest.sizes[this.inner];
    const vectors = Math.floor(size / t.lanes);
    if (vectors > 0) {
      const counter = f.local(ValType.i32);
      f.i32(0).set(counter);
      f.doWhile(
        () => {
          this.body(true);
          advance(t.lanes);
          f.increment(counter, () => f.i32(1));
        },
        () => f.get(counter).i32(vectors).emit(Op.i32Ne),
      );
    }
    for (let e = vectors * t.lanes; e < size; e++) {
      this.body(false);
      advance(1);
    }
  }

  /** Operands the innermost loop reads at one place: loaded before it, as a scalar and a splat. */
  private broadcasts(): void {
    const { f, t } = this;
    this.cluster.accesses.forEach((view, i) => {
      const p = this.nest.accessPatterns[i];
      if (this.nest.patterns[p].strides[this.inner] !== 0) return;
      const key = `x${i}`;
      this.index(p, t.bytes, this.inner - 1);
      f.memory(t.load, 0, this.base(view.base, view.offset, t.bytes));
      f.tee(this.scalarLocal(key)).simd(t.splat).set(this.vectorLocal(key));
    });
  }

  /** One element (scalar) or one vector of elements: loads, members, stores, reduction updates. */
  private body(vector: boolean): void {
    const { f, t, inner } = this;
    this.computed.clear();
    const local = (key: string) => (vector ? this.vectorLocal(key) : this.scalarLocal(key));
    this.cluster.accesses.forEach((view, i) => {
      const p = this.nest.accessPatterns[i];
      if (this.nest.patterns[p].strides[inner] === 0) return;
      this.index(p, t.bytes, inner);
      const address = this.base(view.base, view.offset, t.bytes);
      if (vector) f.simdMemory(SimdOp.v128Load, 0, address);
      else f.memory(t.load, 0, address);
      f.set(local(`x${i}`));
    });
    for (const m of this.cluster.members) {
      if (m.kind === 'element') {
        this.element(m, vector);
        if (this.outputs.stored.has(m.out.id)) {
          this.index(this.nest.contiguous, t.bytes, inner);
          f.get(local(`t${m.out.id}`));
          const address = this.base(m.out, 0, t.bytes);
          if (vector) f.simdMemory(SimdOp.v128Store, 0, address);
          else f.memory(t.store, 0, address);
        }
      } else this.accumulate(m, vector);
    }
  }

  private element(m: ElementMember, vector: boolean): void {
    const { f, t } = this;
    const local = (key: string) => (vector ? this.vectorLocal(key) : this.scalarLocal(key));
    const op = m.primitive as LanePrimitive;
    if (op === 'sin' || op === 'cos') {
      this.trigonometric(m, vector);
      return;
    }
    for (const a of m.args) f.get(local(this.key(a)));
    if (op === 'mulAdd') {
      // The stack holds a, b, c, d: c·d first, kept, then a·b + c·d.
      const product = vector ? this.vectorLocal('mulAdd') : this.scalarLocal('mulAdd');
      if (vector) f.simd(t.vector.mul).set(product).simd(t.vector.mul).get(product).simd(t.vector.add);
      else f.emit(t.scalarOps.mul).set(product).emit(t.scalarOps.mul).get(product).emit(t.scalarOps.add);
    } else if (op === 'square') {
      f.get(local(this.key(m.args[0])));
      if (vector) f.simd(t.vector.mul);
      else f.emit(t.scalarOps.mul);
    } else if (op !== 'copy') {
      if (vector) f.simd(t.vector[op]);
      else f.emit(t.scalarOps[op]);
    }
    f.set(local(`t${m.out.id}`));
  }

  // ---- sine and cosine ----

  /**
   * sin or cos of a member's argument by linalg's emitSinCos (the bits of sinOf and cosOf), in
   * float64 lanes: a float32 vector is widened to two float64 vectors and the results narrowed
   * back (one rounding, as Math.fround(sinOf(x))), a scalar is splat. When the cluster also takes
   * the other function of the same argument, both come from one argument reduction, and the second
   * member finds its value already computed.
   */
  private trigonometric(m: ElementMember, vector: boolean): void {
    const { f, t } = this;
    if (this.computed.has(m.out.id)) return;
    const arg = this.key(m.args[0]);
    const partner = this.cluster.members.find(
      (o): o is ElementMember =>
        o.kind === 'element' &&
        o !== m &&
        (o.primitive === 'sin' || o.primitive === 'cos') &&
        o.primitive !== m.primitive &&
        this.key(o.args[0]) === arg &&
        !this.computed.has(o.out.id),
    );
    const members = partner === undefined ? [m] : [m, partner];
    for (const member of members) this.computed.add(member.out.id);
    const constants = this.sinCos;
    /** sin/cos of the f64x2 in `x` into fresh f64x2 locals, by kind. */
    const lanes = (x: number) => {
      const out: { sin?: number; cos?: number } = {};
      for (const member of members) out[member.primitive as 'sin' | 'cos'] = f.local(ValType.v128);
      emitSinCos(f, x, out, FALLBACK, constants);
      return out;
    };
    const wide = f.local(ValType.v128);
    if (vector && t === F64) {
      const out = lanes(this.vectorLocal(arg));
      for (const member of members)
        f.get(out[member.primitive as 'sin' | 'cos'] as number).set(this.vectorLocal(`t${member.out.id}`));
      return;
    }
    if (vector) {
      const x = this.vectorLocal(arg);
      f.get(x).simd(SimdOp.f64x2PromoteLowF32x4).set(wide);
      const low = lanes(wide);
      f.get(x).get(x).shuffle(UPPER_HALF).simd(SimdOp.f64x2PromoteLowF32x4).set(wide);
      const high = lanes(wide);
      for (const member of members) {
        const kind = member.primitive as 'sin' | 'cos';
        // [r₀, r₁, 0, 0] and [r₂, r₃, 0, 0] into [r₀, r₁, r₂, r₃].
        f.get(low[kind] as number).simd(SimdOp.f32x4DemoteF64x2Zero);
        f.get(high[kind] as number).simd(SimdOp.f32x4DemoteF64x2Zero);
        f.shuffle(LOW_HALVES).set(this.vectorLocal(`t${member.out.id}`));
      }
      return;
    }
    f.get(this.scalarLocal(arg));
    if (t === F32) f.emit(Op.f64PromoteF32);
    f.simd(SimdOp.f64x2Splat).set(wide);
    const out = lanes(wide);
    for (const member of members) {
      f.get(out[member.primitive as 'sin' | 'cos'] as number).simdLane(SimdOp.f64x2ExtractLane, 0);
      if (t === F32) f.emit(Op.f32DemoteF64);
      f.set(this.scalarLocal(`t${member.out.id}`));
    }
  }

  // ---- reductions ----

  /** The float64 local of a reduction accumulated in a local. */
  private sum(m: ReduceMember): number {
    let local = this.sums.get(m.out.id);
    if (local === undefined) {
      local = this.f.local(ValType.f64);
      this.sums.set(m.out.id, local);
    }
    return local;
  }

  private target(m: ReduceMember): Var {
    return this.outputs.scratch.get(m.out.id) ?? m.out;
  }

  private accumulate(m: ReduceMember, vector: boolean): void {
    const { f, t } = this;
    const value = vector ? this.vectorLocal(this.key(m.arg)) : this.scalarLocal(this.key(m.arg));
    const { pattern, accumulator } = accumulatorOf(this.nest, m);
    if (accumulator.kind === 'local') {
      const lanes = vector ? t.lanes : 1;
      for (let lane = 0; lane < lanes; lane++) {
        f.get(value);
        if (vector) f.simdLane(t.extractLane, lane);
        if (t === F32) f.emit(Op.f64PromoteF32);
        f.set(this.laneTemp);
        this.combine(m);
      }
      return;
    }
    // A column sum, target[j] += value[j] in float64: the output itself, or the float64 scratch that
    // every float32 column sum has (arrayCodegen.ts's needsScratch).
    const address = this.base(this.target(m), 0, 8);
    const add = (offset: number, push: () => void) => {
      this.index(pattern, 8, this.inner);
      this.index(pattern, 8, this.inner);
      f.simdMemory(SimdOp.v128Load, 0, address + offset);
      push();
      f.simd(SimdOp.f64x2Add).simdMemory(SimdOp.v128Store, 0, address + offset);
    };
    if (!vector) {
      this.index(pattern, 8, this.inner);
      this.index(pattern, 8, this.inner);
      f.memory(Op.f64Load, 0, address).get(value);
      if (t === F32) f.emit(Op.f64PromoteF32);
      f.emit(Op.f64Add).memory(Op.f64Store, 0, address);
    } else if (t === F32) {
      add(0, () => f.get(value).simd(SimdOp.f64x2PromoteLowF32x4));
      add(16, () => f.get(value).get(value).shuffle(UPPER_HALF).simd(SimdOp.f64x2PromoteLowF32x4));
    } else add(0, () => f.get(value));
  }

  /** r ← r + x (sum) or r ← (x > r || x ≠ x ? x : r) (max, as reduce.ts), with x in laneTemp. */
  private combine(m: ReduceMember): void {
    const { f } = this;
    const r = this.sum(m);
    const x = this.laneTemp;
    if (m.op === 'sum') f.get(r).get(x).emit(Op.f64Add).set(r);
    else f.get(x).get(r).get(x).get(r).emit(Op.f64Gt).get(x).get(x).emit(Op.f64Ne, Op.i32Or, Op.select).set(r);
  }

  private localsAt(level: number): ReduceMember[] {
    return this.reductions.filter((m) => {
      const { accumulator } = accumulatorOf(this.nest, m);
      return accumulator.kind === 'local' && accumulator.level === level;
    });
  }

  private declare(level: number): void {
    for (const m of this.localsAt(level)) this.f.f64(m.op === 'sum' ? 0 : Number.NEGATIVE_INFINITY).set(this.sum(m));
  }

  private store(level: number): void {
    const { f } = this;
    for (const m of this.localsAt(level)) {
      const { pattern } = accumulatorOf(this.nest, m);
      this.index(pattern, this.t.bytes, level - 1);
      f.get(this.sum(m));
      if (this.t === F32) f.emit(Op.f32DemoteF64);
      f.memory(this.t.store, 0, this.base(m.out, 0, this.t.bytes));
    }
  }

  /** target[0..size) ← 0, the initial value of a column sum (in float64: see accumulate). */
  private fill(target: Var, size: number): void {
    const { f } = this;
    const at = f.local(ValType.i32);
    const address = this.base(target, 0, 0);
    f.i32(0).set(at);
    f.doWhile(
      () => {
        f.get(at).f64(0).memory(Op.f64Store, 0, address);
        f.increment(at, () => f.i32(8));
      },
      () =>
        f
          .get(at)
          .i32(size * 8)
          .emit(Op.i32Ne),
    );
  }

  /** out ← scratch, each float64 sum rounded once to float32 (as Float32Array.set does). */
  private demoteCopy(scratch: Var, out: Var): void {
    const { f } = this;
    const at = f.local(ValType.i32);
    f.i32(0).set(at);
    f.doWhile(
      () => {
        f.get(at).get(at).get(at);
        f.emit(Op.i32Add).memory(Op.f64Load, 0, this.base(scratch, 0, 0));
        f.emit(Op.f32DemoteF64).memory(Op.f32Store, 0, this.base(out, 0, 0));
        f.increment(at, () => f.i32(4));
      },
      () =>
        f
          .get(at)
          .i32(out.size * 4)
          .emit(Op.i32Ne),
    );
  }
}
