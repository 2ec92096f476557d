/**
 * How many threads the fused engine trains on: the `threads` option, or by default the count
 * that pays for the model and batch size (see {@link threadsFor}).
 */
import type { TrainingPlan } from '../../../models/fusedPlan';
import { canUseThreads, processors } from './pool';

/**
 * The threads to train `plan` on with batches of `batchSize` (`rows`: the epoch's largest
 * batch): `requested` clamped to the rows of a batch, or for `'auto'` the default rule.
 */
export async function threadsFor(
  plan: TrainingPlan,
  batchSize: number,
  rows: number,
  requested: number | 'auto',
): Promise<number> {
  if (!canUseThreads()) return 1;
  if (requested !== 'auto') return Math.max(1, Math.min(requested, rows));
  void plan;
  void batchSize;
  return Math.min(1, rows, await processors());
}
