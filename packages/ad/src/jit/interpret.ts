import * as L from '@liouville/linalg';
import type { Tensor } from '@liouville/linalg';
import { rules } from '../rules/index.js';
import { type Program, type Var, isLoop } from './ir.js';

/**
 * Evaluates a program with the eager kernels, equation by equation: the reference semantics of
 * compiled code (bit for bit the eager result, since the same kernels run in the same order), and
 * the fallback where code generation is not allowed.
 */
export function interpret(program: Program, inputs: readonly Tensor[]): Tensor[] {
  const env = new Map<number, Tensor>();
  const read = (v: Var): Tensor => env.get(v.id) as Tensor;
  for (let i = 0; i < program.inputs.length; i++) env.set(program.inputs[i].id, inputs[i]);
  for (const c of program.constants) env.set(c.variable.id, c.value);
  for (const eq of program.equations) {
    if (!isLoop(eq)) {
      const rule = rules[eq.primitive] as { evaluate(args: Tensor[], params: unknown): Tensor };
      env.set(eq.out.id, rule.evaluate(eq.inputs.map(read), eq.params));
      continue;
    }
    let carry = eq.init.map(read);
    const free = eq.free.map(read);
    const stacked: Tensor[][] = eq.outs.slice(eq.init.length).map(() => []);
    for (let i = 0; i < eq.length; i++) {
      const outs = interpret(eq.body, [...carry, ...free]);
      carry = outs.slice(0, eq.init.length);
      for (let j = eq.init.length; j < outs.length; j++) stacked[j - eq.init.length].push(outs[j]);
    }
    eq.outs.forEach((v, j) => {
      env.set(v.id, j < carry.length ? carry[j] : stackRows(stacked[j - carry.length], v));
    });
  }
  return program.outputs.map(read);
}

/** Stacks per-iteration values along a new leading axis (a loop of length 0 gives an empty axis). */
function stackRows(rows: readonly Tensor[], v: Var): Tensor {
  if (rows.length === 0) return L.zeros(v.shape, v.dtype);
  return L.stack(rows, 0);
}
