/**
 * The demo's recipes and fixed sizes, and what the URL may override (`?epochs=N`, `?seed=N`).
 */
import { presets } from '../../src/index';

/** The select's option values. */
export type PresetName = 'walkthrough' | 'fast';

/** The two recipes for model A; the select's option values are their keys. */
export const recipes = { walkthrough: presets.walkthroughWhole, fast: presets.fastWhole } as const;

/** One of {@link recipes}. */
export type Recipe = (typeof recipes)[PresetName];

/** How many fresh sequences the final evaluation uses. */
export const EVALUATION_SEQUENCES = 100;
/** How long the table's sequence is (21 windows of 5). */
export const TABLE_LENGTH = 25;

/** `?epochs=N` in the URL overrides the preset's epoch count (a long run to watch, or to stop). */
export function epochsFor(preset: Recipe): number {
  const fromUrl = new URLSearchParams(location.search).get('epochs');
  return fromUrl !== null && /^[1-9]\d{0,6}$/.test(fromUrl) ? Number(fromUrl) : preset.train.epochs;
}

/**
 * `?seed=N` in the URL, else a random seed (shown in the detail line, so a run can be repeated).
 * It seeds the model's weights, the training and evaluation sequences, and the table's sequence.
 */
export function chooseSeed(): number {
  const fromUrl = new URLSearchParams(location.search).get('seed');
  if (fromUrl !== null && /^\d+$/.test(fromUrl)) return Number(fromUrl);
  return Math.floor(Math.random() * 1_000_000);
}
