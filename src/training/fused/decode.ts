import type { ModelPlan, PlanOp } from '../../models/fusedPlan';
import { softmaxRows } from './softmax';
import type { Kernels } from './kernels';
import { lstmForward } from './ops/lstm';
import { dense, project, type SparseValue } from './values';

/**
 * Greedy decoding of teacher-forcing models on the fused engine: the encoder LSTM reads each
 * sequence once, then the decoder LSTM runs one step at a time from START, fed the item it
 * just chose, until END or `maxSteps` items, as the tfjs encoder and decoder models would.
 * Runs on the plan of the training model (encoder LSTM returning its state, decoder LSTM
 * started from it, softmax head), whose weights the inference models share.
 */

type Lstm = Extract<PlanOp, { op: 'lstm' }>;
type Dense = Extract<PlanOp, { op: 'dense' }>;

/** The three ops greedy decoding runs, or `undefined` when the plan is not that shape. */
export function decoderOps(plan: ModelPlan): { enc: Lstm; dec: Lstm; head: Dense } | undefined {
  const { ops, output } = plan;
  const enc = ops.find((o): o is Lstm => o.op === 'lstm' && o.outH !== undefined);
  const dec = ops.find((o): o is Lstm => o.op === 'lstm' && o.initial !== undefined);
  const head = ops.find((o): o is Dense => o.op === 'dense' && o.out === output);
  if (!enc || !dec || !head || head.activation !== 'softmax') return undefined;
  return { enc, dec, head };
}

/** Sparse one-hot rows, time-major, from batch-major ids (`-1`: an all-zero row). */
function idsValue(ids: Int32Array, batch: number, steps: number, width: number): SparseValue {
  const index = new Int32Array(steps * batch);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < steps; t++) index[t * batch + b] = ids[b * steps + t]!;
  }
  return { kind: 'sparse', steps, seq: true, batch, width, index, k: 1, mask: undefined };
}

const weightsOf = (arrays: Float32Array[], op: Lstm) => ({
  kernel: arrays[op.weights.kernel]!,
  recurrent: arrays[op.weights.recurrent]!,
  bias: arrays[op.weights.bias]!,
});

/**
 * Decodes checked sequences (lengths in `[1, maxLength]`, ids in `[0, nUnique)`) greedily:
 * items per sequence, END not included.
 */
export function fusedDecode(
  plan: ModelPlan,
  kernels: Kernels,
  sequences: readonly (readonly number[])[],
  maxSteps: number,
  shape: { maxLength: number; nUnique: number; startId: number; endId: number },
): number[][] {
  const ops = decoderOps(plan)!;
  const { maxLength, nUnique, startId, endId } = shape;
  const n = sequences.length;
  const vocab = nUnique + 1;
  const u = ops.dec.units;
  kernels.reserve(3 * n * Math.max(4 * ops.enc.units, 4 * u, vocab));
  const arrays = kernels.arrays();
  // Padding in front, as the training framing puts it.
  const encIds = new Int32Array(n * maxLength).fill(-1);
  sequences.forEach((sequence, s) => {
    encIds.set(sequence, s * maxLength + maxLength - sequence.length);
  });
  const enc = lstmForward(
    kernels,
    idsValue(encIds, n, maxLength, nUnique),
    weightsOf(arrays, ops.enc),
    ops.enc.units,
    ops.enc.gate,
    kernels.scratch(n * ops.enc.units),
    kernels.scratch(n * ops.enc.units),
    undefined,
  );
  const last = (a: Float32Array) => a.subarray((maxLength - 1) * n * u, maxLength * n * u);
  let h = last(enc.h);
  let c = last(enc.c);
  const outputs = sequences.map(() => [] as number[]);
  const done = new Uint8Array(n);
  const previous = new Int32Array(n).fill(startId);
  const Wd = arrays[ops.head.weights.kernel]!;
  const bd = ops.head.weights.bias === undefined ? undefined : arrays[ops.head.weights.bias]!;
  for (let step = 0; step < maxSteps; step++) {
    const trace = lstmForward(
      kernels,
      idsValue(previous, n, 1, vocab),
      weightsOf(arrays, ops.dec),
      u,
      ops.dec.gate,
      h,
      c,
      undefined,
    );
    h = trace.h;
    c = trace.c;
    const logits = dense(kernels, { steps: 1, seq: false, batch: n, width: vocab }, false);
    if (bd) for (let b = 0; b < n; b++) logits.data.set(bd, b * vocab);
    const hValue = dense(kernels, { steps: 1, seq: false, batch: n, width: u }, false, h);
    project(kernels, hValue, Wd, logits.data, vocab);
    softmaxRows(logits.data, vocab);
    let active = 0;
    for (let b = 0; b < n; b++) {
      if (done[b]) continue;
      const o = b * vocab;
      let arg = 0;
      for (let j = 1; j < vocab; j++) if (logits.data[o + j]! > logits.data[o + arg]!) arg = j;
      if (arg === endId) {
        done[b] = 1;
        continue;
      }
      outputs[b]!.push(arg);
      previous[b] = arg;
      active++;
    }
    if (active === 0) break;
  }
  return outputs;
}
