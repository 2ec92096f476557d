/**
 * `seq-echo evaluate` and `predict` on teacher-forcing models saved by `saveTeacherForcing`
 * (`seq-echo train --model teacher-forcing --save DIR`): loaded with `loadTeacherForcing`,
 * evaluated with `evaluateTeacherForcing` (exact sequences, greedily decoded) and shown with
 * `decodeGreedy`, up to END. commands.ts sends a directory here when its seq-echo.json says
 * it holds teacher-forcing models.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type * as SeqEcho from '../index';
import { TEACHER_FORCING_FORMAT } from '../io/metadata';
import type { EvaluatePlan, PredictPlan } from './args';
import { usageErrorFrom } from './flags';
import { formatDecodedTable, formatPercent } from './table';

/** Largest seq-echo.json peeked at (the loader's limit; seq-echo writes about 300 bytes). */
const MAX_PEEK_BYTES = 64 * 1024;

/**
 * Whether the saved model at `model` (a directory, or the path of its model.json) is
 * teacher forcing, by its seq-echo.json's `format`. Only a peek to choose the loader: anything
 * missing, not a regular file, too large or not JSON answers `false`, and the echo loader then
 * says what is wrong; the loader chosen checks everything again.
 *
 * @param model - The absolute path of the saved model.
 * @returns Whether to load it with `loadTeacherForcing`.
 */
export async function isTeacherForcingSave(model: string): Promise<boolean> {
  try {
    const directory = (await stat(model)).isFile() ? dirname(model) : model;
    const file = join(directory, 'seq-echo.json');
    const stats = await stat(file);
    if (!stats.isFile() || stats.size > MAX_PEEK_BYTES) return false;
    const json = JSON.parse(await readFile(file, 'utf8')) as unknown;
    return (json as { format?: unknown } | null)?.format === TEACHER_FORCING_FORMAT;
  } catch {
    return false;
  }
}

/** The loaded models and their metadata, as the commands use them. */
interface Loaded {
  models: SeqEcho.TeacherForcingModels;
  metadata: SeqEcho.TeacherForcingMetadata;
}

/**
 * Saved teacher-forcing models in one line: `teacher forcing, echo: LSTM(48) encoder and
 * decoder, 1 to 5 items in [0, 10) then END; saved by seq-echo 0.1.0`.
 */
const describe = ({ metadata: m }: Loaded): string =>
  `teacher forcing, ${m.task}: LSTM(${m.units}) encoder and decoder, 1 to ${m.maxLength} ` +
  `items in [0, ${m.nUnique}) then END; saved by seq-echo ${m.libraryVersion}`;

/** Loads the models at `model` and runs `use`, disposing them afterwards whatever happens. */
async function withModels(
  lib: typeof SeqEcho,
  model: string,
  use: (loaded: Loaded) => void,
): Promise<void> {
  const models = await lib.loadTeacherForcing(model);
  try {
    const stored = models.training.getUserDefinedMetadata() as
      { seqEcho?: SeqEcho.TeacherForcingMetadata } | undefined;
    if (stored?.seqEcho === undefined) throw new Error('the loaded models have no metadata');
    use({ models, metadata: stored.seqEcho });
  } finally {
    models.dispose();
  }
}

/** The `evaluate` flag that sets each option of `evaluateTeacherForcing`. */
const EVALUATE_FLAGS = { samples: '--sequences', seed: '--seed' };

/**
 * `seq-echo evaluate` on teacher-forcing models: per-item, exact-sequence and length accuracy
 * on `plan.sequences` fresh sequences of 1 to maxLength items, decoded greedily.
 *
 * @param lib - seq-echo, its backend selected.
 * @param plan - The parsed command line.
 * @param print - Writes lines.
 * @throws UsageError for a `--sequences` or `--seed` that `evaluateTeacherForcing` refuses.
 */
export async function evaluateTeacherForcingSave(
  lib: typeof SeqEcho,
  plan: EvaluatePlan,
  print: (...lines: string[]) => void,
): Promise<void> {
  await withModels(lib, plan.model, (loaded) => {
    let e: SeqEcho.TeacherForcingEvaluation;
    try {
      e = lib.evaluateTeacherForcing(loaded.models, { samples: plan.sequences, seed: plan.seed });
    } catch (error) {
      throw usageErrorFrom(error, 'evaluateTeacherForcing', EVALUATE_FLAGS, 'evaluate');
    }
    const seed = plan.seed === undefined ? '' : `, seed ${plan.seed}`;
    print(`model: ${plan.model}`, `  ${describe(loaded)}`, '');
    print(
      `evaluation on ${plan.sequences} fresh sequences${seed}, decoded greedily:`,
      `  per-item accuracy:   ${formatPercent(e.accuracy)}`,
      `  exact sequences:     ${formatPercent(e.sequenceAccuracy)}`,
      `  right length:        ${formatPercent(e.lengthAccuracy)}`,
    );
  });
}

/**
 * `seq-echo predict` on teacher-forcing models: the sequence decoded greedily up to END, in
 * teacher forcing's table.
 *
 * @param lib - seq-echo, its backend selected.
 * @param plan - The parsed command line.
 * @param print - Writes lines.
 * @throws UsageError for a sequence `decodeGreedy` refuses (too long, ids out of range).
 */
export async function predictTeacherForcingSave(
  lib: typeof SeqEcho,
  plan: PredictPlan,
  print: (...lines: string[]) => void,
): Promise<void> {
  await withModels(lib, plan.model, (loaded) => {
    const { models, metadata } = loaded;
    let predicted: number[];
    try {
      predicted = lib.decodeGreedy(models, plan.sequence);
    } catch (error) {
      throw usageErrorFrom(error, 'decodeGreedy', {}, 'predict');
    }
    const input = plan.sequence;
    const expected = metadata.task === 'reverse' ? [...input].reverse() : input;
    // decodeGreedy's step limit is maxLength + 1: fewer items means it stopped at END.
    const ended = predicted.length < models.maxLength + 1;
    print(`model: ${plan.model}`, `  ${describe(loaded)}`, '');
    print(...formatDecodedTable([{ input, expected, predicted, ended }], metadata.task));
  });
}
