import type { Tensor } from '@liouville/linalg';
import { reuseCarriedValues } from './carried.js';
import { simplifyAlgebra } from './simplify.js';
import {
  type AnyEquation,
  type Equation,
  type LoopEquation,
  type Program,
  type Var,
  equationOutputs,
  isLoop,
  neededValues,
} from './ir.js';

/**
 * Program simplifications that never change a bit of the result:
 * - algebraic identities of signs and unit factors, exact in IEEE 754 (simplify.ts);
 * - constants with the same dtype, shape and (few) values become one;
 * - common subexpressions: the same primitive on the same variables with the same parameters is
 *   computed once (derivative rules recompute f'(x) at several levels);
 * - dead code: equations whose results no output needs are dropped;
 * - in a loop, a costly value the body computes again one iteration later is carried instead
 *   (carried.ts; the body's copy then dies here).
 */
export function optimize(program: Program): Program {
  return eliminateDeadCode(eliminateCommonSubexpressions(reuseCarriedValues(simplifyAlgebra(program))));
}

/** Constants up to this many elements are compared by value (larger ones by identity). */
const SMALL_CONSTANT = 16;

function constantKey(value: Tensor): string | null {
  if (value.size > SMALL_CONSTANT) return null;
  // Object.is tells −0 from 0 and NaN from itself, as a bitwise comparison must.
  const parts = Array.from(value.data, (x) => (Object.is(x, -0) ? '-0' : String(x)));
  return `${value.dtype}|${value.shape.join(',')}|${parts.join(',')}`;
}

function eliminateCommonSubexpressions(program: Program): Program {
  const substitute = new Map<number, Var>();
  const resolve = (v: Var): Var => substitute.get(v.id) ?? v;
  const constants: Program['constants'][number][] = [];
  const byValue = new Map<string, Var>();
  for (const c of program.constants) {
    const key = constantKey(c.value);
    const existing = key === null ? undefined : byValue.get(key);
    if (existing !== undefined) substitute.set(c.variable.id, existing);
    else {
      if (key !== null) byValue.set(key, c.variable);
      constants.push(c);
    }
  }
  const seen = new Map<string, Var>();
  const equations: AnyEquation[] = [];
  for (const eq of program.equations) {
    if (isLoop(eq)) {
      equations.push({ ...eq, init: eq.init.map(resolve), free: eq.free.map(resolve), body: optimize(eq.body) });
      continue;
    }
    const inputs = eq.inputs.map(resolve);
    const key = `${eq.primitive}|${inputs.map((v) => v.id).join(',')}|${JSON.stringify(eq.params)}`;
    const existing = seen.get(key);
    if (existing !== undefined) {
      substitute.set(eq.out.id, existing);
      continue;
    }
    seen.set(key, eq.out);
    equations.push({ ...eq, inputs } as Equation);
  }
  return { ...program, constants, equations, outputs: program.outputs.map(resolve) };
}

function eliminateDeadCode(program: Program): Program {
  const live = neededValues(program.equations, program.outputs);
  const kept = program.equations.filter((eq) => equationOutputs(eq).some((v) => live.has(v.id)));
  const constants = program.constants.filter((c) => live.has(c.variable.id));
  return { ...program, constants, equations: kept };
}

export type { LoopEquation };
