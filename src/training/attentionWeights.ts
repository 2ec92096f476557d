import * as tf from '@tensorflow/tfjs';
import { assertSequence, message } from '../internal/assert';
import { assertWithin, MAX_TENSOR_VALUES } from '../internal/limits';
import { DotAttention } from '../models/attention/layers';
import { readEchoShape, type EchoShape } from '../models/echoShape';
import { oneHotWindows } from '../tensors/oneHotWindows';
import { echoData } from './fused/echoData';
import type { AttentionTrace } from './fused/ops/attention';
import { fusedRunner } from './fused/trainer';

/** The model's one {@link DotAttention} layer, or `undefined` when it has none or several. */
function findDotAttention(model: tf.LayersModel): DotAttention | undefined {
  const found = model.layers.filter(
    (layer): layer is DotAttention => layer instanceof DotAttention,
  );
  return found.length === 1 ? found[0] : undefined;
}

/**
 * Where each output step of an attention model looks: for each window of `nIn` integer ids,
 * the `[nOut][nIn]` attention weights of the model's prediction for it. Row `j` is output step
 * `j`'s distribution over the input steps (non-negative, summing to 1), so after training on
 * `'echo'` its peak is at input step `j`, and after `'reverse'` at step `nIn - 1 - j`. The
 * weights are computed by a side model that shares the model's layers (nothing is copied) and
 * leaves no tensor behind.
 *
 * @param model - A model built by {@link buildAttention} (or loaded by {@link loadEchoModel}
 *   from one saved by {@link saveEchoModel}).
 * @param windows - Windows of exactly `nIn` integers in `[0, nUnique)`; at least one.
 * @returns `weights[w][j][i]`: window `w`, output step `j`, input step `i`.
 * @throws TypeError for a model that is not an attention model, or `windows` that are not
 *   arrays of integers; RangeError for no windows, a window of the wrong length, or an id out
 *   of range; all before any tensor is made.
 *
 * @example
 * ```ts
 * import { attentionWeights, buildAttention, disposeEchoModel } from 'seq-echo';
 *
 * const model = buildAttention({ nIn: 6, nUnique: 10, seed: 1 });
 * const [weights] = attentionWeights(model, [[3, 1, 4, 1, 5, 9]]);
 * console.log(weights!.length, weights![0]!.length); // 6 6
 * console.log(weights![0]!.reduce((a, b) => a + b, 0).toFixed(3)); // 1.000
 * disposeEchoModel(model);
 * ```
 */
export function attentionWeights(model: tf.LayersModel, windows: number[][]): number[][][] {
  const fn = 'attentionWeights';
  const shape = readEchoShape(fn, model);
  const attention = findDotAttention(model);
  if (attention === undefined) {
    throw new TypeError(
      message(fn, 'model', 'a model built by buildAttention (with one DotAttention layer)', model),
    );
  }
  if (!Array.isArray(windows)) {
    throw new TypeError(
      message(fn, 'windows', 'an array of windows (arrays of integers)', windows),
    );
  }
  if (windows.length === 0) {
    throw new RangeError(message(fn, 'windows', 'a non-empty array of windows', windows));
  }
  assertWithin(
    fn,
    'windows',
    `${windows.length} windows`,
    windows.length * shape.nIn * shape.nUnique,
    MAX_TENSOR_VALUES,
    "the windows' one-hot values (windows x nIn x nUnique)",
  );
  windows.forEach((window, w) => {
    assertSequence(fn, `windows[${w}]`, window, shape.nUnique);
    if (window.length !== shape.nIn) {
      throw new RangeError(
        message(fn, `windows[${w}]`, `a window of ${shape.nIn} integers (the model's nIn)`, window),
      );
    }
  });
  return fusedWeights(model, shape, windows) ?? tfjsWeights(model, attention, shape, windows);
}

/** Windows per batch of the fused forward pass. */
const BATCH = 256;

/** The weights from the fused engine's forward pass, or `undefined` if it does not map the model. */
function fusedWeights(
  model: tf.LayersModel,
  shape: EchoShape,
  windows: number[][],
): number[][][] | undefined {
  const runner = fusedRunner(model);
  const index = runner?.plan.ops.findIndex((op) => op.op === 'dotAttention') ?? -1;
  if (!runner || index < 0) return undefined;
  const weights: number[][][] = [];
  runner.predict(echoData(shape, windows), BATCH, false, (run, start) => {
    const { trace } = run.traces[index] as { trace: AttentionTrace };
    const m = shape.nOut;
    const n = shape.nIn;
    const rows = Math.min(BATCH, windows.length - start);
    for (let b = 0; b < rows; b++) {
      const matrix: number[][] = [];
      for (let i = 0; i < m; i++) {
        const o = (b * m + i) * n;
        matrix.push(Array.from(trace.weights.subarray(o, o + n)));
      }
      weights.push(matrix);
    }
  });
  return weights;
}

/**
 * The weights from tfjs: a side model up to the attention layer's inputs (the fused engine's
 * reference in the tests).
 */
export function tfjsWeights(
  model: tf.LayersModel,
  attention: DotAttention,
  shape: EchoShape,
  windows: number[][],
): number[][][] {
  const [queries, memory] = attention.input as tf.SymbolicTensor[];
  const side = tf.model({ inputs: model.inputs, outputs: [queries!, memory!] });
  // The side model shares the model's layers; disposing it would dispose their weights, and it
  // holds no tensor of its own, so it is simply dropped.
  return tf.tidy(() => {
    const x = oneHotWindows(
      windows.map((window) => Array.from(window)),
      shape.nIn,
      shape.nUnique,
    );
    const [q, m] = side.predict(x) as tf.Tensor[];
    return attention.attentionWeights(q!, m!).arraySync();
  });
}
