/**
 * One batch's training step on some of its rows, the same on the calling thread and on a
 * worker (no tfjs here: workers load this), and the fixed split of a batch into shards.
 */
import type { ModelPlan, TrainingPlan } from '../../../models/fusedPlan';
import {
  backward,
  forward,
  scoreAndSeed,
  type Feed,
  type GraphRun,
  type LstmState,
  type Target,
} from '../graph';
import type { Kernels } from '../kernels';
import type { BatchScore } from '../loss';

/** An epoch's (or a prediction's) rows: one feed per model input, and the targets. */
export interface FusedData {
  rows: number;
  feeds: readonly Feed[];
  target?: Target | undefined;
}

/** Rows `start .. start + n` of a batch-major feed or target with `per` numbers per row. */
function sliceRows<T extends Feed | Target>(data: T, start: number, n: number, per: number): T {
  if (data.kind === 'ids') {
    return { ...data, ids: data.ids.subarray(start * per, (start + n) * per) };
  }
  return { ...data, values: data.values.subarray(start * per, (start + n) * per) };
}

/** Numbers per row of a feed for input `i` (ids: one per step; values: steps x width). */
const perRow = (feed: Feed | Target, steps: number, width: number): number =>
  feed.kind === 'ids' ? steps : steps * width;

/** Rows `start .. start + n` of every feed (and the target). */
export function batchOf(plan: ModelPlan, data: FusedData, start: number, n: number): FusedData {
  const feeds = data.feeds.map((feed, i) => {
    const { steps, width } = plan.inputs[i]!;
    return sliceRows(feed, start, n, perRow(feed, steps, width));
  });
  const { steps = 1, width } = plan.outputShape;
  const target = data.target && sliceRows(data.target, start, n, perRow(data.target, steps, width));
  return { rows: n, feeds, target };
}

/** The most numbers one kernel call may stage: a few `[batch, widest]` operands. */
export function stagingFloats(plan: ModelPlan, batch: number): number {
  let widest = 1;
  for (const op of plan.ops) {
    if (op.op === 'lstm') widest = Math.max(widest, 4 * op.units);
    if (op.op === 'dense') widest = Math.max(widest, op.units);
  }
  for (const input of plan.inputs) widest = Math.max(widest, input.width);
  return 3 * batch * widest;
}

/**
 * About how many float32 values one training batch of `batch` rows keeps in the engine's
 * memory: every op's outputs and their gradients, an LSTM's pre-activations, gates, cells and
 * their gradients, attention's weights. An upper estimate, for refusing batches too big for
 * the documented limits before anything is allocated.
 */
export function batchWorkingFloats(plan: ModelPlan, batch: number): number {
  const stepsOf = new Map<number, number>();
  for (const input of plan.inputs) stepsOf.set(input.slot, input.steps);
  let floats = 0;
  for (const op of plan.ops) {
    const inSteps = 'x' in op ? (stepsOf.get(op.x) ?? 1) : 1;
    let steps = inSteps;
    if (op.op === 'input') steps = op.steps;
    if (op.op === 'repeat') steps = op.n;
    if (op.op === 'positionQueries') steps = op.steps;
    if (op.op === 'reshape') steps = op.steps ?? 1;
    if (op.op === 'dotAttention') steps = stepsOf.get(op.queries) ?? 1;
    if (op.op === 'lstm') {
      // z, gates, dz (4u each) and c, tanh(c), h, their gradients (u each), per row.
      floats += batch * inSteps * op.units * (3 * 4 + 6);
      if (!op.returnSequences) steps = 1;
    } else if (op.op === 'dense') {
      floats += 3 * batch * inSteps * op.units;
    } else if (op.op === 'dotAttention') {
      const memory = stepsOf.get(op.memory) ?? 1;
      floats += 4 * batch * steps * memory;
    } else if (op.op === 'input' || op.op === 'positionQueries' || op.op === 'positionEncoding') {
      floats += 2 * batch * steps * ('dim' in op ? op.dim : 1);
    }
    stepsOf.set(op.out, steps);
  }
  const { steps = 1, width } = plan.outputShape;
  return floats + 3 * batch * steps * width;
}

/**
 * The scratch one training step on `rows` rows reserves: {@link batchWorkingFloats} doubled,
 * for alignment and temporaries. A worker's room in the caller's memory is sized from it too.
 */
export const scratchFloats = (plan: ModelPlan, rows: number): number =>
  2 * batchWorkingFloats(plan, rows);

/** Copies states out of a run's scratch (which the next batch reuses). */
export const keepStates = (run: GraphRun): LstmState[] =>
  run.finalStates.map(({ h, c }) => ({ h: h.slice(), c: c.slice() }));

/**
 * Thread `index`'s rows of a batch of `rows` split over `threads`: contiguous ranges in
 * thread order whose sizes differ by at most one (the first `rows % threads` one longer).
 * Fixed by `rows` and `threads` alone, so a stateful model's row keeps its thread.
 */
export function shardOf(
  rows: number,
  threads: number,
  index: number,
): { start: number; rows: number } {
  const base = Math.floor(rows / threads);
  const extra = rows % threads;
  return { start: index * base + Math.min(index, extra), rows: base + (index < extra ? 1 : 0) };
}

/**
 * One training step's forward and backward pass on a shard of `totalRows` rows: runs the plan
 * forward from `states`, scores the shard as its share of the whole batch, and backpropagates
 * into the gradients (resident arrays `count .. 2 count - 1`). They must be zero: the Adam
 * step leaves them so (see `Kernels.adam`), and a trainer clears them after a failed epoch.
 */
export function trainShard(
  kernels: Kernels,
  spec: TrainingPlan,
  count: number,
  shard: FusedData,
  states: readonly (LstmState | undefined)[],
  totalRows: number,
): { score: BatchScore; run: GraphRun } {
  // Scratch for what the step keeps, so that even a trainer's first step finds room for it.
  kernels.reserve(stagingFloats(spec, shard.rows), scratchFloats(spec, shard.rows));
  const run = forward(kernels, spec, shard.feeds, shard.rows, states);
  const score = scoreAndSeed(kernels, spec, run, shard.target!, totalRows);
  backward(kernels, spec, run, count);
  return { score, run };
}
