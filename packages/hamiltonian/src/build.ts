import { type Value, isValue } from '@liouville/ad';
import {
  InvalidArgumentError,
  ShapeError,
  checkPositiveInteger,
  checkShapesEqual,
  formatShape,
  shapesEqual,
} from '@liouville/linalg';
import type { State } from '@liouville/integrators';
import type { GeneralHamiltonian, GradientFn, HamiltonianGradient, SeparableHamiltonian } from './Hamiltonian.js';

/** What `separable` needs: the kinetic energy T(p) and potential energy V(q) of a system. */
export interface SeparableSpec {
  readonly name?: string;
  /** Degrees of freedom: q and p each have `dim` components. */
  readonly dim: number;
  /** Kinetic energy: p of shape [dim] or [B, dim] ↦ shape [] or [B]. */
  readonly T: (p: Value) => Value;
  /** Potential energy: q of shape [dim] or [B, dim] ↦ shape [] or [B]. */
  readonly V: (q: Value) => Value;
  readonly params?: Readonly<Record<string, number>>;
  /** Optional analytic gradient { dHdq: V′(q), dHdp: T′(p) }. */
  readonly gradient?: GradientFn;
}

/** What `general` needs: H(q, p). */
export interface GeneralSpec {
  readonly name?: string;
  readonly dim: number;
  /** The Hamiltonian: q, p of shape [dim] or [B, dim] ↦ shape [] or [B]. */
  readonly H: (q: Value, p: Value) => Value;
  readonly params?: Readonly<Record<string, number>>;
  readonly gradient?: GradientFn;
}

/**
 * Checks that x holds one state's coordinates ([dim]) or a batch of them ([B, dim]) and returns
 * it; the ShapeError names the operation (system and function) and the argument.
 */
export function checkCoordinates(operation: string, argument: string, x: unknown, dim: number): Value {
  if (!isValue(x)) {
    throw new InvalidArgumentError(`${operation}: ${argument}`, 'a Tensor or a differentiable value', x);
  }
  const { shape } = x;
  if ((shape.length !== 1 && shape.length !== 2) || shape[shape.length - 1] !== dim) {
    throw new ShapeError(
      operation,
      `${argument}: expected shape [${dim}] (one state) or [B, ${dim}] (a batch), got ${formatShape(shape)}`,
    );
  }
  return x;
}

/** Checks a state { q, p }: both coordinates of the system's dimension, with equal shapes. */
export function checkState(operation: string, dim: number, state: unknown): State {
  if (state === null || typeof state !== 'object') {
    throw new InvalidArgumentError(`${operation}: state`, 'a state { q, p }', state);
  }
  const { q, p } = state as State;
  checkCoordinates(operation, 'state.q', q, dim);
  checkCoordinates(operation, 'state.p', p, dim);
  checkShapesEqual(operation, 'state.q', q.shape, 'state.p', p.shape);
  return { q, p };
}

function checkEnergy(operation: string, output: unknown, input: Value): Value {
  const expected = input.shape.slice(0, -1);
  if (!isValue(output) || !shapesEqual(output.shape, expected)) {
    const given = shapeOf(output);
    throw new ShapeError(
      operation,
      `must return one energy per state: shape ${formatShape(expected)} for input ${formatShape(input.shape)}, got ${given}`,
    );
  }
  return output as Value;
}

function checkName(name: unknown, fallback: string): string {
  if (name === undefined) return fallback;
  if (typeof name !== 'string' || name.length === 0)
    throw new InvalidArgumentError(`${fallback}: name`, 'a non-empty string', name);
  return name;
}

/** The number of degrees of freedom: the shared positive-integer check. */
function checkDim(system: string, dim: unknown): number {
  return checkPositiveInteger(`${system}: dim`, dim);
}

function checkParams(system: string, params: unknown): Readonly<Record<string, number>> {
  if (params === undefined) return Object.freeze({});
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    throw new InvalidArgumentError(`${system}: params`, 'a record of finite numbers', params);
  }
  for (const [key, value] of Object.entries(params)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new InvalidArgumentError(`${system}: params.${key}`, 'a finite number', value);
    }
  }
  return Object.freeze({ ...(params as Record<string, number>) });
}

function checkFunction<F>(system: string, argument: string, f: unknown, optional = false): F {
  if (optional && f === undefined) return f as F;
  if (typeof f !== 'function') throw new InvalidArgumentError(`${system}: ${argument}`, 'a function', f);
  return f as F;
}

/** Wraps an energy of one coordinate so its argument and result shapes are checked on every call. */
function guardEnergy(operation: string, argument: string, dim: number, f: (x: Value) => Value): (x: Value) => Value {
  return (x: Value) => {
    checkCoordinates(operation, argument, x, dim);
    return checkEnergy(operation, f(x), x);
  };
}

/** Wraps H(q, p) so the shapes of q, p and the result are checked on every call. */
function guardH(operation: string, dim: number, H: (q: Value, p: Value) => Value): (q: Value, p: Value) => Value {
  return (q: Value, p: Value) => {
    const state = checkState(operation, dim, { q, p });
    return checkEnergy(operation, H(state.q, state.p), state.q);
  };
}

/** Wraps an analytic gradient so its inputs and outputs are checked: each derivative is shaped like q. */
function guardGradient(operation: string, dim: number, gradient: GradientFn | undefined): GradientFn | undefined {
  if (gradient === undefined) return undefined;
  return (q: Value, p: Value): HamiltonianGradient => {
    const state = checkState(operation, dim, { q, p });
    const out = gradient(state.q, state.p);
    for (const key of ['dHdq', 'dHdp'] as const) {
      const g = out?.[key];
      const ok = isValue(g) && shapesEqual(g.shape, state.q.shape);
      if (!ok)
        throw new ShapeError(
          operation,
          `${key} must have the shape of q, ${formatShape(state.q.shape)}, got ${shapeOf(g)}`,
        );
    }
    return out;
  };
}

function shapeOf(x: unknown): string {
  return isValue(x) ? formatShape(x.shape) : String(x);
}

/**
 * Builds a separable system H(q, p) = T(p) + V(q) from a user's own energies, validating dim
 * (a positive integer) and params (finite numbers). The returned T and V check the shapes of
 * their arguments and results on every call, so a mistake surfaces as a ShapeError naming it.
 */
export function separable(spec: SeparableSpec): SeparableHamiltonian {
  if (spec === null || typeof spec !== 'object')
    throw new InvalidArgumentError('separable: spec', 'an object { dim, T, V }', spec);
  const name = checkName(spec.name, 'separable');
  const dim = checkDim(name, spec.dim);
  const T = checkFunction<(p: Value) => Value>(name, 'T', spec.T);
  const V = checkFunction<(q: Value) => Value>(name, 'V', spec.V);
  const gradient = checkFunction<GradientFn | undefined>(name, 'gradient', spec.gradient, true);
  const system = {
    kind: 'separable' as const,
    name,
    dim,
    T: guardEnergy(`${name}: T`, 'p', dim, T),
    V: guardEnergy(`${name}: V`, 'q', dim, V),
    params: checkParams(name, spec.params),
    ...(gradient ? { gradient: guardGradient(`${name}: gradient`, dim, gradient) } : {}),
  };
  return Object.freeze(system);
}

/**
 * Builds a general (not necessarily separable) system H(q, p) from a user's own function,
 * validating dim and params; H checks the shapes of its arguments and result on every call.
 */
export function general(spec: GeneralSpec): GeneralHamiltonian {
  if (spec === null || typeof spec !== 'object')
    throw new InvalidArgumentError('general: spec', 'an object { dim, H }', spec);
  const name = checkName(spec.name, 'general');
  const dim = checkDim(name, spec.dim);
  const H = checkFunction<(q: Value, p: Value) => Value>(name, 'H', spec.H);
  const gradient = checkFunction<GradientFn | undefined>(name, 'gradient', spec.gradient, true);
  const system = {
    kind: 'general' as const,
    name,
    dim,
    H: guardH(`${name}: H`, dim, H),
    params: checkParams(name, spec.params),
    ...(gradient ? { gradient: guardGradient(`${name}: gradient`, dim, gradient) } : {}),
  };
  return Object.freeze(system);
}
