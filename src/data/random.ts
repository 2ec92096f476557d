/**
 * Seeded randomness for everything in seq-echo that draws numbers: data, weight
 * initialisation seeds, evaluation sequences. One small, well-known algorithm (mulberry32:
 * 32-bit state, full period 2^32, passes gjrand/PractRand at this size) so that the same seed
 * gives the same numbers on every platform and engine: it uses only 32-bit integer arithmetic
 * (`Math.imul`, shifts), which JavaScript defines exactly.
 */

/** A source of uniform random numbers in `[0, 1)`, like `Math.random`. */
export type RandomSource = () => number;

/** Creates a mulberry32 generator from a 32-bit seed (any integer; taken modulo 2^32). */
export function mulberry32(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Derives an independent 32-bit seed for a named purpose from a base seed, so one user-facing
 * `seed` can drive several streams (data, weights, evaluation) without them sharing numbers.
 */
export function deriveSeed(seed: number, stream: number): number {
  // splitmix32-style finaliser over the pair.
  let z = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca6b)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x7feb352d);
  z = Math.imul(z ^ (z >>> 15), 0x846ca68b);
  return (z ^ (z >>> 16)) >>> 0;
}
