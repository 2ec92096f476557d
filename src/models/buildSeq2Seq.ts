import * as tf from '@tensorflow/tfjs';
import {
  COMMON_MODEL_KEYS,
  INPUT_KEYS,
  buildSequential,
  compileEcho,
  echoLstm,
  inputLayers,
  outputHead,
  recordTask,
  resolveEchoModelOptions,
} from './common';
import type { CommonModelOptions, InputOptions } from './common';
import { assertKnownKeys, optionKeys } from '../internal/assert';

/** Options of {@link buildSeq2Seq}; every field has the walkthrough's value as default. */
export interface Seq2SeqOptions extends CommonModelOptions, InputOptions {
  /** LSTM hidden units. Default `20`. */
  units?: number | undefined;
  /** Fixed batch size of the stateful model (ignored when `stateful` is `false`). Default `7`. */
  batchSize?: number | undefined;
}

/** Every key of {@link Seq2SeqOptions}, for the unknown-key check. */
const SEQ2SEQ_KEYS = optionKeys<Seq2SeqOptions>()([
  ...COMMON_MODEL_KEYS,
  ...INPUT_KEYS,
  'units',
  'batchSize',
]);

/**
 * Builds the walkthrough's model A, which echoes the whole window: an LSTM that returns its
 * output at every step, then a softmax over the vocabulary at every step
 * (`LSTM(20, return_sequences) -> TimeDistributed(Dense(100, softmax))`), compiled with
 * categorical cross-entropy, Adam and accuracy. Input and output are both
 * `[batch, nIn, nUnique]`.
 *
 * @param options - See {@link Seq2SeqOptions}; all optional.
 * @returns A compiled `tf.LayersModel`, ready for {@link trainEcho}.
 * @throws RangeError / TypeError for out-of-range or wrongly typed options, before any weight
 *   is made.
 *
 * @example
 * ```ts
 * import { buildSeq2Seq, disposeEchoModel } from 'seq-echo';
 *
 * const model = buildSeq2Seq({ seed: 1 });
 * console.log(model.inputs[0]!.shape, model.outputs[0]!.shape); // [7, 5, 100] [7, 5, 100]
 * disposeEchoModel(model);
 * ```
 */
export function buildSeq2Seq(options: Seq2SeqOptions = {}): tf.LayersModel {
  assertKnownKeys('buildSeq2Seq', 'options', options, SEQ2SEQ_KEYS);
  const o = resolveEchoModelOptions('buildSeq2Seq', options, {
    units: 20,
    batchSize: 7,
    lstmLayers: 1,
  });
  const input = inputLayers(o);
  const model = buildSequential(() => [
    ...input.layers,
    echoLstm(o, 0, { returnSequences: true, ...input.firstArgs }),
    outputHead(o, 1),
  ]);
  compileEcho(model, o);
  recordTask(model, o);
  return model;
}
