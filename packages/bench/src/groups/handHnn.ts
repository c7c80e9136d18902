// A Hamiltonian Neural Network training step derived by hand and written as plain loops over
// Float64Array: the in-run baseline of the hnn-step group. It computes exactly what Liouville's
// hnnModel({ inputDim }) + fieldLoss + adam compute (Greydanus, Dzamba & Yosinski 2019): a
// network F: ℝᴰ → ℝ² (tanh, two hidden layers, no output bias) whose second output is H; the
// field f = ∇ₓH·Mᵀ with M = J, i.e. (∂H/∂p, −∂H/∂q) for D = 2; the loss mean((f − y)²); its
// gradient with respect to every parameter (a second derivative of the network, derived below);
// and one Adam update (Kingma & Ba 2015, in PyTorch's arrangement, as @liouville/nn's adam).
//
// Notation (row b of the batch, hidden units k and m, inputs i):
//   z1 = x·W0 + b0, h1 = tanh z1, s1 = 1 − h1²;  z2 = h1·W1 + b1, h2 = tanh z2, s2 = 1 − h2²;
//   H = h2·w with w = W2[:, 1].
// Input gradient (reverse through the layers):
//   g2 = w ⊙ s2 (= ∂H/∂z2),  gh1 = g2·W1ᵀ,  g1 = gh1 ⊙ s1 (= ∂H/∂z1),  gx = g1·W0ᵀ (= ∂H/∂x).
// Loss: f = (gx₁, −gx₀) for D = 2 (in general f_j = Σ_i gx_i M_ji), L = Σ (f − y)² / (B·D).
// Backward, with u = ∂L/∂gx:
//   ∂W0 += uᵀ·g1,  a1 = u·W0 (= ∂L/∂g1),  ∂gh1 = a1 ⊙ s1,  ∂h1 = −2 h1 ⊙ a1 ⊙ gh1 (through s1),
//   ∂W1 += ∂gh1ᵀ·g2,  ∂g2 = ∂gh1·W1,  ∂w = Σ_b ∂g2 ⊙ s2,  ∂h2 = −2 h2 ⊙ ∂g2 ⊙ w (through s2),
//   ∂z2 = ∂h2 ⊙ s2,  ∂W1 += h1ᵀ·∂z2,  ∂b1 = Σ_b ∂z2,  ∂h1 += ∂z2·W1ᵀ,
//   ∂z1 = ∂h1 ⊙ s1,  ∂W0 += xᵀ·∂z1,  ∂b0 = Σ_b ∂z1.

/** The parameters of the network (or their gradients), row-major, as @liouville/nn's mlp lays them out. */
export interface HnnArrays {
  /** [D, K] */
  W0: Float64Array;
  /** [K] */
  b0: Float64Array;
  /** [K, K] */
  W1: Float64Array;
  /** [K] */
  b1: Float64Array;
  /** [K, 2]: column 1 is w, the weights of H; column 0 (the unused first output) gets a zero gradient. */
  W2: Float64Array;
}

/** Adam's hyperparameters (PyTorch's defaults, as adam() in @liouville/nn). */
export interface HandAdamOptions {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
}

/** Everything one step needs: data, parameters, gradients, Adam moments and scratch buffers. */
export interface HandHnn {
  readonly batch: number;
  readonly inputDim: number;
  readonly hidden: number;
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** M of the solenoidal field f = ∇H·Mᵀ, [D, D]. */
  readonly M: Float64Array;
  readonly params: HnnArrays;
  readonly grads: HnnArrays;
  readonly m: HnnArrays;
  readonly v: HnnArrays;
  step: number;
  readonly adam: HandAdamOptions;
  readonly scratch: Record<'h1' | 'h2' | 'g2' | 'gh1' | 'g1' | 'a' | 'b' | 'c', Float64Array>;
  readonly u: Float64Array;
}

const KEYS = ['W0', 'b0', 'W1', 'b1', 'W2'] as const;

function zerosLike(p: HnnArrays): HnnArrays {
  return {
    W0: new Float64Array(p.W0.length),
    b0: new Float64Array(p.b0.length),
    W1: new Float64Array(p.W1.length),
    b1: new Float64Array(p.b1.length),
    W2: new Float64Array(p.W2.length),
  };
}

/** The canonical J = [[0, I], [−I, 0]] of size D (M of the HNN in canonical coordinates). */
function canonicalJ(d: number): Float64Array {
  const M = new Float64Array(d * d);
  const n = d / 2;
  for (let i = 0; i < n; i++) {
    M[i * d + n + i] = 1;
    M[(n + i) * d + i] = -1;
  }
  return M;
}

/** A hand-written HNN over copies of the given parameters, inputs x [B, D] and targets y [B, D]. */
export function handHnn(
  params: Readonly<Record<(typeof KEYS)[number], Float64Array>>,
  x: Float64Array,
  y: Float64Array,
  inputDim: number,
  adam: HandAdamOptions = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
): HandHnn {
  const hidden = params.b0.length;
  const batch = x.length / inputDim;
  const copy: HnnArrays = {
    W0: Float64Array.from(params.W0),
    b0: Float64Array.from(params.b0),
    W1: Float64Array.from(params.W1),
    b1: Float64Array.from(params.b1),
    W2: Float64Array.from(params.W2),
  };
  const buffer = () => new Float64Array(batch * hidden);
  return {
    batch,
    inputDim,
    hidden,
    x,
    y,
    M: canonicalJ(inputDim),
    params: copy,
    grads: zerosLike(copy),
    m: zerosLike(copy),
    v: zerosLike(copy),
    step: 0,
    adam,
    scratch: {
      h1: buffer(),
      h2: buffer(),
      g2: buffer(),
      gh1: buffer(),
      g1: buffer(),
      a: buffer(),
      b: buffer(),
      c: buffer(),
    },
    u: new Float64Array(batch * inputDim),
  };
}

/** out[b, :] = bias + inp[b, :]·W for inp [B, n], W [n, K]: the i-k-j loop, streaming rows of W. */
function affine(
  inp: Float64Array,
  W: Float64Array,
  bias: Float64Array,
  out: Float64Array,
  B: number,
  n: number,
  K: number,
): void {
  for (let b = 0; b < B; b++) {
    const o = b * K;
    for (let m = 0; m < K; m++) out[o + m] = bias[m];
    for (let k = 0; k < n; k++) {
      const s = inp[b * n + k];
      const w = k * K;
      for (let m = 0; m < K; m++) out[o + m] += s * W[w + m];
    }
  }
}

/** out[b, k] = Σ_m inp[b, m]·W[k, m] for inp [B, K], W [n, K]: a product with Wᵀ as row dot products. */
function timesTransposed(inp: Float64Array, W: Float64Array, out: Float64Array, B: number, K: number, n: number): void {
  for (let b = 0; b < B; b++) {
    const r = b * K;
    for (let k = 0; k < n; k++) {
      const w = k * K;
      let acc = 0;
      for (let m = 0; m < K; m++) acc += inp[r + m] * W[w + m];
      out[b * n + k] = acc;
    }
  }
}

/** G[k, m] += Σ_b left[b, k]·right[b, m] for left [B, n], right [B, K]: outer products summed over rows. */
function accumulateOuter(
  left: Float64Array,
  right: Float64Array,
  G: Float64Array,
  B: number,
  n: number,
  K: number,
): void {
  for (let b = 0; b < B; b++) {
    const r = b * K;
    for (let k = 0; k < n; k++) {
      const s = left[b * n + k];
      const g = k * K;
      for (let m = 0; m < K; m++) G[g + m] += s * right[r + m];
    }
  }
}

/** Forward pass and input gradient; leaves h1, h2, g2 = ∂H/∂z2, gh1, g1 = ∂H/∂z1 in scratch and u = ∂L/∂gx; returns L. */
function forwardAndInputGradient(h: HandHnn): number {
  const { batch: B, inputDim: D, hidden: K, x, y, M, params: P, u } = h;
  const { h1, h2, g2, gh1, g1 } = h.scratch;
  affine(x, P.W0, P.b0, h1, B, D, K);
  for (let j = 0; j < B * K; j++) h1[j] = Math.tanh(h1[j]);
  affine(h1, P.W1, P.b1, h2, B, K, K);
  for (let j = 0; j < B * K; j++) h2[j] = Math.tanh(h2[j]);
  for (let b = 0; b < B; b++) {
    for (let m = 0; m < K; m++) g2[b * K + m] = P.W2[m * 2 + 1] * (1 - h2[b * K + m] * h2[b * K + m]);
  }
  timesTransposed(g2, P.W1, gh1, B, K, K);
  for (let j = 0; j < B * K; j++) g1[j] = gh1[j] * (1 - h1[j] * h1[j]);
  const gx = new Float64Array(D);
  let loss = 0;
  const scale = 2 / (B * D);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < D; i++) {
      let acc = 0;
      for (let k = 0; k < K; k++) acc += g1[b * K + k] * P.W0[i * K + k];
      gx[i] = acc;
    }
    // f_j = Σ_i gx_i M_ji; u_i = ∂L/∂gx_i = Σ_j (2/(B·D))(f_j − y_j) M_ji.
    for (let i = 0; i < D; i++) u[b * D + i] = 0;
    for (let j = 0; j < D; j++) {
      let f = 0;
      for (let i = 0; i < D; i++) f += gx[i] * M[j * D + i];
      const e = f - y[b * D + j];
      loss += e * e;
      for (let i = 0; i < D; i++) u[b * D + i] += scale * e * M[j * D + i];
    }
  }
  return loss / (B * D);
}

/** The loss and its gradient with respect to every parameter, written into `h.grads`. */
export function handLossAndGrad(h: HandHnn): number {
  const loss = forwardAndInputGradient(h);
  const { batch: B, inputDim: D, hidden: K, x, params: P, grads: G, u } = h;
  const { h1, h2, g2, gh1, g1, a, b: dg2, c: dh1 } = h.scratch;
  for (const key of KEYS) G[key].fill(0);
  accumulateOuter(u, g1, G.W0, B, D, K); // ∂W0 += uᵀ·g1 (from gx = g1·W0ᵀ)
  affine(u, P.W0, new Float64Array(K), a, B, D, K); // a1 = u·W0
  for (let j = 0; j < B * K; j++) {
    dh1[j] = -2 * h1[j] * a[j] * gh1[j]; // through s1 = 1 − h1²
    a[j] *= 1 - h1[j] * h1[j]; // a now holds ∂gh1 = a1 ⊙ s1
  }
  accumulateOuter(a, g2, G.W1, B, K, K); // ∂W1 += ∂gh1ᵀ·g2 (from gh1 = g2·W1ᵀ)
  affine(a, P.W1, new Float64Array(K), dg2, B, K, K); // ∂g2 = ∂gh1·W1
  for (let b = 0; b < B; b++) {
    for (let m = 0; m < K; m++) {
      const j = b * K + m;
      const s2 = 1 - h2[j] * h2[j];
      G.W2[m * 2 + 1] += dg2[j] * s2; // ∂w (from g2 = w ⊙ s2)
      dg2[j] = -2 * h2[j] * dg2[j] * P.W2[m * 2 + 1] * s2; // ∂z2 = (∂h2 through s2) ⊙ s2
    }
  }
  accumulateOuter(h1, dg2, G.W1, B, K, K); // ∂W1 += h1ᵀ·∂z2
  columnSums(dg2, G.b1, B, K);
  timesTransposed(dg2, P.W1, a, B, K, K); // ∂z2·W1ᵀ
  for (let j = 0; j < B * K; j++) dh1[j] = (dh1[j] + a[j]) * (1 - h1[j] * h1[j]); // ∂z1
  accumulateOuter(x, dh1, G.W0, B, D, K); // ∂W0 += xᵀ·∂z1
  columnSums(dh1, G.b0, B, K);
  return loss;
}

function columnSums(rows: Float64Array, out: Float64Array, B: number, K: number): void {
  out.fill(0);
  for (let b = 0; b < B; b++) for (let m = 0; m < K; m++) out[m] += rows[b * K + m];
}

/** One Adam update of every parameter in place from `h.grads`, as torch.optim.Adam (and @liouville/nn's adam). */
export function handAdamUpdate(h: HandHnn): void {
  h.step += 1;
  const { lr, beta1, beta2, eps } = h.adam;
  const stepSize = lr / (1 - beta1 ** h.step);
  const sqrtCorrection2 = Math.sqrt(1 - beta2 ** h.step);
  for (const key of KEYS) {
    const p = h.params[key];
    const g = h.grads[key];
    const m = h.m[key];
    const v = h.v[key];
    for (let j = 0; j < p.length; j++) {
      m[j] = beta1 * m[j] + (1 - beta1) * g[j];
      v[j] = beta2 * v[j] + (1 - beta2) * g[j] * g[j];
      p[j] -= (stepSize * m[j]) / (Math.sqrt(v[j]) / sqrtCorrection2 + eps);
    }
  }
}

/** One training step: loss, parameter gradient, Adam update. Returns the loss before the update. */
export function handHnnStep(h: HandHnn): number {
  const loss = handLossAndGrad(h);
  handAdamUpdate(h);
  return loss;
}
