import * as tf from '@tensorflow/tfjs';
import {
  assertInteger,
  assertKnownKeys,
  assertOptions,
  assertSequence,
  message,
  optionKeys,
} from '../internal/assert';
import { assertTeacherForcingModels, type TeacherForcingModels } from '../models/teacherForcing';
import { writeRows } from '../tensors/teacherForcingTensors';
import { fusedRunner, type FusedRunner } from './fused/trainer';

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
export const DECODE_CHUNK = 1024;

/** Checks `sequences`: an array of sequences {@link checkSequence} accepts, named by index. */
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

/** Checks one sequence: 1 to `maxLength` integers in `[0, nUnique)`. */
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

/** The checked `maxSteps` of decoding options, defaulting to `maxLength + 1`. */
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
export function* decodeSteps(
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
