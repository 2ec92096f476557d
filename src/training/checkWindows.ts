import { checkFraming, frameWindows } from '../data/toSupervised';
import { assertWithin, MAX_TENSOR_VALUES } from '../internal/limits';
import type { EchoShape } from '../models/echoShape';

/** The id that marks a padded item in framed windows (padded framing only). */
export const PAD_ID = -1;

/** The width of one encoded item: `nUnique` for one-hot rows, 1 for a scaled value. */
export const itemWidth = (shape: EchoShape): number =>
  shape.representation === 'linear' ? 1 : shape.nUnique;

/**
 * Checks that a sequence of `length` items frames into at least one window for `shape`, and
 * that encoding all its windows stays within {@link MAX_TENSOR_VALUES}. Returns the number of
 * windows (`length - nIn + 1`, or `length` for a padded model). `param` and `value` name the
 * caller's argument in the error message.
 */
export function checkWindows(
  fn: string,
  param: string,
  value: unknown,
  length: number,
  shape: EchoShape,
): number {
  const windows = checkFraming(fn, length, shape.nIn, shape.nOut, shape.framing);
  assertWithin(
    fn,
    param,
    value,
    windows * shape.nIn * itemWidth(shape),
    MAX_TENSOR_VALUES,
    shape.representation === 'linear'
      ? "the sequence's values (windows x nIn)"
      : "the sequence's one-hot values (windows x nIn x nUnique)",
  );
  return windows;
}

/**
 * Frames a checked sequence of ids for `shape`: complete or padded windows (padding is
 * {@link PAD_ID}), and targets in the order the model's task wants.
 */
export function frameEcho(
  sequence: ArrayLike<number>,
  shape: EchoShape,
): { X: number[][]; y: number[][] } {
  return frameWindows(sequence, shape.nIn, shape.nOut, {
    pad: shape.framing === 'padded' ? PAD_ID : undefined,
    reverse: shape.task === 'reverse',
  });
}
