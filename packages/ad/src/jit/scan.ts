import { InvalidArgumentError, checkPositiveInteger, formatShape, shapesEqual } from '@liouville/linalg';
import { innermostTrace, withTrace } from '../bind.js';
import { StructureError } from '../errors.js';
import { stack } from '../ops.js';
import { type Tree, type TreeDef, describeDef, flatten, sameStructure, unflatten } from '../tree.js';
import type { Value } from '../Tracer.js';
import type { LoopEquation } from './ir.js';
import { StagingTrace, newVar } from './staging.js';

/** A loop body: the carry in, the next carry and this iteration's value to stack (or null) out. */
export type ScanBody<C, Y> = (carry: C) => readonly [C, Y];

/**
 * Runs `body` `length` times, threading the carry through, and stacks the values it emits along a
 * new leading axis (JAX's `lax.scan` without per-iteration inputs): returns
 * [final carry, stacked values] (null when the body emits null).
 *
 * Under `jit` the body is traced once into a loop of the compiled program: a rollout of n steps
 * is one compiled call that writes the trajectory into preallocated arrays. Everywhere else
 * (eager, or under grad/jvp/vmap) the loop runs as written, so it is differentiable in every
 * mode, reverse mode included; the results are the same bits either way.
 *
 * @example
 * ```ts
 * import { jit, scan } from '@liouville/ad';
 * import { pendulum } from '@liouville/hamiltonian';
 * import { type State, leapfrog } from '@liouville/integrators';
 * import { tensor } from '@liouville/linalg';
 *
 * // 1000 leapfrog steps of the pendulum, every state kept, compiled into one loop.
 * const step = leapfrog(pendulum(), 0.05);
 * const rollout = jit((s: State) =>
 *   scan((x: State) => {
 *     const y = step(x);
 *     return [y, y] as const;
 *   }, s, 1000),
 * );
 * const [final, trajectory] = rollout({ q: tensor([1]), p: tensor([0]) }); // trajectory.q: [1000, 1]
 * ```
 */
export function scan<C, Y = null>(body: ScanBody<C, Y>, init: C, length: number): [C, Y] {
  if (typeof body !== 'function') throw new InvalidArgumentError('scan: body', 'a function carry → [carry, y]', body);
  checkPositiveInteger('scan: length', length);
  const top = innermostTrace();
  // Staged only when jit's level is the innermost one: under an AD level the loop runs as
  // written, so that level differentiates it (and jit then records the unrolled derivative).
  return top instanceof StagingTrace ? stagedScan(body, init, length, top) : unrolledScan(body, init, length);
}

function checkCarry(init: { leaves: Value[]; def: TreeDef }, next: { leaves: Value[]; def: TreeDef }): void {
  if (!sameStructure(init.def, next.def)) {
    throw new StructureError(
      `scan: the body must return a carry of the structure of init (${describeDef(init.def)}), got ${describeDef(next.def)}`,
    );
  }
  init.leaves.forEach((leaf, i) => {
    const other = next.leaves[i];
    const same = leaf.dtype === other.dtype && shapesEqual(leaf.shape, other.shape);
    if (!same) {
      throw new StructureError(
        `scan: carry leaf ${i} must keep its type ${leaf.dtype}${formatShape(leaf.shape)}, the body returned ${other.dtype}${formatShape(other.shape)}`,
      );
    }
  });
}

function splitResult(result: unknown): [Tree, Tree | null] {
  if (!Array.isArray(result) || result.length !== 2) {
    throw new InvalidArgumentError('scan: body', 'to return [carry, y] (y may be null)', result);
  }
  return [result[0] as Tree, result[1] as Tree | null];
}

function unrolledScan<C, Y>(body: ScanBody<C, Y>, init: C, length: number): [C, Y] {
  const initFlat = flatten(init as Tree, 'scan: init');
  let carry = init;
  const emitted: Value[][] = [];
  let yDef: TreeDef | null = null;
  for (let i = 0; i < length; i++) {
    const [next, y] = splitResult(body(carry));
    checkCarry(initFlat, flatten(next, 'scan: carry'));
    carry = next as C;
    if (y === null) continue;
    const yFlat = flatten(y, 'scan: y');
    yDef ??= yFlat.def;
    yFlat.leaves.forEach((leaf, j) => {
      emitted[j] ??= [];
      emitted[j].push(leaf);
    });
  }
  const ys =
    yDef === null
      ? null
      : unflatten(
          yDef,
          emitted.map((rows) => stack(rows)),
        );
  return [carry, ys as Y];
}

function stagedScan<C, Y>(body: ScanBody<C, Y>, init: C, length: number, outer: StagingTrace): [C, Y] {
  const initFlat = flatten(init as Tree, 'scan: init');
  const traced = withTrace(
    (level) => new StagingTrace(level, outer),
    (inner) => {
      const carryIn = initFlat.leaves.map((leaf) => inner.input(leaf.shape, leaf.dtype));
      const [next, y] = splitResult(body(unflatten<C>(initFlat.def, carryIn)));
      const nextFlat = flatten(next, 'scan: carry');
      checkCarry(initFlat, nextFlat);
      const yFlat = y === null ? null : flatten(y, 'scan: y');
      const outputs = [...nextFlat.leaves, ...(yFlat?.leaves ?? [])].map((leaf, i) =>
        inner.outputVar(leaf, `scan body output ${i}`),
      );
      return { program: inner.program(outputs), free: [...inner.free.keys()], yFlat };
    },
  );
  const carryOuts = initFlat.leaves.map((leaf) => newVar(leaf.shape, leaf.dtype));
  const yOuts = (traced.yFlat?.leaves ?? []).map((leaf) => newVar([length, ...leaf.shape], leaf.dtype));
  const equation: LoopEquation = {
    primitive: 'loop',
    length,
    body: traced.program,
    init: initFlat.leaves.map((leaf, i) => outer.outputVar(leaf, `scan init leaf ${i}`)),
    free: traced.free,
    outs: [...carryOuts, ...yOuts],
  };
  const staged = outer.append(equation, equation.outs);
  const carry = unflatten<C>(initFlat.def, staged.slice(0, carryOuts.length));
  const ys = traced.yFlat === null ? null : unflatten(traced.yFlat.def, staged.slice(carryOuts.length));
  return [carry, ys as Y];
}
