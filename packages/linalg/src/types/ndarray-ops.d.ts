declare module 'ndarray-ops' {
  import type { NdArray } from 'ndarray';
  const ops: {
    assign(out: NdArray, a: NdArray): NdArray;
    assigns(out: NdArray, s: number): NdArray;
    [name: string]: (...args: never[]) => unknown;
  };
  export default ops;
}
