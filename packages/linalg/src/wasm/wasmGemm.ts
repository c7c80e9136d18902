import type { DType, TypedArray } from '../Tensor.js';
import { type ImportedFunction, type ModuleFunction, assembleModule } from './assembler.js';
import { type WasmMemory, wasmApi } from './engine.js';
import { type GemmConfig, type TileShape, DEFAULT_GEMM_CONFIG, gemmModuleBytes } from './gemmModule.js';
import { fusedMultiplyAdd } from './fusedMultiplyAdd.js';
import { ArenaHelper, MAX_CHUNKS, MIN_CHUNK_ROWS, PARALLEL_MIN_MULTIPLY_ADDS } from './gemmThreads.js';
import { TANH_ELEMENTS_PER_STEP } from './tanhLanes.js';
import { tanhScalarInto } from '../tanh32.js';

const PAGE_BYTES = 65536;
/** Largest linear memory used, so every byte address is a non-negative i32; bigger products fall back to JavaScript. */
const MAX_BYTES = 2 ** 31 - PAGE_BYTES;

type PackA = (src: number, dst: number, m: number, kc: number, lda: number) => void;
type PackB = (src: number, dst: number, kc: number, n: number, ld: number) => void;
type Macro = (
  packedA: number,
  packedB: number,
  pb: number,
  pc: number,
  m: number,
  kc: number,
  n: number,
  ldc: number,
  accumulate: number,
) => void;

type Tanh = (input: number, output: number, steps: number) => void;

/** Cache blocking: k is cut into blocks of `kc`, and m into blocks whose A block (rows × kc) takes about `aBlockBytes`. */
export interface Blocking {
  kc: number;
  aBlockBytes: number;
}

/**
 * Defaults for a 32 KiB L1 and a 512 KiB L2 (and the same order of magnitude elsewhere): a packed
 * B panel of 256 × 4 doubles or 256 × 8 floats is 8 KiB, comfortably in L1; an A block of 192 KiB
 * leaves room in L2 for C and the next panels.
 */
export const DEFAULT_BLOCKING: Blocking = { kc: 256, aBlockBytes: 192 * 1024 };

const align16 = (bytes: number) => Math.ceil(bytes / 16) * 16;

interface Precision {
  bytes: number;
  /** Tile rows R and columns W. */
  rows: number;
  width: number;
  packA: PackA;
  packAT: PackA;
  packB: PackB;
  macro: Macro;
  macroInPlace: Macro;
  tanh: Tanh;
}

/** A JavaScript function a generated module imports (see instantiateOnMemory). */
export interface HostFunction extends ImportedFunction {
  readonly value: (...args: number[]) => number;
}

const modules = new Map<string, object>();

/**
 * The default tiles, with the fused multiply-add as useFusedMultiplyAdd sets it now: the config of
 * every instance made without one (the shared kernel's, arenas', and so compiled programs').
 */
export function currentGemmConfig(): GemmConfig {
  return { ...DEFAULT_GEMM_CONFIG, fusedMultiplyAdd: fusedMultiplyAdd() };
}

/**
 * The module of a configuration (tiles and fused multiply-add), compiled once (instances, each
 * with its own memory, share it); `shared`: the variant importing a shared memory of up to
 * MAX_BYTES, which the helper thread instantiates too (gemmThreads.ts), so it runs the same code.
 */
function compiledModule(config: GemmConfig, shared = false): object {
  const { f64, f32 } = config;
  const key = JSON.stringify({ f64, f32, fused: config.fusedMultiplyAdd === true }) + (shared ? ' shared' : '');
  let module = modules.get(key);
  if (module === undefined) {
    const bytes = gemmModuleBytes(config, shared ? MAX_BYTES / PAGE_BYTES : undefined);
    module = new (wasmApi as NonNullable<typeof wasmApi>).Module(bytes);
    modules.set(key, module);
  }
  return module;
}

/** The layout of one product (WasmGemm's layout). */
type Layout = { kc: number; mc: number; packedA: number; packedB: number };

/**
 * A product C = A·B (m×k by k×n) whose operands are in linear memory at byte addresses a, b, c,
 * row-major (A stored transposed, k×m, with `aTransposed`).
 */
interface Product {
  dtype: DType;
  a: number;
  aTransposed: boolean;
  b: number;
  c: number;
  m: number;
  k: number;
  n: number;
}

/**
 * Products of at most this many rows read B in place instead of packing it (macroInPlace): each
 * panel would serve one or two slivers of A, not enough to repay copying it. Measured through
 * matmulInto on m×k·k×n float64 products (k, n of 200 and 750): 1 row 17 µs in place against 25
 * packed (200×200), 4 rows 30–38 against 37–40, even from about 16 rows on.
 */
const B_IN_PLACE_MAX_ROWS = 8;

/** Rows per chunk of a product shared with the helper thread (whole slivers of `rows`), or 0 to keep it on this thread. */
function chunkRows(m: number, k: number, n: number, rows: number): number {
  if (m * k * n < PARALLEL_MIN_MULTIPLY_ADDS || m < 2 * rows) return 0;
  const chunks = Math.max(2, Math.min(MAX_CHUNKS, Math.floor(m / MIN_CHUNK_ROWS)));
  return Math.ceil(m / chunks / rows) * rows;
}

/**
 * One instance of the generated module and its memory, reused by every call: the module is
 * compiled once, and the memory only grows (to the largest product seen so far).
 */
export class WasmGemm {
  private readonly memory: WasmMemory;
  private readonly precisions: Record<DType, Precision>;
  private views: Record<DType, TypedArray>;
  /** The helper thread and the byte address of its scratch, when products are split over two threads. */
  private helper: { thread: ArenaHelper; scratch: number } | null = null;
  /** The compiled module, for an instance on a shared memory. */
  private module: object | undefined;

  /**
   * With `sharedMemory` (a shared WebAssembly memory of a fixed size), the instance works on that
   * memory, so that a helper thread can run the same module on it (`attachHelper`). The config
   * defaults to currentGemmConfig(): the fused multiply-add is the setting of now, kept for the
   * instance's life.
   */
  constructor(
    config: GemmConfig = currentGemmConfig(),
    private readonly blocking: Blocking = DEFAULT_BLOCKING,
    sharedMemory?: WasmMemory,
  ) {
    if (wasmApi === undefined) throw new Error('WasmGemm: this engine has no WebAssembly');
    const module = compiledModule(config, sharedMemory !== undefined);
    const imports = sharedMemory === undefined ? {} : { env: { memory: sharedMemory } };
    const instance = new wasmApi.Instance(module, imports);
    const exports = instance.exports as { memory: WasmMemory } & Record<string, PackA & PackB & Macro & Tanh>;
    this.memory = exports.memory;
    const precision = (bytes: number, lanes: number, name: string, shape: TileShape): Precision => ({
      bytes,
      rows: shape.rows,
      width: shape.vectors * lanes,
      packA: exports[`packA_${name}`],
      packAT: exports[`packAT_${name}`],
      packB: exports[`packB_${name}`],
      macro: exports[`macro_${name}`],
      macroInPlace: exports[`macroInPlace_${name}`],
      tanh: exports[`tanh_${name}`],
    });
    this.precisions = { float64: precision(8, 2, 'f64', config.f64), float32: precision(4, 4, 'f32', config.f32) };
    this.views = this.makeViews();
    if (sharedMemory !== undefined) this.module = module;
  }

  /**
   * Splits large products (PARALLEL_MIN_MULTIPLY_ADDS and more) with the helper thread, which keeps
   * its packed panels from byte address `scratch` up (room for `scratchBytes` of the largest
   * product). Requires a shared memory; false, changing nothing, when no helper is registered.
   */
  attachHelper(scratch: number): boolean {
    if (this.module === undefined) throw new Error('WasmGemm.attachHelper: the memory is not shared');
    const thread = ArenaHelper.attach(this.module, this.memory, this);
    if (thread !== null) this.helper = { thread, scratch };
    return thread !== null;
  }

  private makeViews(): Record<DType, TypedArray> {
    return { float64: new Float64Array(this.memory.buffer), float32: new Float32Array(this.memory.buffer) };
  }

  /** Grows the memory to at least `bytes`; false if that is beyond MAX_BYTES or the engine refuses. */
  private reserve(bytes: number): boolean {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return true;
    if (bytes > MAX_BYTES) return false;
    try {
      this.memory.grow(Math.ceil((bytes - have) / PAGE_BYTES));
    } catch {
      return false;
    }
    this.views = this.makeViews(); // growing detaches the old buffer
    return true;
  }

  /**
   * Where a product's regions go from byte address `base` up, each 16-byte aligned: A and B when
   * they are copied in, the packed B panels (kc × whole panels), the packed A block (mc × kc), and
   * C when it is copied out; `end` is the first byte after them.
   */
  private layout(dtype: DType, m: number, k: number, n: number, base: number, copy: readonly boolean[]) {
    const { bytes, rows, width } = this.precisions[dtype];
    const kc = Math.min(k, this.blocking.kc);
    const mc = Math.min(m, Math.max(rows, Math.floor(this.blocking.aBlockBytes / (kc * bytes * rows)) * rows));
    let cursor = align16(base);
    const take = (size: number) => {
      const at = cursor;
      cursor = align16(cursor + size);
      return at;
    };
    const a = copy[0] ? take(m * k * bytes) : -1;
    const b = copy[1] ? take(k * n * bytes) : -1;
    const packedB = take(kc * (n - (n % width)) * bytes);
    const packedA = take(mc * kc * bytes);
    const c = copy[2] ? take(m * n * bytes) : -1;
    return { kc, mc, a, b, packedB, packedA, c, end: cursor };
  }

  /**
   * C = A·B for a product in linear memory: on this thread, or in chunks of rows shared with the
   * helper thread when there is one and the product is large enough.
   */
  private compute(at: Layout, product: Product) {
    const { dtype, m, k, n } = product;
    const rows = this.helper === null ? 0 : chunkRows(m, k, n, this.precisions[dtype].rows);
    if (rows > 0 && this.share(at, product, rows)) return;
    this.computeRows(at, product, 0, m);
  }

  /**
   * Computes the product in chunks of `rows` rows taken by this thread and the helper (which packs
   * into its own scratch); false, computing nothing, if the helper is not ready.
   */
  private share(at: Layout, product: Product, rows: number): boolean {
    const { dtype, a, aTransposed, b, c, m, k, n } = product;
    const helper = this.helper as NonNullable<WasmGemm['helper']>;
    const own = this.layout(dtype, m, k, n, helper.scratch, [false, false, false]);
    if (own.end > this.memory.buffer.byteLength) return false;
    const chunks = Math.ceil(m / rows);
    const code = dtype === 'float64' ? 0 : 1;
    const fields = [code, a, aTransposed ? 1 : 0, b, c, m, k, n, rows, chunks, at.kc, at.mc, own.packedA, own.packedB];
    return helper.thread.share(fields, chunks, (i) =>
      this.computeRows(at, product, i * rows, Math.min(m, (i + 1) * rows)),
    );
  }

  /**
   * Rows [rowStart, rowEnd) of C = A·B in the product's dtype arithmetic: for each block of kc
   * steps packs B's panels, and for each block of mc rows packs A's slivers and runs the
   * macro-kernel. (gemmWorker.js runs this loop on the helper thread.)
   */
  private computeRows(at: Layout, product: Product, rowStart: number, rowEnd: number) {
    const { dtype, a, aTransposed, b, c, m, k, n } = product;
    const { bytes, packA, packAT, packB, macro, macroInPlace } = this.precisions[dtype];
    const [lda, ldb] = [k * bytes, n * bytes];
    const bInPlace = rowEnd - rowStart <= B_IN_PLACE_MAX_ROWS;
    // A stored transposed (k×m) is packed from its rows into the same slivers.
    const pack = (i0: number, p0: number, mb: number, kb: number) =>
      aTransposed
        ? packAT(a + p0 * m * bytes + i0 * bytes, at.packedA, mb, kb, m * bytes)
        : packA(a + i0 * lda + p0 * bytes, at.packedA, mb, kb, lda);
    for (let p0 = 0; p0 < k; p0 += at.kc) {
      // Each entry of C is accumulated in the order p = 0, 1, …, k−1 across blocks too: the later
      // blocks start from the partial sums stored in C (accumulate = 1).
      const kb = Math.min(at.kc, k - p0);
      if (!bInPlace) packB(b + p0 * ldb, at.packedB, kb, n, ldb);
      for (let i0 = rowStart; i0 < rowEnd; i0 += at.mc) {
        const mb = Math.min(at.mc, rowEnd - i0);
        pack(i0, p0, mb, kb);
        (bInPlace ? macroInPlace : macro)(
          at.packedA,
          at.packedB,
          b + p0 * ldb,
          c + i0 * ldb,
          mb,
          kb,
          n,
          ldb,
          p0 > 0 ? 1 : 0,
        );
      }
    }
  }

  /** Copies an operand into linear memory at byte address `to` (B transposed when stored transposed; converted, when of the other dtype). */
  private copyIn(
    dtype: DType,
    x: TypedArray,
    offset: number,
    rows: number,
    cols: number,
    transposed: boolean,
    to: number,
  ) {
    const view = this.views[dtype];
    const at = to / this.precisions[dtype].bytes;
    if (transposed) copyTransposed(x, offset, cols, rows, view, at);
    else view.set(x.subarray(offset, offset + rows * cols), at);
  }

  /**
   * C = A·B in `dtype` arithmetic: copies A and B into linear memory, multiplies, and copies C
   * out. Returns false, computing nothing, when the operands do not fit in memory. Requires
   * m, k, n ≥ 1. With `transposeA` (`transposeB`), `a` (`b`) holds the operand's transpose, k×m
   * (n×k) row-major: Aᵀ is packed from its rows (packAT), Bᵀ transposed while it is copied in.
   */
  run(
    dtype: DType,
    a: TypedArray,
    aOffset: number,
    b: TypedArray,
    bOffset: number,
    c: TypedArray,
    cOffset: number,
    m: number,
    k: number,
    n: number,
    transposeA = false,
    transposeB = false,
  ): boolean {
    if (rowTimesTransposed(m, n, transposeB))
      return this.run(dtype, b, bOffset, a, aOffset, c, cOffset, n, k, 1, false, true);
    const at = this.layout(dtype, m, k, n, 0, [true, true, true]);
    if (!this.reserve(at.end)) return false;
    this.copyIn(dtype, a, aOffset, m, k, false, at.a);
    this.copyIn(dtype, b, bOffset, k, n, transposeB, at.b);
    this.compute(at, { dtype, a: at.a, aTransposed: transposeA, b: at.b, c: at.c, m, k, n });
    const bytes = this.precisions[dtype].bytes;
    c.set(this.views[dtype].subarray(at.c / bytes, at.c / bytes + m * n), cOffset);
    return true;
  }

  /** Bytes of scratch `runResident` needs for a product, at most (every operand copied). */
  scratchBytes(dtype: DType, m: number, k: number, n: number): number {
    return this.layout(dtype, m, k, n, 0, [true, true, true]).end + 16;
  }

  /** True when `x` is an array of `dtype` in this instance's linear memory. */
  holds(x: TypedArray, dtype: DType): boolean {
    return (
      x.buffer === this.memory.buffer && (dtype === 'float64' ? x instanceof Float64Array : x instanceof Float32Array)
    );
  }

  /**
   * As `run`, but operands that already live in this instance's memory (arrays of the product's
   * dtype over its buffer; B not transposed) are read, and C written, in place; the others
   * are copied through the scratch area from byte address `scratch` up. Never grows the memory
   * (views of it stay valid): returns false, computing nothing, when the scratch does not fit.
   */
  runResident(
    dtype: DType,
    a: TypedArray,
    aOffset: number,
    transposeA: boolean,
    b: TypedArray,
    bOffset: number,
    transposeB: boolean,
    c: TypedArray,
    cOffset: number,
    m: number,
    k: number,
    n: number,
    scratch: number,
  ): boolean {
    if (rowTimesTransposed(m, n, transposeB))
      return this.runResident(dtype, b, bOffset, false, a, aOffset, true, c, cOffset, n, k, 1, scratch);
    const bytes = this.precisions[dtype].bytes;
    const inPlace = [this.holds(a, dtype), !transposeB && this.holds(b, dtype), this.holds(c, dtype)];
    const at = this.layout(
      dtype,
      m,
      k,
      n,
      scratch,
      inPlace.map((resident) => !resident),
    );
    if (at.end > this.memory.buffer.byteLength) return false;
    const address = (x: TypedArray, offset: number) => x.byteOffset + offset * bytes;
    if (!inPlace[0]) this.copyIn(dtype, a, aOffset, m, k, false, at.a);
    if (!inPlace[1]) this.copyIn(dtype, b, bOffset, k, n, transposeB, at.b);
    const addresses = [inPlace[0] ? address(a, aOffset) : at.a, inPlace[1] ? address(b, bOffset) : at.b];
    const cAt = inPlace[2] ? address(c, cOffset) : at.c;
    this.compute(at, { dtype, a: addresses[0], aTransposed: transposeA, b: addresses[1], c: cAt, m, k, n });
    if (!inPlace[2]) c.set(this.views[dtype].subarray(at.c / bytes, at.c / bytes + m * n), cOffset);
    return true;
  }

  /**
   * out[i] = tanh(x[i]) for every element of `x` (`out` as long, both of `dtype`): the SIMD kernel
   * on whole steps of TANH_ELEMENTS_PER_STEP elements, tanhOf (tanhOf32 in float32) on the rest,
   * the same bits either way.
   * An array in this instance's memory is read or written in place; another goes through the memory
   * from byte address `scratch` up, which grows to fit when `grow` (never for an arena, whose views
   * must stay valid). Returns false, computing nothing, when the scratch does not fit.
   */
  tanh(dtype: DType, x: TypedArray, out: TypedArray, scratch: number, grow: boolean): boolean {
    const n = x.length;
    const steps = Math.floor(n / TANH_ELEMENTS_PER_STEP);
    const head = steps * TANH_ELEMENTS_PER_STEP;
    if (steps > 0) {
      const { bytes, tanh } = this.precisions[dtype];
      const [xInPlace, outInPlace] = [this.holds(x, dtype), this.holds(out, dtype)];
      const at = align16(scratch);
      const end = xInPlace && outInPlace ? 0 : at + head * bytes;
      if (end > this.memory.buffer.byteLength && !(grow && this.reserve(end))) return false;
      const view = this.views[dtype];
      if (!xInPlace) view.set(x.subarray(0, head), at / bytes);
      const to = outInPlace ? out.byteOffset : at;
      tanh(xInPlace ? x.byteOffset : at, to, steps);
      if (!outInPlace) out.set(view.subarray(at / bytes, at / bytes + head));
    }
    tanhScalarInto(x, out, head);
    return true;
  }

  /** Grows the memory to at least `bytes` now (false if it cannot); for arenas sized once. */
  allocate(bytes: number): boolean {
    return this.reserve(bytes);
  }

  /** The byte address of `array` in this instance's memory, or null when it is not a view of that memory. */
  address(array: TypedArray): number | null {
    return array.buffer === this.memory.buffer ? array.byteOffset : null;
  }

  /**
   * The exports of a module of `functions` that imports this instance's memory (shared when it is),
   * so that its code works on the same bytes, and the functions `imports` (as env.<name>); null
   * where the engine refuses to compile it.
   */
  instantiateOnMemory(
    functions: readonly ModuleFunction[],
    imports: readonly HostFunction[] = [],
  ): Record<string, unknown> | null {
    const api = wasmApi as NonNullable<typeof wasmApi>;
    const shared = this.module !== undefined;
    const sharedMemory = shared ? { maximumPages: MAX_BYTES / PAGE_BYTES } : undefined;
    const bytes = assembleModule({
      imports,
      functions,
      memoryExport: 'memory',
      initialPages: 1,
      sharedMemory,
      importMemory: true,
    });
    try {
      const env: Record<string, unknown> = { memory: this.memory };
      for (const { name, value } of imports) env[name] = value;
      return new api.Instance(new api.Module(bytes), { env }).exports;
    } catch {
      return null;
    }
  }

  /** Typed arrays over this instance's memory, as it is now (a later growth detaches them). */
  array(dtype: DType, byteOffset: number, size: number): TypedArray {
    const buffer = this.memory.buffer;
    return dtype === 'float64'
      ? new Float64Array(buffer, byteOffset, size)
      : new Float32Array(buffer, byteOffset, size);
  }
}

/**
 * Whether a product x·Bᵀ of one row x (1×k) with B stored n×k runs as its transpose B·xᵀ (n×1):
 * the same memory for the result, B read as stored, and only x "transposed" (a copy of k values)
 * instead of B (n·k values copied with a stride, which cost a single HNN field call more than its
 * arithmetic). Every entry is Σ_p x[p]·B[j, p] accumulated in the order p = 0, 1, …, k−1 either
 * way, and a product of two doubles (or floats) does not depend on their order: the same bits.
 * (One row stored transposed, k×1, is the same memory as the row itself, so A's flag does not matter.)
 */
function rowTimesTransposed(m: number, n: number, transposeB: boolean): boolean {
  return m === 1 && n > 1 && transposeB;
}

/** Writes the transpose of the rows×cols block of `src` at `srcOffset` (cols×rows) into `dst` at `dstOffset`, in 32×32 tiles. */
function copyTransposed(
  src: TypedArray,
  srcOffset: number,
  rows: number,
  cols: number,
  dst: TypedArray,
  dstOffset: number,
): void {
  const tile = 32;
  for (let i0 = 0; i0 < rows; i0 += tile) {
    const iEnd = Math.min(i0 + tile, rows);
    for (let j0 = 0; j0 < cols; j0 += tile) {
      const jEnd = Math.min(j0 + tile, cols);
      for (let i = i0; i < iEnd; i++) {
        const row = srcOffset + i * cols;
        for (let j = j0; j < jEnd; j++) dst[dstOffset + j * rows + i] = src[row + j];
      }
    }
  }
}
