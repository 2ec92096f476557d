/**
 * How many threads the fused engine trains on: the `threads` option, or by default the count
 * that pays.
 *
 * The default is one thread, from bench/threads.ts on the 2-core machine this was built on
 * (median ms/epoch of 3 runs, 1 thread against 2, the machine shared with other work):
 *
 *   recipe                              1 thread   2 threads
 *   A (stateful, batch 7)                  0.86       9.34
 *   B (stateful, one batch of 21)          4.84       7.39
 *   fastPartial (batches of 32)           17.28      25.19
 *   fastPartial at LSTM(600)             153.71     202.95
 *
 * Two threads lost on every recipe: there, two busy threads each ran a plain loop 2.3 times
 * slower than one (bench/threads.ts prints this check), and a sleeping worker woke late. Alone
 * on the cores, the shard step's own time predicts at most 0.6-0.75x for B and fastPartial
 * (a shard of half the rows takes 60-65% of the whole batch's time) and no gain for batch 7.
 * Re-measure on idle cores before making 'auto' choose more than one.
 */
import { canUseThreads } from './pool';

/** The threads to train on: `requested` clamped to a batch's `rows`, or 1 for `'auto'`. */
export function threadsFor(rows: number, requested: number | 'auto'): number {
  if (!canUseThreads() || requested === 'auto') return 1;
  return Math.max(1, Math.min(requested, rows));
}
