/**
 * The Adam step of a batch trained on several threads, split between them: each thread adds
 * the other threads' gradients into the calling thread's, in thread order, and applies Adam,
 * on its own stretch of the weights. Every thread runs kernels on the calling thread's memory
 * (a worker through `attachKernels`), so nothing is copied but each worker's gradients into
 * its inbox there. The sums are the same, in the same order, as one thread summing them all,
 * so a seeded run stays bit-identical for a given thread count.
 */
import type { AdamStep, Kernels } from '../kernels';

/** Values `start .. end` of weight array `array`. */
export interface Stretch {
  array: number;
  start: number;
  end: number;
}

/**
 * Thread `index`'s share of the weights (arrays of `lengths`, laid end to end) among
 * `threads`: one contiguous range of the whole, cut at multiples of 4 (whole SIMD vectors),
 * the ranges' sizes within 4 of each other; as stretches of the arrays it covers.
 */
export function adamShare(lengths: readonly number[], threads: number, index: number): Stretch[] {
  const total = lengths.reduce((a, b) => a + b, 0);
  const cut = (k: number): number =>
    k >= threads ? total : Math.min(total, Math.round((total * k) / threads / 4) * 4);
  const from = cut(index);
  const to = cut(index + 1);
  const stretches: Stretch[] = [];
  let offset = 0;
  lengths.forEach((length, array) => {
    const start = Math.max(from, offset);
    const end = Math.min(to, offset + length);
    if (start < end) stretches.push({ array, start: start - offset, end: end - offset });
    offset += length;
  });
  return stretches;
}

/**
 * Applies one thread's share of a batch's Adam step. `arrays` are the calling thread's
 * resident arrays, `count` each: weights, gradients (its own), Adam's `m` and `v`, then the
 * inboxes of workers 1, 2, ... (their gradients). For each stretch: the gradients of workers
 * `1 .. active - 1` are added to the caller's, in that order, then Adam updates it.
 */
export function applyAdamShare(
  kernels: Kernels,
  arrays: readonly Float32Array[],
  count: number,
  active: number,
  stretches: readonly Stretch[],
  step: AdamStep,
): void {
  for (const { array, start, end } of stretches) {
    const part = (copy: number): Float32Array => arrays[copy * count + array]!.subarray(start, end);
    const g = part(1);
    for (let w = 1; w < active; w++) {
      kernels.columnSum({ src: part(3 + w), dst: g, rows: 1, cols: end - start });
    }
    kernels.adam({ p: part(0), g, m: part(2), v: part(3), step });
  }
}
