import * as tf from '@tensorflow/tfjs';
import {
  assertInteger,
  assertNumber,
  assertOneOf,
  assertOptions,
  message,
  assertKnownKeys,
  optionKeys,
  assertTask,
} from '../internal/assert';
import { assertWithin, MAX_MODEL_WEIGHTS, MAX_TENSOR_VALUES } from '../internal/limits';
import { assertNotTraining } from '../internal/modelLock';
import {
  buildInTidy,
  echoLstm,
  layerInitializers,
  lstmWeights,
  RECURRENT_ACTIVATIONS,
  type RecurrentActivation,
} from './common';
import type { EchoTask } from './echoTask';

/** Options of {@link buildTeacherForcing}; all optional. */
export interface TeacherForcingOptions {
  /**
   * The longest input sequence, in items; the encoder reads every input padded to this length
   * and the decoder runs for `maxLength + 1` steps (the items, then END). Default `8`.
   */
  maxLength?: number | undefined;
  /** Vocabulary size: items are integers in `[0, nUnique)`. Default `20`. */
  nUnique?: number | undefined;
  /** Hidden units of the encoder LSTM and of the decoder LSTM. Default `128`. */
  units?: number | undefined;
  /** Adam learning rate of the training model. Default `0.005`. */
  learningRate?: number | undefined;
  /**
   * What the decoder must answer: `'echo'` (the items in order) or `'reverse'` (newest first),
   * then END. Default `'echo'`.
   */
  task?: EchoTask | undefined;
  /** The LSTMs' gate activation; see {@link RecurrentActivation}. Default `'hardSigmoid'`. */
  recurrentActivation?: RecurrentActivation | undefined;
  /** Seed for the initial weights: the same seed builds the same weights. Default: none. */
  seed?: number | undefined;
}

/** Every key of {@link TeacherForcingOptions}, for the unknown-key check. */
const TEACHER_FORCING_KEYS = optionKeys<TeacherForcingOptions>()([
  'maxLength',
  'nUnique',
  'units',
  'learningRate',
  'task',
  'seed',
  'recurrentActivation',
]);

/**
 * An encoder-decoder trained with teacher forcing, as three `tf.LayersModel`s that share one
 * set of weights (changing a weight through one changes it in the others).
 *
 * Token ids: input items are `0 .. nUnique - 1`. The decoder's input vocabulary is the items
 * plus START (id `nUnique`); its output vocabulary is the items plus END (also id `nUnique`, in
 * the output vocabulary). Both are `nUnique + 1` wide, and neither wastes a unit on a token
 * that can never occur on its side (START is never predicted, END never fed back).
 */
export interface TeacherForcingModels {
  /**
   * The model that is trained: inputs `[encoderInput, decoderInput]` of shapes
   * `[batch, maxLength, nUnique]` (one-hot items, padded with all-zero rows, which are masked)
   * and `[batch, maxLength + 1, nUnique + 1]` (START then the target items, one-hot, padded with
   * zero rows); output `[batch, maxLength + 1, nUnique + 1]`, a softmax per decoder step.
   * Compiled with categorical cross-entropy and Adam.
   */
  readonly training: tf.LayersModel;
  /** Encoder input `[batch, maxLength, nUnique]` -> the encoder LSTM's final `[h, c]`, each `[batch, units]`. */
  readonly encoder: tf.LayersModel;
  /**
   * One decoder step: inputs `[token, h, c]` (`[batch, 1, nUnique + 1]`, `[batch, units]` twice)
   * -> `[probabilities, h, c]` (`[batch, 1, nUnique + 1]`, then the new states).
   */
  readonly decoder: tf.LayersModel;
  /** The longest input sequence. */
  readonly maxLength: number;
  /** Items are integers in `[0, nUnique)`. */
  readonly nUnique: number;
  /** LSTM units of the encoder and the decoder. */
  readonly units: number;
  /** The task the models are built for (it decides the training targets). */
  readonly task: EchoTask;
  /** The START token's id in the decoder's input vocabulary: `nUnique`. */
  readonly startId: number;
  /** The END token's id in the decoder's output vocabulary: `nUnique`. */
  readonly endId: number;
  /** Whether {@link TeacherForcingModels.dispose} has run. */
  readonly disposed: boolean;
  /**
   * Frees every weight of the three models once, and the training optimizer's state. The
   * models cannot be used afterwards; calling it again does nothing. Throws a RangeError
   * while {@link trainTeacherForcing} trains them (dispose after its promise settles).
   */
  dispose(): void;
}

/** Every object {@link buildTeacherForcing} made and has not yet disposed. */
const registry = new WeakSet();

/**
 * Checks that `models` is a live {@link TeacherForcingModels} made by
 * {@link buildTeacherForcing}; throws naming `fn` otherwise.
 */
export function assertTeacherForcingModels(
  fn: string,
  models: unknown,
): asserts models is TeacherForcingModels {
  if (typeof models !== 'object' || models === null || !registry.has(models)) {
    throw new TypeError(
      message(fn, 'models', 'the object returned by buildTeacherForcing', models),
    );
  }
  if ((models as TeacherForcingModels).disposed) {
    throw new RangeError(
      `${fn}: models must not be disposed, but received models whose dispose() has run`,
    );
  }
}

/**
 * Builds an encoder-decoder for teacher forcing, with its separate inference models.
 *
 * Training (`models.training`): the encoder LSTM reads the input sequence (one-hot, padded
 * in front with all-zero rows to `maxLength`, so the real items come last, next to the final
 * state the decoder starts from). The decoder LSTM starts from that
 * state and reads the target shifted right by one, START first (teacher forcing: at step `t` it
 * sees the true item `t - 1`, not its own guess), and a softmax at each step predicts item `t`,
 * then END.
 *
 * Inference: `models.encoder` gives the state once; `models.decoder` runs one step at a time
 * from START, fed its own previous output (see {@link decodeGreedy}).
 *
 * Weights use Keras's initialisers (Glorot-uniform kernels, orthogonal recurrent kernels,
 * forget-gate bias 1), seeded by `seed`.
 *
 * @param options - See {@link TeacherForcingOptions}; all optional.
 * @returns The three models and their sizes, see {@link TeacherForcingModels}.
 * @throws TypeError / RangeError for bad options, before any weight is made.
 *
 * @example
 * ```ts
 * import { buildTeacherForcing } from 'seq-echo';
 *
 * const models = buildTeacherForcing({ maxLength: 6, nUnique: 10, units: 16, seed: 1 });
 * console.log(models.training.outputs[0]!.shape); // [null, 7, 11]
 * console.log(models.encoder.outputs.map((o) => o.shape)); // [[null, 16], [null, 16]]
 * models.dispose();
 * ```
 */
export function buildTeacherForcing(options: TeacherForcingOptions = {}): TeacherForcingModels {
  const o = resolveTeacherForcingOptions('buildTeacherForcing', options);
  const { training, encoder, decoder } = buildInTidy(() => buildGraphs(o));
  let disposed = false;
  const models: TeacherForcingModels = {
    training,
    encoder,
    decoder,
    maxLength: o.maxLength,
    nUnique: o.nUnique,
    units: o.units,
    task: o.task,
    startId: o.nUnique,
    endId: o.nUnique,
    get disposed() {
      return disposed;
    },
    dispose() {
      if (disposed) return;
      assertNotTraining('models.dispose', 'models', models, true);
      disposed = true;
      const variables = new Set<tf.LayerVariable>();
      for (const model of [training, encoder, decoder]) {
        for (const layer of model.layers) for (const w of layer.weights) variables.add(w);
      }
      for (const variable of variables) variable.dispose();
      training.optimizer.dispose();
    },
  };
  registry.add(models);
  return models;
}

/** {@link TeacherForcingOptions} checked and defaulted. */
interface ResolvedTeacherForcingOptions {
  maxLength: number;
  nUnique: number;
  units: number;
  learningRate: number;
  task: EchoTask;
  seed: number | undefined;
  recurrentActivation: RecurrentActivation;
  stateful: false;
}

/** Checks {@link buildTeacherForcing}'s options, before any weight is made. */
function resolveTeacherForcingOptions(fn: string, options: unknown): ResolvedTeacherForcingOptions {
  assertOptions(fn, 'options', options);
  assertKnownKeys(fn, 'options', options, TEACHER_FORCING_KEYS);
  const {
    maxLength = 8,
    nUnique = 20,
    units = 128,
    learningRate = 0.005,
    task = 'echo',
    seed,
    recurrentActivation = 'hardSigmoid',
  } = options as { [K in keyof TeacherForcingOptions]?: unknown };
  assertInteger(fn, 'options.maxLength', maxLength, { min: 1, max: 10_000 });
  assertInteger(fn, 'options.nUnique', nUnique, { min: 2, max: 1_000_000 });
  assertInteger(fn, 'options.units', units, { min: 1, max: 100_000 });
  assertNumber(fn, 'options.learningRate', learningRate, { min: 0, max: 10, minExclusive: true });
  assertTask(fn, 'options.task', task);
  if (seed !== undefined) assertInteger(fn, 'options.seed', seed);
  assertOneOf(fn, 'options.recurrentActivation', recurrentActivation, RECURRENT_ACTIVATIONS);
  const vocab = nUnique + 1;
  // The encoder reads the items, the decoder the items and START; the head answers per step.
  const weights = lstmWeights(nUnique, units) + lstmWeights(vocab, units) + units * vocab + vocab;
  assertWithin(fn, 'options.units', units, weights, MAX_MODEL_WEIGHTS, 'the weight count');
  assertWithin(
    fn,
    'options.maxLength',
    maxLength,
    (maxLength + 1) * vocab,
    MAX_TENSOR_VALUES,
    "one sample's one-hot values ((maxLength + 1) x (nUnique + 1))",
  );
  const checked = { maxLength, nUnique, units, learningRate, task, seed, recurrentActivation };
  return { ...checked, stateful: false };
}

/**
 * The three models over one set of layers: the training model (compiled), the encoder, and
 * the one-step decoder that reuses the training decoder's LSTM and softmax head.
 */
function buildGraphs(o: ResolvedTeacherForcingOptions): {
  training: tf.LayersModel;
  encoder: tf.LayersModel;
  decoder: tf.LayersModel;
} {
  const { maxLength, nUnique, units } = o;
  const vocab = nUnique + 1;
  const encoderInput = tf.input({ shape: [maxLength, nUnique], name: 'encoder_input' });
  const encoderLstm = echoLstm(o, 0, { returnState: true, name: 'encoder_lstm' });
  const [, h, c] = encoderLstm.apply(encoderInput) as tf.SymbolicTensor[];
  const states = [h!, c!];
  const decoderLstm = echoLstm(o, 1, {
    returnSequences: true,
    returnState: true,
    name: 'decoder_lstm',
  });
  const head = tf.layers.dense({
    units: vocab,
    activation: 'softmax',
    name: 'decoder_softmax',
    kernelInitializer: layerInitializers(o.seed, 2).kernelInitializer,
  });

  const decoderInput = tf.input({ shape: [maxLength + 1, vocab], name: 'decoder_input' });
  const [decoded] = decoderLstm.apply(decoderInput, {
    initialState: states,
  }) as tf.SymbolicTensor[];
  const training = tf.model({
    inputs: [encoderInput, decoderInput],
    outputs: head.apply(decoded!) as tf.SymbolicTensor,
    name: 'teacher_forcing_training',
  });
  training.compile({
    loss: 'categoricalCrossentropy',
    optimizer: tf.train.adam(o.learningRate),
    metrics: [maskedAccuracy],
  });
  const encoder = tf.model({
    inputs: encoderInput,
    outputs: states,
    name: 'teacher_forcing_encoder',
  });

  const token = tf.input({ shape: [1, vocab], name: 'decoder_token' });
  const hIn = tf.input({ shape: [units], name: 'decoder_h' });
  const cIn = tf.input({ shape: [units], name: 'decoder_c' });
  const [stepOut, hOut, cOut] = decoderLstm.apply(token, {
    initialState: [hIn, cIn],
  }) as tf.SymbolicTensor[];
  const decoder = tf.model({
    inputs: [token, hIn, cIn],
    outputs: [head.apply(stepOut!) as tf.SymbolicTensor, hOut!, cOut!],
    name: 'teacher_forcing_decoder',
  });
  return { training, encoder, decoder };
}

/**
 * Training accuracy that ignores padding: per sample, the fraction of real decoder steps (those
 * with a one-hot target, the items and END) whose argmax is right; all-zero target rows
 * (padding after END) count for nothing.
 *
 * tfjs names a function metric by the function's `name`, and the fused engine and the training
 * history find this one as `maskedAccuracy`; minifiers rename functions, so the name is set
 * explicitly (a minified bundle otherwise fell back to `model.fit` with a NaN accuracy).
 */
const maskedAccuracy = Object.defineProperty(
  (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      const real = tf.sum(yTrue, -1);
      const right = tf.cast(tf.equal(tf.argMax(yTrue, -1), tf.argMax(yPred, -1)), 'float32');
      return tf.div(tf.sum(tf.mul(right, real), -1), tf.maximum(tf.sum(real, -1), 1));
    }),
  'name',
  { value: 'maskedAccuracy' },
);
