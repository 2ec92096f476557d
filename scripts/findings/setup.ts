/**
 * A findings row's setup text, read from the model it trains and the options it trains with,
 * so that the text cannot say something other than what ran.
 */
import * as tf from '@tensorflow/tfjs';
import type { TrainEchoOptions } from '../../src/index';
import { readEchoShape } from '../../src/models/echoShape';
import { TRAIN_ECHO_DEFAULTS } from '../../src/training/defaults';

/** The model's first LSTM layer as `LSTM(units)`, with its gates when they are not hard-sigmoid. */
function lstmText(model: tf.LayersModel): string | undefined {
  const lstm = model.layers.find((layer) => layer.getClassName() === 'LSTM');
  if (lstm === undefined) return undefined;
  const config = lstm.getConfig() as { units?: unknown; recurrentActivation?: unknown };
  const gates = config.recurrentActivation === 'sigmoid' ? ', sigmoid gates' : '';
  return `LSTM(${String(config.units)}${gates})`;
}

/** Adam's learning rate as the model was compiled with it. */
function learningRate(model: tf.LayersModel): number {
  const optimizer = model.optimizer as tf.Optimizer & { learningRate?: unknown };
  if (!(optimizer instanceof tf.AdamOptimizer) || typeof optimizer.learningRate !== 'number') {
    throw new TypeError('findings: every echo row trains with Adam');
  }
  return optimizer.learningRate;
}

/** `1` -> `'1 update'`, `3` -> `'3 updates'`. */
const updates = (n: number): string => `${n} update${n === 1 ? '' : 's'}`;

/**
 * The setup of an echo row, e.g. `stateful LSTM(20) seq2seq, echo 5 of 5, batch 7 (3 updates
 * per epoch), Adam 0.001`. `architecture` names models that are neither of the walkthrough's
 * two stacks (one-to-one, attention...); `extra` follows after a semicolon.
 */
export function echoSetup(
  model: tf.LayersModel,
  train: TrainEchoOptions,
  { architecture, extra }: { architecture?: string; extra?: string } = {},
): string {
  const shape = readEchoShape('echoSetup', model);
  const lstmLayer = lstmText(model);
  const repeats = model.layers.some((layer) => layer.getClassName() === 'RepeatVector');
  const stack = architecture ?? (repeats ? 'encoder-decoder' : 'seq2seq');
  const lstm =
    lstmLayer === undefined ? '' : `${shape.stateful ? 'stateful' : 'stateless'} ${lstmLayer} `;
  const masking = shape.framing === 'padded' ? 'Masking + ' : '';
  const sequenceLength = train.sequenceLength ?? TRAIN_ECHO_DEFAULTS.sequenceLength;
  const windows = shape.framing === 'padded' ? sequenceLength : sequenceLength - shape.nIn + 1;
  const batch = train.batchSize ?? shape.batchSize ?? TRAIN_ECHO_DEFAULTS.batchSize;
  const framing = shape.framing === 'padded' ? 'padded ' : '';
  const parts = [
    `${masking}${lstm}${stack}`,
    `${shape.task} ${shape.nOut} of ${shape.nIn}`,
    `${windows} ${framing}windows per epoch`,
    `batch ${batch} (${updates(Math.ceil(windows / batch))} per epoch)`,
    `Adam ${learningRate(model)}`,
  ];
  if (shape.representation === 'linear') {
    parts.push('integers scaled to [0, 1], one feature, MSE, rounded');
  }
  return `${parts.join(', ')}${extra === undefined ? '' : `; ${extra}`}`;
}
