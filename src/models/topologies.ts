import * as tf from '@tensorflow/tfjs';
import { assertKnownKeys, optionKeys, assertOutputLength } from '../internal/assert';
import { assertWithin, MAX_MODEL_WEIGHTS } from '../internal/limits';
import {
  COMMON_MODEL_KEYS,
  buildSequential,
  compileEcho,
  echoLstm,
  inputShapeArgs,
  layerInitializers,
  recordTask,
  resolveModelOptions,
  type CommonModelOptions,
  type ResolvedModelOptions,
} from './common';

/**
 * Options of {@link buildOneToOne} and {@link buildManyToOne}. The defaults are model A's
 * (`buildSeq2Seq`'s): the same window, vocabulary, units, batch and learning rate, so the three
 * topologies can be compared on the same task by changing nothing but the factory.
 */
export interface TopologyOptions extends CommonModelOptions {
  /**
   * How many of the oldest items of each window to echo; at most `nIn`. Default `nIn`: the
   * whole window, model A's task, the one the many-to-many `TimeDistributed` design answers
   * step by step and these topologies answer as one vector.
   */
  nOut?: number | undefined;
  /** LSTM hidden units. Default `20` (model A's). */
  units?: number | undefined;
  /** Fixed batch size of the stateful model (ignored when `stateful` is `false`). Default `7`. */
  batchSize?: number | undefined;
}

/** Every key of {@link TopologyOptions}, for the unknown-key check. */
const TOPOLOGY_KEYS = optionKeys<TopologyOptions>()([
  ...COMMON_MODEL_KEYS,
  'nOut',
  'units',
  'batchSize',
]);

interface ResolvedTopology extends ResolvedModelOptions {
  nOut: number;
}

/**
 * Checks the options of a topology factory before any tensor is made: the shared ones (`task`
 * among them), `nOut`, and the weight count of this topology (`resolveModelOptions`'s estimate
 * is the many-to-many stack's, which is smaller than either of these).
 */
function resolveTopology(
  fn: string,
  options: unknown,
  weights: (o: ResolvedModelOptions, nOut: number) => number,
): ResolvedTopology {
  assertKnownKeys(fn, 'options', options, TOPOLOGY_KEYS);
  const o = resolveModelOptions(fn, options, { units: 20, batchSize: 7, lstmLayers: 1 });
  const { nOut = o.nIn } = (options ?? {}) as { nOut?: unknown };
  assertOutputLength(fn, 'options.nOut', nOut, o.nIn, 'options.nIn');
  assertWithin(
    fn,
    'options.units',
    o.units,
    weights(o, nOut),
    MAX_MODEL_WEIGHTS,
    'the weight count',
  );
  return { ...o, nOut };
}

/** The shared tail: `Dense(nOut * nUnique)` -> `Reshape([nOut, nUnique])` -> softmax per item. */
function vectorHead(o: ResolvedTopology): tf.layers.Layer[] {
  const { kernelInitializer } = layerInitializers(o.seed, 1);
  return [
    tf.layers.dense({ units: o.nOut * o.nUnique, kernelInitializer }),
    tf.layers.reshape({ targetShape: [o.nOut, o.nUnique] }),
    tf.layers.softmax({ axis: -1 }),
  ];
}

function finish(model: tf.Sequential, o: ResolvedTopology): tf.LayersModel {
  compileEcho(model, o);
  recordTask(model, o);
  return model;
}

/** Weights of `Dense(nOut * nUnique)` reading `units` values. */
const headWeights = (o: ResolvedModelOptions, nOut: number): number =>
  (o.units + 1) * nOut * o.nUnique;

/**
 * Builds the one-to-one topology: the window's time steps become the features of ONE step.
 * The `[nIn, nUnique]` one-hot window is reshaped to `[1, nIn * nUnique]`, an LSTM reads that
 * single step, and a dense layer answers all `nOut` items as one vector, reshaped to
 * `[nOut, nUnique]` with a softmax over the vocabulary per item
 * (`Reshape([1, nIn*nUnique]) -> LSTM(units) -> Dense(nOut*nUnique) -> Reshape([nOut, nUnique]) -> Softmax`).
 * Input `[batch, nIn, nUnique]`, output `[batch, nOut, nUnique]`, compiled like the other
 * factories (categorical cross-entropy, Adam, accuracy), so `trainEcho`, `evaluateEcho`,
 * `predictEcho`, `saveEchoModel` and `loadEchoModel` take it unchanged (`trainEcho` trains it
 * on the fused engine, which maps the reshapes and the sparse input).
 *
 * @param options - See {@link TopologyOptions}; all optional.
 * @returns A compiled `tf.LayersModel`, ready for `trainEcho`.
 * @throws RangeError / TypeError for out-of-range or wrongly typed options (including
 *   `nOut > nIn` and an unknown `task`), before any weight is made.
 *
 * @example
 * ```ts
 * import { buildOneToOne, disposeEchoModel } from 'seq-echo';
 *
 * const model = buildOneToOne({ nUnique: 10, units: 8, seed: 1 });
 * console.log(model.inputs[0]!.shape, model.outputs[0]!.shape); // [7, 5, 10] [7, 5, 10]
 * console.log(model.layers.map((l) => l.getClassName()).join()); // Reshape,LSTM,Dense,Reshape,Softmax
 * disposeEchoModel(model);
 * ```
 */
export function buildOneToOne(options: TopologyOptions = {}): tf.LayersModel {
  const o = resolveTopology(
    'buildOneToOne',
    options,
    (r, nOut) => 4 * r.units * (r.nIn * r.nUnique + r.units + 1) + headWeights(r, nOut),
  );
  const model = buildSequential(() => [
    tf.layers.reshape({ targetShape: [1, o.nIn * o.nUnique], ...inputShapeArgs(o) }),
    echoLstm(o, 0),
    ...vectorHead(o),
  ]);
  return finish(model, o);
}

/**
 * Builds the many-to-one topology: an LSTM reads the window's `nIn` steps and returns only its
 * last output, and a dense layer answers the whole output as one vector, reshaped to
 * `[nOut, nUnique]` with a softmax over the vocabulary per item
 * (`LSTM(units) -> Dense(nOut*nUnique) -> Reshape([nOut, nUnique]) -> Softmax`).
 * Input `[batch, nIn, nUnique]`, output `[batch, nOut, nUnique]`, compiled like the other
 * factories, so `trainEcho`, `evaluateEcho`, `predictEcho`, `saveEchoModel` and `loadEchoModel`
 * take it unchanged (`trainEcho` trains it on the fused engine).
 *
 * @param options - See {@link TopologyOptions}; all optional.
 * @returns A compiled `tf.LayersModel`, ready for `trainEcho`.
 * @throws RangeError / TypeError for out-of-range or wrongly typed options (including
 *   `nOut > nIn` and an unknown `task`), before any weight is made.
 *
 * @example
 * ```ts
 * import { buildManyToOne, disposeEchoModel } from 'seq-echo';
 *
 * const model = buildManyToOne({ nOut: 2, stateful: false, seed: 1 });
 * console.log(model.inputs[0]!.shape, model.outputs[0]!.shape); // [null, 5, 100] [null, 2, 100]
 * console.log(model.layers.map((l) => l.getClassName()).join()); // LSTM,Dense,Reshape,Softmax
 * disposeEchoModel(model);
 * ```
 */
export function buildManyToOne(options: TopologyOptions = {}): tf.LayersModel {
  const o = resolveTopology(
    'buildManyToOne',
    options,
    (r, nOut) => 4 * r.units * (r.nUnique + r.units + 1) + headWeights(r, nOut),
  );
  const model = buildSequential(() => [echoLstm(o, 0, inputShapeArgs(o)), ...vectorHead(o)]);
  return finish(model, o);
}
