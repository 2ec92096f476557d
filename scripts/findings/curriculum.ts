/** A findings row trained with trainCurriculum: a window that grows stage by stage. */
import {
  buildEncoderDecoder,
  disposeEchoModel,
  evaluateEcho,
  trainCurriculum,
} from '../../src/index';
import type { EncoderDecoderOptions, TrainEchoOptions } from '../../src/index';
import { runThreads, TARGET, TEST_SEED, type Finding, type FindingRow } from './measure';
import { echoSetup } from './setup';

/** A curriculum row's recipe: the encoder-decoder's options and the stages' windows. */
export interface CurriculumRecipe {
  id: string;
  variant: string;
  model: Omit<EncoderDecoderOptions, 'nIn' | 'nOut' | 'seed'>;
  /** The windows, smallest first; each `nOut` equals its `nIn`. */
  windows: number[];
  /** The accuracy at which each stage but the last moves on; the last trains to 99%. */
  stageTarget: number;
  /** Epochs at most per stage. */
  stageEpochs: number;
  /** Windows per epoch at every stage (the sequence is `nIn - 1` longer). */
  windowsPerEpoch: number;
  train: Omit<TrainEchoOptions, 'epochs' | 'seed' | 'sequenceLength' | 'targetAccuracy' | 'signal'>;
  seconds: number;
  conclude: FindingRow['conclude'];
}

/** The row: its setup is the last stage's model and options, followed by the curriculum. */
export function curriculumRow(r: CurriculumRecipe): FindingRow {
  const build = (nIn: number, seed: number) =>
    buildEncoderDecoder({ ...r.model, nIn, nOut: nIn, seed });
  const last = r.windows.at(-1)!;
  const sequenceLength = (nIn: number) => nIn + r.windowsPerEpoch - 1;
  return {
    id: r.id,
    setup: () => {
      const model = build(last, 1);
      try {
        const train = { ...r.train, epochs: r.stageEpochs, sequenceLength: sequenceLength(last) };
        return echoSetup(model, train, {
          extra: `trainCurriculum over windows of ${r.windows.join(', ')} (each stage to ${100 * r.stageTarget}% on fresh sequences, then the next starts from its weights; the last to 99%), at most ${r.stageEpochs} epochs a stage; epochs and seconds are all stages'`,
        });
      } finally {
        disposeEchoModel(model);
      }
    },
    run: async (seed): Promise<Finding> => {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), r.seconds * 1000);
      try {
        const { model, stages, epochs, elapsedMs } = await trainCurriculum(
          ({ nIn }) => build(nIn, seed),
          {
            ...r.train,
            stages: r.windows.map((nIn, i) => ({
              nIn,
              epochs: r.stageEpochs,
              sequenceLength: sequenceLength(nIn),
              targetAccuracy: i === r.windows.length - 1 ? TARGET : r.stageTarget,
            })),
            seed,
            threads: runThreads(),
            signal: controller.signal,
          },
        );
        try {
          const test = await evaluateEcho(model, {
            sequences: 100,
            seed: TEST_SEED,
            sequenceLength: sequenceLength(last),
          });
          const finalStage = stages.at(-1)!;
          return {
            variant: r.variant,
            params: model.countParams(),
            epochs,
            seconds: elapsedMs / 1000,
            reached: finalStage.nIn === last && finalStage.stopReason === 'targetAccuracy',
            budget: `${r.stageEpochs} epochs a stage or ${r.seconds} s`,
            accuracy: test.accuracy,
            sequenceAccuracy: test.sequenceAccuracy,
            positionAccuracy: test.positionAccuracy,
            note: stages.map((s) => `${s.nIn}: ${s.epochs}`).join(', '),
          };
        } finally {
          disposeEchoModel(model);
        }
      } finally {
        clearTimeout(timer);
      }
    },
    conclude: r.conclude,
  };
}
