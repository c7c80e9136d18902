import { type Value, add, cos, mul, primalTensor, square, sub, sum } from '@liouville/ad';
import * as L from '@liouville/linalg';
import { InvalidArgumentError, NonFiniteError, ShapeError, type Tensor, tensor } from '@liouville/linalg';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { MaxStepsExceededError, StepSizeTooSmallError, dopri5, solveHamiltonian } from '../src/dopri5.js';
import { hamiltonianVectorField } from '../src/phaseSpace.js';
import type { GeneralSystem, SeparableSystem } from '../src/system.js';

const halfSquare = (x: Value): Value => mul(0.5, sum(square(x), -1));

/** The unit harmonic oscillator; exact flow: rotation of (q, p) by angle t. */
const oscillator: SeparableSystem = { kind: 'separable', dim: 1, T: halfSquare, V: halfSquare };

/** The pendulum H = p²/2 + 1 − cos q as a general system. */
const pendulum: GeneralSystem = { kind: 'general', dim: 1, H: (q, p) => add(halfSquare(p), sum(sub(1, cos(q)), -1)) };

/** y' = (p, −q) for y = (q, p) on plain tensors: the oscillator without AD. */
const rotation = (_t: number, y: Tensor): Tensor => tensor([y.data[1], -y.data[0]]);

const decay =
  (rate: number) =>
  (_t: number, y: Tensor): Tensor =>
    L.mul(L.scalar(-rate), y);

const rows = (y: Tensor): number[][] => y.toArray() as number[][];

// Global error of a tolerance-proportional method: each accepted step commits a local error
// ≤ rtol·|y| (the 0.9 safety factor keeps it a little below), and on these problems the local
// errors add up over the run without amplification (decay damps them; the oscillator's rotation
// preserves their size), measured ≤ 4·rtol·|y| over t ≤ 10. The bound 100·rtol·|y| keeps a margin
// for the number of steps while still failing for an order or coefficient mistake (errors ≫ rtol).
const GLOBAL = 100;

describe('dopri5', () => {
  test('meets the relative tolerance on exponential decay, down to rtol = 1e-12', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(1e-6, 1e-8, 1e-10, 1e-12),
        fc.double({ min: 0.1, max: 2, noNaN: true }),
        fc.array(
          fc.double({ min: -5, max: 5, noNaN: true }).filter((v) => Math.abs(v) > 1e-3),
          { minLength: 1, maxLength: 3 },
        ),
        (rtol, rate, y0) => {
          // atol tiny: pure relative control, so the bound is relative at every output time.
          const result = dopri5(decay(rate), [0, 10], tensor(y0), { rtol, atol: 1e-300 });
          const t = Array.from(result.t.data);
          rows(result.y).forEach((y, i) => {
            y.forEach((v, j) => {
              const exact = y0[j] * Math.exp(-rate * t[i]);
              expect(Math.abs(v - exact)).toBeLessThanOrEqual(GLOBAL * rtol * Math.abs(exact));
            });
          });
          expect(t[t.length - 1]).toBe(10);
        },
      ),
      { numRuns: 12 },
    );
  });

  test('meets rtol = 1e-10 on the harmonic oscillator over ten time units', () => {
    const rtol = 1e-10;
    const result = dopri5(rotation, [0, 10], tensor([1, 0]), { rtol, atol: rtol });
    const t = Array.from(result.t.data);
    rows(result.y).forEach(([q, p], i) => {
      // |y| = 1 along the orbit: atol and rtol·|y| are both 1e-10.
      expect(Math.hypot(q - Math.cos(t[i]), p + Math.sin(t[i]))).toBeLessThanOrEqual(GLOBAL * rtol);
    });
  });

  test('reports the solution at exactly the tEval times, by dense output within the tolerance', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 10, noNaN: true }), { minLength: 1, maxLength: 30 }),
        fc.constantFrom(1e-7, 1e-10),
        (times, rtol) => {
          const tEval = [...times].sort((a, b) => a - b);
          const result = dopri5(rotation, [0, 10], tensor([1, 0]), { rtol, atol: rtol, tEval });
          expect(Array.from(result.t.data)).toEqual(tEval);
          expect(result.y.shape).toEqual([tEval.length, 2]);
          // The continuous extension is of order 4 with error O(h⁵) per step, the size of the local
          // error the controller keeps below the tolerance: the same global bound applies.
          rows(result.y).forEach(([q, p], i) => {
            expect(Math.hypot(q - Math.cos(tEval[i]), p + Math.sin(tEval[i]))).toBeLessThanOrEqual(GLOBAL * rtol);
          });
        },
      ),
      { numRuns: 15 },
    );
  });

  test('returns y0 itself at t0 and lands on t1 exactly when both are requested', () => {
    const result = dopri5(decay(1), [0, 2], tensor([3]), { tEval: [0, 1, 2] });
    expect(Array.from(result.t.data)).toEqual([0, 1, 2]);
    expect(result.y.data[0]).toBe(3);
  });

  test('integrates backward in time when t1 < t0', () => {
    const rtol = 1e-10;
    const result = dopri5(decay(1), [1, 0], tensor([1]), { rtol, atol: 1e-300, tEval: [1, 0.5, 0] });
    const expected = [1, Math.exp(0.5), Math.E];
    Array.from(result.y.data).forEach((v, i) => {
      expect(Math.abs(v - expected[i])).toBeLessThanOrEqual(GLOBAL * rtol * expected[i]);
    });
  });

  test('rejects steps on a stiff-ish problem and still meets the tolerance', () => {
    // y' = −λ(y − cos t) with λ = 500: after the transient the step is limited by stability
    // (|hλ| ≲ 3.3), and the controller probes past that limit and gets rejected.
    const lambda = 500;
    const rtol = 1e-6;
    const result = dopri5((t, y) => L.mul(L.scalar(-lambda), L.sub(y, L.scalar(Math.cos(t)))), [0, 2], tensor([0]), {
      rtol,
      atol: 1e-9,
    });
    expect(result.nrejected).toBeGreaterThan(0);
    expect(result.nsteps).toBe(result.naccepted + result.nrejected);
    const t = Array.from(result.t.data);
    const k = lambda * lambda + 1;
    Array.from(result.y.data).forEach((v, i) => {
      const exact =
        ((lambda * lambda) / k) * (Math.cos(t[i]) - Math.exp(-lambda * t[i])) + (lambda / k) * Math.sin(t[i]);
      expect(Math.abs(v - exact)).toBeLessThanOrEqual(GLOBAL * (rtol * Math.abs(exact) + 1e-9));
    });
  });

  test('rejects a first step that is far too large and recovers', () => {
    const result = dopri5(decay(1), [0, 10], tensor([1]), { rtol: 1e-8, firstStep: 5 });
    expect(result.nrejected).toBeGreaterThan(0);
  });

  test('counts one evaluation per stage: 6 per step (FSAL), plus the first and the starting-step probe', () => {
    const chosen = dopri5(decay(1), [0, 10], tensor([1]), { rtol: 1e-8 });
    expect(chosen.nfev).toBe(6 * chosen.nsteps + 2);
    const given = dopri5(decay(1), [0, 10], tensor([1]), { rtol: 1e-8, firstStep: 0.1 });
    expect(given.nfev).toBe(6 * given.nsteps + 1);
  });

  test('throws MaxStepsExceededError naming maxSteps and the time reached', () => {
    let error: unknown;
    try {
      dopri5(decay(1), [0, 10], tensor([1]), { rtol: 1e-10, maxSteps: 5 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MaxStepsExceededError);
    const failure = error as MaxStepsExceededError;
    expect(failure.maxSteps).toBe(5);
    expect(failure.t).toBeGreaterThan(0);
    expect(failure.t).toBeLessThan(10);
    expect(failure.message).toMatch(/maxSteps: 5 steps reached at t = [\d.]+ before the end of tSpan \[0, 10\]/);
  });

  test('throws StepSizeTooSmallError at a finite-time blow-up', () => {
    // y' = y², y(0) = 1 has y = 1/(1 − t): the step size collapses as t → 1.
    expect(() => dopri5((_t, y) => L.mul(y, y), [0, 2], tensor([1]), { rtol: 1e-8 })).toThrow(StepSizeTooSmallError);
  });

  test('rejects invalid tolerances, spans, initial values and options, naming the argument', () => {
    const f = decay(1);
    const y0 = tensor([1]);
    for (const rtol of [0, -1e-6, 1e-16, 2, Number.NaN])
      expect(() => dopri5(f, [0, 1], y0, { rtol })).toThrow(/dopri5: rtol/);
    for (const atol of [0, -1, Number.POSITIVE_INFINITY])
      expect(() => dopri5(f, [0, 1], y0, { atol })).toThrow(/dopri5: atol/);
    for (const tSpan of [
      [0, 0],
      [0, Number.NaN],
      [Number.NEGATIVE_INFINITY, 1],
    ] as [number, number][]) {
      expect(() => dopri5(f, tSpan, y0)).toThrow(/dopri5: tSpan/);
    }
    expect(() => dopri5(f, [0, 1], tensor([1, Number.NaN]))).toThrow(/dopri5: y0/);
    expect(() => dopri5(f, [0, 1], tensor([Number.POSITIVE_INFINITY]))).toThrow(InvalidArgumentError);
    expect(() => dopri5(f, [0, 1], y0, { tEval: [0.5, 0.2] })).toThrow(/dopri5: tEval/);
    expect(() => dopri5(f, [0, 1], y0, { tEval: [1.5] })).toThrow(/dopri5: tEval/);
    expect(() => dopri5(f, [0, 1], y0, { maxSteps: 0 })).toThrow(/dopri5: maxSteps/);
    expect(() => dopri5(f, [0, 1], y0, { firstStep: 2 })).toThrow(/dopri5: firstStep/);
  });

  test('rejects a right-hand side of the wrong shape or with non-finite values', () => {
    expect(() => dopri5(() => tensor([1, 2]), [0, 1], tensor([1]))).toThrow(ShapeError);
    expect(() => dopri5(() => tensor([Number.NaN]), [0, 1], tensor([1]))).toThrow(NonFiniteError);
  });
});

describe('solveHamiltonian', () => {
  test('follows the exact oscillator at rtol = 1e-12 through the AD vector field', () => {
    const rtol = 1e-12;
    const tEval = [0, 2.5, 5, 7.5, 10];
    const result = solveHamiltonian(oscillator, { q: tensor([1]), p: tensor([0]) }, [0, 10], {
      rtol,
      atol: rtol,
      tEval,
    });
    expect(result.q.shape).toEqual([5, 1]);
    const q = result.q.toFlatArray();
    const p = result.p.toFlatArray();
    tEval.forEach((t, i) => {
      expect(Math.hypot(q[i] - Math.cos(t), p[i] + Math.sin(t))).toBeLessThanOrEqual(GLOBAL * rtol);
    });
  });

  test('integrates a batch of pendulum states together, conserving each energy to the tolerance', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: -2, max: 2, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true })), {
          minLength: 1,
          maxLength: 4,
        }),
        (states) => {
          const rtol = 1e-10;
          const q0 = tensor(states.map(([q]) => [q]));
          const p0 = tensor(states.map(([, p]) => [p]));
          const result = solveHamiltonian(pendulum, { q: q0, p: p0 }, [0, 5], { rtol, atol: rtol, tEval: [5] });
          expect(result.q.shape).toEqual([1, states.length, 1]);
          const h0 = L.add(L.mul(L.scalar(0.5), L.square(p0)), L.sub(L.scalar(1), L.cos(q0))).toFlatArray();
          const q = result.q.toFlatArray();
          const p = result.p.toFlatArray();
          // Energy error ≤ |∇H|·|state error|. Here H ≤ 0.5 + 1 − cos 2 < 2, so |p| < 2 and
          // |∇H| = |(sin q, p)| < √5 < 2.3; each component's error is within GLOBAL·(atol + rtol·|y|)
          // with |y| < 2: a state error below GLOBAL·rtol·3·√2.
          const stateError = GLOBAL * rtol * 3 * Math.SQRT2;
          states.forEach((_, b) => {
            expect(Math.abs(0.5 * p[b] ** 2 + 1 - Math.cos(q[b]) - h0[b])).toBeLessThanOrEqual(2.3 * stateError);
          });
        },
      ),
      { numRuns: 5 },
    );
  });

  test('gives the bits of dopri5 on the vector field evaluated as written (it compiles the field after its first calls)', () => {
    fc.assert(
      fc.property(fc.double({ min: -2, max: 2, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }), (q, p) => {
        const start = { q: tensor([q]), p: tensor([p]) };
        const options = { rtol: 1e-10, atol: 1e-10, tEval: [1, 2.5, 5] };
        const field = hamiltonianVectorField(pendulum);
        const asWritten = dopri5((_t, x) => primalTensor(field(x)), [0, 5], tensor([q, p]), options);
        const solved = solveHamiltonian(pendulum, start, [0, 5], options);
        expect(solved.nfev).toBe(asWritten.nfev);
        expect(solved.nfev).toBeGreaterThan(16); // so most evaluations ran compiled
        // toEqual compares numbers with Object.is: the same bits.
        const rowsOf = rows(asWritten.y);
        expect(solved.q.toFlatArray()).toEqual(rowsOf.map((r) => r[0]));
        expect(solved.p.toFlatArray()).toEqual(rowsOf.map((r) => r[1]));
      }),
      { numRuns: 5 },
    );
  });
});
