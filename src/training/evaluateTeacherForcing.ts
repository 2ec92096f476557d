import { drawSequence, randomSource } from '../data/generateSequence';
import type { RandomSource } from '../data/random';
import {
  assertInteger,
  assertKnownKeys,
  assertOptions,
  message,
  optionKeys,
} from '../internal/assert';
import { assertTeacherForcingModels, type TeacherForcingModels } from '../models/teacherForcing';
import { decodeChecked, decodeSteps, DECODE_CHUNK } from './decodeGreedy';
import type { FusedRunner } from './fused/trainer';
import { yielder } from '../internal/yieldToEventLoop';

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

/** The range of sample lengths to draw, checked. */
export interface LengthRange {
  minLength: number;
  maxLength: number;
}

/** Checks `minLength` and `maxLength` options against the models; defaults 1 and `maxLength`. */
export function resolveLengths(
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
export function drawSamples(
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
  const sequences = drawSamples(fn, samples, lengths, models.nUnique, draw);
  return score(models, sequences, decodeChecked(models, sequences, models.maxLength + 1));
}

/**
 * {@link evaluateTeacherForcing} for the checks made during training: the same draws, decoding
 * and score, but it yields to the event loop about every 50 ms and checks `signal` between
 * decoder steps, returning `undefined` as soon as it has aborted (every tensor freed).
 */
export async function evaluateDuringTraining(
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
  const pause = yielder();
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
        await pause();
      }
    } finally {
      // Runs the generator's own finally (its tensors) when it stopped between steps.
      steps.return([]);
    }
  }
  return score(models, sequences, outputs);
}
