import {
  assertInteger,
  assertMatrix,
  assertOneOf,
  assertOptions,
  showValue,
  message,
  assertKnownKeys,
  optionKeys,
  assertOutputLength,
  assertTask,
} from '../internal/assert';
import { assertWithin, MAX_ARRAY_VALUES } from '../internal/limits';

/** Result of {@link toSupervised}: inputs and targets, one row per complete window. */
export interface SupervisedData {
  /** `[rows, nIn, width]`: each row is the window ending at time `t`, oldest item first. */
  X: number[][][];
  /** `[rows, nOut, width]`: the oldest `nOut` items of the same window. */
  y: number[][][];
}

/**
 * How windows are framed from a sequence:
 * - `'complete'`: only windows of `nIn` real items, as the walkthrough's `dropna` leaves them
 *   (`length - nIn + 1` windows);
 * - `'padded'`: one window ending at every item, the first `nIn - 1` padded at the front with
 *   a value that cannot occur (`length` windows), so every item ends a window.
 */
export type Framing = 'complete' | 'padded';

/**
 * Checks `nIn`/`nOut` against a sequence of `length` items and returns the number of windows
 * `framing` gives. Shared by every function that frames a sequence.
 */
export function checkFraming(
  fn: string,
  length: number,
  nIn: unknown,
  nOut: unknown,
  framing: Framing = 'complete',
): number {
  assertInteger(fn, 'nIn', nIn, { min: 1 });
  assertOutputLength(fn, 'nOut', nOut, nIn, 'nIn');
  if (framing === 'padded') {
    if (length < 1) {
      throw new RangeError(
        message(fn, 'nIn', `a window over at least one item (the sequence is empty)`, nIn),
      );
    }
    return length;
  }
  if (nIn > length) {
    throw new RangeError(
      message(fn, 'nIn', `<= the sequence length (${length}) so at least one window fits`, nIn),
    );
  }
  return length - nIn + 1;
}

/** How {@link frameWindows} frames: padding (with what) and the order of the targets. */
export interface FrameOptions<T> {
  /** Frame `'padded'` windows, filling the missing front items with this value. */
  pad?: T | undefined;
  /** Targets in reverse order (the `'reverse'` task). */
  reverse?: boolean | undefined;
}

/**
 * Frames any sequence of items the walkthrough's way: window `r` is `items[r .. r + nIn - 1]`
 * and its target is `items[r .. r + nOut - 1]`. With `pad`, one window ends at every item
 * instead, its missing front items filled with `pad`; with `reverse`, each target is reversed.
 * Arguments must already be checked.
 */
export function frameWindows<T>(
  items: ArrayLike<T>,
  nIn: number,
  nOut: number,
  options: FrameOptions<T> = {},
): { X: T[][]; y: T[][] } {
  const X: T[][] = [];
  const y: T[][] = [];
  const padded = options.pad !== undefined;
  const first = padded ? 1 - nIn : 0;
  for (let r = first; r + nIn <= items.length; r++) {
    const window: T[] = [];
    for (let k = 0; k < nIn; k++) {
      window.push(r + k < 0 ? (options.pad as T) : (items[r + k] as T));
    }
    X.push(window);
    const target = window.slice(0, nOut);
    y.push(options.reverse ? target.reverse() : target);
  }
  return { X, y };
}

/** Options of {@link toSupervised}. */
export interface ToSupervisedOptions {
  /**
   * `'complete'` (the walkthrough: incomplete windows dropped) or `'padded'` (incomplete
   * windows kept, their missing front items filled with rows of `padValue`). See
   * {@link Framing}. Default `'complete'`.
   */
  framing?: Framing | undefined;
  /**
   * The value padded rows are filled with. It must not occur: a row of `encoded` made only of
   * `padValue` is an error, since a model could not tell it from padding. Default `0`, whose
   * all-zero row one-hot encoding never produces (mask it with `tf.layers.masking()`).
   */
  padValue?: number | undefined;
  /** Reverse each target (`'reverse'`: the same items as `'echo'`, newest first). Default `'echo'`. */
  task?: 'echo' | 'reverse' | undefined;
}

/** Every key of {@link ToSupervisedOptions}, for the unknown-key check. */
const TO_SUPERVISED_KEYS = optionKeys<ToSupervisedOptions>()(['framing', 'padValue', 'task']);

/**
 * Frames an encoded sequence as a supervised learning problem exactly as the walkthrough's
 * pandas `shift` + `dropna` does: row `t` of `X` is the window of `nIn` items ending at time
 * `t` (oldest first), `y` is the oldest `nOut` items of that window, and the first `nIn - 1`
 * incomplete windows are dropped. So 25 items with `nIn = 5` give 21 rows.
 *
 * Works on any rows of equal width (one-hot vectors, scaled values). Rows are copied: the
 * result shares no arrays with `encoded`.
 *
 * Going beyond the walkthrough, `options.framing: 'padded'` keeps the incomplete windows
 * instead of dropping them: 25 items give 25 rows, the first `nIn - 1` padded at the front
 * with rows of `padValue` (all zeros by default). Their targets keep the padding too, so a
 * whole-window echo's padded target rows are all-zero, which categorical cross-entropy scores
 * as zero loss. `options.task: 'reverse'` reverses each target.
 *
 * @param encoded - The encoded sequence, one row per time step (e.g. from {@link oneHotEncode}).
 * @param nIn - Window length (time steps per sample); an integer in `[1, encoded.length]`.
 * @param nOut - How many of the oldest items to echo; an integer in `[1, nIn]`.
 * @param options - See {@link ToSupervisedOptions}; all optional.
 * @returns `{ X, y }` of shapes `[rows, nIn, width]` and `[rows, nOut, width]`.
 * @throws RangeError for `nIn`/`nOut` out of range, ragged/empty rows, a result of more
 *   than 2^25 numbers (`windows x (nIn + nOut) x width`), or a `padValue` that occurs as a
 *   whole row of `encoded`; TypeError for arguments or options of the wrong kind.
 *
 * @example
 * ```ts
 * import { oneHotDecode, oneHotEncode, toSupervised } from 'seq-echo';
 *
 * // The walkthrough's example: window [86, 81, 88, 1, 23] echoes its oldest three.
 * const { X, y } = toSupervised(oneHotEncode([86, 81, 88, 1, 23]), 5, 3);
 * console.log(oneHotDecode(X[0]!)); // [86, 81, 88, 1, 23]
 * console.log(oneHotDecode(y[0]!)); // [86, 81, 88]
 *
 * // Padded framing: one row per item, the first padded (here with -1).
 * const padded = toSupervised([[1], [2], [3]], 2, 2, { framing: 'padded', padValue: -1 });
 * console.log(padded.X); // [[[-1], [1]], [[1], [2]], [[2], [3]]]
 * ```
 */
export function toSupervised(
  encoded: readonly (readonly number[])[],
  nIn: number,
  nOut: number,
  options: ToSupervisedOptions = {},
): SupervisedData {
  const fn = 'toSupervised';
  assertMatrix(fn, 'encoded', encoded);
  assertOptions(fn, 'options', options);
  assertKnownKeys(fn, 'options', options, TO_SUPERVISED_KEYS);
  const { framing = 'complete', padValue = 0, task = 'echo' } = options;
  assertOneOf(fn, 'options.framing', framing as unknown, ['complete', 'padded'] as const);
  if (typeof padValue !== 'number' || !Number.isFinite(padValue)) {
    const expected = 'a finite number';
    const text = message(fn, 'options.padValue', expected, padValue);
    throw typeof padValue === 'number' ? new RangeError(text) : new TypeError(text);
  }
  assertTask(fn, 'options.task', task);
  const rows = checkFraming(fn, encoded.length, nIn, nOut, framing);
  const width = encoded[0]?.length ?? 0;
  if (framing === 'padded') {
    const clash = encoded.findIndex((row) =>
      Array.prototype.every.call(row, (v) => v === padValue),
    );
    if (clash !== -1) {
      throw new RangeError(
        `${fn}: options.padValue must not occur as a whole row of encoded (padding must be told apart from data), but received ${showValue(padValue)}, and encoded[${clash}] is all ${showValue(padValue)}`,
      );
    }
  }
  assertWithin(
    fn,
    'nIn',
    nIn,
    rows * (nIn + nOut) * width,
    MAX_ARRAY_VALUES,
    'the values of X and y (windows x (nIn + nOut) x width)',
  );
  const pad = framing === 'padded' ? new Array<number>(width).fill(padValue) : undefined;
  const { X, y } = frameWindows<readonly number[]>(encoded, nIn, nOut, {
    pad,
    reverse: task === 'reverse',
  });
  const copy = (rows: (readonly number[])[]): number[][] => rows.map((row) => Array.from(row));
  return { X: X.map(copy), y: y.map(copy) };
}
