import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../data/random';
import { fastOrthogonal } from './orthogonal';
import { assertBoolean, assertInteger, assertNumber, assertOptions } from '../internal/assert';
import { assertWithin, MAX_MODEL_WEIGHTS, MAX_TENSOR_VALUES } from '../internal/limits';

/** Options every model factory shares. */
export interface CommonModelOptions {
  /** Time steps per input window. Default `5`. */
  nIn?: number | undefined;
  /** Vocabulary size: integers in `[0, nUnique)`, one-hot width. Default `100`. */
  nUnique?: number | undefined;
  /**
   * `true` (the walkthrough): LSTM state carries from one batch to the next until
   * `resetStates()`, and the batch size is fixed at `batchSize`. `false`: state is reset for
   * every batch and the batch dimension is free. Default `true`.
   */
  stateful?: boolean | undefined;
  /** Adam learning rate. Default `0.001`, Keras's and the walkthrough's. */
  learningRate?: number | undefined;
  /**
   * Seed for the initial weights: the same seed builds the same weights. Any integer.
   * Default: none (tfjs draws them unseeded).
   */
  seed?: number | undefined;
}

/** The checked, defaulted form of {@link CommonModelOptions} plus the factory's own sizes. */
export interface ResolvedModelOptions {
  nIn: number;
  nUnique: number;
  units: number;
  batchSize: number;
  stateful: boolean;
  learningRate: number;
  seed: number | undefined;
}

/** Checks the options all factories share; throws before any tensor is made. */
export function resolveModelOptions(
  fn: string,
  options: unknown,
  defaults: { units: number; batchSize: number; lstmLayers: 1 | 2 },
): ResolvedModelOptions {
  assertOptions(fn, 'options', options);
  const {
    nIn = 5,
    nUnique = 100,
    units = defaults.units,
    batchSize = defaults.batchSize,
    stateful = true,
    learningRate = 0.001,
    seed,
  } = (options ?? {}) as CommonModelOptions & { units?: number; batchSize?: number };
  assertInteger(fn, 'options.nIn', nIn, { min: 1, max: 100_000 });
  assertInteger(fn, 'options.nUnique', nUnique, { min: 2, max: 1_000_000 });
  assertInteger(fn, 'options.units', units, { min: 1, max: 100_000 });
  assertInteger(fn, 'options.batchSize', batchSize, { min: 1, max: 1_000_000 });
  assertBoolean(fn, 'options.stateful', stateful);
  assertNumber(fn, 'options.learningRate', learningRate, { min: 0, max: 10, minExclusive: true });
  if (seed !== undefined) assertInteger(fn, 'options.seed', seed);
  // Weights: the first LSTM reads one-hot rows, a second reads the first's outputs, the head.
  const weights =
    4 * units * (nUnique + units + 1) +
    (defaults.lstmLayers - 1) * 4 * units * (2 * units + 1) +
    units * nUnique +
    nUnique;
  assertWithin(fn, 'options.units', units, weights, MAX_MODEL_WEIGHTS, 'the weight count');
  assertWithin(
    fn,
    'options.batchSize',
    batchSize,
    batchSize * nIn * nUnique,
    MAX_TENSOR_VALUES,
    "a batch's one-hot values (batchSize x nIn x nUnique)",
  );
  return { nIn, nUnique, units, batchSize, stateful, learningRate, seed };
}

type Initializer = ReturnType<typeof tf.initializers.glorotUniform>;

/**
 * Initialisers for the `index`-th weighted layer: Keras's defaults, which the walkthrough used
 * (Glorot-uniform kernels, orthogonal recurrent kernels), seeded from `seed` when given. tfjs's
 * own defaults differ (Glorot-normal kernels), so they are always set explicitly. The
 * orthogonal one is computed in plain JavaScript (see {@link fastOrthogonal}): tfjs's tensor
 * QR takes about a minute per 150-unit LSTM on the `cpu` backend.
 */
export function layerInitializers(
  seed: number | undefined,
  index: number,
): { kernelInitializer: Initializer; recurrentInitializer: Initializer } {
  const stream = (k: number) => (seed === undefined ? undefined : deriveSeed(seed, 2 * index + k));
  const kernelSeed = stream(0);
  return {
    kernelInitializer: tf.initializers.glorotUniform(
      kernelSeed === undefined ? {} : { seed: kernelSeed },
    ),
    recurrentInitializer: fastOrthogonal(stream(1)),
  };
}

/** The input-shape argument of a model's first layer. */
export function inputShapeArgs(
  o: ResolvedModelOptions,
): { batchInputShape: [number, number, number] } | { inputShape: [number, number] } {
  return o.stateful
    ? { batchInputShape: [o.batchSize, o.nIn, o.nUnique] }
    : { inputShape: [o.nIn, o.nUnique] };
}

/** Softmax over the vocabulary at every output step, as in the walkthrough. */
export function softmaxHead(o: ResolvedModelOptions, index: number): tf.layers.Layer {
  const { kernelInitializer } = layerInitializers(o.seed, index);
  return tf.layers.timeDistributed({
    layer: tf.layers.dense({
      units: o.nUnique,
      activation: 'softmax',
      kernelInitializer,
    }),
  });
}

/** Compiles with the walkthrough's loss, optimiser and metric. */
export function compileEcho(model: tf.LayersModel, o: ResolvedModelOptions): void {
  model.compile({
    loss: 'categoricalCrossentropy',
    optimizer: tf.train.adam(o.learningRate),
    metrics: ['accuracy'],
  });
}
