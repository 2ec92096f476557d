/**
 * Every family through one door (in the training worker): builds a family's model with the
 * factory its preset names (`familyPresets[family].factory`), trains it with its preset
 * (`trainTeacherForcing` for teacher forcing, `trainEcho` for the others), evaluates it,
 * predicts the table's rows and disposes it. The rest of the worker sees a {@link Trained} and
 * never asks which family it is.
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
import type { Accuracies, RunLog, RunResult, TableRow } from './protocol';
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

/** What a run takes besides its preset. */
export interface RunOptions {
  epochs: number;
  targetAccuracy: number | undefined;
  seed: number;
  signal: AbortSignal;
  onEpochEnd: (log: RunLog) => void;
}

/**
 * Trains `trained` with its family's preset, `run`'s epochs, target, seed and callback. The
 * result holds only what the page shows, so that it can be posted to the page.
 */
export async function trainFamily(trained: Trained, run: RunOptions): Promise<RunResult> {
  const result =
    trained.kind === 'teacherForcing'
      ? await trainTeacherForcing(trained.models, { ...familyPresets.teacherForcing.train, ...run })
      : await trainEcho(trained.model, { ...familyPresets[trained.family].train, ...run });
  const { epochs, stopReason, elapsedMs, threads, engine, fallbackReason } = result;
  // trainEcho's checks may have stopped early (incomplete); teacher forcing's are all complete.
  const evaluations = result.evaluations
    .filter((e) => !('complete' in e) || e.complete)
    .map(({ epoch, accuracy }) => ({ epoch, accuracy }));
  return { epochs, stopReason, elapsedMs, threads, engine, fallbackReason, evaluations };
}

/** The final evaluation, on seeded fresh sequences (teacher forcing: samples). */
export async function evaluateFamily(trained: Trained, seed: number): Promise<Accuracies> {
  const { accuracy, sequenceAccuracy } =
    trained.kind === 'echo'
      ? await evaluateEcho(trained.model, { sequences: EVALUATION_SEQUENCES, seed })
      : evaluateTeacherForcing(trained.models, { samples: EVALUATION_SAMPLES, seed });
  return { accuracy, sequenceAccuracy };
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
