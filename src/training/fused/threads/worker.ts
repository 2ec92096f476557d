/**
 * The fused engine's worker: keeps a kernels instance per model on shared memory, and trains
 * its shard of every batch of an epoch when the calling thread's control block says so.
 * Started by pool.ts: in Node as a `worker_threads` worker, in browsers as a Web Worker.
 * No tfjs here.
 */
import { createKernels, preferKernels, type Kernels } from '../kernels';
import type { LstmState } from '../graph';
import {
  ABORT,
  DONE,
  FAILED,
  GO,
  STATS,
  TEXT,
  TEXT_BYTES,
  signal,
  waitFor,
  type EpochMessage,
  type FromWorker,
  type ModelMessage,
  type ToWorker,
} from './protocol';
import { batchOf, keepStates, shardOf, trainShard } from './shard';
import { importNode, nodeProcess, type NodeWorkerThreads } from './node';

/** A model's state on this worker. */
interface WorkerModel {
  message: ModelMessage;
  kernels: Kernels;
  control: Int32Array;
  stats: Float64Array;
}

const models = new Map<number, WorkerModel>();

/** Handles one message from the calling thread; `reply` posts back. */
function handle(message: ToWorker, reply: (answer: FromWorker) => void): void {
  if (message.type === 'forget') {
    models.delete(message.id);
  } else if (message.type === 'model') {
    try {
      preferKernels(message.kind);
      const lengths = message.weights.map((w) => w.length);
      const kernels = createKernels([...lengths, ...lengths], true);
      const control = new Int32Array(message.control);
      const stats = new Float64Array(message.control, STATS);
      models.set(message.id, { message, kernels, control, stats });
      reply({ type: 'ready', id: message.id, arrays: kernels.arrays() });
    } catch (error) {
      reply({ type: 'failed', id: message.id, message: String(error) });
    }
  } else {
    const model = models.get(message.id);
    if (model) runEpoch(model, message);
  }
}

/**
 * This worker's shards of an epoch's batches, in order: wait for the caller's go, copy its
 * weights, train the shard, publish loss and accuracy, say done. A failure is reported in the
 * control block (the caller throws it) and ends the epoch here.
 */
function runEpoch(model: WorkerModel, epoch: EpochMessage): void {
  const { kernels, control, stats } = model;
  const { index, spec, weights } = model.message;
  const count = weights.length;
  const { data, batchSize, stateful, threads } = epoch;
  let states: LstmState[] = [];
  let batch = epoch.base;
  for (let start = 0; start < data.rows; start += batchSize) {
    batch += 1;
    const n = Math.min(batchSize, data.rows - start);
    const shard = shardOf(n, Math.min(threads, n), index);
    if (shard.rows === 0) continue;
    waitFor(control, GO, batch);
    if (Atomics.load(control, ABORT) !== 0) return;
    try {
      const arrays = kernels.arrays();
      for (let w = 0; w < count; w++) arrays[w]!.set(weights[w]!);
      const rows = batchOf(spec, data, start + shard.start, shard.rows);
      const { score, run } = trainShard(kernels, spec, count, rows, stateful ? states : [], n);
      stats[2 * index] = score.loss;
      stats[2 * index + 1] = score.accuracy;
      if (stateful) states = keepStates(run);
    } catch (error) {
      fail(control, error);
      signal(control, DONE + index, batch);
      return;
    }
    signal(control, DONE + index, batch);
  }
}

/** Records a failure and its message in the control block. */
function fail(control: Int32Array, error: unknown): void {
  const text = new TextEncoder().encode(String(error)).subarray(0, TEXT_BYTES);
  new Uint8Array(control.buffer, TEXT, TEXT_BYTES).set(text);
  Atomics.store(control, FAILED, text.length + 1);
}

/** Listens: on Node's parent port, or as a Web Worker. */
async function listen(): Promise<void> {
  const port = nodeProcess()
    ? (await importNode<NodeWorkerThreads>('node:worker_threads')).parentPort
    : undefined;
  if (port) {
    port.on('message', (message: ToWorker) => {
      handle(message, (a) => {
        port.postMessage(a);
      });
    });
    return;
  }
  const scope = globalThis as unknown as {
    addEventListener(type: 'message', fn: (event: { data: ToWorker }) => void): void;
    postMessage(m: FromWorker): void;
  };
  scope.addEventListener('message', (event) => {
    handle(event.data, (a) => {
      scope.postMessage(a);
    });
  });
}

void listen();
