import * as tf from '@tensorflow/tfjs';
import {
  assertBoolean,
  assertInteger,
  assertOptions,
  message,
  assertKnownKeys,
  optionKeys,
  assertTask,
  assertOneOf,
  assertOutputLength,
} from '../../internal/assert';
import {
  COMMON_MODEL_KEYS,
  buildInTidy,
  compileEcho,
  layerInitializers,
  resolveModelOptions,
  type RecurrentActivation,
} from '../common';
import { setEchoTask, type EchoTask } from '../echoTask';
import { DotAttention, PositionEncoding, PositionQueries, registerAttentionLayers } from './layers';

/** Options of {@link buildAttention}; all optional. */
export interface AttentionOptions {
  /** Time steps per input window. Default `20`. */
  nIn?: number | undefined;
  /** Output steps: how many of the window's oldest items to answer with; at most `nIn`. Default `nIn`. */
  nOut?: number | undefined;
  /** Vocabulary size: integers in `[0, nUnique)`, one-hot width. Default `100`. */
  nUnique?: number | undefined;
  /** Width of the encoder outputs, the decoder queries and the attention context. Default `64`. */
  units?: number | undefined;
  /**
   * How the encoder turns each step (its one-hot row plus its position features) into the
   * memory the decoder attends over:
   * - `'dense'`: one dense layer applied to every step on its own (no recurrence), the fastest
   *   to train;
   * - `'lstm'`: an LSTM returning its output at every step (Luong et al.'s encoder), slower.
   *
   * Default `'dense'`.
   */
  encoder?: 'dense' | 'lstm' | undefined;
  /**
   * Sinusoidal position features per step, an even integer >= 2: what lets the decoder address
   * input steps by position. Default `16`.
   */
  positionFeatures?: number | undefined;
  /** What to answer: `'echo'` (oldest first) or `'reverse'` (newest first). Default `'echo'`. */
  task?: EchoTask | undefined;
  /** Attention models are stateless; only `false` (the default) is accepted. */
  stateful?: false | undefined;
  /**
   * Adam learning rate. Default `0.01` (higher than the LSTM factories' `0.001`: it shortens the
   * plateau before the attention finds its positions).
   */
  learningRate?: number | undefined;
  /** Seed for the initial weights: the same seed builds the same weights. Default: none. */
  seed?: number | undefined;
  /**
   * The LSTM encoder's gate activation (with `encoder: 'lstm'`); see {@link RecurrentActivation}.
   * Default `'hardSigmoid'`.
   */
  recurrentActivation?: RecurrentActivation | undefined;
}

/** Every key of {@link AttentionOptions}, for the unknown-key check. */
const ATTENTION_KEYS = optionKeys<AttentionOptions>()([
  ...COMMON_MODEL_KEYS,
  'nOut',
  'units',
  'encoder',
  'positionFeatures',
]);

const ENCODERS = ['dense', 'lstm'] as const;

interface ResolvedAttentionOptions {
  nIn: number;
  nOut: number;
  nUnique: number;
  units: number;
  encoder: (typeof ENCODERS)[number];
  positionFeatures: number;
  task: EchoTask;
  learningRate: number;
  seed: number | undefined;
  recurrentActivation: RecurrentActivation;
}

function resolveAttentionOptions(fn: string, options: unknown): ResolvedAttentionOptions {
  assertOptions(fn, 'options', options);
  assertKnownKeys(fn, 'options', options, ATTENTION_KEYS);
  const given = (options ?? {}) as Omit<AttentionOptions, 'stateful'> & { stateful?: unknown };
  const { stateful = false, task = 'echo', encoder = 'dense', positionFeatures = 16 } = given;
  assertBoolean(fn, 'options.stateful', stateful);
  if (stateful) {
    throw new RangeError(
      message(fn, 'options.stateful', 'false (attention models are stateless)', stateful),
    );
  }
  assertTask(fn, 'options.task', task);
  assertOneOf(fn, 'options.encoder', encoder, ENCODERS);
  assertInteger(fn, 'options.positionFeatures', positionFeatures, { min: 2, max: 1024 });
  if (positionFeatures % 2 !== 0) {
    throw new RangeError(
      message(fn, 'options.positionFeatures', 'an even integer in [2, 1024]', positionFeatures),
    );
  }
  // The shared checks (nIn, nUnique, units, learningRate, seed, size limits).
  const o = resolveModelOptions(
    fn,
    {
      nIn: given.nIn ?? 20,
      nUnique: given.nUnique,
      units: given.units,
      learningRate: given.learningRate ?? 0.01,
      seed: given.seed,
      stateful: false,
      recurrentActivation: given.recurrentActivation,
    },
    { units: 64, batchSize: 1, lstmLayers: 1 },
  );
  const { nOut = o.nIn } = given;
  assertOutputLength(fn, 'options.nOut', nOut, o.nIn, 'options.nIn');
  return {
    nIn: o.nIn,
    nOut,
    nUnique: o.nUnique,
    units: o.units,
    encoder,
    positionFeatures,
    task,
    learningRate: o.learningRate,
    seed: o.seed,
    recurrentActivation: o.recurrentActivation,
  };
}

/**
 * Builds an attention encoder-decoder that echoes, or reverses, long windows. The encoder
 * appends sinusoidal position features to each one-hot step and maps every step to a memory
 * vector (a dense layer, or an LSTM with `encoder: 'lstm'`); the decoder makes one query per
 * output step from the sinusoids of its position (a dense layer); Luong's dot-product attention
 * (`softmax(query . memory)`) reads the memory for each query, and a softmax over the vocabulary
 * reads the context and the query. Because any shift or reflection of positions is a linear map
 * of sinusoids, the decoder learns to address "input step j" (echo) or "input step nIn - 1 - j"
 * (reverse) directly, whatever the window length, where `buildEncoderDecoder`'s single
 * summary vector runs out of room.
 *
 * Input `[batch, nIn, nUnique]` (one-hot), output `[batch, nOut, nUnique]`, batch dimension
 * free; compiled like every seq-echo model (categorical cross-entropy, Adam, accuracy), so
 * {@link trainEcho} (on the fused engine), {@link evaluateEcho}, {@link predictEcho},
 * {@link saveEchoModel} and {@link loadEchoModel} work on it. The task is recorded on the model.
 * {@link attentionWeights} shows where each output step looks.
 *
 * Registers the model's custom layer classes with tfjs's serialization map (once).
 *
 * @param options - See {@link AttentionOptions}; all optional.
 * @returns A compiled `tf.LayersModel`.
 * @throws RangeError / TypeError for out-of-range or wrongly typed options (including
 *   `nOut > nIn`, `stateful: true`, an unknown `task` or `encoder`), before any weight is made.
 *
 * @example
 * ```ts
 * import { buildAttention, disposeEchoModel } from 'seq-echo';
 *
 * const model = buildAttention({ nIn: 30, nUnique: 10, task: 'reverse', seed: 1 });
 * console.log(model.inputs[0]!.shape, model.outputs[0]!.shape); // [null, 30, 10] [null, 30, 10]
 * disposeEchoModel(model);
 * ```
 */
export function buildAttention(options: AttentionOptions = {}): tf.LayersModel {
  const fn = 'buildAttention';
  const o = resolveAttentionOptions(fn, options);
  registerAttentionLayers();
  const model = buildInTidy(() => {
    const maxWavelength = Math.max(o.nIn, 2);
    const input = tf.input({ shape: [o.nIn, o.nUnique] });
    const withPositions = new PositionEncoding({
      dim: o.positionFeatures,
      maxWavelength,
    }).apply(input) as tf.SymbolicTensor;
    const encoderLayer =
      o.encoder === 'lstm'
        ? tf.layers.lstm({
            units: o.units,
            returnSequences: true,
            recurrentActivation: o.recurrentActivation,
            unitForgetBias: true,
            ...layerInitializers(o.seed, 0),
          })
        : tf.layers.dense({
            units: o.units,
            kernelInitializer: layerInitializers(o.seed, 0).kernelInitializer,
          });
    const memory = encoderLayer.apply(withPositions) as tf.SymbolicTensor;
    const positions = new PositionQueries({
      steps: o.nOut,
      dim: o.positionFeatures,
      maxWavelength,
    }).apply(input) as tf.SymbolicTensor;
    const queries = tf.layers
      .dense({ units: o.units, kernelInitializer: layerInitializers(o.seed, 1).kernelInitializer })
      .apply(positions) as tf.SymbolicTensor;
    const context = new DotAttention().apply([queries, memory]) as tf.SymbolicTensor;
    const features = tf.layers.concatenate().apply([context, queries]) as tf.SymbolicTensor;
    // The head: a softmax over the vocabulary at every output step, as in every seq-echo model.
    const output = tf.layers
      .timeDistributed({
        layer: tf.layers.dense({
          units: o.nUnique,
          activation: 'softmax',
          kernelInitializer: layerInitializers(o.seed, 2).kernelInitializer,
        }),
      })
      .apply(features) as tf.SymbolicTensor;
    return tf.model({ inputs: input, outputs: output });
  });
  compileEcho(model, {
    learningRate: o.learningRate,
    representation: 'one-hot',
    nUnique: o.nUnique,
  });
  setEchoTask(model, { task: o.task, representation: 'one-hot', nUnique: o.nUnique });
  return model;
}
