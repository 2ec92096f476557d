/** What every findings row shares: the row types and how a trainEcho row is measured. */
import type * as tf from '@tensorflow/tfjs';
import { evaluateEcho, trainEcho, type TrainEchoOptions } from '../../src/index';

/** What one row of the findings table reports. */
export interface Finding {
  /** Which of the issue's variants (0 = the walkthrough itself). */
  variant: string;
  /** Trainable parameters. */
  params: number;
  /** Epochs trained (to the target, or the whole budget). */
  epochs: number;
  /** Seconds of training, checks on fresh sequences included. */
  seconds: number;
  /** Whether the 99% target was reached within the budget. */
  reached: boolean;
  /** The budget, in words (epochs and seconds). */
  budget: string;
  /** Per-item accuracy on 100 further fresh sequences. */
  accuracy: number;
  /** Per-window (whole answer right) accuracy on the same sequences. */
  sequenceAccuracy: number;
  /** Per answer step, the accuracy on the same sequences (rows measured since it existed). */
  positionAccuracy?: number[];
  /** Anything else the row measured, for its conclusion. */
  note?: string;
  /** The seed the run trained on (weights and data). */
  seed?: number;
}

/**
 * A row's runs summarised over its seeds: a {@link Finding} whose numbers are the medians of
 * the runs' (epochs, seconds, accuracies, each answer step's accuracy; `reached` when every
 * run reached the target), with the runs themselves for ranges and counts.
 */
export interface Summary extends Finding {
  /** The runs, one per seed, in seed order. */
  runs: Finding[];
  /** How many runs reached the target. */
  reachedRuns: number;
}

/** A row to run: an id for `--only`, and what it measures. */
export interface FindingRow {
  id: string;
  /** The row's setup text, written from the model and options it runs with. */
  setup: () => string;
  /** Trains and measures the row once: `seed` seeds its weights and its data. */
  run: (seed: number) => Promise<Finding>;
  /** The one-line conclusion, given this row's and the earlier rows' summaries. */
  conclude: (self: Summary, all: ReadonlyMap<string, Summary>) => string;
}

/** The median of `values` (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length === 0) throw new RangeError('median: no values');
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A row's runs as one {@link Summary}: medians, and the runs kept for their ranges. */
export function summarize(runs: readonly Finding[]): Summary {
  const first = runs[0];
  if (first === undefined) throw new RangeError('summarize: a row needs at least one run');
  const of = (pick: (f: Finding) => number) => median(runs.map(pick));
  const steps = first.positionAccuracy?.length;
  const positionAccuracy =
    steps !== undefined && runs.every((r) => r.positionAccuracy?.length === steps)
      ? Array.from({ length: steps }, (_, i) => of((r) => r.positionAccuracy![i]!))
      : undefined;
  const reachedRuns = runs.filter((r) => r.reached).length;
  return {
    ...first,
    epochs: of((r) => r.epochs),
    seconds: of((r) => r.seconds),
    reached: reachedRuns === runs.length,
    accuracy: of((r) => r.accuracy),
    sequenceAccuracy: of((r) => r.sequenceAccuracy),
    ...(positionAccuracy === undefined ? {} : { positionAccuracy }),
    runs: [...runs],
    reachedRuns,
  };
}

/** `format(median)` with the runs' range: `'380 (350-420)'`, or just the value for one run. */
export function withRange(
  summary: Summary,
  pick: (f: Finding) => number,
  format: (x: number) => string,
): string {
  const values = summary.runs.map(pick);
  const low = Math.min(...values);
  const high = Math.max(...values);
  const mid = format(median(values));
  return values.length === 1 || format(low) === format(high)
    ? mid
    : `${mid} (${format(low)}-${format(high)})`;
}

/**
 * A row's epochs for a conclusion: `'a median of 380 epochs (350-420 over 3 seeds)'`,
 * `'75 epochs on each of 3 seeds'`, or `'380 epochs'` for one seed.
 */
export function epochsText(self: Summary): string {
  const values = self.runs.map((r) => r.epochs);
  if (values.length === 1) return `${self.epochs} epochs`;
  if (Math.min(...values) === Math.max(...values)) {
    return `${self.epochs} epochs on each of ${values.length} seeds`;
  }
  return `a median of ${self.epochs} epochs (${Math.min(...values)}-${Math.max(...values)} over ${values.length} seeds)`;
}

/**
 * The fused engine's threads for each run: 1 when the parent runs as many runs at once as
 * the machine has cores (so runs do not fight over them), else its own choice.
 */
export function runThreads(): number | 'auto' {
  return process.env.SEQ_ECHO_FINDINGS_THREADS === '1' ? 1 : 'auto';
}

/** The fresh sequences every row is measured on at the end; separate from training's. */
export const TEST_SEED = 424242;
/** The target every row trains to. */
export const TARGET = 0.99;

/**
 * Trains `model` with trainEcho to {@link TARGET} within `epochs` and `seconds`, then measures
 * it on 100 fresh sequences; the model stays the caller's.
 */
export async function trainAndMeasure(
  variant: string,
  model: tf.LayersModel,
  train: Omit<TrainEchoOptions, 'targetAccuracy' | 'signal'>,
  seconds: number,
): Promise<Finding> {
  if (train.seed === undefined) throw new TypeError('findings: every row trains on a seed');
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), seconds * 1000);
  try {
    const result = await trainEcho(model, {
      evaluationSequences: 20,
      threads: runThreads(),
      ...train,
      targetAccuracy: TARGET,
      signal: controller.signal,
    });
    const test = await evaluateEcho(model, {
      sequences: 100,
      seed: TEST_SEED,
      ...(train.sequenceLength === undefined ? {} : { sequenceLength: train.sequenceLength }),
    });
    return {
      variant,
      params: model.countParams(),
      epochs: result.epochs,
      seconds: result.elapsedMs / 1000,
      reached: result.stopReason === 'targetAccuracy',
      budget: `${train.epochs} epochs or ${seconds} s`,
      accuracy: test.accuracy,
      sequenceAccuracy: test.sequenceAccuracy,
      positionAccuracy: test.positionAccuracy,
    };
  } finally {
    clearTimeout(timer);
  }
}

/** `0.991` -> `'99.1%'`. */
export const percent = (x: number): string => `${(100 * x).toFixed(1)}%`;

/**
 * A row that stopped short of the target, per answer step (medians over its seeds), so that
 * partial learning shows: `' Per answer step: 81%, 79%, ..., 41%.'`; empty for a row measured
 * before the steps were.
 */
export const perStep = (finding: Finding): string =>
  finding.positionAccuracy
    ? ` Per answer step${'runs' in finding ? ' (median over seeds)' : ''}: ${finding.positionAccuracy.map((a) => `${(100 * a).toFixed(0)}%`).join(', ')}.`
    : '';

/**
 * The conclusion of a row that stopped short of the target on some seed: how many seeds
 * reached it, the median per-item accuracy it ended on, and each answer step's.
 */
export function shortOf(self: Summary): string {
  const seeds =
    self.runs.length === 1 ? '' : ` (${self.reachedRuns} of ${self.runs.length} seeds reached 99%)`;
  return `Stopped at its budget at ${percent(self.accuracy)} per item after ${epochsText(self)}${seeds} (chance is 1%): the row shows no more than that this budget is too small.${perStep(self)}`;
}
