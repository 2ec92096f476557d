/**
 * Gradient clipping as Keras's optimizers take it: `clipnorm` (each weight's gradient scaled
 * down to that L2 norm when longer) and `clipvalue` (each gradient value clamped to
 * `[-clipValue, clipValue]`), the norm first when both are given, before the optimizer's
 * update. The fused engine clips in its Adam step (threads/adamShare.ts); the tfjs engine by
 * wrapping the model's optimizer for the run (clipOptimizer.ts). No tfjs here: the engine's
 * workers load this.
 */
import { assertNumber } from '../internal/assert';

/** A training call's clipping, checked: at least one of the two is set. */
export interface Clipping {
  /** Largest L2 norm of each weight's gradient; `undefined`: no norm clipping. */
  norm: number | undefined;
  /** Largest absolute value of each gradient value; `undefined`: no value clipping. */
  value: number | undefined;
}

/**
 * `options.clipNorm` and `options.clipValue` checked: each, when given, a finite number above
 * 0. `undefined` when neither is given.
 */
export function checkClipping(fn: string, norm: unknown, value: unknown): Clipping | undefined {
  const range = { min: 0, minExclusive: true, max: 1e9 };
  if (norm !== undefined) assertNumber(fn, 'options.clipNorm', norm, range);
  if (value !== undefined) assertNumber(fn, 'options.clipValue', value, range);
  if (norm === undefined && value === undefined) return undefined;
  return { norm: norm, value: value };
}

/**
 * Clips one weight's whole gradient in place, as Keras does: scaled by
 * `norm / max(‖g‖, norm)`, then clamped to `[-value, value]`, each in float32.
 */
export function clipGradient(g: Float32Array, clip: Clipping): void {
  if (clip.norm !== undefined) {
    let squares = 0;
    for (let i = 0; i < g.length; i++) squares += g[i]! * g[i]!;
    const length = Math.fround(Math.sqrt(squares));
    if (length > clip.norm) {
      const scale = Math.fround(clip.norm / length);
      for (let i = 0; i < g.length; i++) g[i] = g[i]! * scale;
    }
  }
  if (clip.value !== undefined) {
    const high = clip.value;
    for (let i = 0; i < g.length; i++) g[i] = Math.min(high, Math.max(-high, g[i]!));
  }
}
