/**
 * What the calling thread and the fused engine's workers say to each other. Messages
 * (postMessage) set a model up and start an epoch; within an epoch, batches are handed over
 * through a control block of shared memory (Atomics), with no message per batch.
 */
import type { TrainingPlan } from '../../../models/fusedPlan';
import type { KernelKind, KernelsShare } from '../kernels';
import type { EpochSettings } from './mailbox';
import type { FusedData } from './shard';

/** Sets up a model on a worker: its plan, the caller's weights to copy, the control block. */
export interface ModelMessage {
  type: 'model';
  id: number;
  spec: TrainingPlan;
  kind: KernelKind;
  /** The caller's resident arrays, laid out as adamShare.ts says. */
  share: KernelsShare;
  /** How many weight arrays the model has. */
  count: number;
  /** Which of the shared arrays is this worker's room, and the staging it holds. */
  room: { array: number; stagingFloats: number };
  control: SharedArrayBuffer;
  /** This worker's thread index, 1 .. threads - 1 (the caller is 0). */
  index: number;
}

/**
 * Runs an epoch's batches: the worker's shard of each, as the control block says. A worker
 * that was parked may have run it from the mailbox already: it then ignores the message.
 */
export interface EpochMessage extends EpochSettings {
  type: 'epoch';
  id: number;
  /** The epoch's number (the `EPOCH` slot's value for it). */
  epoch: number;
  data: FusedData;
  /** Where later epochs may come (see mailbox.ts). */
  mailbox: SharedArrayBuffer;
}

/** Drops a model's state on a worker. */
export interface ForgetMessage {
  type: 'forget';
  id: number;
}

/** Any message to a worker. */
export type ToWorker = ModelMessage | EpochMessage | ForgetMessage;

/** A worker's reply to {@link ModelMessage}. */
export type FromWorker =
  { type: 'ready'; id: number } | { type: 'failed'; id: number; message: string };

/**
 * The control block. Int32 slots: `GO` (the caller's batch counter: batch `k` may start once
 * it reaches `k`), `ABORT` (1: leave the epoch), `FAILED` (a worker's error), `READY` (the
 * batch whose gradients the caller has finished, and whose Adam step it has written at
 * {@link STEP}), `EPOCH` (the caller's epoch counter: the epoch in the mailbox), then per
 * worker index its `DONE` counter (its gradients are in its inbox), its `ADAM` counter (its
 * share of the Adam step is applied) and its `PARK` state. From byte {@link STEP}, Float64
 * learning rate and bias corrections of the batch's Adam step, then its clipping norm and
 * value (0: none); from byte {@link STATS}, Float64
 * loss and accuracy per worker; from byte {@link TEXT}, an error text.
 */
export const GO = 0;
export const ABORT = 1;
export const FAILED = 2;
export const READY = 3;
/** The most threads a control block serves (the `threads` option's maximum). */
export const MAX_THREADS = 64;
export const EPOCH = 4;
export const DONE = 5;
export const ADAM = DONE + MAX_THREADS;
export const PARK = ADAM + MAX_THREADS;
/**
 * A `PARK` slot's values: the worker is busy or in its event loop (`AWAY`), waits for the next
 * epoch in the mailbox (`PARKED`), or was claimed by the caller for it (`CLAIMED`: no message
 * will come, the epoch will).
 */
export const AWAY = 0;
export const PARKED = 1;
export const CLAIMED = 2;
export const STEP = 4 * (PARK + MAX_THREADS + 1);
export const STATS = STEP + 5 * 8;
export const TEXT = STATS + 2 * 8 * MAX_THREADS;
export const TEXT_BYTES = 1024;

/** A new control block, zeroed. */
export const controlBlock = (): SharedArrayBuffer => new SharedArrayBuffer(TEXT + TEXT_BYTES);

/** A browser window's thread may not block (Atomics.wait throws there): it spins instead. */
const canBlock = typeof (globalThis as { document?: unknown }).document === 'undefined';

/**
 * How long a waiting thread spins before it sleeps, in ms: the other side's part of a batch
 * (the caller's gradient sum and Adam step, a worker's shard) mostly ends sooner, and waking
 * a sleeping thread costs tens of microseconds more than seeing a spinning one notice.
 */
const SPIN_MS = 1;

/**
 * Waits until `control[slot] >= value` (or the epoch is aborted): spins for a moment, then
 * sleeps on the slot where this thread may block. Returns `false` when `deadline` (a
 * `performance.now()` time) passes first: a worker that died without a word (out of memory,
 * killed) never answers, and its `exit` event cannot reach a thread that waits here.
 */
export function waitFor(
  control: Int32Array,
  slot: number,
  value: number,
  deadline = Number.POSITIVE_INFINITY,
): boolean {
  const spinUntil = performance.now() + SPIN_MS;
  for (let spins = 0; ; spins++) {
    const now = Atomics.load(control, slot);
    if (now >= value || Atomics.load(control, ABORT) !== 0) return true;
    if ((spins & 63) === 63) {
      const time = performance.now();
      if (time > deadline) return false;
      if (canBlock && time > spinUntil) {
        Atomics.wait(control, slot, now, Math.min(1000, deadline - time));
      }
    }
  }
}

/** Sets `control[slot]` to `value` and wakes whoever waits on it. */
export function signal(control: Int32Array, slot: number, value: number): void {
  Atomics.store(control, slot, value);
  Atomics.notify(control, slot);
}
