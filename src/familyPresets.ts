import type { AttentionOptions } from './models/attention/buildAttention';
import type { EncoderDecoderOptions } from './models/buildEncoderDecoder';
import type { Seq2SeqOptions } from './models/buildSeq2Seq';
import type { TeacherForcingOptions } from './models/teacherForcing';
import type { TopologyOptions } from './models/topologies';
import { presets } from './presets';
import type { TrainEchoOptions } from './training/trainEcho';
import type { TrainTeacherForcingOptions } from './training/trainTeacherForcing';

/**
 * One family's recipe: which factory builds its model, the options for that factory, and the
 * options for the function that trains it ({@link trainEcho}, or {@link trainTeacherForcing}
 * for `buildTeacherForcing`). Frozen; spread a field to change it.
 *
 * @typeParam F - The factory's name.
 * @typeParam M - The factory's options.
 * @typeParam T - The training function's options.
 */
export interface FamilyPreset<F extends string, M, T> {
  /** The factory that builds the family's model, by its export name. */
  readonly factory: F;
  /** What the family is and what its recipe does, in a sentence or two. */
  readonly description: string;
  /** Options for the factory (pass your own `seed` alongside them). */
  readonly model: Readonly<M>;
  /** Options for the training function (pass your own `seed` alongside them). */
  readonly train: Readonly<T>;
}

/** The family presets seq-echo ships, by family; see {@link familyPresets}. */
export interface FamilyPresets {
  /** Model A: a stateful LSTM(20) echoes every item of its 5-step window (`presets.fastWhole`). */
  readonly whole: FamilyPreset<'buildSeq2Seq', Seq2SeqOptions, TrainEchoOptions>;
  /** Model B: an LSTM(150) encoder-decoder echoes the oldest 2 of 5 (`presets.fastPartial`). */
  readonly partial: FamilyPreset<'buildEncoderDecoder', EncoderDecoderOptions, TrainEchoOptions>;
  /** Model A's stack on the linear representation: one scaled feature in, MSE, rounded out. */
  readonly linear: FamilyPreset<'buildSeq2Seq', Seq2SeqOptions, TrainEchoOptions>;
  /** Model A with a Masking layer and padded framing, so every item ends a window. */
  readonly masking: FamilyPreset<'buildSeq2Seq', Seq2SeqOptions, TrainEchoOptions>;
  /** An encoder-decoder that answers its window newest first. */
  readonly reverse: FamilyPreset<'buildEncoderDecoder', EncoderDecoderOptions, TrainEchoOptions>;
  /** One step in, one vector out: the window's steps are the features of a single step. */
  readonly oneToOne: FamilyPreset<'buildOneToOne', TopologyOptions, TrainEchoOptions>;
  /** Reads every step, answers the whole window as one vector from the last state. */
  readonly manyToOne: FamilyPreset<'buildManyToOne', TopologyOptions, TrainEchoOptions>;
  /** Dot-product attention reversing a 20-item window; see {@link attentionWeights}. */
  readonly attention: FamilyPreset<'buildAttention', AttentionOptions, TrainEchoOptions>;
  /** Teacher forcing: variable-length answers decoded greedily up to END. */
  readonly teacherForcing: FamilyPreset<
    'buildTeacherForcing',
    TeacherForcingOptions,
    TrainTeacherForcingOptions
  >;
}

/** The name of one of {@link familyPresets}' families. */
export type EchoFamily = keyof FamilyPresets;

/** Freezes a preset and everything in it. */
function freeze<T extends object>(preset: T): T {
  for (const value of Object.values(preset)) {
    if (typeof value === 'object' && value !== null) freeze(value);
  }
  return Object.freeze(preset);
}

/** Checks on fresh sequences and stops at 99%: what every family preset's training does. */
const TO_99 = { targetAccuracy: 0.99 } as const;

/**
 * A recipe for every model family seq-echo builds, each of which reaches 99% on fresh
 * sequences within seconds on one core and stops there: what the CLI's `train --model` and the
 * browser playground train. `whole` and `partial` are {@link presets}' `fastWhole` and
 * `fastPartial`. Each names its factory, so a caller can build any family from its name; the
 * README's findings table has the measured epochs of the same setups.
 *
 * @example
 * ```ts
 * import { buildOneToOne, disposeEchoModel, evaluateEcho, familyPresets, trainEcho } from 'seq-echo';
 *
 * const preset = familyPresets.oneToOne;
 * console.log(preset.factory); // buildOneToOne
 * const model = buildOneToOne({ ...preset.model, seed: 1 });
 * const result = await trainEcho(model, { ...preset.train, seed: 1 });
 * console.log(result.stopReason); // targetAccuracy
 * const { accuracy } = await evaluateEcho(model, { sequences: 50, seed: 99 });
 * console.log(accuracy >= 0.95); // true
 * disposeEchoModel(model);
 * ```
 */
export const familyPresets: FamilyPresets = Object.freeze({
  whole: freeze({ factory: 'buildSeq2Seq' as const, ...presets.fastWhole }),
  partial: freeze({ factory: 'buildEncoderDecoder' as const, ...presets.fastPartial }),
  linear: freeze({
    factory: 'buildSeq2Seq' as const,
    description:
      'A stateless LSTM(50) seq2seq on integers scaled to [0, 1] (one feature, MSE, outputs ' +
      'rounded), Adam 0.01, batch 7: about 280 epochs to 99%, at most 3000.',
    model: { units: 50, stateful: false, learningRate: 0.01, representation: 'linear' as const },
    train: { epochs: 3000, batchSize: 7, evaluateEvery: 25, ...TO_99 },
  }),
  masking: freeze({
    factory: 'buildSeq2Seq' as const,
    description:
      'Model A with a Masking layer, trained on padded windows (every item ends one) in batches ' +
      'of 5, Adam 0.03: about 55 epochs to 99%, at most 300.',
    model: { ...presets.fastWhole.model, masking: true, batchSize: 5 },
    train: { epochs: 300, evaluateEvery: 5, ...TO_99 },
  }),
  reverse: freeze({
    factory: 'buildEncoderDecoder' as const,
    description:
      'An LSTM(150) encoder-decoder answering windows of 5 integers in 0..9 newest first, ' +
      'trained as fastPartial is (stateless, batches of 32, its warmed-up cosine schedule): ' +
      'about 280 epochs to 99%, at most 1500.',
    model: { nIn: 5, nOut: 5, nUnique: 10, task: 'reverse' as const, ...presets.fastPartial.model },
    train: { ...presets.fastPartial.train, epochs: 1500 },
  }),
  oneToOne: freeze({
    factory: 'buildOneToOne' as const,
    description:
      'A stateless LSTM(150) reading the window as one step of 500 features, Adam 0.01, batch 7: ' +
      'about 240 epochs to 99%, at most 2000.',
    model: { units: 150, stateful: false, learningRate: 0.01 },
    train: { epochs: 2000, batchSize: 7, evaluateEvery: 10, ...TO_99 },
  }),
  manyToOne: freeze({
    factory: 'buildManyToOne' as const,
    description:
      'A stateless LSTM(150) reading all 5 steps and answering from its last state, Adam 0.01, ' +
      'batch 7: about 900 epochs to 99%, at most 3000.',
    model: { units: 150, stateful: false, learningRate: 0.01 },
    train: { epochs: 3000, batchSize: 7, evaluateEvery: 10, ...TO_99 },
  }),
  attention: freeze({
    factory: 'buildAttention' as const,
    description:
      'Dot-product attention over a position-encoded dense encoder, reversing windows of 20: ' +
      '128 windows an epoch in batches of 32, Adam 0.01; about 20 epochs to 99%, at most 300.',
    model: { nIn: 20, task: 'reverse' as const },
    train: {
      epochs: 300,
      sequenceLength: 147,
      batchSize: 32,
      evaluateEvery: 5,
      evaluationSequences: 4,
      ...TO_99,
    },
  }),
  teacherForcing: freeze({
    factory: 'buildTeacherForcing' as const,
    description:
      'LSTM(48) encoder and decoder echoing 1 to 5 items of 8 symbols, then END; 512 samples an ' +
      'epoch in batches of 64, Adam 0.02: about 35 epochs to 99% exact sequences, at most 300.',
    model: { maxLength: 5, nUnique: 8, units: 48, learningRate: 0.02 },
    train: {
      epochs: 300,
      samplesPerEpoch: 512,
      batchSize: 64,
      evaluateEvery: 1,
      evaluationSamples: 200,
      ...TO_99,
    },
  }),
});
