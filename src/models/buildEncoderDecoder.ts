import * as tf from '@tensorflow/tfjs';
import { assertKnownKeys, optionKeys, assertOutputLength } from '../internal/assert';
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

/** Options of {@link buildEncoderDecoder}; every field has the walkthrough's value as default. */
export interface EncoderDecoderOptions extends CommonModelOptions, InputOptions {
  /** How many of the oldest items of each window to echo; at most `nIn`. Default `2`. */
  nOut?: number | undefined;
  /** Hidden units of both the encoder and the decoder LSTM. Default `150`. */
  units?: number | undefined;
  /** Fixed batch size of the stateful model (ignored when `stateful` is `false`). Default `21`. */
  batchSize?: number | undefined;
}

/** Every key of {@link EncoderDecoderOptions}, for the unknown-key check. */
const ENCODER_DECODER_KEYS = optionKeys<EncoderDecoderOptions>()([
  ...COMMON_MODEL_KEYS,
  ...INPUT_KEYS,
  'nOut',
  'units',
  'batchSize',
]);

/**
 * Builds the walkthrough's model B, which echoes part of the window: an encoder LSTM that reads
 * the window into one vector, `RepeatVector(nOut)`, a decoder LSTM that returns a step per
 * output item, and a softmax over the vocabulary at each step
 * (`LSTM(150) -> RepeatVector(2) -> LSTM(150, return_sequences) -> TimeDistributed(Dense(100, softmax))`).
 * Input `[batch, nIn, nUnique]`, output `[batch, nOut, nUnique]`.
 *
 * @param options - See {@link EncoderDecoderOptions}; all optional.
 * @returns A compiled `tf.LayersModel`, ready for {@link trainEcho}.
 * @throws RangeError / TypeError for out-of-range or wrongly typed options (including
 *   `nOut > nIn`), before any weight is made.
 *
 * @example
 * ```ts
 * import { buildEncoderDecoder, disposeEchoModel } from 'seq-echo';
 *
 * const model = buildEncoderDecoder({ units: 16, seed: 1 });
 * console.log(model.inputs[0]!.shape, model.outputs[0]!.shape); // [21, 5, 100] [21, 2, 100]
 * disposeEchoModel(model);
 * ```
 */
export function buildEncoderDecoder(options: EncoderDecoderOptions = {}): tf.LayersModel {
  const fn = 'buildEncoderDecoder';
  assertKnownKeys(fn, 'options', options, ENCODER_DECODER_KEYS);
  const o = resolveEchoModelOptions(fn, options, { units: 150, batchSize: 21, lstmLayers: 2 });
  const { nOut = 2 } = options;
  assertOutputLength(fn, 'options.nOut', nOut, o.nIn, 'options.nIn');
  const input = inputLayers(o);
  const model = buildSequential(() => [
    ...input.layers,
    echoLstm(o, 0, input.firstArgs),
    tf.layers.repeatVector({ n: nOut }),
    echoLstm(o, 1, { returnSequences: true }),
    outputHead(o, 2),
  ]);
  compileEcho(model, o);
  recordTask(model, o);
  return model;
}
