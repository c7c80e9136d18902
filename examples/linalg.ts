// Tensors without derivatives: broadcasting arithmetic, reductions, matmul, LU solves and seeded
// random draws. Run with `npx tsx examples/linalg.ts`.
import {
  add,
  det,
  getMatmulBackend,
  matmul,
  mean,
  norm,
  randomKey,
  randomNormal,
  solve,
  splitKey,
  sub,
  sum,
  tensor,
} from '@liouville/linalg';

// Broadcasting as in NumPy: a [2, 3] matrix plus a [3] row.
const m = tensor([
  [1, 2, 3],
  [4, 5, 6],
]);
console.log('m + row:', add(m, tensor([10, 20, 30])).toArray()); // [[11, 22, 33], [14, 25, 36]]
console.log('column sums:', sum(m, 0).toArray()); // [5, 7, 9]

// A linear system by LU with partial pivoting, checked by its residual.
const a = tensor([
  [4, 1],
  [1, 3],
]);
const b = tensor([1, 2]);
const x = solve(a, b); // [1/11, 7/11]
console.log('x =', x.toArray(), 'det(a) =', det(a).item()); // det = 11
console.log('residual |a·x − b| =', norm(sub(matmul(a, x), b)).item());

// Same seed, same bits: split a key rather than reuse it for independent draws.
const [k1, k2] = splitKey(randomKey(0), 2);
const samples = randomNormal(k1, [10_000]);
console.log('mean of 10 000 standard normals:', mean(samples).item().toFixed(3));
console.log(
  'same key, same draw:',
  randomNormal(k2, [3]).toFlatArray().join() === randomNormal(k2, [3]).toFlatArray().join(),
);
console.log('matmul backend:', getMatmulBackend()); // 'wasm' where WebAssembly SIMD runs, else 'js'
