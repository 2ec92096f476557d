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
}

/** A row to run: an id for `--only`, and what it measures. */
export interface FindingRow {
  id: string;
  /** The row's setup text, written from the model and options it runs with. */
  setup: () => string;
  run: () => Promise<Finding>;
  /** The one-line conclusion, given this row's and the earlier rows' results. */
  conclude: (self: Finding, all: ReadonlyMap<string, Finding>) => string;
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
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), seconds * 1000);
  try {
    const result = await trainEcho(model, {
      evaluationSequences: 20,
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
 * A row that stopped short of the target, per answer step, so that partial learning shows:
 * `' Per answer step: 81%, 79%, ..., 41%.'`; empty for a row measured before the steps were.
 */
export const perStep = (finding: Finding): string =>
  finding.positionAccuracy
    ? ` Per answer step: ${finding.positionAccuracy.map((a) => `${(100 * a).toFixed(0)}%`).join(', ')}.`
    : '';
