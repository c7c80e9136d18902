import { type Value, add, mean, mul, reshape, slice, square, sub, sum } from '@liouville/ad';
import { type DType, InvalidArgumentError, type RandomKey, splitKey } from '@liouville/linalg';
import { type ActivationName, type Mlp, type MlpParams, activation, mlp } from '@liouville/nn';
import { type BaselineModel, type HnnModel, baselineModel, hnnModel } from '../learned/fieldModels.js';

/**
 * The pixel pendulum's model as in the HNN reference (nn_models.MLPAutoencoder, hnn.PixelHNN,
 * experiment-pixels/train.py): an MLP autoencoder 2·784 → 200 → 200 → 200 → 2 → 200 → 200 → 200 →
 * 2·784 whose second and third hidden layers add their input back (h ← h + σ(Wh + b)), orthogonal
 * weights; its 2-dimensional latent z = (w, ẇ) is the phase space of an HNN (2 → 200 → 200 → 2,
 * tanh), or, for the baseline, of an MLP that predicts the latent step directly.
 */

/** Options of `pixelModel` (defaults: the reference's). */
export interface PixelModelOptions {
  readonly kind: 'hnn' | 'baseline';
  readonly inputDim?: number;
  readonly hiddenDim?: number;
  /** The autoencoder's activation: the reference's training script passes 'relu'. */
  readonly autoencoderActivation?: ActivationName;
  readonly dtype?: DType;
}

/** Parameters: the encoder's and decoder's four layers each, and the latent model's. */
export interface PixelParams {
  readonly encoder: readonly MlpParams[];
  readonly decoder: readonly MlpParams[];
  readonly dynamics: MlpParams;
}

/** The parameters as a record of records (the parameter-file tree). */
export type PixelParamTree = { encoder: MlpParams[]; decoder: MlpParams[]; dynamics: MlpParams };

/** The autoencoder with its latent dynamics, and the loss of the reference. */
export interface PixelModel {
  readonly options: Required<PixelModelOptions>;
  /** The latent model: an HNN on z = (w, ẇ), or the baseline MLP. */
  readonly dynamics: HnnModel | BaselineModel;
  init(key: RandomKey): PixelParamTree;
  encode(params: Readonly<PixelParams>, x: Value): Value;
  decode(params: Readonly<PixelParams>, z: Value): Value;
  /**
   * The loss of each row [B]: the reconstruction error mean((x − x̂)²), plus the canonical-
   * coordinate loss (ẇ − (w_next − w))² that makes the latent look like (angle, velocity), plus
   * 0.1 × the latent step loss mean((z_next − (z + f(z)))²), f the latent field.
   */
  rowLoss(params: Readonly<PixelParams>, x: Value, xNext: Value): Value;
}

/** One dense layer (an MLP of one layer: x W + b, no activation). */
function dense(inputs: number, outputs: number, dtype: DType): Mlp {
  return mlp({ sizes: [inputs, outputs], finalBias: true, init: 'orthogonal', dtype });
}

/** Three layers σ(W₁x), h + σ(W₂h), h + σ(W₃h), then the linear fourth: the reference's residual stack. */
function stack4(
  layers: readonly Mlp[],
  params: readonly MlpParams<Value>[],
  sigma: (x: Value) => Value,
  x: Value,
): Value {
  let h = sigma(layers[0].apply(params[0], x));
  h = add(h, sigma(layers[1].apply(params[1], h)));
  h = add(h, sigma(layers[2].apply(params[2], h)));
  return layers[3].apply(params[3], h);
}

/** Column c of rows z [B, 2] as [B]. */
function column(z: Value, c: number): Value {
  const rows = z.shape[0];
  return reshape(slice(z, [0, c], [rows, c + 1]), [rows]);
}

/** The pixel pendulum's autoencoder and latent model (see the module comment). */
export function pixelModel(options: PixelModelOptions): PixelModel {
  if (options?.kind !== 'hnn' && options?.kind !== 'baseline') {
    throw new InvalidArgumentError('pixelModel: kind', "'hnn' or 'baseline'", options?.kind);
  }
  const o: Required<PixelModelOptions> = {
    kind: options.kind,
    inputDim: options.inputDim ?? 2 * 28 * 28,
    hiddenDim: options.hiddenDim ?? 200,
    autoencoderActivation: options.autoencoderActivation ?? 'relu',
    dtype: options.dtype ?? 'float32',
  };
  const [D, H] = [o.inputDim, o.hiddenDim];
  const encoder = [dense(D, H, o.dtype), dense(H, H, o.dtype), dense(H, H, o.dtype), dense(H, 2, o.dtype)];
  const decoder = [dense(2, H, o.dtype), dense(H, H, o.dtype), dense(H, H, o.dtype), dense(H, D, o.dtype)];
  const latent = { inputDim: 2, hiddenDim: H, dtype: o.dtype };
  const dynamics = o.kind === 'hnn' ? hnnModel(latent) : baselineModel(latent);
  const sigma = activation(o.autoencoderActivation);
  const encode = (p: Readonly<PixelParams>, x: Value) => stack4(encoder, p.encoder, sigma, x);
  const decode = (p: Readonly<PixelParams>, z: Value) => stack4(decoder, p.decoder, sigma, z);
  return {
    options: o,
    dynamics,
    init: (key) => {
      const keys = splitKey(key, 9);
      return {
        encoder: encoder.map((layer, i) => layer.init(keys[i])),
        decoder: decoder.map((layer, i) => layer.init(keys[4 + i])),
        dynamics: dynamics.init(keys[8]),
      };
    },
    encode,
    decode,
    rowLoss: (p, x, xNext) => {
      const z = encode(p, x);
      const zNext = encode(p, xNext);
      const reconstruction = mean(square(sub(x, decode(p, z))), -1);
      const step = add(z, dynamics.timeDerivative(p.dynamics, z));
      const latentStep = mean(square(sub(zNext, step)), -1);
      const [w, dw, wNext] = [column(z, 0), column(z, 1), column(zNext, 0)];
      const canonical = square(sub(dw, sub(wNext, w)));
      return add(add(reconstruction, canonical), mul(0.1, latentStep));
    },
  };
}

/** The mean of the rows' losses: what training minimises. */
export function pixelLoss(model: PixelModel, params: Readonly<PixelParams>, x: Value, xNext: Value): Value {
  const rows = model.rowLoss(params, x, xNext);
  return mul(1 / rows.shape[0], sum(rows));
}
