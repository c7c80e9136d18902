import { Tensor } from '@liouville/linalg';
import { dopri5DenseCoefficients } from './dopri5Tableau.js';
import { arrayOps } from './stepper.js';

/** DOPRI5's continuous extension, and the collection of the output at accepted steps or at tEval. */

/** An accepted step: the new state and the seven stage slopes (the last is f(t + h, y₁), FSAL). */
export interface AcceptedStep {
  readonly yNew: Float64Array;
  readonly k: readonly Float64Array[];
}

/**
 * The order-4 continuous extension on a step [t, t + h] of DOPRI5, in Hairer's form
 * y(t + θh) = y + θ(r₂ + (1−θ)(r₃ + θ(r₄ + (1−θ) r₅))) with r₂ = y₁ − y, r₃ = hk₁ − r₂,
 * r₄ = r₂ − hk₇ − r₃, r₅ = h Σ dᵢkᵢ (HNW I, §II.6; dopri5.f, CONTD5).
 */
export function denseOutput(y: Float64Array, step: AcceptedStep, h: number): (theta: number) => Float64Array {
  const n = y.length;
  const r2 = new Float64Array(n);
  const r3 = new Float64Array(n);
  const r4 = new Float64Array(n);
  const r5 = arrayOps.combine(new Float64Array(n), h, dopri5DenseCoefficients, step.k);
  for (let i = 0; i < n; i++) {
    r2[i] = step.yNew[i] - y[i];
    r3[i] = h * step.k[0][i] - r2[i];
    r4[i] = r2[i] - h * step.k[6][i] - r3[i];
  }
  return (theta) => {
    const out = new Float64Array(n);
    const t1 = 1 - theta;
    for (let i = 0; i < n; i++) out[i] = y[i] + theta * (r2[i] + t1 * (r3[i] + theta * (r4[i] + t1 * r5[i])));
    return out;
  };
}

/** Collects the output: every accepted step, or the tEval times by dense output. */
export class Recorder {
  readonly times: number[] = [];
  readonly values: Float64Array[] = [];
  private next = 0;

  constructor(
    private readonly tEval: number[] | null,
    private readonly dir: number,
    t0: number,
    y0: Float64Array,
  ) {
    if (tEval === null) this.push(t0, y0);
    else while (this.next < tEval.length && tEval[this.next] === t0) this.push(tEval[this.next++], y0);
  }

  private push(t: number, y: Float64Array): void {
    this.times.push(t);
    this.values.push(y);
  }

  /** An accepted step from (t, y) to tNew with signed size h. */
  accept(t: number, y: Float64Array, step: AcceptedStep, h: number, tNew: number): void {
    if (this.tEval === null) {
      this.push(tNew, step.yNew);
      return;
    }
    let dense: ((theta: number) => Float64Array) | null = null;
    while (this.next < this.tEval.length && this.dir * (this.tEval[this.next] - tNew) <= 0) {
      const te = this.tEval[this.next++];
      if (te === tNew) this.push(te, step.yNew);
      else {
        dense ??= denseOutput(y, step, h);
        this.push(te, dense((te - t) / h));
      }
    }
  }

  /** The output times [N] and states [N, ...shape]. */
  tensors(shape: readonly number[]): { t: Tensor; y: Tensor } {
    const size = shape.reduce((a, b) => a * b, 1);
    const y = new Float64Array(this.values.length * size);
    for (const [i, v] of this.values.entries()) y.set(v, i * size);
    return {
      t: new Tensor(Float64Array.from(this.times), [this.times.length]),
      y: new Tensor(y, [this.values.length, ...shape]),
    };
  }
}
