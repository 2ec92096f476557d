/**
 * How the threads of a fused trainer share the calling thread's memory, and its Adam step.
 *
 * Layout: the caller's resident arrays are the weights, their gradients, Adam's `m` and `v`
 * (`count` arrays each), then for each worker an inbox (`count` arrays: its gradients), then
 * for each worker a room (one array: its scratch and staging). Every worker runs its kernels on
 * that memory (`attachKernels`): it reads the weights where they are and writes its gradients
 * into its inbox, so nothing is copied between threads.
 *
 * The Adam step is split: each thread adds the workers' gradients into the caller's, in
 * thread order, and applies Adam, on its own stretch of the weights. The sums are the same, in
 * the same order, as one thread summing them all, so a seeded run stays bit-identical for a
 * given thread count.
 */
import { clipGradient, type Clipping } from '../../clipping';
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
 * the ranges' sizes within 4 of each other; as stretches of the arrays it covers. With
 * `whole`, cut at the weights' ends instead (for clipping by each weight's norm), as near
 * those places as the weights allow.
 */
export function adamShare(
  lengths: readonly number[],
  threads: number,
  index: number,
  whole = false,
): Stretch[] {
  const total = lengths.reduce((a, b) => a + b, 0);
  const ends = lengths.map((_, i) => lengths.slice(0, i + 1).reduce((a, b) => a + b, 0));
  // With `whole`, each cut moves to the end of a weight nearest it: every weight on one thread.
  const nearestEnd = (at: number): number =>
    ends.reduce((best, end) => (Math.abs(end - at) < Math.abs(best - at) ? end : best), 0);
  const cut = (k: number): number => {
    if (k >= threads) return total;
    const at = (total * k) / threads;
    return whole ? nearestEnd(at) : Math.min(total, Math.round(at / 4) * 4);
  };
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
 * `1 .. active - 1` are added to the caller's, in that order (the last inside the Adam
 * kernel), then Adam updates it. Every gradient in the stretch is zero afterwards, so the next
 * batch needs no clearing (see `trainShard`). With `clip`, the sum is clipped (in JavaScript)
 * before the update.
 */
export function applyAdamShare(
  kernels: Kernels,
  arrays: readonly Float32Array[],
  count: number,
  active: number,
  stretches: readonly Stretch[],
  step: AdamStep,
  clip?: Clipping,
): void {
  for (const { array, start, end } of stretches) {
    const part = (copy: number): Float32Array => arrays[copy * count + array]!.subarray(start, end);
    const g = part(1);
    if (clip) {
      // Clipping needs the whole sum first (and, for a norm, the whole weight: `whole` shares).
      for (let w = 1; w < active; w++) {
        kernels.columnSum({ src: part(3 + w), dst: g, rows: 1, cols: end - start });
        part(3 + w).fill(0);
      }
      clipGradient(g, clip);
      kernels.adam({ p: part(0), g, m: part(2), v: part(3), step });
      continue;
    }
    for (let w = 1; w < active - 1; w++) {
      const inbox = part(3 + w);
      kernels.columnSum({ src: inbox, dst: g, rows: 1, cols: end - start });
      inbox.fill(0);
    }
    const g2 = active > 1 ? part(2 + active) : undefined;
    kernels.adam({ p: part(0), g, g2, m: part(2), v: part(3), step });
  }
}

/** The first resident array of worker `w`'s inbox (workers count from 1). */
export const inboxOf = (count: number, w: number): number => (3 + w) * count;

/** The resident array that is worker `w`'s room, of a team of `threads`. */
export const roomOf = (count: number, threads: number, w: number): number =>
  (3 + threads) * count + w - 1;

/**
 * The resident arrays' lengths for a team of `threads` on weights of `lengths`, each worker's
 * room `roomFloats` long (see the layout above).
 */
export function teamLengths(
  lengths: readonly number[],
  threads: number,
  roomFloats: number,
): number[] {
  const all: number[] = [];
  for (let copy = 0; copy < 3 + threads; copy++) all.push(...lengths);
  for (let w = 1; w < threads; w++) all.push(roomFloats);
  return all;
}
