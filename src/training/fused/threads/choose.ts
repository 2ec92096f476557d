/**
 * How many threads the fused engine trains on: the `threads` option, or by default the count
 * that pays for the model and batch size.
 *
 * `npx tsx bench/threads.ts --runs 5`, median ms/epoch of 5 runs on this 2-core machine while
 * idle (two busy threads each ran at 1.00 of one alone):
 *
 *   recipe                          weights x rows   1 thread   2 threads   ratio
 *   A (LSTM(20), stateful, batch 7)        ~25 k       0.49       1.10      2.26
 *   B (LSTM(150), one batch of 21)        ~7.3 M       2.15       1.63      0.76
 *   fastPartial (LSTM(150), batch 32)     ~11 M        8.79       5.57      0.63
 *   fastPartial at LSTM(600), batch 32   ~146 M      122.71      68.63      0.56
 *
 * (B's runs are 80 epochs: two threads settle at about 1.45 ms/epoch once V8 has optimized both
 * threads' code, after some 1,500 epochs.) A batch of 7 does not pay: each batch's two
 * hand-overs cost more than half of a small model's step saves. So the default splits only batches of at least 16 rows (shards
 * of 8 or more) of models whose weights times rows reach 2 M (B's model has 7.3 M; the
 * tests' tiny models under 0.1 M), over at most 2 threads (the most measured). While other
 * work keeps the cores busy two threads lose even there (1.3-1.5x slower, measured), which
 * no rule can see in advance: the `threads` option is the way out.
 */
import { canUseThreads, processors } from './pool';

/** Fewest rows a batch needs before the default splits it. */
const MIN_ROWS = 16;
/** Least `weights x rows` per batch before the default splits it. */
const MIN_WORK = 2e6;
/** Most threads the default uses. */
const MAX_AUTO = 2;

/**
 * The threads to train on with batches of up to `rows` rows of a model of `weights` values:
 * `requested` clamped to `rows`, or for `'auto'` the rule above.
 */
export async function threadsFor(
  rows: number,
  weights: number,
  requested: number | 'auto',
): Promise<number> {
  if (!canUseThreads()) return 1;
  if (requested !== 'auto') return Math.max(1, Math.min(requested, rows));
  if (rows < MIN_ROWS || weights * rows < MIN_WORK) return 1;
  return Math.max(1, Math.min(MAX_AUTO, await processors()));
}
