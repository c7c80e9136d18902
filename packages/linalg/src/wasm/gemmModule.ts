import { FunctionBody, Op, SimdOp, ValType, assembleModule } from './assembler.js';
import { packA, packAT, packB } from './gemmPacking.js';
import { tanh32Body } from './tanh32Lanes.js';
import { tanhBody } from './tanhLanes.js';

/**
 * The WebAssembly SIMD matmul kernels, generated as bytecode: C (m×n) = A (m×k) · B (k×n), all
 * three row-major and contiguous in linear memory, for float64 (f64x2 lanes) and float32 (f32x4).
 *
 * Form: C[i:i+R, j:j+W] is kept in R·V vector accumulators (W = V·lanes columns) while p runs
 * over k; each step loads V vectors from row p of B and broadcasts R scalars A[i+r, p]
 * (v128.loadN_splat), then does R·V vector multiply-adds. Rows of B are contiguous along j, so
 * no transposition or horizontal sum is needed, and each entry of C is still accumulated as
 * ((0 + a₀b₀) + a₁b₁) + … in the order p = 0, 1, …, k−1, with a separate multiply and add (no
 * fused multiply-add in baseline SIMD): for float64 the result is bit-identical to the naive
 * triple loop and to the JavaScript kernel. This is the register-blocked micro-kernel of Goto &
 * van de Geijn, "Anatomy of high-performance matrix multiplication", ACM TOMS 34(3), 2008.
 *
 * With `fusedMultiplyAdd` in the config (opt-in, useFusedMultiplyAdd), the vector multiply-adds
 * of the tiles are relaxed-SIMD `relaxed_madd` instead: one rounding per step where the hardware
 * fuses (x86-64 with FMA, ARM64), two elsewhere; the engine chooses, so the bits depend on the
 * machine. The scalar columns keep the separate multiply and add. Measured 22–27% faster on the
 * 750×200×200 product (the multiply and add of a step were two dependent instructions).
 *
 * float32 accumulates in f32 (four lanes per vector instead of two), as BLAS sgemm and PyTorch
 * do on CPU; its error bound is that of a length-k f32 dot product, γₖ with u = 2⁻²⁴.
 *
 * Both operands are packed first (Goto & van de Geijn §5): B into kc×W panels, A into R-row
 * slivers stored step by step (A[i, p], A[i+1, p], …, A[i+R−1, p], then p + 1), so the tile reads
 * two contiguous streams through two pointers with constant offsets. The arithmetic of a 4×4 f64
 * step is only 16 instructions, so every pointer increment V8 emits counts: packing A (one
 * pointer instead of four) measured about 20% faster, and packing B removed a 2× slowdown when
 * rows of B are far apart (n = 750 doubles: one cache line and often one page per row).
 *
 * Ragged edges are handled in WebAssembly: the R-row slivers run W-wide tiles, then one-vector
 * tiles, then scalar columns (both reading B in place); the last m mod R rows form a thinner
 * sliver with its own tiles. The caller guarantees kc ≥ 1 (tile loops are do-while) and m, n ≥ 1.
 *
 * Unrolling the k loop was tried and measured slower: V8's code generator hoists all the loads of
 * the unrolled steps to the top of the loop body, and the values held that long spill out of the
 * 15 allocatable xmm registers.
 */

/** Tile shape of the micro-kernel: `rows` rows of C by `vectors` SIMD vectors of columns. */
export interface TileShape {
  rows: number;
  vectors: number;
}

/** Element type specifics: sizes and the opcodes that differ between f64 and f32. */
export interface Precision {
  name: 'f64' | 'f32';
  bytes: number;
  lanes: number;
  scalar: ValType;
  splatLoad: number;
  vectorAdd: number;
  vectorMul: number;
  /** The relaxed-SIMD fused multiply-add: a, b, c on the stack give a·b + c (maybe with one rounding). */
  vectorMadd: number;
  scalarLoad: number;
  scalarStore: number;
  scalarAdd: number;
  scalarMul: number;
  alignLog2: number;
}

const F64: Precision = {
  name: 'f64',
  bytes: 8,
  lanes: 2,
  scalar: ValType.f64,
  splatLoad: SimdOp.v128Load64Splat,
  vectorAdd: SimdOp.f64x2Add,
  vectorMul: SimdOp.f64x2Mul,
  vectorMadd: SimdOp.f64x2RelaxedMadd,
  scalarLoad: Op.f64Load,
  scalarStore: Op.f64Store,
  scalarAdd: Op.f64Add,
  scalarMul: Op.f64Mul,
  alignLog2: 3,
};

const F32: Precision = {
  name: 'f32',
  bytes: 4,
  lanes: 4,
  scalar: ValType.f32,
  splatLoad: SimdOp.v128Load32Splat,
  vectorAdd: SimdOp.f32x4Add,
  vectorMul: SimdOp.f32x4Mul,
  vectorMadd: SimdOp.f32x4RelaxedMadd,
  scalarLoad: Op.f32Load,
  scalarStore: Op.f32Store,
  scalarAdd: Op.f32Add,
  scalarMul: Op.f32Mul,
  alignLog2: 2,
};

const i32 = ValType.i32;

/** Function indices of the tiles for each row count 1..R: full width, one vector, one scalar column. */
interface TileSet {
  full: number[];
  /** Full tiles reading B in place (row stride ldb), for products of a few rows. */
  fullInPlace: number[];
  one: number[];
  scalar: number[];
}

/** The locals and memory accessors of one tile function being generated. */
interface TileLocals {
  f: FunctionBody;
  prec: Precision;
  scalar: boolean;
  /** Vector steps as relaxed_madd (the scalar ones never are). */
  fused: boolean;
  /** acc[r][v]: accumulator of row r and vector (or scalar column) v, zero on entry. */
  acc: number[][];
  /** Bytes per accumulator: 16 for a vector, the element size for a scalar. */
  step: number;
}

/** Loads (or stores) the value at the address on the stack plus `offset`: a vector, or a scalar. */
function access(t: TileLocals, offset: number, store: boolean): void {
  const { f, prec } = t;
  if (t.scalar) f.memory(store ? prec.scalarStore : prec.scalarLoad, prec.alignLog2, offset);
  else f.simdMemory(store ? SimdOp.v128Store : SimdOp.v128Load, 0, offset);
}

/** For each row r, from address `row` + r·ldc: accumulators ← C (store = false) or C ← accumulators. */
function transferC(t: TileLocals, row: number, ldc: number, store: boolean): void {
  const { f, acc } = t;
  for (let r = 0; r < acc.length; r++) {
    for (let v = 0; v < acc[r].length; v++) {
      f.get(row);
      if (store) f.get(acc[r][v]);
      access(t, v * t.step, store);
      if (!store) f.set(acc[r][v]);
    }
    f.increment(row, () => f.get(ldc));
  }
}

/** One step p: acc[r][v] += A[r, p] · B[p, v], with A[r, p] at pa + r·bytes and B[p, v] at pb + v·step. */
function multiplyAdd(t: TileLocals, pa: number, pb: number, b: number[], a: number): void {
  const { f, prec, acc } = t;
  for (let v = 0; v < b.length; v++) {
    f.get(pb);
    access(t, v * t.step, false);
    f.set(b[v]);
  }
  for (let r = 0; r < acc.length; r++) {
    f.get(pa);
    if (t.scalar) f.memory(prec.scalarLoad, prec.alignLog2, r * prec.bytes);
    else f.simdMemory(prec.splatLoad, prec.alignLog2, r * prec.bytes); // broadcast to every lane
    f.set(a);
    for (let v = 0; v < b.length; v++) {
      if (t.scalar) f.get(acc[r][v]).get(a).get(b[v]).emit(prec.scalarMul, prec.scalarAdd);
      else if (t.fused) f.get(a).get(b[v]).get(acc[r][v]).simd(prec.vectorMadd);
      else f.get(acc[r][v]).get(a).get(b[v]).simd(prec.vectorMul).simd(prec.vectorAdd);
      f.set(acc[r][v]);
    }
  }
}

/**
 * One tile: `rows` × (`vectors`·lanes) entries of C, or `rows` × 1 when `vectors` is 0 (scalar
 * code for the last n mod lanes columns). Parameters: pa (the packed A sliver), pb, pc (byte
 * addresses of the tile's B row and C entry), kc (steps, ≥ 1), ldb, ldc (byte strides between
 * rows) and accumulate (0: C = A·B; 1: C += A·B, for the later blocks of k). With `packed`, B is a
 * packed panel whose row stride is the tile width and ldb is ignored; with `fused`, the vector
 * steps are relaxed_madd.
 */
function tile(prec: Precision, rows: number, vectors: number, packed: boolean, fused: boolean): FunctionBody {
  const f = new FunctionBody([i32, i32, i32, i32, i32, i32, i32]);
  const [pa, pb, pc, kc, ldb, ldc, accumulate] = [0, 1, 2, 3, 4, 5, 6];
  const scalar = vectors === 0;
  const type = scalar ? prec.scalar : ValType.v128;
  const width = scalar ? 1 : vectors;
  const acc = Array.from({ length: rows }, () => Array.from({ length: width }, () => f.local(type)));
  const t: TileLocals = { f, prec, scalar, fused, acc, step: scalar ? prec.bytes : 16 };
  const b = Array.from({ length: width }, () => f.local(type));
  const [a, end, row] = [f.local(type), f.local(i32), f.local(i32)];
  f.get(pa)
    .get(kc)
    .i32(rows * prec.bytes)
    .emit(Op.i32Mul, Op.i32Add)
    .set(end);
  f.get(accumulate).ifThen(() => {
    f.get(pc).set(row);
    transferC(t, row, ldc, false);
  });
  f.doWhile(
    () => {
      multiplyAdd(t, pa, pb, b, a);
      f.increment(pa, () => f.i32(rows * prec.bytes));
      f.increment(pb, () => (packed ? f.i32(width * t.step) : f.get(ldb)));
    },
    () => f.get(pa).get(end).emit(Op.i32Ne),
  );
  transferC(t, pc, ldc, true);
  return f;
}

/**
 * The macro-kernel on one block: C[0:m, 0:n] (+)= A[0:m, 0:kc] · B[0:kc, 0:n] from packed A and B.
 * Column panels are the outer loop and row slivers the inner one, so one B panel (kc×W) stays in
 * L1 while the slivers of the A block (kept small enough for L2 by the caller) stream past it —
 * the loop order of Goto & van de Geijn §6. The last n mod W columns read B in place.
 * Parameters: packedA, packedB, pb (B in place), pc, m, kc, n, ldc, accumulate.
 * With `bInPlace`, every column reads B in place and packedB is ignored: for a product of a few
 * rows, each panel would be read once or twice after packing, so packing it costs more than it
 * saves (it was most of the time of a learned field's Newton iterations at one state).
 */
function macroKernel(prec: Precision, shape: TileShape, tiles: TileSet, bInPlace = false): FunctionBody {
  const f = new FunctionBody([i32, i32, i32, i32, i32, i32, i32, i32, i32]);
  const [packedA, packedB, pb, pc, m, kc, n, ldc, accumulate] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const R = shape.rows;
  const width = shape.vectors * prec.lanes;
  const [sliver, ldb, mFull, rest, j, i, ia, ic, bCol] = Array.from({ length: 9 }, () => f.local(i32));
  f.get(kc)
    .i32(R * prec.bytes)
    .emit(Op.i32Mul)
    .set(sliver);
  f.get(n).i32(prec.bytes).emit(Op.i32Mul).set(ldb);
  f.get(m).get(m).i32(R).emit(Op.i32RemU).tee(rest).emit(Op.i32Sub).set(mFull);
  /** All slivers for the current columns: tiles of R rows, then one tile of the remaining rows. */
  const rowSweep = (fns: number[], b: () => void, stride: () => void) => {
    const call = (fn: number) => {
      f.get(ia);
      b();
      f.get(ic).get(kc);
      stride();
      f.get(ldc).get(accumulate).call(fn);
    };
    f.get(packedA).set(ia);
    f.get(pc).get(j).i32(prec.bytes).emit(Op.i32Mul, Op.i32Add).set(ic);
    f.i32(0).set(i);
    f.whileLoop(
      () => f.get(i).get(mFull).emit(Op.i32LtU),
      () => {
        call(fns[R]);
        f.increment(ia, () => f.get(sliver));
        f.increment(ic, () => f.get(ldc).i32(R).emit(Op.i32Mul));
        f.increment(i, () => f.i32(R));
      },
    );
    for (let r = 1; r < R; r++)
      f.get(rest)
        .i32(r)
        .emit(Op.i32Eq)
        .ifThen(() => call(fns[r]));
  };
  const inPlace = () => f.get(pb).get(j).i32(prec.bytes).emit(Op.i32Mul, Op.i32Add);
  f.get(packedB).set(bCol);
  f.whileLoop(
    () => f.get(j).i32(width).emit(Op.i32Add).get(n).emit(Op.i32LeU),
    () => {
      if (bInPlace) rowSweep(tiles.fullInPlace, inPlace, () => f.get(ldb));
      else
        rowSweep(
          tiles.full,
          () => f.get(bCol),
          () => f.i32(0),
        );
      f.increment(bCol, () =>
        f
          .get(kc)
          .i32(width * prec.bytes)
          .emit(Op.i32Mul),
      );
      f.increment(j, () => f.i32(width));
    },
  );
  const edge = (count: number, fns: number[]) =>
    f.whileLoop(
      () => f.get(j).i32(count).emit(Op.i32Add).get(n).emit(Op.i32LeU),
      () => {
        rowSweep(fns, inPlace, () => f.get(ldb));
        f.increment(j, () => f.i32(count));
      },
    );
  edge(prec.lanes, tiles.one);
  edge(1, tiles.scalar);
  return f;
}

/** Tile shapes for both precisions, and whether the vector multiply-adds are fused. */
export interface GemmConfig {
  f64: TileShape;
  f32: TileShape;
  /** relaxed_madd for the vector multiply-adds (needs relaxed SIMD; absent: false, the bits of the JavaScript kernel). */
  fusedMultiplyAdd?: boolean;
}

/**
 * Default tiles: 4 rows × 2 vectors (4×4 for f64, 4×8 for f32). Live values in the loop are the
 * 8 accumulators, 2 B vectors, one broadcast and one product: within the 15 xmm registers V8
 * allocates on x86-64. Wider tiles such as 4×8 f64 or 4×16 f32 spill and measured slower.
 */
export const DEFAULT_GEMM_CONFIG: GemmConfig = {
  f64: { rows: 4, vectors: 2 },
  f32: { rows: 4, vectors: 2 },
  fusedMultiplyAdd: false,
};

type ModuleFunctions = { body: FunctionBody; exportName?: string }[];

/** Appends the tiles, packing routines and macro-kernel of one precision (exported as packA_f64, packB_f64, macro_f64, …). */
function addPrecision(functions: ModuleFunctions, prec: Precision, shape: TileShape, fused: boolean): void {
  const tiles: TileSet = { full: [], fullInPlace: [], one: [], scalar: [] };
  for (let r = 1; r <= shape.rows; r++) {
    tiles.full[r] = functions.push({ body: tile(prec, r, shape.vectors, true, fused) }) - 1;
    tiles.fullInPlace[r] = functions.push({ body: tile(prec, r, shape.vectors, false, fused) }) - 1;
    tiles.one[r] = functions.push({ body: tile(prec, r, 1, false, fused) }) - 1;
    tiles.scalar[r] = functions.push({ body: tile(prec, r, 0, false, fused) }) - 1;
  }
  functions.push({ body: packA(prec, shape), exportName: `packA_${prec.name}` });
  functions.push({ body: packAT(prec, shape), exportName: `packAT_${prec.name}` });
  functions.push({ body: packB(prec, shape), exportName: `packB_${prec.name}` });
  functions.push({ body: macroKernel(prec, shape, tiles), exportName: `macro_${prec.name}` });
  functions.push({ body: macroKernel(prec, shape, tiles, true), exportName: `macroInPlace_${prec.name}` });
}

/**
 * The module's bytes: exports `memory` and, for f64 and f32, `packA_*`, `packAT_*`, `packB_*`,
 * `macro_*`, `macroInPlace_*` and `tanh_*` (tanhLanes.ts). With `sharedMaximumPages`, the memory
 * is imported as `env.memory`, shared, of up to that many pages (for instances on two threads over
 * the same memory); otherwise it is the module's own. With `config.fusedMultiplyAdd`, the module
 * validates only where the engine has relaxed SIMD.
 */
export function gemmModuleBytes(config: GemmConfig = DEFAULT_GEMM_CONFIG, sharedMaximumPages?: number): Uint8Array {
  const functions: ModuleFunctions = [];
  const fused = config.fusedMultiplyAdd === true;
  addPrecision(functions, F64, config.f64, fused);
  addPrecision(functions, F32, config.f32, fused);
  // tanh lives in this module so that it works on the same memory as the products (a compiled
  // program's buffers, in place).
  functions.push({ body: tanhBody('f64'), exportName: 'tanh_f64' }, { body: tanh32Body(), exportName: 'tanh_f32' });
  const sharedMemory = sharedMaximumPages === undefined ? undefined : { maximumPages: sharedMaximumPages };
  return assembleModule({ functions, memoryExport: 'memory', initialPages: 1, sharedMemory });
}

/** A minimal SIMD module (v128.load64_splat, f64x2.extract_lane), to ask the engine whether it supports SIMD. */
export function simdProbeBytes(): Uint8Array {
  const f = new FunctionBody([]);
  f.i32(0).simdMemory(SimdOp.v128Load64Splat, 3).simdLane(SimdOp.f64x2ExtractLane, 0).emit(Op.drop);
  return assembleModule({ functions: [{ body: f }], memoryExport: 'memory', initialPages: 0 });
}

/** A minimal relaxed-SIMD module (f64x2.relaxed_madd), to ask the engine whether it supports relaxed SIMD. */
export function relaxedSimdProbeBytes(): Uint8Array {
  const f = new FunctionBody([]);
  f.i32(0).simdMemory(SimdOp.v128Load64Splat, 3).i32(0).simdMemory(SimdOp.v128Load64Splat, 3);
  f.i32(0).simdMemory(SimdOp.v128Load64Splat, 3).simd(SimdOp.f64x2RelaxedMadd);
  f.simdLane(SimdOp.f64x2ExtractLane, 0).emit(Op.drop);
  return assembleModule({ functions: [{ body: f }], memoryExport: 'memory', initialPages: 0 });
}
