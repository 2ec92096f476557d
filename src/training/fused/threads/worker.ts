/**
 * The fused engine's worker: keeps kernels per model on the calling thread's shared memory,
 * and trains its shard of every batch of an epoch when the calling thread's control block
 * says so.
 * Started by pool.ts: in Node as a `worker_threads` worker, in browsers as a Web Worker.
 * No tfjs here.
 */
import { attachKernels, preferKernels, type AdamStep, type Kernels } from '../kernels';
import type { LstmState } from '../graph';
import type { Clipping } from '../../clipping';
import { adamShare, applyAdamShare, inboxOf } from './adamShare';
import {
  ABORT,
  ADAM,
  AWAY,
  DONE,
  EPOCH,
  FAILED,
  GO,
  PARK,
  PARKED,
  READY,
  STATS,
  STEP,
  TEXT,
  TEXT_BYTES,
  signal,
  waitFor,
  type FromWorker,
  type ModelMessage,
  type ToWorker,
} from './protocol';
import { readMailbox, type EpochSettings, type MailedEpoch } from './mailbox';
import { batchOf, keepStates, shardOf, trainShard, type FusedData } from './shard';
import { importNode, nodeProcess, type NodeWorkerThreads } from './node';

/** A model's state on this worker. */
interface WorkerModel {
  /** The last epoch this worker ran, and where the next ones may come (see mailbox.ts). */
  last: number;
  mailbox: SharedArrayBuffer | undefined;
  message: ModelMessage;
  /** Kernels for this worker's shards: on the caller's weights, its inbox and its room. */
  kernels: Kernels;
  /** Kernels on the caller's memory, for this worker's share of the Adam step. */
  caller: Kernels;
  control: Int32Array;
  stats: Float64Array;
  step: Float64Array;
}

const models = new Map<number, WorkerModel>();

/** Handles one message from the calling thread; `reply` posts back. */
function handle(message: ToWorker, reply: (answer: FromWorker) => void): void {
  if (message.type === 'forget') {
    models.delete(message.id);
  } else if (message.type === 'model') {
    try {
      preferKernels(message.kind);
      const { share, count, index, room } = message;
      // The caller's weights and this worker's inbox, with its room for scratch and staging.
      const own = Array.from({ length: 2 * count }, (_, i) =>
        i < count ? i : inboxOf(count, index) + i - count,
      );
      const kernels = attachKernels(share, { arrays: own, room });
      const caller = attachKernels(share);
      const control = new Int32Array(message.control);
      const stats = new Float64Array(message.control, STATS);
      const step = new Float64Array(message.control, STEP, 5);
      const ready = { message, kernels, caller, control, stats, step };
      models.set(message.id, { ...ready, last: 0, mailbox: undefined });
      reply({ type: 'ready', id: message.id });
    } catch (error) {
      reply({ type: 'failed', id: message.id, message: String(error) });
    }
  } else {
    const model = models.get(message.id);
    if (!model) return;
    model.mailbox = message.mailbox;
    // A parked worker may have run this epoch from the mailbox already.
    if (message.epoch > model.last) serve(model, message.epoch, message, message.data);
  }
}

/**
 * How long a worker waits in the mailbox for the next epoch, in ms, before it goes back to its
 * event loop (where other models' messages wait meanwhile).
 */
const PARK_MS = 5;

/** Runs an epoch, then each next one the mailbox brings while this worker waits there. */
function serve(model: WorkerModel, epoch: number, settings: EpochSettings, data: FusedData): void {
  let next: MailedEpoch | undefined = { epoch, settings, data };
  while (next) {
    model.last = next.epoch;
    if (!runEpoch(model, next.settings, next.data)) return;
    next = park(model);
  }
}

/**
 * Waits up to {@link PARK_MS} for the caller's next epoch in the mailbox, and returns it; or
 * returns `undefined` (back to the event loop) when none came in time, the mailbox was
 * replaced (the epoch comes as a message), or the team was aborted.
 */
function park(model: WorkerModel): MailedEpoch | undefined {
  const { control, mailbox, last } = model;
  const slot = PARK + model.message.index;
  Atomics.store(control, slot, PARKED);
  if (!waitFor(control, EPOCH, last + 1, performance.now() + PARK_MS)) {
    // Leave, unless the caller claimed this worker meanwhile: then its epoch is on the way.
    if (Atomics.compareExchange(control, slot, PARKED, AWAY) === PARKED) return undefined;
    waitFor(control, EPOCH, last + 1);
  }
  Atomics.store(control, slot, AWAY);
  if (Atomics.load(control, ABORT) !== 0 || !mailbox) return undefined;
  const next = readMailbox(mailbox);
  return next.epoch > last ? next : undefined;
}

/**
 * This worker's shards of an epoch's batches, in order: wait for the caller's go, train the
 * shard (on the caller's weights, into this worker's inbox), publish loss and accuracy, say
 * done; then, once every thread's gradients are in, apply this worker's share
 * of the Adam step (adamShare.ts) and say so. A failure is reported in the control block (the
 * caller throws it) and ends the epoch here. Returns whether the epoch ran to its end.
 */
function runEpoch(model: WorkerModel, epoch: EpochSettings, data: FusedData): boolean {
  const { kernels, caller, control, stats } = model;
  const { index, spec, count } = model.message;
  const { batchSize, stateful, threads } = epoch;
  const callers = caller.arrays();
  const lengths = callers.slice(0, count).map((w) => w.length);
  let states: LstmState[] = [];
  let batch = epoch.base;
  for (let start = 0; start < data.rows; start += batchSize) {
    batch += 1;
    const n = Math.min(batchSize, data.rows - start);
    const active = Math.min(threads, n);
    const shard = shardOf(n, active, index);
    if (shard.rows === 0) continue;
    waitFor(control, GO, batch);
    if (Atomics.load(control, ABORT) !== 0) return false;
    try {
      const rows = batchOf(spec, data, start + shard.start, shard.rows);
      const { score, run } = trainShard(kernels, spec, count, rows, stateful ? states : [], n);
      stats[2 * index] = score.loss;
      stats[2 * index + 1] = score.accuracy;
      if (stateful) states = keepStates(run);
      signal(control, DONE + index, batch);
      if (!everyoneDone(control, batch, active)) return false;
      const clip = readClip(model);
      const stretches = adamShare(lengths, active, index, clip?.norm !== undefined);
      applyAdamShare(caller, callers, count, active, stretches, readStep(model), clip);
    } catch (error) {
      fail(control, error);
      signal(control, DONE + index, batch);
      signal(control, ADAM + index, batch);
      return false;
    }
    signal(control, ADAM + index, batch);
  }
  return true;
}

/**
 * Waits until the caller's gradients (and its Adam step's settings) and every worker's are in
 * for `batch`; `false` when the epoch was aborted meanwhile.
 */
function everyoneDone(control: Int32Array, batch: number, active: number): boolean {
  waitFor(control, READY, batch);
  for (let w = 1; w < active; w++) waitFor(control, DONE + w, batch);
  return Atomics.load(control, ABORT) === 0;
}

/** The batch's clipping, as the caller wrote it with its `READY` (0: none). */
function readClip(model: WorkerModel): Clipping | undefined {
  const norm = model.step[3]!;
  const value = model.step[4]!;
  if (norm === 0 && value === 0) return undefined;
  return { norm: norm === 0 ? undefined : norm, value: value === 0 ? undefined : value };
}

/** The batch's Adam step, as the caller wrote it with its `READY`. */
function readStep(model: WorkerModel): AdamStep {
  const { step } = model;
  const { beta1, beta2, epsilon } = model.message.spec.adam;
  return { learningRate: step[0]!, beta1, beta2, epsilon, c1: step[1]!, c2: step[2]! };
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
