import * as tf from '@tensorflow/tfjs';

/**
 * One-hot encodes windows of integer ids straight into a `[rows, steps, nUnique]` float32
 * tensor, writing the ones into a zeroed buffer (no nested arrays on the way). `rows` may be
 * larger than `windows.length`: the extra rows stay all-zero, which pads a batch to a stateful
 * model's fixed batch size. Ids must already be checked.
 */
export function oneHotWindows(
  windows: readonly (readonly number[])[],
  steps: number,
  nUnique: number,
  rows: number = windows.length,
): tf.Tensor3D {
  const values = new Float32Array(rows * steps * nUnique);
  windows.forEach((window, r) => {
    window.forEach((id, k) => {
      values[(r * steps + k) * nUnique + id] = 1;
    });
  });
  return tf.tensor3d(values, [rows, steps, nUnique]);
}
