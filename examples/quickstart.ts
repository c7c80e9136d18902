// Quick start: exact derivatives of a Hamiltonian, in every mode and order.
// Run with `npx -y pnpm@10 install && npx -y pnpm@10 demo`.
import { type Value, add, cos, grad, hessian, hvp, jacfwd, jacrev, mul, slice, square, sub, sum } from '@liouville/ad';
import { type Tensor, tensor } from '@liouville/linalg';

// The pendulum H(q, p) = p²/2 + (1 − cos q) on the phase vector x = (q, p).
const H = (x: Value): Value => {
  const q = slice(x, [0], [1]);
  const p = slice(x, [1], [2]);
  return sum(add(mul(0.5, square(p)), sub(1, cos(q))));
};

const x = tensor([0.8, -0.3]);
const show = (label: string, v: unknown) => console.log(label.padEnd(34), JSON.stringify((v as Tensor).toArray()));

show('H(x)', H(x));
show('∇H (reverse mode)', grad(H)(x));
show('∇H (forward mode, jacfwd)', jacfwd(H)(x));
show('Hessian (forward over reverse)', hessian(H)(x));
show('Hessian (reverse over reverse)', jacrev(grad(H))(x));
show('Hessian·v (hvp, v = (1, 0))', hvp(H, x, tensor([1, 0])));
// Closed forms for comparison: ∇H = (sin q, p), ∇²H = diag(cos q, 1).
console.log('closed form ∇H'.padEnd(34), JSON.stringify([Math.sin(0.8), -0.3]));
console.log('closed form diag ∇²H'.padEnd(34), JSON.stringify([Math.cos(0.8), 1]));
