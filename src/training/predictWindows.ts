import * as tf from '@tensorflow/tfjs';
import type { EchoShape } from '../models/echoShape';
import { encodeWindows } from '../tensors/oneHotWindows';
import { echoData } from './fused/echoData';
import { fusedRunner } from './fused/trainer';

/** Batch size used to predict with a model whose batch dimension is free. */
const STATELESS_PREDICT_BATCH = 256;

/**
 * The ids a model's output `[rows, nOut, width]` stands for: the argmax of each one-hot row,
 * or a linear model's values scaled back, rounded and clamped to `[0, nUnique)` (a prediction
 * out of range is a wrong answer, not an error).
 */
function outputIds(out: tf.Tensor3D, shape: EchoShape): tf.Tensor2D {
  if (shape.representation === 'one-hot') return out.argMax<tf.Tensor2D>(-1);
  const [rows, steps] = out.shape;
  return out
    .mul(shape.nUnique - 1)
    .round()
    .clipByValue(0, shape.nUnique - 1)
    .reshape<tf.Tensor2D>([rows, steps]);
}

/**
 * Runs `model` on windows of ids and returns the predicted ids, `[windows, nOut]`, as a tensor
 * the caller reads and disposes. A stateful model starts from reset state, sees the windows in
 * order in batches of its own fixed size (the last batch padded with all-zero rows, which come
 * after every real row and so cannot change its output), and is reset again afterwards, so
 * repeated calls give the same answer.
 */
function predictIds(
  model: tf.LayersModel,
  shape: EchoShape,
  batchSize: number,
  windows: readonly (readonly number[])[],
): tf.Tensor2D {
  const rows = shape.stateful ? Math.ceil(windows.length / batchSize) * batchSize : windows.length;
  if (shape.stateful) model.resetStates();
  try {
    return tf.tidy(() => {
      const X = encodeWindows(windows, shape.nIn, shape, rows);
      const out = model.predict(X, { batchSize }) as tf.Tensor3D;
      const ids = outputIds(out, shape);
      return rows === windows.length ? ids : ids.slice([0, 0], [windows.length, shape.nOut]);
    });
  } finally {
    if (shape.stateful) model.resetStates();
  }
}

/** Round half to even, as tfjs's `round` does. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** {@link outputIds} on the fused engine's batch-major outputs. */
function fusedIds(out: Float32Array, windows: number, shape: EchoShape): number[][] {
  const width = shape.representation === 'one-hot' ? shape.nUnique : 1;
  const rows: number[][] = [];
  for (let r = 0; r < windows; r++) {
    const row: number[] = [];
    for (let s = 0; s < shape.nOut; s++) {
      const o = (r * shape.nOut + s) * width;
      if (width === 1) {
        const id = roundHalfEven(out[o]! * (shape.nUnique - 1));
        row.push(Math.min(Math.max(id, 0), shape.nUnique - 1));
        continue;
      }
      let arg = 0;
      for (let j = 1; j < width; j++) if (out[o + j]! > out[o + arg]!) arg = j;
      row.push(arg);
    }
    rows.push(row);
  }
  return rows;
}

function toRows(flat: ArrayLike<number>, windows: number, nOut: number): number[][] {
  const rows: number[][] = [];
  for (let r = 0; r < windows; r++) {
    rows.push(Array.from({ length: nOut }, (_, k) => flat[r * nOut + k] as number));
  }
  return rows;
}

/** Predicts the ids of windows, synchronously or without blocking. */
export interface WindowPredictor {
  /** Predicted ids per window, read synchronously. Leaves no tensor behind. */
  predictSync: (windows: readonly (readonly number[])[]) => number[][];
  /**
   * The same, but reading the result without blocking (on WebGL the download does not stall
   * the page). Leaves no tensor behind.
   */
  predict: (windows: readonly (readonly number[])[]) => Promise<number[][]>;
}

/**
 * A predictor for `model`. For the layer stacks the model factories build it is the fused
 * engine's forward pass on its own kernels (weights read once, here), which gives the same
 * ids as `model.predict` without tfjs's per-op cost; otherwise it runs `model.predict`.
 * Either way a stateful model is left with reset state, and repeated calls agree.
 */
export function windowPredictor(model: tf.LayersModel, shape: EchoShape): WindowPredictor {
  const batchSize = shape.stateful ? (shape.batchSize as number) : STATELESS_PREDICT_BATCH;
  const fused = fusedRunner(model);
  if (fused) {
    const predictSync = (windows: readonly (readonly number[])[]) => {
      if (shape.stateful) model.resetStates();
      if (windows.length === 0) return [];
      const out = fused.predict(echoData(shape, windows), batchSize, shape.stateful);
      return fusedIds(out, windows.length, shape);
    };
    return { predictSync, predict: (windows) => Promise.resolve(predictSync(windows)) };
  }
  return {
    predictSync: (windows) => {
      if (windows.length === 0) return [];
      const ids = predictIds(model, shape, batchSize, windows);
      try {
        return toRows(ids.dataSync(), windows.length, shape.nOut);
      } finally {
        ids.dispose();
      }
    },
    predict: async (windows) => {
      if (windows.length === 0) return [];
      const ids = predictIds(model, shape, batchSize, windows);
      try {
        return toRows(await ids.data(), windows.length, shape.nOut);
      } finally {
        ids.dispose();
      }
    },
  };
}
