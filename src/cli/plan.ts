/**
 * What `seq-echo train` was told, with the defaults filled in: the {@link TrainPlan} that
 * args.ts (`--recipe`/`--preset`) and modelArgs.ts (`--model`) parse and train.ts runs. Types
 * only.
 */
import type {
  AttentionOptions,
  EchoFamily,
  EncoderDecoderOptions,
  LearningRateSchedule,
  Seq2SeqOptions,
  TeacherForcingOptions,
  TopologyOptions,
} from '../index';
import type { BackendName, PresetName, Recipe } from './args';

/** The `trainEcho` settings of a `train` command (besides its callbacks and signal). */
export interface TrainSettings {
  /** Epochs at most. */
  epochs: number;
  /** Seed of the training data (and of the fresh-sequence checks). */
  seed: number;
  /** Integers per training sequence. */
  sequenceLength: number;
  /** `trainEcho`'s batch size for a stateless model (a stateful one trains with its own). */
  batchSize: number;
  /** Epochs between fresh-sequence checks (when there is a target). */
  evaluateEvery: number;
  /** Fresh sequences per check. */
  evaluationSequences: number;
  /** The preset's learning-rate schedule, if it has one (`fastPartial`'s warm-up and cosine). */
  learningRateSchedule?: LearningRateSchedule | undefined;
}

/** The `trainTeacherForcing` settings of `train --model teacher-forcing`. */
export interface TeacherForcingSettings {
  /** Epochs at most. */
  epochs: number;
  /** Seed of the training samples (and of the fresh-sample checks). */
  seed: number;
  /** Fresh samples (sequences of 1 to maxLength items) per epoch. */
  samplesPerEpoch: number;
  /** Samples per weight update. */
  batchSize: number;
  /** Epochs between fresh-sample checks (when there is a target). */
  evaluateEvery: number;
  /** Fresh samples per check, decoded greedily. */
  evaluationSamples: number;
}

/** The options of the echo families' factories (buildSeq2Seq ... buildAttention). */
export type EchoModelOptions =
  Seq2SeqOptions | EncoderDecoderOptions | TopologyOptions | AttentionOptions;

/** What every `train` plan holds, whichever family it trains. */
interface PlanBase {
  /**
   * `--recipe` and `--preset` (the walkthrough's models A and B), or both `undefined` when
   * `--model` chose the family and its preset (`familyPresets[family]`).
   */
  recipe: Recipe | undefined;
  /** See `recipe`. */
  preset: PresetName | undefined;
  /** Accuracy on fresh sequences at which to stop, or `undefined` to train every epoch. */
  target: number | undefined;
  /** The tfjs backend to select. */
  backend: BackendName;
  /** Absolute directory to save the model in, or `undefined` not to save it. */
  save: string | undefined;
  /** Absolute path of the learning curve's SVG, or `undefined` not to write one. */
  curve: string | undefined;
}

/** A plan that trains an echo family with `trainEcho`. */
export interface EchoTrainPlan extends PlanBase {
  /** Which family: `whole` or `partial` by `--recipe`, any but teacherForcing by `--model`. */
  family: Exclude<EchoFamily, 'teacherForcing'>;
  /** Options for the family's factory: the preset's, the flags' on top, and the seed. */
  model: EchoModelOptions;
  /** The training settings. */
  train: TrainSettings;
}

/** A plan that trains teacher forcing with `trainTeacherForcing` (`--model teacher-forcing`). */
export interface TeacherForcingTrainPlan extends PlanBase {
  /** Teacher forcing. */
  family: 'teacherForcing';
  /** Options for `buildTeacherForcing`: the preset's, the flags' on top, and the seed. */
  model: TeacherForcingOptions;
  /** The training settings. */
  train: TeacherForcingSettings;
}

/** Everything `seq-echo train` was told, with the defaults filled in. */
export type TrainPlan = EchoTrainPlan | TeacherForcingTrainPlan;
