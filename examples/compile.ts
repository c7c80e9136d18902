// Compilation: jit traces a function once (derivatives included) and runs generated JavaScript
// with the same bits as eager evaluation; vmap batches a per-example function; integrate compiles
// whole rollouts. Run with `npx tsx examples/compile.ts`.
import { type Value, grad, hvp, jit, makeJaxpr, mul, sin, square, sum, vmap } from '@liouville/ad';
import { pendulum } from '@liouville/hamiltonian';
import { integrate, leapfrog } from '@liouville/integrators';
import { type Tensor, randomKey, randomNormal, tensor } from '@liouville/linalg';

const f = (x: Value) => sum(mul(sin(x), square(x))); // f(x) = Σ sin(xᵢ)·xᵢ²
const x = randomNormal(randomKey(0), [1000]);
const v = randomNormal(randomKey(1), [1000]);

/** Median milliseconds per call over `runs` calls (after one warm-up call). */
function time(run: () => unknown, runs = 50): number {
  run();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    run();
    samples.push(performance.now() - start);
  }
  return samples.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

const sameBits = (a: Value, b: Value) =>
  Array.from((a as Tensor).data).every((e, i) => Object.is(e, (b as Tensor).data[i]));

// 1. A Hessian-vector product (forward over reverse), traced once and compiled.
const eagerHvp = (z: Value) => hvp(f, z, v);
const compiledHvp = jit(eagerHvp);
console.log('hvp: compiled result has the eager bits:', sameBits(compiledHvp(x), eagerHvp(x)));
console.log(
  `hvp, n = 1000: eager ${time(() => eagerHvp(x)).toFixed(3)} ms, jit ${time(() => compiledHvp(x)).toFixed(3)} ms`,
);

// 2. What jit compiled: the program of f (the format of JAX's make_jaxpr).
console.log(makeJaxpr(f)(tensor([1, 2, 3])).toString());

// 3. Per-example gradients with vmap: one gradient per row, as stacking grad over the rows.
const rows = randomNormal(randomKey(2), [4, 3]);
console.log('per-row gradients, shape', (vmap(grad(f))(rows) as Tensor).shape);

// 4. integrate compiles its whole loop by default (compile: false steps eagerly): the same bits.
const step = leapfrog(pendulum(), 0.05);
const start = { q: tensor([1]), p: tensor([0.3]) };
const span = { steps: 1000, dt: 0.05 };
const compiled = integrate(step, start, span);
const eager = integrate(step, start, span, { compile: false });
console.log('rollout: compiled result has the eager bits:', sameBits(compiled.q, eager.q));
const eagerMs = time(() => integrate(step, start, span, { compile: false }), 5);
const compiledMs = time(() => integrate(step, start, span), 5);
console.log(`1000 leapfrog steps: eager ${eagerMs.toFixed(2)} ms, compiled ${compiledMs.toFixed(3)} ms`);
