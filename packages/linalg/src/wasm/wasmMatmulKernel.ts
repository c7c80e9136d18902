import { jsMatmulKernels } from '../jsMatmulKernel.js';
import type { MatmulKernel } from '../kernels.js';
import type { DType, TypedArray } from '../Tensor.js';
import { type WasmMemory, wasmApi } from './engine.js';
import { type GemmConfig, type TileShape, DEFAULT_GEMM_CONFIG, gemmModuleBytes, simdProbeBytes } from './gemmModule.js';

const PAGE_BYTES = 65536;
/** Largest linear memory used, so every byte address is a non-negative i32; bigger products fall back to JavaScript. */
const MAX_BYTES = 2 ** 31 - PAGE_BYTES;

let simdSupport: boolean | undefined;

/**
 * Whether the WebAssembly kernels can run here, checked once: the engine validates a minimal SIMD
 * module, and then compiles the kernel module (which an embedder may forbid, e.g. a browser page
 * whose content security policy disallows WebAssembly compilation).
 */
export function wasmSimdSupported(): boolean {
  if (simdSupport === undefined) {
    try {
      simdSupport = wasmApi?.validate(simdProbeBytes()) === true && sharedGemm() !== undefined;
    } catch {
      simdSupport = false;
    }
  }
  return simdSupport;
}

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
  packB: PackB;
  macro: Macro;
}

/**
 * One instance of the generated module and its memory, reused by every call: the module is
 * compiled once, and the memory only grows (to the largest product seen so far).
 */
export class WasmGemm {
  private readonly memory: WasmMemory;
  private readonly precisions: Record<DType, Precision>;
  private views: Record<DType, TypedArray>;

  constructor(
    config: GemmConfig = DEFAULT_GEMM_CONFIG,
    private readonly blocking: Blocking = DEFAULT_BLOCKING,
  ) {
    if (wasmApi === undefined) throw new Error('WasmGemm: this engine has no WebAssembly');
    const instance = new wasmApi.Instance(new wasmApi.Module(gemmModuleBytes(config)), {});
    const exports = instance.exports as { memory: WasmMemory } & Record<string, PackA & PackB & Macro>;
    this.memory = exports.memory;
    const precision = (bytes: number, lanes: number, name: string, shape: TileShape): Precision => ({
      bytes,
      rows: shape.rows,
      width: shape.vectors * lanes,
      packA: exports[`packA_${name}`],
      packB: exports[`packB_${name}`],
      macro: exports[`macro_${name}`],
    });
    this.precisions = { float64: precision(8, 2, 'f64', config.f64), float32: precision(4, 4, 'f32', config.f32) };
    this.views = this.makeViews();
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
   * C = A·B in `dtype` arithmetic: copies A and B into linear memory, then for each block of kc
   * steps packs B's panels, and for each block of mc rows packs A's slivers and runs the
   * macro-kernel; finally copies C out. Returns false, computing nothing, when the operands do
   * not fit in memory. Requires m, k, n ≥ 1. With `transposeA` (`transposeB`), `a` (`b`) holds the
   * operand's transpose, k×m (n×k) row-major, which is transposed while it is copied in.
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
    const { bytes, rows, width, packA, packB, macro } = this.precisions[dtype];
    const kc = Math.min(k, this.blocking.kc);
    const mc = Math.min(m, Math.max(rows, Math.floor(this.blocking.aBlockBytes / (kc * bytes * rows)) * rows));
    // Layout, each region 16-byte aligned: A, B, packed B (kc × whole panels), packed A (mc × kc), C.
    const pb = align16(m * k * bytes);
    const packedB = align16(pb + k * n * bytes);
    const packedA = align16(packedB + kc * (n - (n % width)) * bytes);
    const pc = align16(packedA + mc * kc * bytes);
    if (!this.reserve(pc + m * n * bytes)) return false;
    const view = this.views[dtype];
    // Copies convert if an operand is of the other dtype; a transposed operand is laid out row-major.
    if (transposeA) copyTransposed(a, aOffset, k, m, view, 0);
    else view.set(a.subarray(aOffset, aOffset + m * k), 0);
    if (transposeB) copyTransposed(b, bOffset, n, k, view, pb / bytes);
    else view.set(b.subarray(bOffset, bOffset + k * n), pb / bytes);
    const [lda, ldb] = [k * bytes, n * bytes];
    for (let p0 = 0; p0 < k; p0 += kc) {
      // Each entry of C is accumulated in the order p = 0, 1, …, k−1 across blocks too: the later
      // blocks start from the partial sums stored in C (accumulate = 1).
      const kb = Math.min(kc, k - p0);
      packB(pb + p0 * ldb, packedB, kb, n, ldb);
      for (let i0 = 0; i0 < m; i0 += mc) {
        const mb = Math.min(mc, m - i0);
        packA(i0 * lda + p0 * bytes, packedA, mb, kb, lda);
        macro(packedA, packedB, pb + p0 * ldb, pc + i0 * ldb, mb, kb, n, ldb, p0 > 0 ? 1 : 0);
      }
    }
    c.set(view.subarray(pc / bytes, pc / bytes + m * n), cOffset);
    return true;
  }
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

let shared: WasmGemm | undefined;

/** The shared instance, created on first use. */
function sharedGemm(): WasmGemm {
  shared ??= new WasmGemm();
  return shared;
}

/**
 * The WebAssembly SIMD kernel for `dtype`. A product whose operands do not fit in 2 GiB of linear
 * memory runs the JavaScript kernel instead (so in float32 it then accumulates in float64).
 */
function wasmMatmulKernel(dtype: DType): MatmulKernel {
  return {
    name: `wasm-simd-${dtype}`,
    dtype,
    matmulNN(a, aOffset, b, bOffset, c, cOffset, m, k, n) {
      if (m === 0 || n === 0) return;
      if (k === 0) {
        c.fill(0, cOffset, cOffset + m * n);
        return;
      }
      if (!sharedGemm().run(dtype, a, aOffset, b, bOffset, c, cOffset, m, k, n)) {
        jsMatmulKernels[dtype].matmulNN(a, aOffset, b, bOffset, c, cOffset, m, k, n);
      }
    },
    matmul(a, aOffset, transposeA, b, bOffset, transposeB, c, cOffset, m, k, n) {
      if (m === 0 || n === 0) return;
      if (k === 0) {
        c.fill(0, cOffset, cOffset + m * n);
        return;
      }
      if (!sharedGemm().run(dtype, a, aOffset, b, bOffset, c, cOffset, m, k, n, transposeA, transposeB)) {
        jsMatmulKernels[dtype].matmul(a, aOffset, transposeA, b, bOffset, transposeB, c, cOffset, m, k, n);
      }
    },
  };
}

/** The WebAssembly SIMD kernels, one per dtype (float32 accumulates in float32). */
export const wasmMatmulKernels: Readonly<Record<DType, MatmulKernel>> = {
  float64: wasmMatmulKernel('float64'),
  float32: wasmMatmulKernel('float32'),
};
