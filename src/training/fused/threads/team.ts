/**
 * The calling thread's side of a data-parallel fused trainer: the pool workers that train
 * the other shards of every batch, handed each batch through a shared control block, and
 * their gradients summed into the caller's in thread order (so a seeded run is bit-identical
 * for a given thread count).
 */
import type { TrainingPlan } from '../../../models/fusedPlan';
import type { Kernels } from '../kernels';
import type { BatchScore } from '../loss';
import { dropWorker, poolWorkers, type PoolWorker } from './pool';
import { ABORT, controlBlock, DONE, FAILED, GO, signal, STATS, TEXT, waitFor } from './protocol';
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
  /** Each worker's gradient arrays (its resident arrays `count .. 2 count - 1`). */
  private grads: Float32Array[][] = [];
  private batch = 0;
  private broken = false;

  private constructor(
    readonly threads: number,
    private readonly workers: PoolWorker[],
  ) {}

  /**
   * A team of `threads` threads (the caller and `threads - 1` pool workers) for a trainer on
   * `kernels` (shared memory) with `count` weights, or `undefined` when the workers cannot be
   * had. `owner` is the trainer: when it is garbage, the workers forget the model.
   */
  static async start(
    owner: object,
    kernels: Kernels,
    spec: TrainingPlan,
    count: number,
    threads: number,
  ): Promise<ThreadTeam | undefined> {
    let team: ThreadTeam;
    try {
      team = new ThreadTeam(threads, await poolWorkers(threads - 1));
      const weights = kernels.arrays().slice(0, count);
      const replies = await Promise.all(
        team.workers.map((worker, i) =>
          worker.request({
            type: 'model',
            id: team.id,
            spec,
            kind: kernels.kind,
            weights,
            control: team.control.buffer,
            index: i + 1,
          }),
        ),
      );
      for (const reply of replies) {
        if (reply.type !== 'ready') throw new Error(reply.message);
        team.grads.push(reply.arrays.slice(count, 2 * count));
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

  /** Hands the workers an epoch: they then wait for each batch's {@link ThreadTeam.go}. */
  begin(data: FusedData, batchSize: number, stateful: boolean): void {
    const { id, threads, batch: base } = this;
    for (const worker of this.workers) {
      worker.post({ type: 'epoch', id, data, batchSize, stateful, threads, base });
    }
  }

  /** Starts the next batch on the workers (after the caller's weights are final for it). */
  go(): void {
    this.batch += 1;
    signal(this.control, GO, this.batch);
  }

  /**
   * Waits for the batch's workers `1 .. active - 1`, adds their gradients into `grads` in
   * thread order, and returns the sum of their scores. Throws when a worker failed, or when
   * one has not finished by `deadline` (a `performance.now()` time).
   */
  collect(
    kernels: Kernels,
    active: number,
    grads: readonly Float32Array[],
    deadline = Number.POSITIVE_INFINITY,
  ): BatchScore {
    const score = { loss: 0, accuracy: 0 };
    for (let w = 1; w < active; w++) {
      if (!waitFor(this.control, DONE + w, this.batch, deadline)) this.silent(w);
      if (Atomics.load(this.control, FAILED) !== 0) this.fail();
      const theirs = this.grads[w - 1]!;
      for (let i = 0; i < grads.length; i++) addInto(kernels, grads[i]!, theirs[i]!);
      score.loss += this.stats[2 * w]!;
      score.accuracy += this.stats[2 * w + 1]!;
    }
    return score;
  }

  /** Ends an epoch early (the caller failed): workers leave it; the team is not reused. */
  abort(): void {
    this.broken = true;
    Atomics.store(this.control, ABORT, 1);
    signal(this.control, GO, 2 ** 31 - 1);
  }

  /** Drops the model's state on the workers. */
  forget(): void {
    for (const worker of this.workers) worker.post({ type: 'forget', id: this.id });
  }

  /** Throws for worker `w`, which did not answer in time; every worker is replaced. */
  private silent(w: number): never {
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

/**
 * Values per staged chunk of {@link addInto}: within the staging room every kernels instance
 * has (wasmMemory.ts's INITIAL_STAGING, 16384), so no chunk falls back to JavaScript.
 */
const CHUNK = 8192;

/**
 * `into[i] += from[i]`, as the kernels' column sum of one row: `from` (another thread's
 * memory) is staged in chunks and added with SIMD, several times faster than a JavaScript loop.
 */
function addInto(kernels: Kernels, into: Float32Array, from: Float32Array): void {
  for (let at = 0; at < into.length; at += CHUNK) {
    const end = Math.min(at + CHUNK, into.length);
    const src = from.subarray(at, end);
    kernels.columnSum({ src, dst: into.subarray(at, end), rows: 1, cols: end - at });
  }
}
