import * as tf from '@tensorflow/tfjs';
import { planModel, type ModelPlan, type TrainingPlan } from '../../models/fusedPlan';
import { decoderOps, fusedDecode } from './decode';
import { createKernels, type AdamStep, type Kernels } from './kernels';
import { forward, type GraphRun, type LstmState } from './graph';
import type { DenseValue } from './values';
import { canUseThreads } from './threads/pool';
import {
  batchOf,
  keepStates,
  shardOf,
  scratchFloats,
  stagingFloats,
  trainShard,
  type FusedData,
} from './threads/shard';

export { batchWorkingFloats } from './threads/shard';
import { ThreadTeam } from './threads/team';
import { adamShare, applyAdamShare, teamLengths, type Stretch } from './threads/adamShare';
import type { Clipping } from '../clipping';

export type { FusedData } from './threads/shard';

/** Loss and accuracy of one epoch, averaged over its batches as `model.fit` reports them. */
export interface FusedEpoch {
  loss: number;
  accuracy: number;
}

/** How long the calling thread waits at least for a worker's shard before it gives up, in ms. */
const WORKER_GRACE_MS = 30_000;

/**
 * Runs a model's plan on seq-echo's own kernels: the forward pass for predictions, and for
 * training the same loss, gradients and Adam update as tfjs's `model.fit` with
 * `shuffle: false`, including stateful carry-over between the batches of an epoch. Holds
 * float32 copies of the weights in the kernels' memory (with their gradients and Adam's
 * moments when training); {@link FusedRunner.writeBack} copies them into the model.
 */
export class FusedRunner {
  protected kernels: Kernels;
  protected readonly count: number;
  /** The weights' lengths. */
  protected readonly lengths: number[];
  private readonly shapes: number[][];

  constructor(
    protected readonly model: tf.LayersModel,
    readonly plan: ModelPlan,
    copies: number,
    private readonly shared = false,
  ) {
    this.shapes = model.weights.map((w) => w.shape.map(Number));
    this.lengths = this.shapes.map((shape) => shape.reduce((a, b) => a * b, 1));
    this.count = this.lengths.length;
    this.kernels = this.newKernels(copies);
    this.readWeights();
  }

  /** Kernels with `copies` resident arrays per weight. */
  private newKernels(copies: number): Kernels {
    const all: number[] = [];
    for (let i = 0; i < copies; i++) all.push(...this.lengths);
    return createKernels(all, this.shared);
  }

  /**
   * Lays the resident arrays out anew as `lengths` (unless they already are), keeping the
   * values of the first `keep` (the new ones start at zero).
   */
  protected relayout(lengths: readonly number[], keep: number): void {
    const old = this.kernels.arrays();
    if (old.length === lengths.length && old.every((a, i) => a.length === lengths[i])) return;
    this.kernels = createKernels(lengths, this.shared);
    const arrays = this.kernels.arrays();
    for (let i = 0; i < keep; i++) arrays[i]!.set(old[i]!);
  }

  /** Which kernels this runner computes on. */
  get kernelKind(): Kernels['kind'] {
    return this.kernels.kind;
  }

  /** Copies the model's current weights in (they may have changed since the last run). */
  readWeights(): void {
    const arrays = this.kernels.arrays();
    this.model.getWeights().forEach((w, i) => {
      arrays[i]!.set(w.dataSync());
    });
  }

  /** Copies the kernels' weights into the model. */
  writeBack(): void {
    const arrays = this.kernels.arrays();
    const tensors = this.shapes.map((shape, i) => tf.tensor(arrays[i]!.slice(), shape));
    this.model.setWeights(tensors);
    tf.dispose(tensors);
  }

  /**
   * The model's outputs for every row, batch-major `[rows, steps, width]`, computed in batches
   * of `batchSize` in order, carrying LSTM state from batch to batch when `stateful` (from zero
   * state at the start), as `model.predict` on a reset model does. `each` sees every batch's
   * run before the next replaces it.
   */
  predict(
    data: FusedData,
    batchSize: number,
    stateful: boolean,
    each?: (run: GraphRun, start: number) => void,
  ): Float32Array {
    const { steps = 1, width } = this.plan.outputShape;
    const per = steps * width;
    const result = new Float32Array(data.rows * per);
    let states: LstmState[] = [];
    for (let start = 0; start < data.rows; start += batchSize) {
      const n = Math.min(batchSize, data.rows - start);
      const batch = batchOf(this.plan, data, start, n);
      this.kernels.reserve(stagingFloats(this.plan, n));
      const run = forward(this.kernels, this.plan, batch.feeds, n, stateful ? states : []);
      const out = run.values[this.plan.output] as DenseValue;
      for (let t = 0; t < steps; t++) {
        for (let b = 0; b < n; b++) {
          result.set(
            out.data.subarray((t * n + b) * width, (t * n + b + 1) * width),
            (start + b) * per + t * width,
          );
        }
      }
      each?.(run, start);
      if (stateful) states = keepStates(run);
    }
    return result;
  }

  /** Whether {@link FusedRunner.decodeGreedy} can run this plan (a teacher-forcing model). */
  get decodes(): boolean {
    return decoderOps(this.plan) !== undefined;
  }

  /** Greedy decoding of a teacher-forcing model's sequences; see `fusedDecode`. */
  decodeGreedy(
    sequences: readonly (readonly number[])[],
    maxSteps: number,
    shape: Parameters<typeof fusedDecode>[4],
  ): number[][] {
    return fusedDecode(this.plan, this.kernels, sequences, maxSteps, shape);
  }
}

/**
 * A {@link FusedRunner} that trains: gradients and Adam's moments beside the weights, and
 * optionally a team of worker threads that train the other shards of every batch (its memory
 * is shared wherever threads can run, so that a team can read and write it).
 */
export class FusedTrainer extends FusedRunner {
  private accBeta1: number;
  private accBeta2: number;
  private readonly optimizer: unknown;
  /** Adam steps taken, across calls: what a learning-rate schedule reads, as tfjs's `iterations`. */
  private steps = 0;
  /** The learning rate for Adam step `step` (from 0); unset: the compiled rate. */
  learningRateAt: ((step: number) => number) | undefined;
  /** How gradients are clipped before Adam; unset: not at all. */
  clip: Clipping | undefined;
  private team: ThreadTeam | undefined;
  /** Whether an epoch failed, so the gradients may not be zero (see `trainShard`). */
  private gradientsDirty = false;
  /** How many resident arrays are workers' inboxes (see adamShare.ts). */
  private inboxArrays = 0;
  /** The most rows a batch may have on the current team (its workers' rooms fit that). */
  private teamRows = 0;
  /** This thread's share of the Adam step, by the threads active and whether whole weights. */
  private readonly shares = new Map<string, Stretch[]>();

  constructor(
    model: tf.LayersModel,
    private readonly spec: TrainingPlan,
  ) {
    super(model, spec, 4, canUseThreads());
    this.optimizer = (model as { optimizer?: unknown }).optimizer;
    this.accBeta1 = spec.adam.beta1;
    this.accBeta2 = spec.adam.beta2;
  }

  /** Whether this trainer was made for the model's current optimizer and plan. */
  fits(spec: TrainingPlan): boolean {
    return (
      this.optimizer === (this.model as { optimizer?: unknown }).optimizer &&
      JSON.stringify(spec) === JSON.stringify(this.spec)
    );
  }

  /**
   * Makes the next epochs train on `threads` threads (this one and pool workers) with batches
   * of up to `rows` rows, starting the workers when needed; resolves with the count that will
   * run: 1 when workers cannot run here (no shared memory, or none could start).
   */
  async useThreads(threads: number, rows: number): Promise<number> {
    const team = this.team;
    if (team && (team.threads !== threads || !team.usable || this.teamRows < rows)) this.forget();
    if (threads > 1 && !this.team && canUseThreads()) {
      // Each worker's room: the scratch a step of its shard reserves, and its staging.
      const shard = Math.ceil(rows / threads);
      const staging = stagingFloats(this.spec, shard);
      const room = scratchFloats(this.spec, shard) + staging + 4096;
      this.relayout(teamLengths(this.lengths, threads, room), 4 * this.count);
      this.inboxArrays = (threads - 1) * this.count;
      this.teamRows = rows;
      this.team = await ThreadTeam.start(
        this,
        this.kernels,
        this.spec,
        this.count,
        threads,
        staging,
      );
    }
    if (threads === 1) this.forget();
    return this.team?.threads ?? 1;
  }

  /** Drops the worker threads' state for this trainer. */
  forget(): void {
    this.team?.forget();
    this.team = undefined;
  }

  /**
   * One epoch over the rows, in order, in batches of `batchSize` (the last may be smaller for a
   * stateless model). Stateful models carry each batch's final state into the next batch and
   * start the epoch from zero state. With threads (see {@link FusedTrainer.useThreads}) each
   * batch's rows are split by `shardOf`: this thread trains the first shard; a stateful
   * model's rows stay on their thread, which carries their states.
   */
  trainEpoch(data: FusedData, batchSize: number, stateful: boolean): FusedEpoch {
    const team = this.team;
    if (this.gradientsDirty) this.clearGradients();
    try {
      team?.begin(data, batchSize, stateful);
      return this.epochBatches(data, batchSize, stateful, team);
    } catch (error) {
      team?.abort();
      // A batch may have stopped between its gradients and the Adam step that clears them.
      this.gradientsDirty = true;
      throw error;
    }
  }

  private epochBatches(
    data: FusedData,
    batchSize: number,
    stateful: boolean,
    team: ThreadTeam | undefined,
  ): FusedEpoch {
    let states: LstmState[] = [];
    let lossSum = 0;
    let accSum = 0;
    for (let start = 0; start < data.rows; start += batchSize) {
      const n = Math.min(batchSize, data.rows - start);
      const active = Math.min(team?.threads ?? 1, n);
      const own = shardOf(n, active, 0);
      team?.go();
      const rows = batchOf(this.plan, data, start, own.rows);
      const started = performance.now();
      const { score, run } = trainShard(this.kernels, this.spec, this.count, rows, states, n);
      const step = this.nextStep();
      if (team && active > 1) {
        // A worker's shard is about as big as this thread's: one that takes far longer is gone.
        const ownMs = performance.now() - started;
        const deadline = performance.now() + Math.max(WORKER_GRACE_MS, 100 * ownMs);
        const theirs = team.collect(active, step, this.clip, deadline);
        score.loss += theirs.loss;
        score.accuracy += theirs.accuracy;
        this.adam(step, active);
        team.finish(active, deadline);
      } else {
        this.adam(step, 1);
      }
      lossSum += score.loss * n;
      accSum += score.accuracy * n;
      if (stateful) states = keepStates(run);
    }
    return { loss: lossSum / data.rows, accuracy: accSum / data.rows };
  }

  /** Zeroes the gradients and the workers' inboxes (see adamShare.ts for the layout). */
  private clearGradients(): void {
    const arrays = this.kernels.arrays();
    const inboxes = arrays.slice(4 * this.count, 4 * this.count + this.inboxArrays);
    for (const array of [...arrays.slice(this.count, 2 * this.count), ...inboxes]) array.fill(0);
    this.gradientsDirty = false;
  }

  /** The next Adam step's settings: tfjs's, with its bias correction. */
  private nextStep(): AdamStep {
    // tfjs keeps beta^t in float32 variables.
    this.accBeta1 = Math.fround(this.accBeta1);
    this.accBeta2 = Math.fround(this.accBeta2);
    const learningRate = this.learningRateAt?.(this.steps++) ?? this.spec.adam.learningRate;
    const step = { ...this.spec.adam, learningRate, c1: 1 - this.accBeta1, c2: 1 - this.accBeta2 };
    this.accBeta1 *= this.spec.adam.beta1;
    this.accBeta2 *= this.spec.adam.beta2;
    return step;
  }

  /**
   * This thread's share of the Adam step on `active` threads (all of it on one): the workers'
   * gradients added to this thread's, then the update (see adamShare.ts).
   */
  private adam(step: AdamStep, active: number): void {
    const { clip } = this;
    const whole = clip?.norm !== undefined;
    const key = `${active}/${String(whole)}`;
    let stretches = this.shares.get(key);
    if (!stretches) {
      stretches = adamShare(this.lengths, active, 0, whole);
      this.shares.set(key, stretches);
    }
    const arrays = this.kernels.arrays();
    applyAdamShare(this.kernels, arrays, this.count, active, stretches, step, clip);
  }
}

/** Forward-only runners per model (`null`: the engine does not map it), kept across calls. */
const runners = new WeakMap<tf.LayersModel, FusedRunner | null>();

/**
 * The forward-only runner of a model the engine maps, holding its current weights, or
 * `undefined` when it does not map it. One per model, so prediction calls reuse its memory.
 */
export function fusedRunner(model: tf.LayersModel): FusedRunner | undefined {
  const known = runners.get(model);
  if (known !== undefined) {
    known?.readWeights();
    return known ?? undefined;
  }
  const plan = planModel(model);
  const runner = typeof plan === 'string' ? null : new FusedRunner(model, plan, 1);
  runners.set(model, runner);
  return runner ?? undefined;
}

/** Forgets a model's runner (its memory is freed with it). */
export function forgetFusedRunner(model: tf.LayersModel): void {
  runners.delete(model);
}
