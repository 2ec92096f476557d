import type { Kernels } from '../kernels';
import {
  dense,
  materialize,
  needsGrad,
  rowsOf,
  type Feed,
  type SparseValue,
  type Value,
} from '../values';

/**
 * The ops that move or mark values without weights: a model input as values, `Masking`'s
 * row mask, and `Reshape`/`Flatten` (which keep each window's values in order).
 */

const dims = (steps: number | undefined) => ({ steps: steps ?? 1, seq: steps !== undefined });

/** A model input as a value: ids as sparse one-hot rows, numbers as dense rows, time-major. */
export function inputValue(
  kernels: Kernels,
  feed: Feed,
  batch: number,
  steps: number,
  width: number,
): Value {
  if (feed.kind === 'ids') {
    const index = new Int32Array(steps * batch);
    for (let b = 0; b < batch; b++) {
      for (let t = 0; t < steps; t++) index[t * batch + b] = feed.ids[b * steps + t]!;
    }
    const value: SparseValue = {
      kind: 'sparse',
      steps,
      seq: true,
      batch,
      width,
      index,
      k: 1,
      mask: undefined,
    };
    return value;
  }
  const out = dense(kernels, { steps, seq: true, batch, width }, false);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < steps; t++) {
      const from = (b * steps + t) * width;
      out.data.set(feed.values.subarray(from, from + width), (t * batch + b) * width);
    }
  }
  return out;
}

/** Per row, 1 unless every feature equals `maskValue` (tfjs's `Masking`). */
export function rowMask(kernels: Kernels, x: Value, maskValue: number): Uint8Array {
  const rows = rowsOf(x);
  const mask = new Uint8Array(rows);
  if (x.kind === 'sparse' && maskValue === 0) {
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < x.k; j++) if (x.index[r * x.k + j]! >= 0) mask[r] = 1;
    }
    return mask;
  }
  const data = materialize(kernels, x);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < x.width; j++) {
      if (data[r * x.width + j] !== maskValue) {
        mask[r] = 1;
        break;
      }
    }
  }
  return mask;
}

/**
 * Moves a time-major `[steps, batch, width]` buffer to another `[steps2, batch, width2]` view
 * of the same per-window values (tfjs's `Reshape` and `Flatten` keep each window's values in
 * order).
 */
export function reshapeDense(
  kernels: Kernels,
  data: Float32Array,
  from: { steps: number; batch: number; width: number },
  width: number,
): Float32Array {
  const { batch } = from;
  const out = kernels.scratch(data.length);
  for (let t = 0; t < from.steps; t++) {
    for (let b = 0; b < batch; b++) {
      for (let j = 0; j < from.width; j++) {
        const flat = t * from.width + j;
        const t2 = Math.floor(flat / width);
        out[(t2 * batch + b) * width + (flat - t2 * width)] =
          data[(t * batch + b) * from.width + j]!;
      }
    }
  }
  return out;
}

/** `Reshape`/`Flatten` to `[steps, width]` (sparse rows stay sparse when whole steps merge). */
export function reshape(
  kernels: Kernels,
  x: Value,
  steps: number | undefined,
  width: number,
): Value {
  const shape = { ...dims(steps), batch: x.batch, width };
  if (x.kind === 'sparse' && width % x.width === 0) {
    // Whole steps merge into one row: row t2 holds steps t2*m .. t2*m + m - 1, offset by width.
    const m = width / x.width;
    const k = x.k * m;
    const index = new Int32Array(shape.steps * x.batch * k);
    for (let t2 = 0; t2 < shape.steps; t2++) {
      for (let b = 0; b < x.batch; b++) {
        for (let i = 0; i < m; i++) {
          const t = t2 * m + i;
          for (let j = 0; j < x.k; j++) {
            const id = x.index[(t * x.batch + b) * x.k + j]!;
            index[(t2 * x.batch + b) * k + i * x.k + j] = id < 0 ? -1 : id + i * x.width;
          }
        }
      }
    }
    return { kind: 'sparse', ...shape, index, k, mask: undefined };
  }
  const data = materialize(kernels, x);
  const moved = reshapeDense(kernels, data, x, width);
  return dense(kernels, shape, needsGrad(x), moved);
}
