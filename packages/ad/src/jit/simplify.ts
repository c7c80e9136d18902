import { Tensor, shapesEqual } from '@liouville/linalg';
import { type AnyEquation, type Equation, type Program, type Var, isLoop } from './ir.js';
import { newVar } from './staging.js';

/**
 * Algebraic identities that hold for every value, applied before the other passes of `optimize`
 * (to a loop's body when optimize recurses into it).
 * Derivative rules leave chains of signs and unit factors behind: d(1 − cos q)/dq traces as
 * (−1)·(−sin q), and the scalar backend would run each as one more dependent floating-point
 * operation in a loop's critical path. The rules:
 *
 *   −(−x) = x        1·x = x·1 = x       (−1)·x = x·(−1) = −x       x/1 = x      x/(−1) = −x
 *   c·(−x) = (−c)·x  (−x)·c = x·(−c)     −(c·x) = (−c)·x            (−x)·(−y) = x·y
 *   x + (−y) = x − y  (−x) + y = y − x    x − (−y) = x + y
 *
 * for a constant c. Each is exact in IEEE 754 arithmetic, signed zeros and infinities included:
 * negation only flips a sign, the rounding of a product or quotient is symmetric in the signs of
 * its operands, and a − b is by definition a + (−b) (IEEE 754-2019 §5.4.1). In float32 the eager
 * kernels round the float64 result of the same operation, so the identities hold there too. NaN
 * stays NaN (its sign bit may differ; JavaScript does not preserve NaN payloads either, and every
 * bitwise comparison in this project uses Object.is). A rule that would drop an operation applies
 * only where the result keeps the operand's shape and dtype (no broadcasting, no dtype promotion).
 *
 * Left out on purpose: x + 0 (−0 + 0 is +0) and c₁·(c₂·x) → (c₁c₂)·x (two roundings become one,
 * and c₂·x may overflow where (c₁c₂)·x does not).
 */
export function simplifyAlgebra(program: Program): Program {
  return new Simplifier(program).run();
}

/** Same dtype and shape: replacing one by the other changes no type. */
function sameType(v: Var, w: Var): boolean {
  return v.dtype === w.dtype && shapesEqual(v.shape, w.shape);
}

class Simplifier {
  private readonly substitute = new Map<number, Var>();
  private readonly definition = new Map<number, Equation>();
  private readonly constantValue = new Map<number, Tensor>();
  private readonly constants: Program['constants'][number][];
  private readonly equations: AnyEquation[] = [];

  constructor(private readonly program: Program) {
    this.constants = [...program.constants];
    for (const c of program.constants) this.constantValue.set(c.variable.id, c.value);
  }

  run(): Program {
    const { program } = this;
    for (const eq of program.equations) {
      if (isLoop(eq)) {
        // The body is simplified when optimize recurses into it (eliminateCommonSubexpressions).
        this.equations.push({ ...eq, init: eq.init.map(this.resolve), free: eq.free.map(this.resolve) });
        continue;
      }
      const kept = this.simplified({ ...eq, inputs: eq.inputs.map(this.resolve) } as Equation);
      if (kept !== null) {
        this.definition.set(kept.out.id, kept);
        this.equations.push(kept);
      }
    }
    return {
      ...program,
      constants: this.constants,
      equations: this.equations,
      outputs: program.outputs.map(this.resolve),
    };
  }

  private readonly resolve = (v: Var): Var => this.substitute.get(v.id) ?? v;

  /** The operand of a negation defining `v`, if one does. */
  private negated(v: Var): Var | null {
    const def = this.definition.get(v.id);
    return def !== undefined && def.primitive === 'neg' ? def.inputs[0] : null;
  }

  /** −c, as a new constant of the program. */
  private negatedConstant(c: Var): Var {
    const value = this.constantValue.get(c.id) as Tensor;
    const data = value.data.map((x) => -x);
    const variable = newVar(c.shape, c.dtype);
    const tensor = new Tensor(data, value.shape);
    this.constants.push({ variable, value: tensor });
    this.constantValue.set(variable.id, tensor);
    return variable;
  }

  /** Every element of constant `v` equals `x` (false for a variable that is not a constant). */
  private constantIs(v: Var, x: number): boolean {
    const value = this.constantValue.get(v.id);
    return value?.data.every((e) => e === x) ?? false;
  }

  /** `out` becomes another name for `v` where their types agree; false (nothing done) otherwise. */
  private alias(out: Var, v: Var): boolean {
    const same = sameType(v, out);
    if (same) this.substitute.set(out.id, v);
    return same;
  }

  /**
   * −x into `out`: x itself where x is a negation's result (null: `out` is now an alias),
   * otherwise a negation equation.
   */
  private negation(x: Var, out: Var): Equation | null {
    const inner = this.negated(x);
    if (inner !== null && this.alias(out, inner)) return null;
    return { primitive: 'neg', inputs: [x], params: {}, out } as Equation;
  }

  /** The equation that computes eq's result (eq itself, or a simpler one), or null where its result is an alias. */
  private simplified(eq: Equation): Equation | null {
    const [a, b] = eq.inputs;
    const as = (primitive: Equation['primitive'], inputs: Var[]) =>
      ({ ...eq, primitive, inputs, params: {} }) as Equation;
    switch (eq.primitive) {
      case 'neg': {
        const def = this.definition.get(a.id);
        if (def?.primitive === 'mul') {
          const [x, y] = def.inputs;
          if (this.constantValue.has(x.id)) return as('mul', [this.negatedConstant(x), y]);
          if (this.constantValue.has(y.id)) return as('mul', [x, this.negatedConstant(y)]);
        }
        return this.negation(a, eq.out);
      }
      case 'mul': {
        for (const [c, x] of [
          [a, b],
          [b, a],
        ]) {
          if (this.constantIs(c, 1) && this.alias(eq.out, x)) return null;
          if (this.constantIs(c, -1) && sameType(x, eq.out)) return this.negation(x, eq.out);
        }
        const [na, nb] = [this.negated(a), this.negated(b)];
        if (na !== null && nb !== null) return as('mul', [na, nb]);
        if (nb !== null && this.constantValue.has(a.id)) return as('mul', [this.negatedConstant(a), nb]);
        if (na !== null && this.constantValue.has(b.id)) return as('mul', [na, this.negatedConstant(b)]);
        return eq;
      }
      case 'div': {
        if (this.constantIs(b, 1) && this.alias(eq.out, a)) return null;
        if (this.constantIs(b, -1) && sameType(a, eq.out)) return this.negation(a, eq.out);
        return eq;
      }
      case 'add': {
        const [na, nb] = [this.negated(a), this.negated(b)];
        if (nb !== null) return as('sub', [a, nb]);
        if (na !== null) return as('sub', [b, na]);
        return eq;
      }
      case 'sub': {
        const nb = this.negated(b);
        return nb === null ? eq : as('add', [a, nb]);
      }
      default:
        return eq;
    }
  }
}
