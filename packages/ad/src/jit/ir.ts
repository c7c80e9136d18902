import { type DType, type Shape, Tensor, formatShape } from '@liouville/linalg';
import type { Primitive, PrimitiveParams } from '../primitives.js';

/**
 * The intermediate representation of a traced function (a "jaxpr" in JAX's terms): typed
 * variables and a list of primitive equations over them, in evaluation order. Programs are built
 * only by tracing (see staging.ts); nothing in them comes from a user's strings.
 */

/** A variable of a program: one value of a known shape and dtype, assigned once. */
export interface Var {
  readonly id: number;
  readonly shape: Shape;
  readonly dtype: DType;
  readonly size: number;
}

/** One primitive applied to variables, defining one new variable. */
export interface Equation<P extends Primitive = Primitive> {
  readonly primitive: P;
  readonly inputs: readonly Var[];
  readonly params: PrimitiveParams[P];
  readonly out: Var;
}

/**
 * A loop: `length` iterations of `body`, whose first inputs are the carried values (initialised
 * from `init`), followed by free values read from the enclosing program (`free`). The body's
 * outputs are the next carry, then one value per iteration to stack (`stacked`); the equation
 * defines the final carry and the stacked values, each with a new leading axis of `length`.
 */
export interface LoopEquation {
  readonly primitive: 'loop';
  readonly length: number;
  readonly body: Program;
  readonly init: readonly Var[];
  readonly free: readonly Var[];
  readonly outs: readonly Var[];
}

/** Any equation of a program. */
export type AnyEquation = Equation | LoopEquation;

/** A traced function: its inputs, constants, equations and outputs. */
export interface Program {
  readonly inputs: readonly Var[];
  /** Tensors the function closed over or built, with the variables that stand for them. */
  readonly constants: readonly { readonly variable: Var; readonly value: Tensor }[];
  readonly equations: readonly AnyEquation[];
  readonly outputs: readonly Var[];
}

/** True for the loop equation. */
export function isLoop(equation: AnyEquation): equation is LoopEquation {
  return equation.primitive === 'loop';
}

/** The variables an equation reads. */
export function equationInputs(equation: AnyEquation): readonly Var[] {
  return isLoop(equation) ? [...equation.init, ...equation.free] : equation.inputs;
}

/** The variables an equation defines. */
export function equationOutputs(equation: AnyEquation): readonly Var[] {
  return isLoop(equation) ? equation.outs : [equation.out];
}

/** Ids of the values `roots` need through `equations` (in dependency order): the roots and everything they are computed from. */
export function neededValues(equations: readonly AnyEquation[], roots: readonly Var[]): Set<number> {
  const live = new Set(roots.map((v) => v.id));
  for (let i = equations.length - 1; i >= 0; i--) {
    const eq = equations[i];
    if (equationOutputs(eq).some((v) => live.has(v.id))) for (const v of equationInputs(eq)) live.add(v.id);
  }
  return live;
}

const DTYPE_NAMES: Record<DType, string> = { float64: 'f64', float32: 'f32' };

/** A short type such as f64[3,2]. */
export function formatType(v: { shape: Shape; dtype: DType }): string {
  return `${DTYPE_NAMES[v.dtype]}${formatShape(v.shape)}`;
}

/** Variable names a, b, …, z, ba, bb, … in order of first appearance (as JAX prints them). */
function namer(): (v: Var) => string {
  const names = new Map<number, string>();
  return (v) => {
    let name = names.get(v.id);
    if (name === undefined) {
      let n = names.size;
      name = '';
      do {
        name = String.fromCharCode(97 + (n % 26)) + name;
        n = Math.floor(n / 26);
      } while (n > 0);
      names.set(v.id, name);
    }
    return name;
  };
}

function formatParams(params: object): string {
  const entries = Object.entries(params);
  if (entries.length === 0) return '';
  return `[${entries.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ')}]`;
}

function formatProgram(program: Program, name: (v: Var) => string, indent: string): string {
  const typed = (v: Var) => `${name(v)}:${formatType(v)}`;
  const lines: string[] = [];
  const consts = program.constants.map((c) => typed(c.variable));
  lines.push(
    `{ lambda ${consts.join(' ')}${consts.length > 0 ? ' ; ' : ''}${program.inputs.map(typed).join(' ')} . let`,
  );
  for (const eq of program.equations) {
    if (isLoop(eq)) {
      const outs = eq.outs.map(typed).join(' ');
      const args = [...eq.init, ...eq.free].map(name).join(' ');
      lines.push(`${indent}    ${outs} = loop[length=${eq.length} carry=${eq.init.length}] ${args}`);
      lines.push(`${indent}      ${formatProgram(eq.body, name, `${indent}      `)}`);
    } else {
      const args = eq.inputs.map(name).join(' ');
      lines.push(`${indent}    ${typed(eq.out)} = ${eq.primitive}${formatParams(eq.params)} ${args}`);
    }
  }
  lines.push(`${indent}  in (${program.outputs.map(name).join(', ')}) }`);
  return lines.join('\n');
}

/** The program as text, one equation per line (for debugging; the format of JAX's jaxpr). */
export function printProgram(program: Program): string {
  return formatProgram(program, namer(), '');
}

/** A program with a readable `toString()`, as returned by `makeJaxpr`. */
export class Jaxpr {
  constructor(readonly program: Program) {}
  /** The number of equations (loops count once). */
  get size(): number {
    return this.program.equations.length;
  }
  toString(): string {
    return printProgram(this.program);
  }
}

/** Wraps a variable's value as a tensor of its shape. */
export function tensorOf(v: Var, data: Tensor['data']): Tensor {
  return new Tensor(data, v.shape);
}
