import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../data/random';
import { fastOrthogonal } from './orthogonal';
import {
  assertBoolean,
  assertInteger,
  assertNumber,
  assertOneOf,
  assertOptions,
  assertTask,
} from '../internal/assert';
import { assertWithin, MAX_MODEL_WEIGHTS, MAX_TENSOR_VALUES } from '../internal/limits';
import { setEchoTask, type EchoRepresentation, type EchoTask } from './echoTask';

/**
 * How an LSTM's input, forget and output gates squash their pre-activations: `'hardSigmoid'`
 * (`clip(0.2 z + 0.5, 0, 1)`, tfjs's and Keras 2's default, the walkthrough's) or `'sigmoid'`
 * (`1 / (1 + e^-z)`, Keras 3's and PyTorch's).
 */
export type RecurrentActivation = 'hardSigmoid' | 'sigmoid';

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
  /**
   * What the model learns to answer for each window: `'echo'` (its oldest `nOut` items, the
   * walkthrough) or `'reverse'` (the same items, newest first). Recorded on the model (and
   * saved with it), so {@link trainEcho}, {@link evaluateEcho} and {@link predictEcho} frame
   * the targets accordingly. Default `'echo'`.
   */
  task?: EchoTask | undefined;
  /**
   * The LSTM gates' activation; see {@link RecurrentActivation}. Default `'hardSigmoid'` (the
   * walkthrough's).
   */
  recurrentActivation?: RecurrentActivation | undefined;
}

/**
 * The input options of the walkthrough's two factories, beyond {@link CommonModelOptions}: the
 * walkthrough's first two extensions.
 */
export interface InputOptions {
  /**
   * `'one-hot'` (the walkthrough): a row of `nUnique` per item in, a softmax per item out,
   * categorical cross-entropy. `'linear'`: one number per item, `id / (nUnique - 1)`, a linear
   * regression output per item, mean squared error; predictions are rescaled and rounded.
   * Default `'one-hot'`.
   */
  representation?: EchoRepresentation | undefined;
  /**
   * `true`: a `Masking` layer first, so the model is trained and evaluated on padded framing
   * (one window per item, the incomplete first windows padded with all-zero rows it skips)
   * instead of dropping the incomplete windows. Needs `'one-hot'`. Default `false`.
   */
  masking?: boolean | undefined;
}

/** Every key of {@link CommonModelOptions}, for the factories' unknown-key lists. */
export const COMMON_MODEL_KEYS = [
  'nIn',
  'nUnique',
  'stateful',
  'learningRate',
  'seed',
  'task',
  'recurrentActivation',
] as const satisfies readonly (keyof CommonModelOptions)[];

/** Every key of {@link InputOptions}. */
export const INPUT_KEYS = [
  'representation',
  'masking',
] as const satisfies readonly (keyof InputOptions)[];

/** The checked, defaulted form of {@link CommonModelOptions} plus the factory's own sizes. */
export interface ResolvedModelOptions {
  nIn: number;
  nUnique: number;
  units: number;
  batchSize: number;
  stateful: boolean;
  learningRate: number;
  seed: number | undefined;
  task: EchoTask;
  representation: EchoRepresentation;
  masking: boolean;
  recurrentActivation: RecurrentActivation;
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
    task = 'echo',
    recurrentActivation = 'hardSigmoid',
  } = (options ?? {}) as CommonModelOptions & { units?: number; batchSize?: number };
  assertInteger(fn, 'options.nIn', nIn, { min: 1, max: 100_000 });
  assertInteger(fn, 'options.nUnique', nUnique, { min: 2, max: 1_000_000 });
  assertInteger(fn, 'options.units', units, { min: 1, max: 100_000 });
  assertInteger(fn, 'options.batchSize', batchSize, { min: 1, max: 1_000_000 });
  assertBoolean(fn, 'options.stateful', stateful);
  assertNumber(fn, 'options.learningRate', learningRate, { min: 0, max: 10, minExclusive: true });
  if (seed !== undefined) assertInteger(fn, 'options.seed', seed);
  assertTask(fn, 'options.task', task);
  assertOneOf(
    fn,
    'options.recurrentActivation',
    recurrentActivation as unknown,
    RECURRENT_ACTIVATIONS,
  );
  // Weights: the first LSTM reads one-hot rows, a second reads the first's outputs, the head.
  const weights =
    lstmWeights(nUnique, units) +
    (defaults.lstmLayers - 1) * lstmWeights(units, units) +
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
  return {
    nIn,
    nUnique,
    units,
    batchSize,
    stateful,
    learningRate,
    seed,
    task,
    representation: 'one-hot',
    masking: false,
    recurrentActivation,
  };
}

/**
 * The weights of an LSTM layer that reads `inputs` values per step: the four gates' kernels,
 * recurrent kernels and biases. For the factories' weight-count limit.
 */
export function lstmWeights(inputs: number, units: number): number {
  return 4 * units * (inputs + units + 1);
}

/** The values of {@link RecurrentActivation}. */
export const RECURRENT_ACTIVATIONS = ['hardSigmoid', 'sigmoid'] as const;

/**
 * {@link resolveModelOptions} plus the {@link InputOptions} of `buildSeq2Seq` and
 * `buildEncoderDecoder`; throws for masking with the linear representation.
 */
export function resolveEchoModelOptions(
  fn: string,
  options: unknown,
  defaults: { units: number; batchSize: number; lstmLayers: 1 | 2 },
): ResolvedModelOptions {
  const o = resolveModelOptions(fn, options, defaults);
  const { representation = 'one-hot', masking = false } = (options ?? {}) as InputOptions;
  assertOneOf(
    fn,
    'options.representation',
    representation as unknown,
    ['one-hot', 'linear'] as const,
  );
  assertBoolean(fn, 'options.masking', masking);
  if (masking && representation === 'linear') {
    throw new RangeError(
      `${fn}: options.masking must be false with options.representation 'linear' (a regression target has no value to leave out of the loss, so padded windows would be trained as data; use 'one-hot' to mask), but received true`,
    );
  }
  return { ...o, representation, masking };
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

/** The input-shape argument of a model's first layer: one-hot rows, or one value per step. */
export function inputShapeArgs(
  o: ResolvedModelOptions,
): { batchInputShape: [number, number, number] } | { inputShape: [number, number] } {
  const width = o.representation === 'linear' ? 1 : o.nUnique;
  return o.stateful
    ? { batchInputShape: [o.batchSize, o.nIn, width] }
    : { inputShape: [o.nIn, width] };
}

/**
 * The first layers of a factory's model: a `Masking` layer holding the input shape when the
 * model masks padding, and the input-shape argument for the first LSTM otherwise.
 */
export function inputLayers(o: ResolvedModelOptions): {
  layers: tf.layers.Layer[];
  firstArgs: ReturnType<typeof inputShapeArgs> | Record<string, never>;
} {
  if (!o.masking) return { layers: [], firstArgs: inputShapeArgs(o) };
  // An all-zero row is padding: one-hot encoding never makes one.
  return { layers: [tf.layers.masking({ maskValue: 0, ...inputShapeArgs(o) })], firstArgs: {} };
}

/**
 * An LSTM as every factory builds it: the options' units and statefulness, Keras's
 * initialisers for the `index`-th weighted layer (seeded), and Keras's `unitForgetBias`
 * (the walkthrough's; tfjs's default is false). `extra` adds the layer's own settings
 * (`returnSequences`, the input shape of a first layer).
 */
export function echoLstm(
  o: Pick<ResolvedModelOptions, 'units' | 'stateful' | 'recurrentActivation' | 'seed'>,
  index: number,
  extra: Omit<Parameters<typeof tf.layers.lstm>[0], 'units'> = {},
): tf.layers.Layer {
  return tf.layers.lstm({
    units: o.units,
    stateful: o.stateful,
    recurrentActivation: o.recurrentActivation,
    unitForgetBias: true,
    ...extra,
    ...layerInitializers(o.seed, index),
  });
}

/**
 * Runs a model's `build` inside a `tf.tidy` and returns what it built: tfjs's LSTM leaves the
 * temporary tensors of its initialisers behind (4 per layer with `unitForgetBias`). The
 * weights are variables and the LSTM keeps its states, so both survive the tidy.
 */
export function buildInTidy<T>(build: () => T): T {
  let built: { value: T } | undefined;
  tf.tidy(() => {
    built = { value: build() };
  });
  return built!.value;
}

/** A sequential model from `layers()`, built by {@link buildInTidy}. */
export function buildSequential(layers: () => tf.layers.Layer[]): tf.Sequential {
  return buildInTidy(() => {
    const model = tf.sequential();
    for (const layer of layers()) model.add(layer);
    return model;
  });
}

/**
 * The output head at every step: a softmax over the vocabulary, as in the walkthrough, or one
 * linear regression output for the `'linear'` representation.
 */
export function outputHead(o: ResolvedModelOptions, index: number): tf.layers.Layer {
  const { kernelInitializer } = layerInitializers(o.seed, index);
  const linear = o.representation === 'linear';
  return tf.layers.timeDistributed({
    layer: tf.layers.dense({
      units: linear ? 1 : o.nUnique,
      activation: linear ? 'linear' : 'softmax',
      kernelInitializer,
    }),
  });
}

/**
 * The training accuracy of a linear model: the fraction of items whose prediction, rescaled
 * and rounded, is the target integer. Named `acc` so it reads like tfjs's accuracy metric.
 */
function linearAccuracy(nUnique: number): (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor {
  const metric = (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor =>
    tf.tidy(() =>
      tf.equal(yTrue.mul(nUnique - 1).round(), yPred.mul(nUnique - 1).round()).asType('float32'),
    );
  Object.defineProperty(metric, 'name', { value: 'acc' });
  return metric;
}

/**
 * Compiles with the walkthrough's loss, optimiser and metric (categorical cross-entropy, Adam,
 * accuracy), or for the `'linear'` representation mean squared error, Adam and the rounded
 * accuracy.
 */
export function compileEcho(
  model: tf.LayersModel,
  o: { learningRate: number; representation: EchoRepresentation; nUnique: number },
): void {
  const linear = o.representation === 'linear';
  model.compile({
    loss: linear ? 'meanSquaredError' : 'categoricalCrossentropy',
    optimizer: tf.train.adam(o.learningRate),
    metrics: [linear ? linearAccuracy(o.nUnique) : 'accuracy'],
  });
}

/** Records the model's task and representation on it (see `echoTask.ts`). */
export function recordTask(model: tf.LayersModel, o: ResolvedModelOptions): void {
  setEchoTask(model, { task: o.task, representation: o.representation, nUnique: o.nUnique });
}
