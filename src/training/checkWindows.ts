import { checkFraming } from '../data/toSupervised';
import { assertWithin, MAX_TENSOR_VALUES } from '../internal/limits';
import type { EchoShape } from '../models/echoShape';

/**
 * Checks that a sequence of `length` items frames into at least one window for `shape`, and
 * that one-hot encoding all its windows stays within {@link MAX_TENSOR_VALUES}. Returns the
 * number of windows. `param` and `value` name the caller's argument in the error message.
 */
export function checkWindows(
  fn: string,
  param: string,
  value: unknown,
  length: number,
  shape: EchoShape,
): number {
  const windows = checkFraming(fn, length, shape.nIn, shape.nOut);
  assertWithin(
    fn,
    param,
    value,
    windows * shape.nIn * shape.nUnique,
    MAX_TENSOR_VALUES,
    "the sequence's one-hot values (windows x nIn x nUnique)",
  );
  return windows;
}
