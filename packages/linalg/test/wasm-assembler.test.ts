import { describe, expect, test } from 'vitest';
import { FunctionBody, Op, ValType, assembleModule, signedLeb128, unsignedLeb128 } from '../src/wasm/assembler.js';
import { type WasmApi, wasmApi } from '../src/wasm/engine.js';
import { gemmModuleBytes, simdProbeBytes } from '../src/wasm/gemmModule.js';

const WebAssembly = wasmApi as WasmApi; // Node 20 has WebAssembly

describe('unsignedLeb128', () => {
  test('encodes the examples of the LEB128 definition', () => {
    expect(unsignedLeb128(0)).toEqual([0x00]);
    expect(unsignedLeb128(127)).toEqual([0x7f]);
    expect(unsignedLeb128(128)).toEqual([0x80, 0x01]);
    expect(unsignedLeb128(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(unsignedLeb128(2 ** 32 - 1)).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
  });
});

describe('signedLeb128', () => {
  test('encodes the examples of the LEB128 definition', () => {
    expect(signedLeb128(0)).toEqual([0x00]);
    expect(signedLeb128(63)).toEqual([0x3f]);
    expect(signedLeb128(64)).toEqual([0xc0, 0x00]);
    expect(signedLeb128(-1)).toEqual([0x7f]);
    expect(signedLeb128(-64)).toEqual([0x40]);
    expect(signedLeb128(-65)).toEqual([0xbf, 0x7f]);
    expect(signedLeb128(-123456)).toEqual([0xc0, 0xbb, 0x78]);
  });
});

describe('assembleModule', () => {
  test('produces a module whose loop runs: the sum 1 + 2 + … + n', () => {
    const f = new FunctionBody([ValType.i32], [ValType.i32]);
    const [n, i, total] = [0, f.local(ValType.i32), f.local(ValType.i32)];
    f.whileLoop(
      () => f.get(i).get(n).emit(Op.i32LtU),
      () => {
        f.increment(i, () => f.i32(1));
        f.increment(total, () => f.get(i));
      },
    );
    f.get(total);
    const bytes = assembleModule({
      functions: [{ body: f, exportName: 'triangle' }],
      memoryExport: 'memory',
      initialPages: 1,
    });
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
    const triangle = exports.triangle as (n: number) => number;
    expect([0, 1, 2, 10, 1000].map(triangle)).toEqual([0, 1, 3, 55, 500500]);
  });

  test('produces valid SIMD modules for the probe and the matmul kernels', () => {
    expect(WebAssembly.validate(simdProbeBytes())).toBe(true);
    expect(WebAssembly.validate(gemmModuleBytes())).toBe(true);
    expect(WebAssembly.validate(gemmModuleBytes({ f64: { rows: 3, vectors: 1 }, f32: { rows: 5, vectors: 3 } }))).toBe(
      true,
    );
  });
});
