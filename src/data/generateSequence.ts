import {
  assertFunction,
  assertInteger,
  assertKnownKeys,
  assertOptions,
  message,
  optionKeys,
  showValue,
} from '../internal/assert';
import { MAX_SEQUENCE_LENGTH } from '../internal/limits';
import { mulberry32, type RandomSource } from './random';

/** Options of {@link generateSequence}. */
export interface GenerateSequenceOptions {
  /** How many distinct values may occur: the sequence holds integers in `[0, nUnique)`. Default `100`. */
  nUnique?: number | undefined;
  /**
   * Seed for a reproducible sequence: the same seed gives the same numbers on every platform.
   * Any integer (taken modulo 2^32). Default: none, which draws from `Math.random`.
   */
  seed?: number | undefined;
  /**
   * Your own source of uniform numbers in `[0, 1)`, for example a generator shared across
   * calls. Cannot be combined with `seed`. Default: none.
   */
  random?: RandomSource | undefined;
}

/** Every key of {@link GenerateSequenceOptions}, for the unknown-key check. */
const GENERATE_SEQUENCE_KEYS = optionKeys<GenerateSequenceOptions>()(['nUnique', 'seed', 'random']);

/**
 * Draws `length` integers uniformly from `[0, nUnique)`: the walkthrough's
 * `generate_sequence`. Pure: no tensors.
 *
 * @param length - How many integers; a whole number in `[0, 2^24]`. Default `25`.
 * @param options - See {@link GenerateSequenceOptions}.
 * @returns A new array of `length` integers.
 * @throws RangeError if `length` is not a whole number in `[0, 2^24]`, `nUnique < 2`, or `random`
 *   returns a value outside `[0, 1)`; TypeError for arguments of the wrong kind or when both
 *   `seed` and `random` are given.
 *
 * @example
 * ```ts
 * import { generateSequence } from 'seq-echo';
 *
 * const a = generateSequence(5, { seed: 42 });
 * const b = generateSequence(5, { seed: 42 });
 * console.log(a.length, a.every((v) => v >= 0 && v < 100)); // 5 true
 * // Seeded sequences repeat:
 * console.log(a.join() === b.join()); // true
 * console.log(generateSequence(4, { nUnique: 2, random: () => 0.75 })); // [1, 1, 1, 1]
 * ```
 */
export function generateSequence(length = 25, options: GenerateSequenceOptions = {}): number[] {
  const fn = 'generateSequence';
  assertInteger(fn, 'length', length, { min: 0, max: MAX_SEQUENCE_LENGTH });
  assertOptions(fn, 'options', options);
  assertKnownKeys(fn, 'options', options, GENERATE_SEQUENCE_KEYS);
  const { nUnique = 100 } = options;
  assertInteger(fn, 'options.nUnique', nUnique, { min: 2, max: 2 ** 32 });
  return drawSequence(fn, length, nUnique, randomSource(fn, options));
}

/**
 * Checks the `seed`/`random` pair of an options object and returns the source to draw from:
 * `random` itself, a mulberry32 generator for `seed`, or `Math.random`.
 */
export function randomSource(
  fn: string,
  { seed, random }: Pick<GenerateSequenceOptions, 'seed' | 'random'>,
): RandomSource {
  if (seed !== undefined && random !== undefined) {
    throw new TypeError(
      `${fn}: options.seed and options.random cannot both be given; pass one of them, but received seed ${showValue(seed)} and random ${showValue(random)}`,
    );
  }
  if (seed !== undefined) {
    assertInteger(fn, 'options.seed', seed);
    return mulberry32(seed);
  }
  if (random !== undefined) {
    assertFunction(fn, 'options.random', random);
    return random;
  }
  return Math.random;
}

/** Draws `length` integers in `[0, nUnique)` from `draw`, checking every number it returns. */
export function drawSequence(
  fn: string,
  length: number,
  nUnique: number,
  draw: RandomSource,
): number[] {
  const sequence = new Array<number>(length);
  for (let i = 0; i < length; i++) {
    const r = draw();
    if (typeof r !== 'number' || !(r >= 0 && r < 1)) {
      throw new RangeError(message(fn, 'options.random()', 'a number in [0, 1)', r));
    }
    sequence[i] = Math.floor(r * nUnique);
  }
  return sequence;
}
