import * as tf from '@tensorflow/tfjs';
import type { EchoShape } from '../models/echoShape';
import { oneHotWindows } from '../tensors/oneHotWindows';

/** Batch size used to predict with a model whose batch dimension is free. */
const STATELESS_PREDICT_BATCH = 256;

/**
 * Runs `model` on windows of ids and returns the argmax ids, `[windows, nOut]`, as a tensor
 * the caller reads and disposes. A stateful model starts from reset state, sees the windows in
 * order in batches of its own fixed size (the last batch padded with all-zero rows, which come
 * after every real row and so cannot change its output), and is reset again afterwards, so
 * repeated calls give the same answer.
 */
function predictIds(
  model: tf.LayersModel,
  shape: EchoShape,
  windows: readonly (readonly number[])[],
): tf.Tensor2D {
  const batchSize = shape.stateful ? (shape.batchSize as number) : STATELESS_PREDICT_BATCH;
  const rows = shape.stateful ? Math.ceil(windows.length / batchSize) * batchSize : windows.length;
  if (shape.stateful) model.resetStates();
  try {
    return tf.tidy(() => {
      const X = oneHotWindows(windows, shape.nIn, shape.nUnique, rows);
      const out = model.predict(X, { batchSize }) as tf.Tensor3D;
      const ids = out.argMax<tf.Tensor2D>(-1);
      return rows === windows.length ? ids : ids.slice([0, 0], [windows.length, shape.nOut]);
    });
  } finally {
    if (shape.stateful) model.resetStates();
  }
}

function toRows(flat: ArrayLike<number>, windows: number, nOut: number): number[][] {
  const rows: number[][] = [];
  for (let r = 0; r < windows; r++) {
    rows.push(Array.from({ length: nOut }, (_, k) => flat[r * nOut + k] as number));
  }
  return rows;
}

/** Predicted ids per window, read synchronously. Leaves no tensor behind. */
export function predictWindows(
  model: tf.LayersModel,
  shape: EchoShape,
  windows: readonly (readonly number[])[],
): number[][] {
  if (windows.length === 0) return [];
  const ids = predictIds(model, shape, windows);
  try {
    return toRows(ids.dataSync(), windows.length, shape.nOut);
  } finally {
    ids.dispose();
  }
}

/**
 * Predicted ids per window, read without blocking (on WebGL the download does not stall the
 * page). Leaves no tensor behind.
 */
export async function predictWindowsAsync(
  model: tf.LayersModel,
  shape: EchoShape,
  windows: readonly (readonly number[])[],
): Promise<number[][]> {
  if (windows.length === 0) return [];
  const ids = predictIds(model, shape, windows);
  try {
    return toRows(await ids.data(), windows.length, shape.nOut);
  } finally {
    ids.dispose();
  }
}
