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
 * Frames already-checked sequences (lengths in `[1, maxLength]`, ids in range) into the
 * training tensors: one buffer per tensor, no nested arrays.
 */
export function teacherForcingTensors(
  sizes: TeacherForcingSizes,
  sequences: readonly (readonly number[])[],
): TeacherForcingTensors {
  const { maxLength, nUnique, task } = sizes;
  const n = sequences.length;
  const vocab = nUnique + 1;
  const enc = new Float32Array(n * maxLength * nUnique);
  const decIn = new Float32Array(n * (maxLength + 1) * vocab);
  const decOut = new Float32Array(n * (maxLength + 1) * vocab);
  sequences.forEach((sequence, s) => {
    const f = frameChecked(sequence, nUnique, task);
    writeRows(enc, s, maxLength, nUnique, f.encoderInput, true);
    writeRows(decIn, s, maxLength + 1, vocab, f.decoderInput);
    writeRows(decOut, s, maxLength + 1, vocab, f.decoderTarget);
  });
  return {
    encoderInput: tf.tensor3d(enc, [n, maxLength, nUnique]),
    decoderInput: tf.tensor3d(decIn, [n, maxLength + 1, vocab]),
    decoderTarget: tf.tensor3d(decOut, [n, maxLength + 1, vocab]),
  };
}
