import {
  assertInteger,
  assertKnownKeys,
  assertSequence,
  assertTask,
  message,
  optionKeys,
} from '../internal/assert';
import type { EchoTask } from '../models/echoTask';

/** One sample framed for teacher forcing, as token ids (see {@link frameTeacherForcing}). */
export interface TeacherForcingFrame {
  /** What the encoder reads: the input items, unchanged. */
  encoderInput: number[];
  /** What the decoder reads during training: START (id `nUnique`), then the target items. */
  decoderInput: number[];
  /** What the decoder must predict at each step: the target items, then END (id `nUnique`). */
  decoderTarget: number[];
}

/** Options of {@link frameTeacherForcing}. */
export interface FrameTeacherForcingOptions {
  /** Vocabulary size; items must be in `[0, nUnique)`; START and END are id `nUnique`. Required. */
  nUnique: number;
  /** `'echo'` (target = the items) or `'reverse'` (target = the items reversed). Default `'echo'`. */
  task?: EchoTask | undefined;
}

/** Every key of {@link FrameTeacherForcingOptions}, for the unknown-key check. */
const FRAME_TEACHER_FORCING_KEYS = optionKeys<FrameTeacherForcingOptions>()(['nUnique', 'task']);

/**
 * Frames one input sequence for teacher forcing. The target is the sequence itself (`'echo'`)
 * or reversed (`'reverse'`); the decoder's training input is that target shifted right by one
 * with START in front, so at every step it reads the true previous item; the decoder's output
 * target is the target followed by END. `decoderInput[t + 1] === decoderTarget[t]` for every
 * item `t`. {@link trainTeacherForcing} frames every sample this way (then one-hot encodes,
 * padding with all-zero rows up to the model's length).
 *
 * @param sequence - Integers in `[0, nUnique)`, at least one.
 * @param options - `nUnique` (required) and `task`.
 * @returns `{ encoderInput, decoderInput, decoderTarget }`, plain arrays of ids.
 * @throws TypeError / RangeError for a bad sequence or bad options.
 *
 * @example
 * ```ts
 * import { frameTeacherForcing } from 'seq-echo';
 *
 * const frame = frameTeacherForcing([3, 1, 4], { nUnique: 10, task: 'reverse' });
 * console.log(frame.decoderInput, frame.decoderTarget); // [10, 4, 1, 3] [4, 1, 3, 10]
 * ```
 */
export function frameTeacherForcing(
  sequence: readonly number[],
  options: FrameTeacherForcingOptions,
): TeacherForcingFrame {
  const fn = 'frameTeacherForcing';
  if (typeof options !== 'object' || (options as unknown) === null || Array.isArray(options)) {
    throw new TypeError(message(fn, 'options', 'an options object with nUnique', options));
  }
  assertKnownKeys(fn, 'options', options, FRAME_TEACHER_FORCING_KEYS);
  const { nUnique, task = 'echo' } = options as {
    [K in keyof FrameTeacherForcingOptions]?: unknown;
  };
  assertInteger(fn, 'options.nUnique', nUnique, { min: 2, max: 1_000_000 });
  assertTask(fn, 'options.task', task);
  assertSequence(fn, 'sequence', sequence, nUnique);
  if (sequence.length < 1) {
    throw new RangeError(message(fn, 'sequence', 'a non-empty array of integers', sequence));
  }
  return frameChecked(sequence, nUnique, task);
}

/**
 * {@link frameTeacherForcing} without the checks, for callers that checked the sequence
 * (training frames every sample of every epoch with it).
 */
export function frameChecked(
  sequence: readonly number[],
  nUnique: number,
  task: EchoTask,
): TeacherForcingFrame {
  const items = Array.from(sequence);
  const target = task === 'echo' ? [...items] : [...items].reverse();
  return {
    encoderInput: items,
    decoderInput: [nUnique, ...target],
    decoderTarget: [...target, nUnique],
  };
}
