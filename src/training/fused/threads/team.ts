/**
 * The calling thread's side of a data-parallel fused trainer: the pool workers that train
 * the other shards of every batch, handed each batch through a shared control block. The
 * gradients are summed in thread order and Adam applied by every thread on its share of the
 * weights (adamShare.ts), so a seeded run is bit-identical for a given thread count.
 */
import type { TrainingPlan } from '../../../models/fusedPlan';
import type { Clipping } from '../../clipping';
import type { AdamStep, Kernels } from '../kernels';
import type { BatchScore } from '../loss';
import { roomOf } from './adamShare';
import { mailboxWords, writeMailbox } from './mailbox';
import { dropWorker, poolWorkers, type PoolWorker } from './pool';
import {
  ABORT,
  ADAM,
  controlBlock,
  CLAIMED,
  DONE,
  EPOCH,
  FAILED,
  GO,
  PARK,
  PARKED,
  READY,
  signal,
  STATS,
  STEP,
  TEXT,
  waitFor,
} from './protocol';
import type { FusedData } from './shard';

let nextId = 1;

/** Tells the workers to drop a team's model once its trainer is garbage. */
const finalizer =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<() => void>((forget) => {
        forget();
      })
    : undefined;

export class ThreadTeam {
  private readonly id = nextId++;
  private readonly control = new Int32Array(controlBlock());
  private readonly stats = new Float64Array(this.control.buffer, STATS);
  private readonly step = new Float64Array(this.control.buffer, STEP, 5);
  private batch = 0;
  private epoch = 0;
  /** Where parked workers find the next epoch (see mailbox.ts). */
  private mailbox = new SharedArrayBuffer(1 << 16);
  private broken = false;

  private constructor(
    readonly threads: number,
    private readonly workers: PoolWorker[],
  ) {}

  /**
   * A team of `threads` threads (the caller and `threads - 1` pool workers) for a trainer on
   * `kernels` (shared memory, laid out as adamShare.ts says for `count` weights, each worker's
   * room holding `stagingFloats` of staging), or `undefined` when the workers cannot be had.
   * `owner` is the trainer: when it is garbage, the workers forget the model.
   */
  static async start(
    owner: object,
    kernels: Kernels,
    spec: TrainingPlan,
    count: number,
    threads: number,
    stagingFloats: number,
  ): Promise<ThreadTeam | undefined> {
    let team: ThreadTeam;
    try {
      team = new ThreadTeam(threads, await poolWorkers(threads - 1));
      const share = kernels.share();
      const replies = await Promise.all(
        team.workers.map((worker, i) =>
          worker.request({
            type: 'model',
            id: team.id,
            spec,
            kind: kernels.kind,
            share,
            count,
            room: { array: roomOf(count, threads, i + 1), stagingFloats },
            control: team.control.buffer,
            index: i + 1,
          }),
        ),
      );
      for (const reply of replies) {
        if (reply.type !== 'ready') throw new Error(reply.message);
      }
    } catch {
      // No workers here (none could start, or one failed to set up): train on one thread.
      return undefined;
    }
    finalizer?.register(owner, () => {
      team.forget();
    });
    return team;
  }

  /** Whether the team can train (no epoch of it failed or was abandoned). */
  get usable(): boolean {
    return !this.broken;
  }

  /**
   * Hands the workers an epoch: they then wait for each batch's {@link ThreadTeam.go}. The
   * epoch goes into the mailbox; a worker parked there takes it from there, any other gets a
   * message (see mailbox.ts).
   */
  begin(data: FusedData, batchSize: number, stateful: boolean): void {
    const { id, threads, batch: base, control } = this;
    const epoch = ++this.epoch;
    const settings = { batchSize, stateful, threads, base };
    const words = mailboxWords(data);
    // A bigger mailbox reaches the workers with this epoch's messages; parked ones see that
    // the old one does not hold this epoch, and leave to read their message.
    const fits = words * 4 <= this.mailbox.byteLength;
    if (!fits) this.mailbox = new SharedArrayBuffer(2 * words * 4);
    writeMailbox(this.mailbox, epoch, data, settings);
    this.workers.forEach((worker, i) => {
      const claimed =
        fits && Atomics.compareExchange(control, PARK + i + 1, PARKED, CLAIMED) === PARKED;
      if (!claimed) {
        worker.post({ type: 'epoch', id, epoch, data, ...settings, mailbox: this.mailbox });
      }
    });
    signal(control, EPOCH, epoch);
  }

  /** Starts the next batch on the workers (after the caller's weights are final for it). */
  go(): void {
    this.batch += 1;
    signal(this.control, GO, this.batch);
  }

  /**
   * Says the caller's gradients for the batch are in, with the batch's Adam `step` and
   * clipping; waits for
   * workers `1 .. active - 1` to put theirs in their inboxes, and returns the sum of their
   * scores. Throws when a worker failed, or when one has not finished by `deadline` (a
   * `performance.now()` time).
   */
  collect(
    active: number,
    step: AdamStep,
    clip: Clipping | undefined,
    deadline = Number.POSITIVE_INFINITY,
  ): BatchScore {
    this.step.set([step.learningRate, step.c1, step.c2, clip?.norm ?? 0, clip?.value ?? 0]);
    signal(this.control, READY, this.batch);
    const score = { loss: 0, accuracy: 0 };
    for (let w = 1; w < active; w++) {
      this.await(DONE + w, deadline);
      score.loss += this.stats[2 * w]!;
      score.accuracy += this.stats[2 * w + 1]!;
    }
    return score;
  }

  /** Waits for workers `1 .. active - 1` to apply their shares of the batch's Adam step. */
  finish(active: number, deadline = Number.POSITIVE_INFINITY): void {
    for (let w = 1; w < active; w++) this.await(ADAM + w, deadline);
  }

  /** Waits for `control[slot]` to reach this batch; throws as {@link ThreadTeam.collect}. */
  private await(slot: number, deadline: number): void {
    if (!waitFor(this.control, slot, this.batch, deadline)) this.silent(slot);
    if (Atomics.load(this.control, FAILED) !== 0) this.fail();
  }

  /** Ends an epoch early (the caller failed): workers leave it; the team is not reused. */
  abort(): void {
    this.broken = true;
    Atomics.store(this.control, ABORT, 1);
    signal(this.control, GO, 2 ** 31 - 1);
    Atomics.notify(this.control, EPOCH);
  }

  /** Drops the model's state on the workers. */
  forget(): void {
    for (const worker of this.workers) worker.post({ type: 'forget', id: this.id });
  }

  /** Throws for the worker of `slot`, which did not answer in time; every worker is replaced. */
  private silent(slot: number): never {
    const w = slot >= ADAM ? slot - ADAM : slot - DONE;
    this.abort();
    for (const worker of this.workers) dropWorker(worker);
    throw new Error(
      `seq-echo: fused worker ${w} did not finish its shard of batch ${this.batch} in time (it may have run out of memory or been killed); the epoch was stopped`,
    );
  }

  /** Throws a worker's error; the failed worker is replaced in the pool. */
  private fail(): never {
    const length = Atomics.load(this.control, FAILED) - 1;
    const bytes = new Uint8Array(this.control.buffer, TEXT, length).slice();
    this.abort();
    for (const worker of this.workers) dropWorker(worker);
    throw new Error(`seq-echo: a fused worker failed: ${new TextDecoder().decode(bytes)}`);
  }
}
