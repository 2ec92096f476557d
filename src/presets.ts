import type { EncoderDecoderOptions } from './models/buildEncoderDecoder';
import type { Seq2SeqOptions } from './models/buildSeq2Seq';
import type { TrainEchoOptions } from './training/trainEcho';

/**
 * A ready-made recipe: the options for a model factory and the options for
 * {@link trainEcho} that go with them. Presets are frozen; spread them to change a field.
 *
 * @typeParam M - The factory's options: {@link Seq2SeqOptions} for {@link buildSeq2Seq},
 *   {@link EncoderDecoderOptions} for {@link buildEncoderDecoder}.
 */
export interface EchoPreset<M> {
  /** What the recipe is and what it is for, in a sentence or two. */
  readonly description: string;
  /** Options for the model factory (pass your own `seed` alongside them). */
  readonly model: Readonly<M>;
  /** Options for {@link trainEcho}. */
  readonly train: Readonly<TrainEchoOptions>;
}

/** The presets seq-echo ships, by name; see {@link presets}. */
export interface EchoPresets {
  /** The walkthrough's model A exactly: whole-window echo, 500 epochs of 21 windows. */
  readonly walkthroughWhole: EchoPreset<Seq2SeqOptions>;
  /** The walkthrough's model B exactly: echo of the first 2 of 5, 5000 epochs. */
  readonly walkthroughPartial: EchoPreset<EncoderDecoderOptions>;
  /** Model A's task, architecture and sizes, trained to 99% in a fraction of the epochs. */
  readonly fastWhole: EchoPreset<Seq2SeqOptions>;
  /** Model B's task, architecture and sizes, trained to 99% in a fraction of the time. */
  readonly fastPartial: EchoPreset<EncoderDecoderOptions>;
}

/** Freezes a preset and everything in it (a schedule is an object inside `train`). */
function freeze<T extends object>(preset: T): T {
  for (const value of Object.values(preset)) {
    if (typeof value === 'object' && value !== null) freeze(value);
  }
  return Object.freeze(preset);
}

/**
 * Ready-made recipes for the walkthrough's two tasks. The `walkthrough*` presets are the
 * walkthrough's settings exactly (and the factories' and `trainEcho`'s defaults). The `fast*`
 * presets keep the task, the architecture and the hidden sizes, change only how training is
 * done, and stop as soon as a check on fresh sequences reaches 99%:
 *
 * - `fastWhole`: the walkthrough's stateful model A with Adam's learning rate raised from
 *   0.001 to 0.03. About 55 epochs (instead of about 400) to 99%.
 * - `fastPartial`: model B made stateless (state reset every batch), trained on 100-integer
 *   sequences (96 windows an epoch) in batches of 32, with Adam's rate warmed up linearly
 *   over 300 steps to 0.02 and then cosine-decayed over 600 steps to 0.002 (a
 *   {@link LearningRateSchedule}). About 230 epochs (22,000 windows, against the walkthrough's
 *   73,000 or more; 285 epochs at a constant 0.01) to 99%.
 *
 * The README's performance section has the measured epochs and seconds.
 *
 * @example
 * ```ts
 * import { buildEncoderDecoder, buildSeq2Seq, disposeEchoModel, evaluateEcho, presets, trainEcho } from 'seq-echo';
 *
 * const model = buildSeq2Seq({ ...presets.fastWhole.model, seed: 1 });
 * const result = await trainEcho(model, { ...presets.fastWhole.train, seed: 1 });
 * console.log(result.stopReason); // targetAccuracy
 * const { accuracy } = await evaluateEcho(model, { sequences: 50, seed: 99 });
 * console.log(accuracy >= 0.97); // true
 *
 * // The other task works the same way, with the other factory:
 * const partial = buildEncoderDecoder({ ...presets.fastPartial.model, seed: 1 });
 * console.log(partial.inputs[0]?.shape); // [null, 5, 100]
 * disposeEchoModel(model);
 * disposeEchoModel(partial);
 * ```
 */
export const presets: EchoPresets = Object.freeze({
  walkthroughWhole: freeze({
    description:
      "The walkthrough's model A: stateful LSTM(20), batch 7, Adam 0.001, 500 epochs of one " +
      'fresh 25-integer sequence each.',
    model: {},
    train: { epochs: 500 },
  }),
  walkthroughPartial: freeze({
    description:
      "The walkthrough's model B: stateful LSTM(150) encoder and decoder, batch 21, Adam 0.001, " +
      '5000 epochs of one fresh 25-integer sequence each.',
    model: {},
    train: { epochs: 5000 },
  }),
  fastWhole: freeze({
    description:
      'Model A with Adam at 0.03: reaches 99% on fresh sequences in about 55 epochs, and stops ' +
      'there (at most 300 epochs).',
    model: { learningRate: 0.03 },
    train: { epochs: 300, targetAccuracy: 0.99, evaluateEvery: 5 },
  }),
  fastPartial: freeze({
    description:
      'Model B stateless, 96 windows an epoch in batches of 32, Adam warmed up over 300 steps ' +
      'to 0.02 then cosine-decayed to 0.002 over 600: reaches 99% on fresh sequences in about ' +
      '230 epochs, and stops there (at most 1000 epochs).',
    model: { stateful: false, learningRate: 0.02 },
    train: {
      epochs: 1000,
      sequenceLength: 100,
      batchSize: 32,
      targetAccuracy: 0.99,
      evaluateEvery: 10,
      learningRateSchedule: {
        kind: 'cosine' as const,
        decaySteps: 600,
        alpha: 0.1,
        warmupSteps: 300,
      },
    },
  }),
});
