/**
 * Every family through one door: builds a family's model with the factory its preset names
 * (`familyPresets[family].factory`), trains it with its preset (`trainTeacherForcing` for
 * teacher forcing, `trainEcho` for the others), evaluates it, predicts the table's rows and
 * disposes it. The rest of the page sees a {@link Trained} and never asks which family it is.
 */
import type * as tf from '@tensorflow/tfjs';
import {
  buildAttention,
  buildEncoderDecoder,
  buildManyToOne,
  buildOneToOne,
  buildSeq2Seq,
  buildTeacherForcing,
  decodeGreedyBatch,
  disposeEchoModel,
  evaluateEcho,
  evaluateTeacherForcing,
  familyPresets,
  predictEcho,
  trainEcho,
  trainTeacherForcing,
  type EchoFamily,
  type TeacherForcingModels,
} from '../../src/index';
import { EVALUATION_SAMPLES, EVALUATION_SEQUENCES, type EchoModelFamily } from './settings';

/** A family's model: one `tf.LayersModel`, or teacher forcing's three. */
export type Trained =
  | { kind: 'echo'; family: EchoModelFamily; model: tf.LayersModel }
  | { kind: 'teacherForcing'; family: 'teacherForcing'; models: TeacherForcingModels };

/** Builds `family`'s model with the factory its preset names, its options and `seed`. */
export function buildFamily(family: EchoFamily, seed: number): Trained {
  if (family === 'teacherForcing') {
    const models = buildTeacherForcing({ ...familyPresets.teacherForcing.model, seed });
    return { kind: 'teacherForcing', family, models };
  }
  const preset = familyPresets[family];
  const echo = (model: tf.LayersModel): Trained => ({ kind: 'echo', family, model });
  switch (preset.factory) {
    case 'buildSeq2Seq':
      return echo(buildSeq2Seq({ ...preset.model, seed }));
    case 'buildEncoderDecoder':
      return echo(buildEncoderDecoder({ ...preset.model, seed }));
    case 'buildOneToOne':
      return echo(buildOneToOne({ ...preset.model, seed }));
    case 'buildManyToOne':
      return echo(buildManyToOne({ ...preset.model, seed }));
    case 'buildAttention':
      return echo(buildAttention({ ...preset.model, seed }));
  }
}

/** Frees a family's model(s): weights, LSTM state, optimizer and the fused engine's memory. */
export function disposeTrained(trained: Trained): void {
  if (trained.kind === 'echo') disposeEchoModel(trained.model);
  else trained.models.dispose();
}

/** What the page shows of an epoch (either training function's log has these). */
export interface RunLog {
  epoch: number;
  loss: number;
  accuracy: number;
  elapsedMs: number;
}

/** What the page shows of a run (either training function's result has these). */
export interface RunResult {
  epochs: number;
  stopReason: 'epochs' | 'targetAccuracy' | 'aborted';
  elapsedMs: number;
  threads: number;
  /** The engine that trained, and why not the fused one when it could not. */
  engine: 'fused' | 'tfjs';
  fallbackReason: string | undefined;
  /** The checks made on the way: complete ones (all their sequences tested) only. */
  evaluations: { epoch: number; accuracy: number }[];
}

/** What a run takes besides its preset. */
export interface RunOptions {
  epochs: number;
  targetAccuracy: number | undefined;
  seed: number;
  signal: AbortSignal;
  onEpochEnd: (log: RunLog) => Promise<void>;
}

/** Trains `trained` with its family's preset, `run`'s epochs, target, seed and callback. */
export async function trainFamily(trained: Trained, run: RunOptions): Promise<RunResult> {
  if (trained.kind === 'teacherForcing') {
    const result = await trainTeacherForcing(trained.models, {
      ...familyPresets.teacherForcing.train,
      ...run,
    });
    return { ...result, evaluations: result.evaluations };
  }
  const result = await trainEcho(trained.model, { ...familyPresets[trained.family].train, ...run });
  return { ...result, evaluations: result.evaluations.filter((e) => e.complete) };
}

/** Accuracy per item and per window (teacher forcing: per exact sequence). */
export interface Accuracies {
  accuracy: number;
  sequenceAccuracy: number;
}

/** The final evaluation, on seeded fresh sequences (teacher forcing: samples). */
export async function evaluateFamily(trained: Trained, seed: number): Promise<Accuracies> {
  const { accuracy, sequenceAccuracy } =
    trained.kind === 'echo'
      ? await evaluateEcho(trained.model, { sequences: EVALUATION_SEQUENCES, seed })
      : evaluateTeacherForcing(trained.models, { samples: EVALUATION_SAMPLES, seed });
  return { accuracy, sequenceAccuracy };
}

/** One row of the Expected/Predicted table; `-1` marks a masking model's padding. */
export interface TableRow {
  input: number[];
  expected: number[];
  predicted: number[];
}

/**
 * The table's rows: for an echo family, `predictEcho` on the sequence's windows; for teacher
 * forcing, each sequence of `sequences` decoded greedily (`decodeGreedyBatch`), END left out.
 */
export function predictRows(trained: Trained, sequences: number[][]): TableRow[] {
  if (trained.kind === 'echo') return predictEcho(trained.model, sequences[0] ?? []);
  const { models } = trained;
  const decoded = decodeGreedyBatch(models, sequences);
  return sequences.map((input, i) => ({
    input,
    expected: models.task === 'reverse' ? [...input].reverse() : input,
    predicted: decoded[i] ?? [],
  }));
}
