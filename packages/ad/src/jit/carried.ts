import type { Tensor } from '@liouville/linalg';
import {
  type AnyEquation,
  type Equation,
  type LoopEquation,
  type Program,
  type Var,
  isLoop,
  neededValues,
} from './ir.js';
import { newVar } from './staging.js';

/**
 * Loop-carried reuse: a loop body that computes g(carry) and also g(next carry) computes, at
 * iteration t + 1, the value it computed at iteration t. A kick-drift-kick leapfrog is the example:
 * its closing kick evaluates the force at the new position, which the next step's opening kick
 * evaluates again; a hand-written loop keeps the force from one step to the next. This pass does
 * the same for a program: g(next carry) becomes an extra carry, g(init) is computed once before
 * the loop, and the body reads the carry instead of recomputing g.
 *
 * The value at every iteration is computed by the same operations on the same inputs (iteration
 * t's next carry is iteration t + 1's carry), so results keep every bit. Only the costly
 * primitives are reused (EXPENSIVE), and only in loops of at least two iterations (with one, g(init)
 * before the loop would replace nothing).
 */

/** Primitives worth a carry of their own (a transcendental, a root, a quotient). */
const EXPENSIVE: ReadonlySet<string> = new Set([
  'sin',
  'cos',
  'tanh',
  'exp',
  'expm1',
  'log',
  'log1p',
  'pow',
  'sqrt',
  'div',
  'sigmoid',
  'softplus',
]);

/** The program with the loops at its top level rewritten (see the module comment); bodies are rewritten by optimize's recursion. */
export function reuseCarriedValues(program: Program): Program {
  if (!program.equations.some(isLoop)) return program;
  const constants = [...program.constants];
  const equations: AnyEquation[] = [];
  for (const eq of program.equations) {
    const rewritten = isLoop(eq) ? rewriteLoop(eq) : null;
    if (rewritten === null) {
      equations.push(eq);
      continue;
    }
    constants.push(...rewritten.constants);
    equations.push(...rewritten.before, rewritten.loop);
  }
  return { ...program, constants, equations };
}

const equationKey = (e: Equation, inputs: readonly number[]) =>
  `${e.primitive}|${inputs.join(',')}|${JSON.stringify(e.params)}`;

interface Rewritten {
  readonly before: Equation[];
  readonly constants: { variable: Var; value: Tensor }[];
  readonly loop: LoopEquation;
}

function rewriteLoop(loop: LoopEquation): Rewritten | null {
  const { body } = loop;
  const carries = loop.init.length;
  if (loop.length < 2 || carries === 0 || body.inputs.length !== carries + loop.free.length) return null;
  const carryIn = body.inputs.slice(0, carries);
  const carryOut = body.outputs.slice(0, carries);
  // Value numbers: equal numbers, equal values (a nested loop's outputs are opaque). A key names
  // an equation by the numbers of its inputs, so keys stay short however deep the expression.
  const numbers = new Map<string, number>();
  const intern = (k: string): number => {
    let n = numbers.get(k);
    if (n === undefined) {
      n = numbers.size;
      numbers.set(k, n);
    }
    return n;
  };
  const number = new Map<number, number>();
  const definition = new Map<number, Equation>();
  const byNumber = new Map<number, Var>();
  const opaque = new Set<number>();
  for (const [i, v] of body.inputs.entries()) number.set(v.id, intern(`in${i}`));
  for (const c of body.constants) number.set(c.variable.id, intern(`const${c.variable.id}`));
  for (const e of body.equations) {
    if (isLoop(e)) {
      for (const o of e.outs) {
        number.set(o.id, intern(`loop${o.id}`));
        opaque.add(o.id);
      }
      continue;
    }
    const n = intern(
      equationKey(
        e,
        e.inputs.map((v) => number.get(v.id) as number),
      ),
    );
    number.set(e.out.id, n);
    definition.set(e.out.id, e);
    if (!byNumber.has(n)) byNumber.set(n, e.out);
  }
  // The number of each value's expression with every carry replaced by the next carry: the value
  // one iteration later (in equation order, which is dependency order). Null for a value that
  // depends on a nested loop; `varies`: whether it depends on a carry.
  type Shifted = { readonly n: number; readonly varies: boolean } | null;
  const shiftedOf = new Map<number, Shifted>();
  const shifted = (v: Var): Shifted => shiftedOf.get(v.id) ?? null;
  body.inputs.forEach((v, i) => {
    const next = i < carries ? carryOut[i] : undefined;
    if (next === undefined) shiftedOf.set(v.id, { n: number.get(v.id) as number, varies: false });
    else if (!opaque.has(next.id))
      shiftedOf.set(v.id, { n: number.get(next.id) ?? intern(`out${next.id}`), varies: true });
  });
  for (const c of body.constants)
    shiftedOf.set(c.variable.id, { n: number.get(c.variable.id) as number, varies: false });
  for (const e of body.equations) {
    if (isLoop(e)) continue;
    const inputs = e.inputs.map(shifted);
    if (inputs.some((x) => x === null)) continue;
    const known = inputs as { n: number; varies: boolean }[];
    shiftedOf.set(e.out.id, {
      n: intern(
        equationKey(
          e,
          known.map((x) => x.n),
        ),
      ),
      varies: known.some((x) => x.varies),
    });
  }
  // The body is not yet rid of dead code here: only what its outputs need counts.
  const needed = neededValues(body.equations, body.outputs);
  const reused: { value: Var; next: Var }[] = [];
  for (const e of body.equations) {
    if (isLoop(e) || !EXPENSIVE.has(e.primitive) || !needed.has(e.out.id)) continue;
    const later = shifted(e.out);
    const next = later?.varies === true ? byNumber.get(later.n) : undefined;
    if (next !== undefined && next !== e.out && needed.has(next.id)) reused.push({ value: e.out, next });
  }
  if (reused.length === 0) return null;

  // Before the loop: each reused value on the initial carry, by the body's own equations.
  const outer = new Map<number, Var>();
  for (const [i, v] of carryIn.entries()) outer.set(v.id, loop.init[i]);
  for (const [i, v] of body.inputs.slice(carries).entries()) outer.set(v.id, loop.free[i]);
  const before: Equation[] = [];
  const constants: { variable: Var; value: Tensor }[] = [];
  // The equations the reused values need (none is a loop's), copied in dependency order.
  const wanted = neededValues(
    body.equations,
    reused.map(({ value }) => value),
  );
  for (const c of body.constants) {
    if (!wanted.has(c.variable.id)) continue;
    const variable = newVar(c.variable.shape, c.variable.dtype);
    constants.push({ variable, value: c.value });
    outer.set(c.variable.id, variable);
  }
  for (const e of body.equations) {
    if (isLoop(e) || !wanted.has(e.out.id)) continue;
    const out = newVar(e.out.shape, e.out.dtype);
    before.push({ ...e, inputs: e.inputs.map((v) => outer.get(v.id) as Var), out } as Equation);
    outer.set(e.out.id, out);
  }
  const initial = reused.map(({ value }) => outer.get(value.id) as Var);

  // The body: the reused values become carries, the values one iteration later their next carries.
  const inputs = reused.map(({ value }) => newVar(value.shape, value.dtype));
  const substitute = new Map(reused.map(({ value }, j) => [value.id, inputs[j]]));
  const rename = (v: Var) => substitute.get(v.id) ?? v;
  const equations = body.equations.map((e) =>
    isLoop(e)
      ? { ...e, init: e.init.map(rename), free: e.free.map(rename) }
      : ({ ...e, inputs: e.inputs.map(rename) } as Equation),
  );
  const nextCarries = reused.map(({ next }) => rename(next));
  const newBody: Program = {
    ...body,
    inputs: [...carryIn, ...inputs, ...body.inputs.slice(carries)],
    equations,
    outputs: [...carryOut.map(rename), ...nextCarries, ...body.outputs.slice(carries).map(rename)],
  };
  const extraOuts = reused.map(({ value }) => newVar(value.shape, value.dtype));
  return {
    before,
    constants,
    loop: {
      ...loop,
      body: newBody,
      init: [...loop.init, ...initial],
      outs: [...loop.outs.slice(0, carries), ...extraOuts, ...loop.outs.slice(carries)],
    },
  };
}
