import { assertInteger, assertMatrix, message } from '../internal/assert';
import { assertWithin, MAX_ARRAY_VALUES } from '../internal/limits';

/** Result of {@link toSupervised}: inputs and targets, one row per complete window. */
export interface SupervisedData {
  /** `[rows, nIn, width]`: each row is the window ending at time `t`, oldest item first. */
  X: number[][][];
  /** `[rows, nOut, width]`: the oldest `nOut` items of the same window. */
  y: number[][][];
}

/**
 * Checks `nIn`/`nOut` against a sequence of `length` items and returns the number of complete
 * windows. Shared by every function that frames a sequence.
 */
export function checkFraming(fn: string, length: number, nIn: unknown, nOut: unknown): number {
  assertInteger(fn, 'nIn', nIn, { min: 1 });
  assertInteger(fn, 'nOut', nOut, { min: 1 });
  if (nOut > nIn) {
    throw new RangeError(message(fn, 'nOut', `an integer <= nIn (${nIn})`, nOut));
  }
  if (nIn > length) {
    throw new RangeError(
      message(fn, 'nIn', `<= the sequence length (${length}) so at least one window fits`, nIn),
    );
  }
  return length - nIn + 1;
}

/**
 * Frames any sequence of items the walkthrough's way: window `r` is `items[r .. r + nIn - 1]`
 * and its target is `items[r .. r + nOut - 1]`. Arguments must already be checked.
 */
export function frameWindows<T>(
  items: ArrayLike<T>,
  nIn: number,
  nOut: number,
): { X: T[][]; y: T[][] } {
  const X: T[][] = [];
  const y: T[][] = [];
  for (let r = 0; r + nIn <= items.length; r++) {
    const window: T[] = [];
    for (let k = 0; k < nIn; k++) window.push(items[r + k] as T);
    X.push(window);
    y.push(window.slice(0, nOut));
  }
  return { X, y };
}

/**
 * Frames an encoded sequence as a supervised learning problem exactly as the walkthrough's
 * pandas `shift` + `dropna` does: row `t` of `X` is the window of `nIn` items ending at time
 * `t` (oldest first), `y` is the oldest `nOut` items of that window, and the first `nIn - 1`
 * incomplete windows are dropped. So 25 items with `nIn = 5` give 21 rows.
 *
 * Works on any rows of equal width (one-hot vectors, scaled values). Rows are copied: the
 * result shares no arrays with `encoded`.
 *
 * @param encoded - The encoded sequence, one row per time step (e.g. from {@link oneHotEncode}).
 * @param nIn - Window length (time steps per sample); an integer in `[1, encoded.length]`.
 * @param nOut - How many of the oldest items to echo; an integer in `[1, nIn]`.
 * @returns `{ X, y }` of shapes `[rows, nIn, width]` and `[rows, nOut, width]`.
 * @throws RangeError for `nIn`/`nOut` out of range, ragged/empty rows, or a result of more
 *   than 2^25 numbers (`windows x (nIn + nOut) x width`); TypeError for
 *   arguments of the wrong kind.
 *
 * @example
 * ```ts
 * import { oneHotDecode, oneHotEncode, toSupervised } from 'seq-echo';
 *
 * // The walkthrough's example: window [86, 81, 88, 1, 23] echoes its oldest three.
 * const { X, y } = toSupervised(oneHotEncode([86, 81, 88, 1, 23]), 5, 3);
 * console.log(oneHotDecode(X[0]!)); // [86, 81, 88, 1, 23]
 * console.log(oneHotDecode(y[0]!)); // [86, 81, 88]
 * ```
 */
export function toSupervised(
  encoded: readonly (readonly number[])[],
  nIn: number,
  nOut: number,
): SupervisedData {
  const fn = 'toSupervised';
  assertMatrix(fn, 'encoded', encoded);
  const rows = checkFraming(fn, encoded.length, nIn, nOut);
  const width = encoded[0]?.length ?? 0;
  assertWithin(
    fn,
    'nIn',
    nIn,
    rows * (nIn + nOut) * width,
    MAX_ARRAY_VALUES,
    'the values of X and y (windows x (nIn + nOut) x width)',
  );
  const { X, y } = frameWindows(encoded, nIn, nOut);
  const copy = (rows: (readonly number[])[]): number[][] => rows.map((row) => Array.from(row));
  return { X: X.map(copy), y: y.map(copy) };
}
