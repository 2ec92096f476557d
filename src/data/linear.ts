import {
  assertInteger,
  assertMatrix,
  assertSequence,
  showValue,
  message,
} from '../internal/assert';
import { assertWithin, MAX_ARRAY_VALUES } from '../internal/limits';

/**
 * The walkthrough's first extension, the linear representation: each integer becomes one
 * number, scaled to `[0, 1]` as `id / (nUnique - 1)`, so a model reads one feature per step
 * instead of a one-hot row of `nUnique`. The inverse is {@link linearDecode}. Pure: no tensors.
 *
 * @param sequence - Integers in `[0, nUnique)`; plain array or typed array. May be empty.
 * @param nUnique - How many integers there are; an integer `>= 2`. Default `100`.
 * @returns A new `sequence.length x 1` array (one row per item, so {@link toSupervised} frames
 *   it like one-hot rows).
 * @throws RangeError for `nUnique < 2` or an element outside `[0, nUnique)` or not whole;
 *   TypeError when `sequence` is not an array of numbers.
 *
 * @example
 * ```ts
 * import { linearEncode } from 'seq-echo';
 *
 * console.log(linearEncode([0, 33, 99])); // [[0], [0.3333333333333333], [1]]
 * ```
 */
export function linearEncode(sequence: ArrayLike<number>, nUnique = 100): number[][] {
  const fn = 'linearEncode';
  assertInteger(fn, 'nUnique', nUnique, { min: 2, max: 2 ** 24 });
  const length = (sequence as { length?: unknown } | null | undefined)?.length;
  if (typeof length === 'number') {
    assertWithin(fn, 'sequence', showValue(sequence), length, MAX_ARRAY_VALUES, 'its length');
  }
  assertSequence(fn, 'sequence', sequence, nUnique);
  const scale = nUnique - 1;
  return Array.from(sequence, (id) => [id / scale]);
}

/**
 * Reads integers back from scaled values ({@link linearEncode}'s inverse): each value times
 * `nUnique - 1`, rounded to the nearest integer. A value that rounds outside `[0, nUnique)`
 * (below `-0.5 / (nUnique - 1)` or at/above `1 + 0.5 / (nUnique - 1)`), or is not finite, is an
 * error rather than silently clamped: it is not the encoding of any integer.
 *
 * @param encoded - One row of one number per item, as {@link linearEncode} gives (or a model's
 *   regression output read with `arraySync()` per window).
 * @param nUnique - How many integers there are; an integer `>= 2`. Default `100`.
 * @returns The integers, one per row.
 * @throws RangeError for rows wider than one number or a value out of range (naming the row);
 *   TypeError when `encoded` is not a 2-D array of numbers.
 *
 * @example
 * ```ts
 * import { linearDecode, linearEncode } from 'seq-echo';
 *
 * console.log(linearDecode(linearEncode([7, 42]))); // [7, 42]
 * console.log(linearDecode([[0.504], [0.996]])); // [50, 99]
 * ```
 */
export function linearDecode(encoded: readonly (readonly number[])[], nUnique = 100): number[] {
  const fn = 'linearDecode';
  assertInteger(fn, 'nUnique', nUnique, { min: 2, max: 2 ** 24 });
  const width = assertMatrix(fn, 'encoded', encoded);
  if (encoded.length > 0 && width !== 1) {
    throw new RangeError(
      message(
        fn,
        'encoded[0]',
        'a row of exactly one number (one scaled value per item)',
        encoded[0],
      ),
    );
  }
  const scale = nUnique - 1;
  return encoded.map((row, r) => {
    const value = row[0] as number;
    const id = Math.round(value * scale) + 0; // + 0 turns -0 into 0
    if (!(id >= 0 && id < nUnique)) {
      throw new RangeError(
        message(
          fn,
          `encoded[${r}][0]`,
          `a value that rounds to an integer in [0, ${nUnique}) when scaled by ${scale}, i.e. in [${-0.5 / scale}, ${1 + 0.5 / scale})`,
          value,
        ),
      );
    }
    return id;
  });
}
