import { MAX_MODEL_WEIGHTS } from '../internal/limits';

/**
 * What `loadEchoModel` will read from a directory before it refuses. Each limit is far above
 * what any seq-echo model needs; a file beyond one is refused after a `stat`, before a byte of
 * it is read. The README's "Guarantees" section lists them.
 */

/** Largest `model.json` read: 16 MiB (model B's is about 10 KB). */
export const MAX_MODEL_JSON_BYTES = 16 * 2 ** 20;

/** Largest `seq-echo.json` read: 64 KiB (seq-echo writes about 300 bytes). */
export const MAX_METADATA_BYTES = 64 * 2 ** 10;

/** Most weight bytes read: 2^27 float32 weights, the factories' limit (512 MiB). */
export const MAX_WEIGHT_BYTES = MAX_MODEL_WEIGHTS * 4;

/** Most weight files a manifest may list (tfjs writes one per 4 MB shard). */
export const MAX_WEIGHT_FILES = 1024;

/**
 * Deepest nesting of objects and arrays accepted in a saved model's JSON (its topology,
 * training config and metadata); seq-echo's models nest about 10 levels deep.
 */
export const MAX_JSON_DEPTH = 100;

/**
 * Whether `value` nests objects and arrays deeper than `limit` levels; checked without
 * recursion, so that a hostile file cannot overflow the stack.
 */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [item, depth] = top;
    if (typeof item !== 'object' || item === null) continue;
    if (depth > limit) return true;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return false;
}
