/**
 * How big an allocation seq-echo will make before it refuses. Each limit is far above anything
 * the walkthrough or its extensions need and well below what crashes a Node process or a
 * browser tab; a request beyond one is a `RangeError` thrown before anything is allocated.
 * The README's "Guarantees" section lists them.
 */

/** Longest sequence of integers a function draws: 2^24 (16.7 million). */
export const MAX_SEQUENCE_LENGTH = 2 ** 24;

/** Most numbers in the nested arrays a data function returns: 2^25 (about 270 MB as JS numbers). */
export const MAX_ARRAY_VALUES = 2 ** 25;

/** Most float32 values in one tensor seq-echo builds (one-hot windows): 2^28 (1 GiB). */
export const MAX_TENSOR_VALUES = 2 ** 28;

/** Most weights in a model the factories build: 2^27 (512 MB as float32). */
export const MAX_MODEL_WEIGHTS = 2 ** 27;

/**
 * Throws a `RangeError` when `count` (what `param`'s value `value` would allocate, described by
 * `what`) exceeds `limit`.
 */
export function assertWithin(
  fn: string,
  param: string,
  value: unknown,
  count: number,
  limit: number,
  what: string,
): void {
  if (count <= limit) return;
  throw new RangeError(
    `${fn}: ${param} must keep ${what} at or under ${limit.toLocaleString('en-US')}, but received ${String(value)}, which gives ${count.toLocaleString('en-US')}`,
  );
}
