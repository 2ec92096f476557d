import * as tf from '@tensorflow/tfjs';
import { drawSequence, randomSource } from '../data/generateSequence';
import { deriveSeed, mulberry32, type RandomSource } from '../data/random';
import {
  assertInteger,
  assertOneOf,
  assertOptions,
  assertSequence,
  message,
  assertTask,
} from '../internal/assert';
import { assertWithin, MAX_TENSOR_VALUES } from '../internal/limits';
import { yieldToEventLoop } from '../internal/yieldToEventLoop';
import type { EchoTask } from '../models/echoTask';
import { assertTeacherForcingModels, type TeacherForcingModels } from '../models/teacherForcing';
import { planTraining, type TrainingPlan } from '../models/fusedPlan';
import {
  batchWorkingFloats,
  FusedTrainer,
  fusedRunner,
  type FusedData,
  type FusedRunner,
} from './fused/trainer';
import { checkLoopOptions, lastValue, type LoopOptions } from './loop';
import { assertKnownKeys, optionKeys } from '../internal/assert';
import { holdModels } from '../internal/modelLock';

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
  return frame(Array.from(sequence), nUnique, task);
}

/** {@link frameTeacherForcing} without the checks. */
function frame(sequence: number[], nUnique: number, task: EchoTask): TeacherForcingFrame {
  const target = task === 'echo' ? [...sequence] : [...sequence].reverse();
  return {
    encoderInput: sequence,
    decoderInput: [nUnique, ...target],
    decoderTarget: [...target, nUnique],
  };
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
function writeRows(
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
  models: TeacherForcingModels,
  sequences: readonly (readonly number[])[],
): TeacherForcingTensors {
  const { maxLength, nUnique, task } = models;
  const n = sequences.length;
  const vocab = nUnique + 1;
  const enc = new Float32Array(n * maxLength * nUnique);
  const decIn = new Float32Array(n * (maxLength + 1) * vocab);
  const decOut = new Float32Array(n * (maxLength + 1) * vocab);
  sequences.forEach((sequence, s) => {
    const f = frame(Array.from(sequence), nUnique, task);
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

/** Options of {@link decodeGreedy} and {@link decodeGreedyBatch}. */
export interface DecodeGreedyOptions {
  /**
   * The most decoder steps; each step emits one item or END. Decoding stops at END (which is
   * not returned) or after `maxSteps` items. Default `maxLength + 1`: one more than the longest
   * right answer, so a decoder that misses END shows as a too-long output.
   */
  maxSteps?: number | undefined;
}

/** Every key of {@link DecodeGreedyOptions}, for the unknown-key check. */
const DECODE_GREEDY_KEYS = optionKeys<DecodeGreedyOptions>()(['maxSteps']);

/** How many sequences one batched decode handles at a time. */
const DECODE_CHUNK = 1024;

function checkSequences(
  fn: string,
  param: string,
  models: TeacherForcingModels,
  sequences: unknown,
): asserts sequences is readonly (readonly number[])[] {
  if (!Array.isArray(sequences)) {
    throw new TypeError(
      message(fn, param, 'an array of sequences (arrays of integers)', sequences),
    );
  }
  sequences.forEach((sequence: unknown, i) => {
    checkSequence(fn, `${param}[${i}]`, models, sequence);
  });
}

function checkSequence(
  fn: string,
  param: string,
  models: TeacherForcingModels,
  sequence: unknown,
): asserts sequence is readonly number[] {
  assertSequence(fn, param, sequence, models.nUnique);
  const { length } = sequence;
  if (length < 1 || length > models.maxLength) {
    throw new RangeError(
      message(
        fn,
        param,
        `a sequence of 1 to ${models.maxLength} items (the models' maxLength)`,
        sequence,
      ),
    );
  }
}

function resolveMaxSteps(fn: string, models: TeacherForcingModels, options: unknown): number {
  assertOptions(fn, 'options', options);
  assertKnownKeys(fn, 'options', options, DECODE_GREEDY_KEYS);
  const { maxSteps = models.maxLength + 1 } = options as { maxSteps?: unknown };
  assertInteger(fn, 'options.maxSteps', maxSteps, { min: 1, max: 1_000_000 });
  return maxSteps;
}

/**
 * Greedy decoding of checked sequences: on the fused engine (`runner`, or one made for the
 * call) when it maps the models, else with the tfjs inference models in chunks, every tensor
 * disposed. `engine: 'tfjs'` forces the tfjs models (the fused engine's reference in tests).
 */
export function decodeChecked(
  models: TeacherForcingModels,
  sequences: readonly (readonly number[])[],
  maxSteps: number,
  engine: { runner?: FusedRunner | undefined; kind?: 'auto' | 'tfjs' } = {},
): number[][] {
  if (engine.kind !== 'tfjs') {
    const runner = engine.runner ?? fusedRunner(models.training);
    if (runner?.decodes) {
      return runner.decodeGreedy(sequences, maxSteps, models);
    }
  }
  const results: number[][] = [];
  for (let start = 0; start < sequences.length; start += DECODE_CHUNK) {
    results.push(...decodeChunk(models, sequences.slice(start, start + DECODE_CHUNK), maxSteps));
  }
  return results;
}

/** The fused engine's rows for a batch of checked sequences: ids, `-1` for all-zero rows. */
function teacherForcingData(
  models: TeacherForcingModels,
  sequences: readonly (readonly number[])[],
): FusedData {
  const { maxLength, nUnique, task } = models;
  const n = sequences.length;
  const steps = maxLength + 1;
  const enc = new Int32Array(n * maxLength).fill(-1);
  const decIn = new Int32Array(n * steps).fill(-1);
  const decOut = new Int32Array(n * steps).fill(-1);
  sequences.forEach((sequence, s) => {
    const f = frame(Array.from(sequence), nUnique, task);
    enc.set(f.encoderInput, s * maxLength + maxLength - f.encoderInput.length);
    decIn.set(f.decoderInput, s * steps);
    decOut.set(f.decoderTarget, s * steps);
  });
  return {
    rows: n,
    feeds: [
      { kind: 'ids', ids: enc, width: nUnique },
      { kind: 'ids', ids: decIn, width: nUnique + 1 },
    ],
    target: { kind: 'ids', ids: decOut },
  };
}

function decodeChunk(
  models: TeacherForcingModels,
  sequences: readonly (readonly number[])[],
  maxSteps: number,
): number[][] {
  const steps = decodeSteps(models, sequences, maxSteps);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/**
 * Greedy decoding of one chunk, pausing (`yield`) after every decoder step so that a caller
 * can stop between steps: `return()` on the generator frees its tensors.
 */
function* decodeSteps(
  models: TeacherForcingModels,
  sequences: readonly (readonly number[])[],
  maxSteps: number,
): Generator<void, number[][], void> {
  const { maxLength, nUnique, endId, startId } = models;
  const n = sequences.length;
  const vocab = nUnique + 1;
  const outputs = sequences.map(() => [] as number[]);
  const done = new Array<boolean>(n).fill(false);
  const encoded = new Float32Array(n * maxLength * nUnique);
  sequences.forEach((sequence, s) => {
    writeRows(encoded, s, maxLength, nUnique, sequence, true);
  });
  const x = tf.tensor3d(encoded, [n, maxLength, nUnique]);
  let [h, c] = models.encoder.predict(x, { batchSize: n }) as tf.Tensor[];
  x.dispose();
  const previous = new Array<number>(n).fill(startId);
  try {
    for (let step = 0; step < maxSteps; step++) {
      const rows = new Float32Array(n * vocab);
      previous.forEach((id, s) => {
        rows[s * vocab + id] = 1;
      });
      const token = tf.tensor3d(rows, [n, 1, vocab]);
      const [p, h2, c2] = models.decoder.predict([token, h!, c!], { batchSize: n }) as tf.Tensor[];
      token.dispose();
      h!.dispose();
      c!.dispose();
      h = h2;
      c = c2;
      const best = tf.tidy(() => tf.argMax(p!, -1));
      const ids = best.dataSync();
      best.dispose();
      p!.dispose();
      let active = 0;
      for (let s = 0; s < n; s++) {
        if (done[s]) continue;
        const id = ids[s]!;
        if (id === endId) {
          done[s] = true;
          continue;
        }
        outputs[s]!.push(id);
        previous[s] = id;
        active++;
      }
      if (active === 0) break;
      yield;
    }
  } finally {
    h?.dispose();
    c?.dispose();
  }
  return outputs;
}

/**
 * Decodes one sequence greedily with the inference models: the encoder reads it once, then the
 * decoder runs one step at a time from START, each step fed the item it just chose (its
 * argmax), until it chooses END or has emitted `maxSteps` items. Weights are not changed.
 *
 * @param models - From {@link buildTeacherForcing}, trained or not.
 * @param sequence - 1 to `maxLength` integers in `[0, nUnique)`.
 * @param options - See {@link DecodeGreedyOptions}.
 * @returns The decoded items, END not included: at most `maxSteps` of them.
 * @throws TypeError / RangeError for disposed or foreign models, a bad sequence or bad
 *   options, before any tensor is made.
 *
 * @example
 * ```ts
 * import { buildTeacherForcing, decodeGreedy } from 'seq-echo';
 *
 * const models = buildTeacherForcing({ maxLength: 6, nUnique: 10, units: 16, seed: 1 });
 * const output = decodeGreedy(models, [3, 1, 4], { maxSteps: 5 });
 * // Untrained, it outputs any items, then END or the limit:
 * console.log(output.length <= 5); // true
 * models.dispose();
 * ```
 */
export function decodeGreedy(
  models: TeacherForcingModels,
  sequence: readonly number[],
  options: DecodeGreedyOptions = {},
): number[] {
  const fn = 'decodeGreedy';
  assertTeacherForcingModels(fn, models);
  checkSequence(fn, 'sequence', models, sequence);
  const maxSteps = resolveMaxSteps(fn, models, options);
  return decodeChunk(models, [sequence], maxSteps)[0]!;
}

/**
 * {@link decodeGreedy} for many sequences at once: one encoder call and one decoder call per
 * step for the whole batch (in chunks of 1024), which is much faster than one by one. Each
 * result is exactly what {@link decodeGreedy} returns for that sequence.
 *
 * @param models - From {@link buildTeacherForcing}.
 * @param sequences - Sequences of 1 to `maxLength` integers in `[0, nUnique)`, each its own
 *   length.
 * @param options - See {@link DecodeGreedyOptions}.
 * @returns One decoded array of items per sequence, in order.
 * @throws TypeError / RangeError for disposed or foreign models, a bad sequence (named by
 *   index) or bad options, before any tensor is made.
 *
 * @example
 * ```ts
 * import { buildTeacherForcing, decodeGreedyBatch } from 'seq-echo';
 *
 * const models = buildTeacherForcing({ maxLength: 6, nUnique: 10, units: 16, seed: 1 });
 * const outputs = decodeGreedyBatch(models, [[1], [2, 3], [4, 5, 6]]);
 * console.log(outputs.length); // 3
 * models.dispose();
 * ```
 */
export function decodeGreedyBatch(
  models: TeacherForcingModels,
  sequences: readonly (readonly number[])[],
  options: DecodeGreedyOptions = {},
): number[][] {
  const fn = 'decodeGreedyBatch';
  assertTeacherForcingModels(fn, models);
  checkSequences(fn, 'sequences', models, sequences);
  const maxSteps = resolveMaxSteps(fn, models, options);
  return decodeChecked(models, sequences, maxSteps);
}

/** Options of {@link evaluateTeacherForcing}. */
export interface EvaluateTeacherForcingOptions {
  /** How many fresh random sequences to decode. Default `1000`. */
  samples?: number | undefined;
  /** Shortest sequence length drawn. Default `1`. */
  minLength?: number | undefined;
  /** Longest sequence length drawn, at most the models' `maxLength`. Default the models' `maxLength`. */
  maxLength?: number | undefined;
  /** Seed for the sequences (their lengths and items). Default: none (`Math.random`). */
  seed?: number | undefined;
  /** Your own source of uniform numbers in `[0, 1)` instead of `seed`. */
  random?: RandomSource | undefined;
}

/** Every key of {@link EvaluateTeacherForcingOptions}, for the unknown-key check. */
const EVALUATE_TEACHER_FORCING_KEYS = optionKeys<EvaluateTeacherForcingOptions>()([
  'samples',
  'minLength',
  'maxLength',
  'seed',
  'random',
]);

/** Result of {@link evaluateTeacherForcing}. */
export interface TeacherForcingEvaluation {
  /**
   * Per-item accuracy, positional: for each sample with right answer `t` (the target items, END
   * not counted) and greedy output `d`, the items right are the positions `i` where
   * `d[i] === t[i]`, out of `max(t.length, d.length)` positions, so a missing item and an extra
   * item each count as one wrong. `accuracy` is the total right over the total positions.
   */
  accuracy: number;
  /** Fraction of samples decoded exactly: the same items, the same length, END in its place. */
  sequenceAccuracy: number;
  /** Fraction of samples whose output has the right length, whatever its items. */
  lengthAccuracy: number;
  /** How many sequences were decoded. */
  samples: number;
}

interface LengthRange {
  minLength: number;
  maxLength: number;
}

function resolveLengths(
  fn: string,
  models: TeacherForcingModels,
  minLength: unknown,
  maxLength: unknown,
): LengthRange {
  const max = maxLength ?? models.maxLength;
  assertInteger(fn, 'options.maxLength', max, { min: 1, max: models.maxLength });
  const min = minLength ?? 1;
  assertInteger(fn, 'options.minLength', min, { min: 1, max: models.maxLength });
  if (min > max) {
    throw new RangeError(
      message(fn, 'options.minLength', `an integer <= options.maxLength (${max})`, min),
    );
  }
  return { minLength: min, maxLength: max };
}

/** Draws `count` sequences, each of a length uniform in the range. */
function drawSamples(
  fn: string,
  count: number,
  lengths: LengthRange,
  nUnique: number,
  draw: RandomSource,
): number[][] {
  const span = lengths.maxLength - lengths.minLength + 1;
  const samples: number[][] = [];
  for (let s = 0; s < count; s++) {
    const length = lengths.minLength + (drawSequence(fn, 1, span, draw)[0] ?? 0);
    samples.push(drawSequence(fn, length, nUnique, draw));
  }
  return samples;
}

/** Scores decoded outputs against their sequences (see {@link TeacherForcingEvaluation}). */
function score(
  models: TeacherForcingModels,
  sequences: readonly (readonly number[])[],
  outputs: readonly (readonly number[])[],
): TeacherForcingEvaluation {
  let positions = 0;
  let right = 0;
  let exact = 0;
  let lengths = 0;
  sequences.forEach((sequence, s) => {
    const target = models.task === 'echo' ? sequence : [...sequence].reverse();
    const got = outputs[s] ?? [];
    let ok = 0;
    for (let i = 0; i < Math.min(target.length, got.length); i++) {
      if (got[i] === target[i]) ok++;
    }
    positions += Math.max(target.length, got.length);
    right += ok;
    if (got.length === target.length) {
      lengths++;
      if (ok === target.length) exact++;
    }
  });
  const n = sequences.length;
  return {
    accuracy: right / positions,
    sequenceAccuracy: exact / n,
    lengthAccuracy: lengths / n,
    samples: n,
  };
}

/**
 * Measures the inference models on fresh random sequences of random lengths, decoded greedily
 * ({@link decodeGreedyBatch}, `maxSteps` `maxLength + 1`): per item, positionally (see
 * {@link TeacherForcingEvaluation.accuracy}), per whole sequence, and per output length.
 * Weights are not changed; every tensor is disposed.
 *
 * @param models - From {@link buildTeacherForcing}.
 * @param options - See {@link EvaluateTeacherForcingOptions}.
 * @returns `{ accuracy, sequenceAccuracy, lengthAccuracy, samples }`.
 * @throws TypeError / RangeError for disposed or foreign models or bad options, before any
 *   tensor is made.
 *
 * @example
 * ```ts
 * import { buildTeacherForcing, evaluateTeacherForcing } from 'seq-echo';
 *
 * const models = buildTeacherForcing({ maxLength: 6, nUnique: 10, units: 16, seed: 1 });
 * const result = evaluateTeacherForcing(models, { samples: 50, seed: 2 });
 * // An untrained model:
 * console.log(result.samples, result.sequenceAccuracy < 0.5); // 50 true
 * models.dispose();
 * ```
 */
export function evaluateTeacherForcing(
  models: TeacherForcingModels,
  options: EvaluateTeacherForcingOptions = {},
): TeacherForcingEvaluation {
  const fn = 'evaluateTeacherForcing';
  assertTeacherForcingModels(fn, models);
  assertOptions(fn, 'options', options);
  assertKnownKeys(fn, 'options', options, EVALUATE_TEACHER_FORCING_KEYS);
  const {
    samples = 1000,
    minLength,
    maxLength,
  } = options as {
    [K in keyof EvaluateTeacherForcingOptions]?: unknown;
  };
  assertInteger(fn, 'options.samples', samples, { min: 1, max: 1_000_000 });
  const lengths = resolveLengths(fn, models, minLength, maxLength);
  const draw = randomSource(fn, options);
  return evaluateWith(fn, models, samples, lengths, draw);
}

function evaluateWith(
  fn: string,
  models: TeacherForcingModels,
  samples: number,
  lengths: LengthRange,
  draw: RandomSource,
  runner?: FusedRunner,
): TeacherForcingEvaluation {
  const sequences = drawSamples(fn, samples, lengths, models.nUnique, draw);
  const outputs = decodeChecked(models, sequences, models.maxLength + 1, { runner });
  return score(models, sequences, outputs);
}

/** How long an evaluation during training decodes before it yields to the event loop, in ms. */
const YIELD_EVERY_MS = 50;

/**
 * {@link evaluateWith} for the checks made during training: the same draws, decoding and
 * score, but it yields to the event loop about every 50 ms and checks `signal` between
 * decoder steps, returning `undefined` as soon as it has aborted (every tensor freed).
 */
async function evaluateAbortable(
  fn: string,
  models: TeacherForcingModels,
  samples: number,
  lengths: LengthRange,
  draw: RandomSource,
  signal: AbortSignal | undefined,
  runner?: FusedRunner,
): Promise<TeacherForcingEvaluation | undefined> {
  const sequences = drawSamples(fn, samples, lengths, models.nUnique, draw);
  const outputs: number[][] = [];
  let lastYield = performance.now();
  for (let start = 0; start < sequences.length; start += DECODE_CHUNK) {
    const chunk = sequences.slice(start, start + DECODE_CHUNK);
    if (runner?.decodes) {
      // The fused engine decodes a chunk in milliseconds: the signal is checked between chunks.
      if (signal?.aborted) return undefined;
      outputs.push(...runner.decodeGreedy(chunk, models.maxLength + 1, models));
      continue;
    }
    const steps = decodeSteps(models, chunk, models.maxLength + 1);
    try {
      for (;;) {
        if (signal?.aborted) return undefined;
        const next = steps.next();
        if (next.done) {
          outputs.push(...next.value);
          break;
        }
        if (performance.now() - lastYield > YIELD_EVERY_MS) {
          await yieldToEventLoop();
          lastYield = performance.now();
        }
      }
    } finally {
      // Runs the generator's own finally (its tensors) when it stopped between steps.
      steps.return([]);
    }
  }
  return score(models, sequences, outputs);
}

/** What {@link TrainTeacherForcingOptions.onEpochEnd} receives after every epoch. */
export interface TeacherForcingEpochLog {
  /** Epochs completed so far, counting from 1. */
  epoch: number;
  /** The most epochs this run will train (`options.epochs`). */
  epochs: number;
  /** Milliseconds since training started, including evaluations so far. */
  elapsedMs: number;
  /** Mean training loss over the epoch's batches (padding steps count as 0). */
  loss: number;
  /**
   * Mean training accuracy over the epoch's batches, with teacher forcing: per sample, the
   * fraction of real decoder steps (items and END; padding excluded) whose argmax is right.
   */
  accuracy: number;
}

/** A fresh-sample evaluation made during training (see `targetAccuracy`). */
export interface TeacherForcingEpochEvaluation extends TeacherForcingEvaluation {
  /** The epoch after which it was made. */
  epoch: number;
}

/** Options of {@link trainTeacherForcing}. */
export interface TrainTeacherForcingOptions {
  /** How many epochs at most; each epoch is `samplesPerEpoch` fresh random sequences. Required. */
  epochs: number;
  /** Fresh random sequences per epoch, fitted once each. Default `1024`. */
  samplesPerEpoch?: number | undefined;
  /** Samples per weight update. Default `64`. */
  batchSize?: number | undefined;
  /** Shortest training sequence. Default `1`. */
  minLength?: number | undefined;
  /** Longest training sequence, at most the models' `maxLength`. Default the models' `maxLength`. */
  maxLength?: number | undefined;
  /**
   * Seed for the training samples and the evaluation samples (separate streams derived from
   * it). Initial weights are seeded by {@link buildTeacherForcing}'s own `seed`. Default: none.
   */
  seed?: number | undefined;
  /**
   * Stop as soon as an evaluation reaches this exact-sequence accuracy (greedy decoding of
   * fresh samples, {@link TeacherForcingEvaluation.sequenceAccuracy}), in `(0, 1]`.
   * Default: none (run all epochs).
   */
  targetAccuracy?: number | undefined;
  /** Epochs between evaluations when `targetAccuracy` is set. Default `1`. */
  evaluateEvery?: number | undefined;
  /** Fresh samples per evaluation when `targetAccuracy` is set. Default `256`. */
  evaluationSamples?: number | undefined;
  /** Called after every epoch; training waits for a returned promise. */
  onEpochEnd?: ((log: TeacherForcingEpochLog) => void | Promise<void>) | undefined;
  /**
   * Aborting it stops training after the current epoch, or during an evaluation on the way
   * (between two of its decoder steps; that evaluation is dropped); the models stay usable.
   */
  signal?: AbortSignal | undefined;
  /**
   * How to compute each training step, as `trainEcho`'s `engine` option: `'fused'`
   * (seq-echo's own kernels; its Adam moments are its own, kept per models across calls),
   * `'tfjs'` (`models.training.fit`) or `'auto'` (fused when the engine maps the models).
   * Default `'auto'`.
   */
  engine?: 'auto' | 'fused' | 'tfjs' | undefined;
}

/** Every key of {@link TrainTeacherForcingOptions}, for the unknown-key check. */
const TRAIN_TEACHER_FORCING_KEYS = optionKeys<TrainTeacherForcingOptions>()([
  'epochs',
  'samplesPerEpoch',
  'batchSize',
  'minLength',
  'maxLength',
  'seed',
  'targetAccuracy',
  'evaluateEvery',
  'evaluationSamples',
  'onEpochEnd',
  'signal',
  'engine',
]);

/** Result of {@link trainTeacherForcing}. */
export interface TrainTeacherForcingResult {
  /** Epochs actually trained. */
  epochs: number;
  /** Loss and accuracy of every epoch trained, in order (as {@link TeacherForcingEpochLog}). */
  history: {
    /** Mean training loss of each epoch trained, in order (as {@link TeacherForcingEpochLog.loss}). */
    loss: number[];
    /**
     * Mean teacher-forced training accuracy of each epoch trained, in order (as
     * {@link TeacherForcingEpochLog.accuracy}).
     */
    accuracy: number[];
  };
  /** Fresh-sample evaluations made on the way (only with `targetAccuracy`). */
  evaluations: TeacherForcingEpochEvaluation[];
  /** `true` when training ended before `epochs`, by `targetAccuracy` or `signal`. */
  stoppedEarly: boolean;
  /** Why training ended. */
  stopReason: 'epochs' | 'targetAccuracy' | 'aborted';
  /** Wall-clock milliseconds the run took, evaluations included. */
  elapsedMs: number;
  /** Which engine trained: seq-echo's fused kernels, or tfjs's `model.fit`. */
  engine: 'fused' | 'tfjs';
  /** Why the fused engine could not train the models, when `'auto'` fell back to tfjs. */
  fallbackReason: string | undefined;
}

/** Fused trainers (with their Adam moments) per teacher-forcing models, kept across calls. */
const trainers = new WeakMap<tf.LayersModel, FusedTrainer>();

/** The fused trainer for the models' training model, made or brought up to date. */
function trainerFor(model: tf.LayersModel, plan: TrainingPlan): FusedTrainer {
  let trainer = trainers.get(model);
  if (!trainer?.fits(plan)) {
    trainer = new FusedTrainer(model, plan);
    trainers.set(model, trainer);
  } else {
    trainer.readWeights();
  }
  return trainer;
}

/**
 * Trains teacher-forcing models: every epoch draws `samplesPerEpoch` fresh random sequences of
 * random lengths in `[minLength, maxLength]`, frames them ({@link frameTeacherForcing}: the
 * decoder reads the target shifted right by START), and fits `models.training` on them once,
 * without shuffling: on the fused engine by default, with `model.fit` for `engine: 'tfjs'`.
 * With `targetAccuracy`, it decodes fresh samples greedily every `evaluateEvery` epochs and
 * stops once the exact-sequence accuracy reaches it. It yields to the event loop after every
 * epoch, so `signal` and timers run.
 *
 * Every tensor it makes is disposed; the only ones that stay are Adam's moments of the tfjs
 * engine, made on its first training step and freed by `models.dispose()`.
 *
 * While it runs, the models are its own: a second `trainTeacherForcing` on them is refused
 * with a RangeError naming the function.
 *
 * @param models - From {@link buildTeacherForcing}.
 * @param options - See {@link TrainTeacherForcingOptions}; `epochs` is required.
 * @returns `{ epochs, history, evaluations, stoppedEarly, stopReason, elapsedMs, engine, fallbackReason }`.
 * @throws TypeError / RangeError for disposed or foreign models or bad options, before any
 *   weight changes; RangeError when another call already trains the models.
 *
 * @example
 * ```ts
 * import { buildTeacherForcing, trainTeacherForcing } from 'seq-echo';
 *
 * const models = buildTeacherForcing({ maxLength: 4, nUnique: 10, units: 16, seed: 1 });
 * const result = await trainTeacherForcing(models, { epochs: 2, samplesPerEpoch: 64, seed: 2 });
 * console.log(result.epochs, result.history.loss.length); // 2 2
 * models.dispose();
 * ```
 */
export async function trainTeacherForcing(
  models: TeacherForcingModels,
  options: TrainTeacherForcingOptions,
): Promise<TrainTeacherForcingResult> {
  const fn = 'trainTeacherForcing';
  assertTeacherForcingModels(fn, models);
  if (typeof options !== 'object' || (options as unknown) === null || Array.isArray(options)) {
    throw new TypeError(message(fn, 'options', 'an options object with epochs', options));
  }
  assertKnownKeys(fn, 'options', options, TRAIN_TEACHER_FORCING_KEYS);
  const {
    epochs,
    samplesPerEpoch = 1024,
    batchSize = 64,
    minLength,
    maxLength,
    seed,
    targetAccuracy,
    evaluateEvery = 1,
    evaluationSamples = 256,
    onEpochEnd,
    signal,
    engine = 'auto',
  } = options as { [K in keyof TrainTeacherForcingOptions]?: unknown };
  assertInteger(fn, 'options.epochs', epochs, { min: 1, max: 1e9 });
  assertInteger(fn, 'options.samplesPerEpoch', samplesPerEpoch, { min: 1, max: 1_000_000 });
  assertWithin(
    fn,
    'options.samplesPerEpoch',
    samplesPerEpoch,
    samplesPerEpoch * (models.maxLength + 1) * (models.nUnique + 1),
    MAX_TENSOR_VALUES,
    "an epoch's one-hot values (samplesPerEpoch x (maxLength + 1) x (nUnique + 1))",
  );
  assertInteger(fn, 'options.batchSize', batchSize, { min: 1, max: 1_000_000 });
  const lengths = resolveLengths(fn, models, minLength, maxLength);
  if (seed !== undefined) assertInteger(fn, 'options.seed', seed);
  const loop = checkLoopOptions(fn, { targetAccuracy, evaluateEvery, onEpochEnd, signal });
  assertInteger(fn, 'options.evaluationSamples', evaluationSamples, { min: 1, max: 1_000_000 });
  assertOneOf(fn, 'options.engine', engine, ['auto', 'fused', 'tfjs'] as const);
  const abort = loop.signal;
  const callback = onEpochEnd as TrainTeacherForcingOptions['onEpochEnd'];
  let plan: TrainingPlan | string = 'options.engine is tfjs';
  if (engine !== 'tfjs') {
    plan = planTraining(models.training);
    if (typeof plan === 'string' && engine === 'fused') {
      throw new RangeError(
        `${fn}: options.engine 'fused' needs models the fused engine computes, but ${plan}`,
      );
    }
    if (typeof plan !== 'string') {
      assertWithin(
        fn,
        'options.batchSize',
        batchSize,
        batchWorkingFloats(plan, Math.min(batchSize, samplesPerEpoch)),
        MAX_TENSOR_VALUES,
        "the fused engine's working values for one batch",
      );
    }
  }
  // From here to the end the models are this call's: a second training run is refused.
  const { training, encoder, decoder } = models;
  const hold = holdModels(fn, 'models', [models, training, encoder, decoder]);
  try {
    const trainer = typeof plan === 'string' ? undefined : trainerFor(training, plan);
    const result = await trainHeld(models, {
      fn,
      epochs,
      samplesPerEpoch,
      batchSize,
      lengths,
      seed,
      loop,
      evaluationSamples,
      abort,
      callback,
      trainer,
    });
    return {
      ...result,
      engine: trainer ? 'fused' : 'tfjs',
      fallbackReason: trainer || engine === 'tfjs' ? undefined : (plan as string),
    };
  } finally {
    hold.release();
  }
}

/** {@link trainTeacherForcing} on checked options, while it holds the models. */
async function trainHeld(
  models: TeacherForcingModels,
  checked: {
    fn: string;
    epochs: number;
    samplesPerEpoch: number;
    batchSize: number;
    lengths: LengthRange;
    seed: number | undefined;
    loop: LoopOptions;
    evaluationSamples: number;
    abort: AbortSignal | undefined;
    callback: TrainTeacherForcingOptions['onEpochEnd'];
    trainer: FusedTrainer | undefined;
  },
): Promise<Omit<TrainTeacherForcingResult, 'engine' | 'fallbackReason'>> {
  const { fn, epochs, samplesPerEpoch, batchSize, lengths, seed, loop } = checked;
  const { evaluationSamples, abort, callback, trainer } = checked;
  let dirty = false;
  const sync = () => {
    if (dirty) trainer?.writeBack();
    dirty = false;
  };
  const dataRandom = seed === undefined ? Math.random : mulberry32(deriveSeed(seed, 1));
  const evalRandom = seed === undefined ? Math.random : mulberry32(deriveSeed(seed, 2));
  const history = { loss: [] as number[], accuracy: [] as number[] };
  const evaluations: TeacherForcingEpochEvaluation[] = [];
  let stopReason: TrainTeacherForcingResult['stopReason'] = 'epochs';
  const started = performance.now();

  for (let epoch = 1; epoch <= epochs; epoch++) {
    if (abort?.aborted) {
      stopReason = 'aborted';
      break;
    }
    const samples = drawSamples(fn, samplesPerEpoch, lengths, models.nUnique, dataRandom);
    const { loss, accuracy } = trainer
      ? trainer.trainEpoch(teacherForcingData(models, samples), batchSize, false)
      : await fitEpoch(models, samples, batchSize);
    dirty = trainer !== undefined;
    history.loss.push(loss);
    history.accuracy.push(accuracy);
    if (callback) {
      sync();
      await callback({ epoch, epochs, elapsedMs: performance.now() - started, loss, accuracy });
    }
    if (
      loop.targetAccuracy !== undefined &&
      (epoch % loop.evaluateEvery === 0 || epoch === epochs)
    ) {
      const evaluation = await evaluateAbortable(
        fn,
        models,
        evaluationSamples,
        lengths,
        evalRandom,
        abort,
        trainer,
      );
      if (evaluation === undefined) {
        stopReason = 'aborted';
        break;
      }
      evaluations.push({ epoch, ...evaluation });
      if (evaluation.sequenceAccuracy >= loop.targetAccuracy) {
        stopReason = 'targetAccuracy';
        break;
      }
    }
    await yieldToEventLoop();
  }
  sync();
  const trained = history.loss.length;
  return {
    epochs: trained,
    history,
    evaluations,
    stoppedEarly: trained < epochs,
    stopReason,
    elapsedMs: performance.now() - started,
  };
}

/** One epoch through `models.training.fit`, no shuffling; its tensors disposed. */
async function fitEpoch(
  models: TeacherForcingModels,
  samples: readonly (readonly number[])[],
  batchSize: number,
): Promise<{ loss: number; accuracy: number }> {
  const t = teacherForcingTensors(models, samples);
  try {
    const fitted = await models.training.fit([t.encoderInput, t.decoderInput], t.decoderTarget, {
      epochs: 1,
      batchSize,
      shuffle: false,
    });
    return {
      loss: lastValue(fitted, 'loss'),
      accuracy: lastValue(fitted, 'maskedAccuracy', 'masked_accuracy'),
    };
  } finally {
    t.encoderInput.dispose();
    t.decoderInput.dispose();
    t.decoderTarget.dispose();
  }
}
