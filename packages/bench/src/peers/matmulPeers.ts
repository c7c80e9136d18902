// The matrix product of the matmul group in each peer: the same operands (float64 values, rounded
// to float32 for the float32 rows), the output allocated per call as in the Liouville rows.
import { type Case, defineCase } from '../harness.js';
import { type JaxArray, type JaxFloat, jaxArray, jaxjs } from './jaxjs.js';
import { type TorchTask, torchCall, torchTask, torchTimed, wireArray } from './pytorch.js';
import { type TfBackend, tfjsLabel, tfjsWith, useBackend } from './tfjs.js';

/** Operands of a product (m × k) · (k × n), row-major float64. */
export interface MatmulProblem {
  m: number;
  k: number;
  n: number;
  operands: () => { a: Float64Array; b: Float64Array };
}

/** tfjs on `backend`, float32: tf.matMul, the result disposed (it is computed when the call returns). */
export function tfjsMatmulCase(problem: MatmulProblem, backend: TfBackend): Case {
  return defineCase({
    name: `${tfjsLabel(backend)} tf.matMul, float32`,
    peer: 'tfjs',
    setup: async () => {
      const tf = await tfjsWith(backend);
      const { a, b } = problem.operands();
      return {
        tf,
        a: tf.tensor(Float32Array.from(a), [problem.m, problem.k]),
        b: tf.tensor(Float32Array.from(b), [problem.k, problem.n]),
      };
    },
    fn: ({ tf, a, b }) => {
      useBackend(tf, backend);
      const c = tf.matMul(a, b);
      c.dispose();
      return c;
    },
    note: backend === 'wasm' ? 'XNNPACK kernels, 1 thread' : 'plain JavaScript kernels',
  });
}

/** jax-js on the wasm device: np.matmul, read back with dataSync (jax-js is lazy). */
export function jaxMatmulCase(problem: MatmulProblem, dtype: JaxFloat, jit: boolean): Case {
  return defineCase({
    name: `jax-js wasm np.matmul, ${dtype}${jit ? ', jit' : ''}`,
    peer: 'jax-js',
    setup: async () => {
      const jax = await jaxjs();
      const { a, b } = problem.operands();
      const product = (x: JaxArray, y: JaxArray) => jax.numpy.matmul(x, y);
      return {
        product: jit ? jax.jit(product) : product,
        a: jaxArray(jax, a, [problem.m, problem.k], dtype),
        b: jaxArray(jax, b, [problem.k, problem.n], dtype),
      };
    },
    fn: ({ product, a, b }) => product(a.ref, b.ref).dataSync(),
    note: 'includes reading the result back (dataSync): jax-js runs work when it is read',
  });
}

/** PyTorch torch.mm in `dtype`, one thread, timed in the Python process. */
export function torchMatmulCase(problem: MatmulProblem, dtype: JaxFloat): Case<TorchTask> {
  return defineCase({
    name: `PyTorch torch.mm, ${dtype}`,
    peer: 'PyTorch',
    setup: () => {
      const { a, b } = problem.operands();
      return torchTask({
        task: 'matmul',
        dtype,
        a: wireArray(a, [problem.m, problem.k]),
        b: wireArray(b, [problem.k, problem.n]),
      });
    },
    fn: torchCall,
    timed: torchTimed,
    note: '1 thread; timed in the Python process',
  });
}
