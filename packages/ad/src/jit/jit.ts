import { InvalidArgumentError, type Tensor } from '@liouville/linalg';
import { checkFiniteEnabled, innermostTrace, withTrace } from '../bind.js';
import { type Tree, unflatten } from '../tree.js';
import { Tracer, type Value } from '../Tracer.js';
import { type Executable, compileProgram } from './compile.js';
import { Jaxpr, type Program } from './ir.js';
import { optimize } from './optimize.js';
import { type CallSignature, type SignatureGuard, callSignature, matchSignature, signatureGuard } from './signature.js';
import { StagingTrace } from './staging.js';
import { flatten } from '../tree.js';

/** Options of `jit` and `makeJaxpr`. */
export interface JitOptions {
  /**
   * Indices of arguments that are not traced but part of the signature (numbers, strings,
   * options objects, functions): a new value re-traces. Like JAX's `static_argnums`.
   */
  static?: readonly number[];
}

/** What one signature compiled to. */
interface Compiled {
  readonly program: Program;
  readonly run: Executable;
  readonly outDef: ReturnType<typeof flatten>['def'];
  readonly signature: SignatureGuard;
}

function staticSet(options: JitOptions): Set<number> {
  const statics = new Set<number>();
  for (const i of options.static ?? []) {
    if (!Number.isInteger(i) || i < 0) throw new InvalidArgumentError('jit: static', 'argument indices >= 0', i);
    statics.add(i);
  }
  return statics;
}

/** The arguments of f with traced leaves replaced by `leaves`. */
function rebuildArgs(signature: CallSignature, leaves: readonly Value[]): unknown[] {
  let offset = 0;
  return signature.parts.map((part) => {
    if (part.kind === 'static') return part.value;
    const mine = leaves.slice(offset, offset + part.count);
    offset += part.count;
    return unflatten(part.def, mine);
  });
}

/** Traces f on abstract values of the signature's types into an optimised program. */
function traceProgram(f: (...args: never[]) => unknown, signature: CallSignature) {
  return withTrace(
    (level) => new StagingTrace(level),
    (trace) => {
      const inputs = signature.leaves.map((leaf) => trace.input(leaf.shape, leaf.dtype));
      const result = f(...(rebuildArgs(signature, inputs) as never[]));
      const out = flatten(result as Tree, 'output of the jitted function');
      const outputs = out.leaves.map((leaf, i) => trace.outputVar(leaf, `output leaf ${i}`));
      return { program: optimize(trace.program(outputs)), outDef: out.def };
    },
  );
}

/**
 * Compiles a function of tensors, like `jax.jit`: the first call with a new signature (pytree
 * structure, shapes, dtypes, static argument values) traces f once on abstract values, recording
 * every primitive it runs, derivatives included, into a program; the program is optimised and
 * compiled to JavaScript, and later calls with that signature run the compiled code. Results equal
 * eager evaluation bit for bit where the same operations run in the same order.
 *
 * Inside another transformation (`grad(jit(f))`, `vmap(jit(f))`) or with checkFinite on, jit
 * traces through: f runs as written, so results never change. A traced value used as a number
 * throws a ConcretizationError. Where code generation is forbidden (a Content Security Policy
 * without 'unsafe-eval'), programs run on the eager kernels, with one warning.
 *
 * @example
 * ```ts
 * import { type Value, hvp, jit, mul, sin, square, sum } from '@liouville/ad';
 * import { tensor } from '@liouville/linalg';
 *
 * const f = (x: Value) => sum(mul(sin(x), square(x)));
 * const fastHvp = jit((x: Value, v: Value) => hvp(f, x, v));
 * fastHvp(tensor([0.3, -1.2, 2]), tensor([1, 0, 0])); // traced and compiled on the first call
 * ```
 */
export function jit<F extends (...args: never[]) => unknown>(f: F, options: JitOptions = {}): F {
  const statics = staticSet(options);
  const cache = new Map<string, Compiled>();
  let last: Compiled | undefined;
  const jitted = (...args: unknown[]): unknown => {
    if (innermostTrace() !== null || checkFiniteEnabled()) return f(...(args as never[]));
    // The common case: the same signature as the last call, checked without building a key.
    const leaves = last === undefined ? null : matchSignature(args, last.signature);
    if (leaves !== null && last !== undefined) return unflatten(last.outDef, last.run(leaves as Tensor[]));
    const signature = callSignature(args, statics);
    if (signature.leaves.some((leaf) => leaf instanceof Tracer)) return f(...(args as never[]));
    let compiled = cache.get(signature.key);
    if (compiled === undefined) {
      const { program, outDef } = traceProgram(f, signature);
      compiled = { program, outDef, signature: signatureGuard(signature), run: compileProgram(program) };
      cache.set(signature.key, compiled);
    }
    last = compiled;
    return unflatten(compiled.outDef, compiled.run(signature.leaves as Tensor[]));
  };
  return jitted as unknown as F;
}

/**
 * The program `jit` would compile for these arguments, printable with `toString()` (the format
 * of JAX's `make_jaxpr`): `makeJaxpr(f)(x).toString()`.
 */
export function makeJaxpr<F extends (...args: never[]) => unknown>(
  f: F,
  options: JitOptions = {},
): (...args: Parameters<F>) => Jaxpr {
  const statics = staticSet(options);
  return (...args) => {
    if (innermostTrace() !== null) {
      throw new InvalidArgumentError('makeJaxpr', 'to be called outside every transformation', 'a call inside one');
    }
    return new Jaxpr(traceProgram(f, callSignature(args, statics)).program);
  };
}
