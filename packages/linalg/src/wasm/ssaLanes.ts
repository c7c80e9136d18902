import { type FunctionBody, SimdOp, ValType } from './assembler.js';

/**
 * SSA-style emission over v128 locals, for the elementwise kernels (tanhLanes.ts, tanh32Lanes.ts):
 * each operation reads locals and writes a new one, and each constant is splat into a local once.
 */
export class SsaLanes {
  private readonly constants = new Map<number, number>();

  /** `lanes`: the element type a constant is splat as (two float64 or four float32 lanes). */
  constructor(
    protected readonly f: FunctionBody,
    private readonly lanes: 'f64' | 'f32',
  ) {}

  /** A local holding `value` in every lane, made once per function (call before any loop). */
  constant(value: number): number {
    let local = this.constants.get(value);
    if (local === undefined) {
      const bytes = new Uint8Array(16);
      const view = new DataView(bytes.buffer);
      if (this.lanes === 'f64') for (let lane = 0; lane < 2; lane++) view.setFloat64(8 * lane, value, true);
      else for (let lane = 0; lane < 4; lane++) view.setFloat32(4 * lane, value, true);
      this.f.simd(SimdOp.v128Const).emit(...bytes);
      local = this.store();
      this.constants.set(value, local);
    }
    return local;
  }

  /** A new local from an operation on `args` (pushed in order). */
  op(code: number, ...args: number[]): number {
    for (const a of args) this.f.get(a);
    this.f.simd(code);
    return this.store();
  }

  /** A new local holding the value on top of the stack. */
  protected store(): number {
    const local = this.f.local(ValType.v128);
    this.f.set(local);
    return local;
  }
}
