import type { TrainingPlan } from '../../models/fusedPlan';
import type { GraphRun } from './graph';
import type { Kernels } from './kernels';
import { gradOf, type DenseValue, type Target } from './values';

/** The loss and accuracy of a batch, as tfjs's `model.fit` reports them. */
export interface BatchScore {
  loss: number;
  accuracy: number;
}

/**
 * Scores the output against the targets and writes the loss gradient into the output value
 * (for a softmax output under cross-entropy, with respect to its logits, clipped as tfjs clips
 * the probabilities). `totalRows` is the whole batch's rows when this run holds only a shard
 * of them (see threads/): loss, accuracy and gradient are then this shard's share of the
 * batch's mean, so the shards' scores and gradients simply add up.
 */
export function scoreAndSeed(
  kernels: Kernels,
  plan: TrainingPlan,
  run: GraphRun,
  target: Target,
  totalRows?: number,
): BatchScore {
  const out = run.values[plan.output] as DenseValue;
  const { steps, batch, width } = out;
  const rows = totalRows ?? batch;
  const grad = gradOf(kernels, out);
  if (plan.loss === 'meanSquaredError') {
    const values = (target as Extract<Target, { kind: 'values' }>).values;
    const count = rows * steps * width;
    const scale = plan.nUnique - 1;
    let loss = 0;
    let right = 0;
    for (let b = 0; b < batch; b++) {
      for (let t = 0; t < steps; t++) {
        for (let j = 0; j < width; j++) {
          const o = (t * batch + b) * width + j;
          const yTrue = values[(b * steps + t) * width + j]!;
          const d = out.data[o]! - yTrue;
          loss += d * d;
          grad[o] = (2 * d) / count;
          if (Math.round(yTrue * scale) === Math.round(out.data[o]! * scale)) right += 1;
        }
      }
    }
    return { loss: loss / count, accuracy: plan.metric === 'rounded' ? right / count : NaN };
  }
  const ids = (target as Extract<Target, { kind: 'ids' }>).ids;
  const eps = 1e-7;
  const count = rows * steps;
  let loss = 0;
  let right = 0;
  let maskedSum = 0;
  for (let b = 0; b < batch; b++) {
    let real = 0;
    let realRight = 0;
    for (let t = 0; t < steps; t++) {
      const o = (t * batch + b) * width;
      const id = ids[b * steps + t]!;
      let arg = 0;
      for (let j = 1; j < width; j++) if (out.data[o + j]! > out.data[o + arg]!) arg = j;
      if (arg === (id < 0 ? 0 : id)) right += 1;
      if (id < 0) continue; // An all-zero target row: no loss and no gradient.
      real += 1;
      if (arg === id) realRight += 1;
      const pt = out.data[o + id]!;
      loss -= Math.log(Math.min(Math.max(pt, eps), 1 - eps));
      // d(loss)/d(logits) = (p - onehot) / count, or 0 where tfjs's clip stops the gradient.
      if (pt < eps || pt > 1 - eps) continue;
      for (let j = 0; j < width; j++) grad[o + j] = (out.data[o + j]! - (j === id ? 1 : 0)) / count;
    }
    maskedSum += realRight / Math.max(real, 1);
  }
  out.gradIsLogits = true;
  const accuracy =
    plan.metric === 'categorical' ? right / count : plan.metric === 'masked' ? maskedSum / rows : 0;
  return { loss: loss / count, accuracy };
}
