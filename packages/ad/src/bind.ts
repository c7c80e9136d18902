import { NonFiniteError, type Tensor, allFinite, formatShape } from '@liouville/linalg';
import { PerturbationError } from './errors.js';
import type { Primitive, PrimitiveParams } from './primitives.js';
import { rules } from './rules/index.js';
import { unaryRules } from './rules/unary.js';
import { type TraceLevel, Tracer, type Value } from './Tracer.js';

/** A trace that can run primitives on its own tracers. */
export interface ActiveTrace extends TraceLevel {
  process<P extends Primitive>(primitive: P, args: Tracer[], params: PrimitiveParams[P]): Value;
}

const stack: ActiveTrace[] = [];
let checkFinite = false;
/** The derivative rules being applied right now, innermost last (named in checkFinite errors). */
const ruleContext: string[] = [];

/** Runs a derivative rule of `primitive`, so that a checkFinite error inside it can say so. */
export function inRule<R>(primitive: string, mode: 'forward' | 'reverse', body: () => R): R {
  if (!checkFinite) return body();
  ruleContext.push(`the ${mode} rule of '${primitive}'`);
  try {
    return body();
  } finally {
    ruleContext.pop();
  }
}

/** Starts a transformation: its level is one above every transformation now running. */
export function pushTrace<T extends ActiveTrace>(make: (level: number) => T): T {
  const trace = make(stack.length + 1);
  stack.push(trace);
  return trace;
}

/** Ends a transformation; its tracers become unusable (they would be perturbation confusion). */
export function popTrace(trace: ActiveTrace): void {
  const top = stack.pop();
  if (top !== trace) throw new PerturbationError('transformations ended out of order');
  trace.finished = true;
  if (stack.length === 0) unaryMemo = new WeakMap();
}

/** The innermost transformation running now, or null when none is. */
export function innermostTrace(): ActiveTrace | null {
  return stack.length > 0 ? stack[stack.length - 1] : null;
}

/** True when debugging with checkFinite is on (compiled code then steps aside for eager evaluation). */
export function checkFiniteEnabled(): boolean {
  return checkFinite;
}

/** Runs `body` inside a fresh transformation level, always ending it. */
export function withTrace<T extends ActiveTrace, R>(make: (level: number) => T, body: (trace: T) => R): R {
  const trace = pushTrace(make);
  try {
    return body(trace);
  } finally {
    popTrace(trace);
  }
}

/**
 * Opt-in debugging mode, like JAX's debug_nans: every primitive evaluation (forward and inside
 * derivative rules) is checked, and the first one to produce NaN or ±Infinity throws a
 * NonFiniteError naming it. Returns the previous setting.
 */
export function setCheckFinite(enabled: boolean): boolean {
  const previous = checkFinite;
  checkFinite = enabled;
  return previous;
}

/** Runs `body` with checkFinite enabled, restoring the previous setting afterwards. */
export function withCheckFinite<R>(body: () => R): R {
  const previous = setCheckFinite(true);
  try {
    return body();
  } finally {
    setCheckFinite(previous);
  }
}

/**
 * Results of elementwise functions of one large tensor, remembered while that tensor lives.
 * Derivative rules evaluate f'(x) again at every level they run in (an hvp computes cos x in the
 * forward rule of sin and again when its reverse rule is pushed forward), and tensors are
 * immutable, so the second evaluation can be the first one's result: common-subexpression
 * elimination keyed by object identity. The memory lives only while a transformation runs (it is
 * dropped when the outermost one returns), so plain evaluation and memory use are unaffected.
 * Small tensors skip it: the lookup would cost more than it saves.
 */
const MEMO_MIN_SIZE = 4096;
let unaryMemo = new WeakMap<Tensor, Map<Primitive, Tensor>>();
const UNARY: ReadonlySet<string> = new Set(Object.keys(unaryRules));

function evaluateUnaryMemo<P extends Primitive>(primitive: P, x: Tensor, params: PrimitiveParams[P]): Tensor {
  let results = unaryMemo.get(x);
  if (results === undefined) {
    results = new Map();
    unaryMemo.set(x, results);
  }
  let out = results.get(primitive);
  if (out === undefined) {
    out = rules[primitive].evaluate([x], params);
    results.set(primitive, out);
  }
  return out;
}

function evaluate<P extends Primitive>(primitive: P, args: Tensor[], params: PrimitiveParams[P]): Tensor {
  const out =
    stack.length > 0 && args.length === 1 && args[0].size >= MEMO_MIN_SIZE && UNARY.has(primitive)
      ? evaluateUnaryMemo(primitive, args[0], params)
      : rules[primitive].evaluate(args, params);
  if (checkFinite && !allFinite(out)) {
    const inputs = args.map((a) => formatShape(a.shape)).join(', ');
    const where = ruleContext.length > 0 ? `, inside ${ruleContext[ruleContext.length - 1]}` : '';
    throw new NonFiniteError(
      `checkFinite: primitive '${primitive}' produced NaN or Infinity (input shapes ${inputs})${where}`,
    );
  }
  return out;
}

/**
 * Applies a primitive to values of any levels: finds the innermost live transformation among
 * the arguments, lifts the others into it as constants, and lets it apply its rule (which in
 * turn binds on the level below). With no tracer among the arguments, evaluates on tensors.
 */
export function bind<P extends Primitive>(primitive: P, args: readonly Value[], params: PrimitiveParams[P]): Value {
  let top: ActiveTrace | null = null;
  for (const arg of args) {
    if (arg instanceof Tracer) {
      const trace = arg.trace as ActiveTrace;
      if (trace.finished) {
        throw new PerturbationError(
          `${primitive}: an argument belongs to a transformation that has already returned (a value escaped its grad/jvp/vjp)`,
        );
      }
      if (top === null || trace.level > top.level) top = trace;
      else if (trace.level === top.level && trace !== top) {
        throw new PerturbationError(`${primitive}: two different transformations at level ${trace.level}`);
      }
    }
  }
  if (top === null) return evaluate(primitive, args as Tensor[], params);
  const lifted = args.map((arg) => (arg instanceof Tracer && arg.trace === top ? arg : top.lift(arg)));
  return top.process(primitive, lifted, params);
}

/**
 * The plain tensor underneath any value (strips every level): for non-differentiable uses. A value
 * traced by `jit` has none (ConcretizationError), nor has one batched by `vmap` (BatchedValueError).
 */
export function primalTensor(x: Value): Tensor {
  return x instanceof Tracer ? x.concreteTensor('primalTensor') : x;
}
