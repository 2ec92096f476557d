import * as tf from '@tensorflow/tfjs';

/**
 * One-hot encodes windows of integer ids straight into a `[rows, steps, nUnique]` float32
 * tensor, writing the ones into a zeroed buffer (no nested arrays on the way). `rows` may be
 * larger than `windows.length`: the extra rows stay all-zero, which pads a batch to a stateful
 * model's fixed batch size. A negative id (padding) gives an all-zero row, which a `Masking`
 * layer skips and categorical cross-entropy scores as zero loss. Ids must already be checked.
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
      if (id >= 0) values[(r * steps + k) * nUnique + id] = 1;
    });
  });
  return tf.tensor3d(values, [rows, steps, nUnique]);
}

/**
 * Scales windows of integer ids into a `[rows, steps, 1]` float32 tensor of `id / (nUnique -
 * 1)`, the linear representation. Extra `rows` stay zero. Ids must already be checked.
 */
export function linearWindows(
  windows: readonly (readonly number[])[],
  steps: number,
  nUnique: number,
  rows: number = windows.length,
): tf.Tensor3D {
  const values = new Float32Array(rows * steps);
  const scale = nUnique - 1;
  windows.forEach((window, r) => {
    window.forEach((id, k) => {
      values[r * steps + k] = id / scale;
    });
  });
  return tf.tensor3d(values, [rows, steps, 1]);
}

/**
 * Encodes windows of ids the way a model reads them: one-hot rows, or scaled values for a
 * `'linear'` model. See {@link oneHotWindows} and {@link linearWindows}.
 */
export function encodeWindows(
  windows: readonly (readonly number[])[],
  steps: number,
  shape: { representation: 'one-hot' | 'linear'; nUnique: number },
  rows: number = windows.length,
): tf.Tensor3D {
  return shape.representation === 'linear'
    ? linearWindows(windows, steps, shape.nUnique, rows)
    : oneHotWindows(windows, steps, shape.nUnique, rows);
}
