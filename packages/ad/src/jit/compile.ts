import { Tensor, type TypedArray, cosOf, sinOf, tanhOf, tanhOf32 } from '@liouville/linalg';
import { compileArrayProgram } from './arrayBackend.js';
import { interpret } from './interpret.js';
import type { Program } from './ir.js';
import { fitsScalarBackend, generateScalarCode } from './scalarBackend.js';

/** A compiled program: input tensors in, output tensors out. */
export type Executable = (inputs: readonly Tensor[]) => Tensor[];

let codegen: boolean | undefined;
let warned = false;

/**
 * Whether this engine lets code be generated at run time: false under a Content Security Policy
 * without 'unsafe-eval' (new Function then throws an EvalError). Checked once.
 */
export function codegenAllowed(): boolean {
  if (codegen === undefined) {
    try {
      codegen = new Function('return 1')() === 1;
    } catch {
      codegen = false;
    }
  }
  return codegen;
}

/** Overrides the check above (tests use it to take the path of a strict Content Security Policy). */
export function setCodegenAllowed(allowed: boolean | undefined): void {
  codegen = allowed;
  warned = false;
}

let programCount = 0;

/** Compiles a program to the fastest executable available. */
export function compileProgram(program: Program): Executable {
  if (!codegenAllowed()) {
    if (!warned) {
      warned = true;
      console.warn(
        'liouville: jit cannot generate code here (a Content Security Policy forbids it); traced programs run on the eager kernels, with the same results',
      );
    }
    return (inputs) => interpret(program, inputs);
  }
  if (fitsScalarBackend(program)) return compileScalar(program);
  // Programs over large tensors: fused loops over typed arrays (arrayBackend.ts).
  return compileArrayProgram(program, compileProgram);
}

function compileScalar(program: Program): Executable {
  const code = generateScalarCode(program);
  const name = `liouville-jit-${programCount++}.js`;
  const run = new Function('I', 'C', 'F', 'T', 'T32', 'sinOf', 'cosOf', `${code.source}\n//# sourceURL=${name}`) as (
    inputs: readonly TypedArray[],
    constants: readonly TypedArray[],
    fallbacks: typeof code.fallbacks,
    tanh: typeof tanhOf,
    tanh32: typeof tanhOf32,
    sin: typeof sinOf,
    cos: typeof cosOf,
  ) => TypedArray[];
  const shapes = program.outputs.map((v) => v.shape);
  return (inputs) => {
    const data = new Array<TypedArray>(inputs.length);
    for (let i = 0; i < inputs.length; i++) data[i] = inputs[i].data;
    const outs = run(data, code.constants, code.fallbacks, tanhOf, tanhOf32, sinOf, cosOf);
    const tensors = new Array<Tensor>(outs.length);
    for (let i = 0; i < outs.length; i++) tensors[i] = new Tensor(outs[i], shapes[i]);
    return tensors;
  };
}
