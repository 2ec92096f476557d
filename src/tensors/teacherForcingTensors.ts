import * as tf from '@tensorflow/tfjs';
import { frameChecked } from '../data/teacherForcingFrames';
import type { EchoTask } from '../models/echoTask';

/** The sizes and task of teacher-forcing models that framing needs (a `TeacherForcingModels`). */
export interface TeacherForcingSizes {
  maxLength: number;
  nUnique: number;
  task: EchoTask;
}

/** The three training tensors for a batch of sequences (caller disposes them). */
export interface TeacherForcingTensors {
  /** `[n, maxLength, nUnique]`: all-zero rows, then the items one-hot (padding in front). */
  encoderInput: tf.Tensor3D;
  /** `[n, maxLength + 1, nUnique + 1]`: START and the target items one-hot, then zero rows. */
  decoderInput: tf.Tensor3D;
  /** `[n, maxLength + 1, nUnique + 1]`: the target items and END one-hot, then zero rows. */
  decoderTarget: tf.Tensor3D;
}

/**
 * One-hot rows of `ids` written for `sample` into a `[n, steps, width]` buffer: from the first
 * step, or (`atEnd`) so that the last id lands on the last step (padding in front).
 */
export function writeRows(
  buffer: Float32Array,
  sample: number,
  steps: number,
  width: number,
  ids: readonly number[],
  atEnd = false,
): void {
  const base = sample * steps * width + (atEnd ? (steps - ids.length) * width : 0);
  ids.forEach((id, t) => {
    buffer[base + t * width + id] = 1;
  });
}

/**
 * Already-checked sequences (lengths in `[1, maxLength]`, ids in range) framed as rows of
 * ids, `-1` for an all-zero (padding) row: the encoder's `[n, maxLength]` padded in front, the
 * decoder's input and target `[n, maxLength + 1]` padded after. The fused engine trains on
 * these ids; {@link teacherForcingTensors} one-hot encodes them.
 */
export function teacherForcingIds(
  sizes: TeacherForcingSizes,
  sequences: readonly (readonly number[])[],
): { encoderInput: Int32Array; decoderInput: Int32Array; decoderTarget: Int32Array } {
  const { maxLength, nUnique, task } = sizes;
  const n = sequences.length;
  const steps = maxLength + 1;
  const encoderInput = new Int32Array(n * maxLength).fill(-1);
  const decoderInput = new Int32Array(n * steps).fill(-1);
  const decoderTarget = new Int32Array(n * steps).fill(-1);
  sequences.forEach((sequence, s) => {
    const f = frameChecked(sequence, nUnique, task);
    encoderInput.set(f.encoderInput, s * maxLength + maxLength - f.encoderInput.length);
    decoderInput.set(f.decoderInput, s * steps);
    decoderTarget.set(f.decoderTarget, s * steps);
  });
  return { encoderInput, decoderInput, decoderTarget };
}

/** `[n, steps, width]` one-hot rows of `ids` (one id a row, `-1` an all-zero row). */
function oneHotRows(ids: Int32Array, n: number, steps: number, width: number): tf.Tensor3D {
  const values = new Float32Array(ids.length * width);
  ids.forEach((id, row) => {
    if (id >= 0) values[row * width + id] = 1;
  });
  return tf.tensor3d(values, [n, steps, width]);
}

/**
 * Frames already-checked sequences (lengths in `[1, maxLength]`, ids in range) into the
 * training tensors (see {@link teacherForcingIds}).
 */
export function teacherForcingTensors(
  sizes: TeacherForcingSizes,
  sequences: readonly (readonly number[])[],
): TeacherForcingTensors {
  const { maxLength, nUnique } = sizes;
  const n = sequences.length;
  const ids = teacherForcingIds(sizes, sequences);
  return {
    encoderInput: oneHotRows(ids.encoderInput, n, maxLength, nUnique),
    decoderInput: oneHotRows(ids.decoderInput, n, maxLength + 1, nUnique + 1),
    decoderTarget: oneHotRows(ids.decoderTarget, n, maxLength + 1, nUnique + 1),
  };
}
