import type { DType, TypedArray } from '../Tensor.js';
import type { ModuleFunction } from './assembler.js';
import { type WasmMemory, wasmApi } from './engine.js';
import { helperEnabled } from './gemmThreads.js';
import { type HostFunction, WasmGemm, currentGemmConfig } from './wasmGemm.js';
import { wasmSimdSupported } from './wasmMatmulKernel.js';

const PAGE_BYTES = 65536;
/** Largest shared memory an arena takes (the module's maximum, as WasmGemm's own limit). */
const MAX_SHARED_BYTES = 2 ** 31 - PAGE_BYTES;

/**
 * Memory for arrays that matrix products read and write in place: a WebAssembly SIMD kernel with
 * linear memory of its own, sized once. Arrays taken from the arena (`array`) are views of that
 * memory, so a product of them (`multiply`) skips the copies in and out that the shared kernel
 * makes; other operands are copied through the scratch area above them. A compiled program keeps
 * its intermediates here. The arithmetic is the shared WebAssembly kernel's, so the bits are too.
 */
export class MatmulArena {
  private constructor(
    private readonly gemm: WasmGemm,
    /** Bytes of the array area; the scratch starts here. */
    private readonly arrayBytes: number,
  ) {}

  /**
   * An arena with `arrayBytes` for arrays and `scratchBytes` of scratch (see `scratchBytes`), or
   * null where WebAssembly SIMD is unavailable or the memory cannot be had. Its kernel takes the
   * fused multiply-add setting of now (useFusedMultiplyAdd) and keeps it: a later change of the
   * setting does not reach arenas (nor the compiled programs owning them) made before. With
   * `products` false (an arena for other generated kernels only), no helper thread is attached.
   */
  static create(arrayBytes: number, scratchBytes: number, products = true): MatmulArena | null {
    if (!wasmSimdSupported()) return null;
    const start = Math.ceil(arrayBytes / 16) * 16;
    if (products && helperEnabled()) {
      const shared = sharedArena(start, scratchBytes);
      if (shared !== null) return new MatmulArena(shared, start);
    }
    const gemm = new WasmGemm(currentGemmConfig());
    return gemm.allocate(start + scratchBytes) ? new MatmulArena(gemm, start) : null;
  }

  /** Scratch bytes that suffice for a product of m×k by k×n in `dtype`, whatever is copied. */
  static scratchBytes(dtype: DType, m: number, k: number, n: number): number {
    return scratchProbe().scratchBytes(dtype, m, k, n);
  }

  /** An array of `size` elements of `dtype` at `byteOffset` (a multiple of 16) of the array area. */
  array(dtype: DType, byteOffset: number, size: number): TypedArray {
    const bytes = dtype === 'float64' ? 8 : 4;
    if (byteOffset % 16 !== 0 || byteOffset + size * bytes > this.arrayBytes) {
      throw new RangeError(`MatmulArena.array: ${size} ${dtype} at byte ${byteOffset} is outside the array area`);
    }
    return this.gemm.array(dtype, byteOffset, size);
  }

  /** The byte address of `array` in the arena's memory, or null when it is not a view of it (see `array`). */
  address(array: TypedArray): number | null {
    return this.gemm.address(array);
  }

  /**
   * Compiles `functions` into a module on the arena's memory, importing `imports`, and returns its
   * exports (null where the engine refuses), so generated kernels read and write the arena's arrays
   * in place.
   */
  kernels(functions: readonly ModuleFunction[], imports: readonly HostFunction[] = []): Record<string, unknown> | null {
    return this.gemm.instantiateOnMemory(functions, imports);
  }

  /**
   * out[i] = tanh(x[i]) on the arena's kernel (the bits of tanhOf, tanhOf32 in float32): arrays of the arena in place,
   * others through its scratch; false, computing nothing, when the scratch is too small for them.
   */
  tanh(dtype: DType, x: TypedArray, out: TypedArray): boolean {
    return this.gemm.tanh(dtype, x, out, this.arrayBytes, false);
  }

  /**
   * C = op(A)·op(B) for m×k by k×n blocks at the given element offsets, as the WebAssembly kernel's
   * `matmul`; false, computing nothing, when the scratch is too small (the caller then uses the
   * shared kernel). Requires m, k, n ≥ 1.
   */
  multiply(
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
  ): boolean {
    return this.gemm.runResident(
      dtype,
      a,
      aOffset,
      transposeA,
      b,
      bOffset,
      transposeB,
      c,
      cOffset,
      m,
      k,
      n,
      this.arrayBytes,
    );
  }
}

/**
 * A kernel on a shared memory of a fixed size, with the helper thread attached (see gemmThreads.ts):
 * the arrays, this thread's scratch, and as much again for the helper's packed panels. Null when
 * that is more than the module's maximum or the engine refuses the memory.
 */
function sharedArena(start: number, scratchBytes: number): WasmGemm | null {
  const scratch = Math.ceil(scratchBytes / 16) * 16;
  const bytes = start + 2 * scratch;
  if (bytes > MAX_SHARED_BYTES || wasmApi === undefined) return null;
  const pages = Math.max(1, Math.ceil(bytes / PAGE_BYTES));
  let memory: WasmMemory;
  try {
    memory = new wasmApi.Memory({ initial: pages, maximum: pages, shared: true });
  } catch {
    return null;
  }
  // The helper thread instantiates this instance's module, so it runs the same (fused or not) code.
  const gemm = new WasmGemm(currentGemmConfig(), undefined, memory);
  gemm.attachHelper(start + scratch);
  return gemm;
}

let probe: WasmGemm | undefined;

/** An instance used only to compute layouts (its memory is never grown). */
function scratchProbe(): WasmGemm {
  probe ??= new WasmGemm();
  return probe;
}
