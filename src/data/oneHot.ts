import type { Tensor } from '@tensorflow/tfjs';
import { assertInteger, assertMatrix, assertSequence, showValue } from '../internal/assert';
import { assertWithin, MAX_ARRAY_VALUES } from '../internal/limits';

/**
 * Turns each integer of `sequence` into a vector of `nUnique` zeros with a single one at that
 * integer's index: the walkthrough's hand-written `one_hot_encode`. Pure: no tensors.
 *
 * (Why by hand rather than `tf.oneHot`? Plain arrays are easy to print, test and teach with;
 * the training path builds its tensors directly from integer ids and never goes through here.)
 *
 * @param sequence - Integers in `[0, nUnique)`; plain array or typed array. May be empty.
 * @param nUnique - Length of each vector; an integer `>= 2`. Default `100`.
 * @returns A new `sequence.length x nUnique` array of 0/1 numbers.
 * @throws RangeError for `nUnique < 2`, an element outside `[0, nUnique)` or not whole, or a
 *   result of more than 2^25 numbers (`sequence.length x nUnique`);
 *   TypeError when `sequence` is not an array of numbers.
 *
 * @example
 * ```ts
 * import { oneHotEncode } from 'seq-echo';
 *
 * console.log(oneHotEncode([2, 0], 3)); // [[0, 0, 1], [1, 0, 0]]
 * ```
 */
export function oneHotEncode(sequence: ArrayLike<number>, nUnique = 100): number[][] {
  const fn = 'oneHotEncode';
  assertInteger(fn, 'nUnique', nUnique, { min: 2, max: 2 ** 24 });
  const length = (sequence as { length?: unknown } | null | undefined)?.length;
  if (typeof length === 'number') {
    assertWithin(
      fn,
      'sequence',
      showValue(sequence),
      length * nUnique,
      MAX_ARRAY_VALUES,
      'length x nUnique',
    );
  }
  assertSequence(fn, 'sequence', sequence, nUnique);
  const encoded: number[][] = [];
  for (let i = 0; i < sequence.length; i++) {
    const row = new Array<number>(nUnique).fill(0);
    row[sequence[i] as number] = 1;
    encoded.push(row);
  }
  return encoded;
}

function isTensor(value: unknown): value is Tensor {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as { shape?: unknown }).shape) &&
    typeof (value as { arraySync?: unknown }).arraySync === 'function' &&
    typeof (value as { rank?: unknown }).rank === 'number'
  );
}

/**
 * Maps each row to the index of its largest value (argmax): the inverse of
 * {@link oneHotEncode}, and the way to read a softmax prediction. Ties go to the lowest index.
 *
 * Accepts plain `number[][]` or a 2-D `tf.Tensor` (which it reads and does not dispose).
 *
 * @param encoded - Rows of equal, non-zero length, every entry a finite number. May have no rows.
 * @returns One integer per row.
 * @throws TypeError when `encoded` is neither a 2-D array nor a tensor, or holds non-numbers;
 *   RangeError for ragged or empty rows, non-finite entries, or a tensor that is not 2-D.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { oneHotDecode, oneHotEncode } from 'seq-echo';
 *
 * console.log(oneHotDecode(oneHotEncode([7, 3, 9], 10))); // [7, 3, 9]
 * console.log(oneHotDecode([[0.1, 0.7, 0.2]])); // [1]
 * const t = tf.tensor2d([[0, 1], [1, 0]]);
 * console.log(oneHotDecode(t)); // [1, 0]
 * t.dispose();
 * ```
 */
export function oneHotDecode(encoded: readonly (readonly number[])[] | Tensor): number[] {
  const fn = 'oneHotDecode';
  let rows: unknown = encoded;
  if (isTensor(encoded)) {
    if (encoded.rank !== 2) {
      throw new RangeError(
        `${fn}: encoded must be a 2-D tensor, but received a tensor of shape [${encoded.shape.join(', ')}]`,
      );
    }
    if (encoded.isDisposed) {
      throw new TypeError(`${fn}: encoded must be a live tensor, but received a disposed tensor`);
    }
    rows = encoded.arraySync();
  }
  assertMatrix(fn, 'encoded', rows);
  const matrix = rows as ArrayLike<number>[];
  return matrix.map((row) => {
    let best = 0;
    for (let c = 1; c < row.length; c++) {
      if ((row[c] as number) > (row[best] as number)) best = c;
    }
    return best;
  });
}
