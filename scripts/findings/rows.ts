/** The rows of docs/findings.md, in order: the walkthrough's two recipes, then each variant. */
import {
  buildAttention,
  buildEncoderDecoder,
  buildManyToOne,
  buildOneToOne,
  buildSeq2Seq,
  buildTeacherForcing,
  createVocabulary,
  disposeEchoModel,
  evaluateTeacherForcing,
  predictEcho,
  presets,
  trainTeacherForcing,
} from '../../src/index';
import {
  percent,
  TARGET,
  TEST_SEED,
  trainAndMeasure,
  trainAndMeasureKeep,
  type FindingRow,
} from './measure';

/** The walkthrough's own two recipes, with a 99% target added so they can stop early. */
function walkthroughRows(): FindingRow[] {
  return [
    {
      id: 'walkthrough-a',
      run: () =>
        trainAndMeasure(
          '0: the walkthrough, model A',
          'stateful LSTM(20) seq2seq, echo 5 of 5, batch 7, Adam 0.001',
          buildSeq2Seq({ ...presets.walkthroughWhole.model, seed: 1 }),
          { ...presets.walkthroughWhole.train, epochs: 2000, seed: 1, evaluateEvery: 10 },
          300,
        ),
      conclude: (self) =>
        self.reached
          ? `The reference: the walkthrough's recipe reaches 99% in ${self.epochs} epochs.`
          : `The walkthrough's recipe did not reach 99% within its budget.`,
    },
    {
      id: 'walkthrough-b',
      run: () =>
        trainAndMeasure(
          '0: the walkthrough, model B',
          'stateful LSTM(150) encoder-decoder, echo 2 of 5, batch 21, Adam 0.001',
          buildEncoderDecoder({ ...presets.walkthroughPartial.model, seed: 1 }),
          { ...presets.walkthroughPartial.train, epochs: 10000, seed: 1, evaluateEvery: 50 },
          600,
        ),
      conclude: (self) =>
        self.reached
          ? `The reference for partial echoes: ${self.epochs} epochs, one update each.`
          : `The walkthrough's recipe did not reach 99% within its budget.`,
    },
  ];
}

/** Variant 1: the linear representation, against one-hot with the same settings. */
function linearRows(): FindingRow[] {
  const settings = 'stateless LSTM(50) seq2seq, echo 5 of 5, batch 7, Adam 0.01';
  const train = { epochs: 3000, batchSize: 7, seed: 1, evaluateEvery: 25 };
  return [
    {
      id: 'one-hot-reference',
      run: () =>
        trainAndMeasure(
          '1: one-hot (reference)',
          settings,
          buildSeq2Seq({ units: 50, stateful: false, learningRate: 0.01, seed: 1 }),
          train,
          300,
        ),
      conclude: (self) =>
        `The one-hot model with the linear row's settings: ${self.epochs} epochs, ${self.seconds.toFixed(1)} s.`,
    },
    {
      id: 'linear',
      run: () =>
        trainAndMeasure(
          '1: linear representation',
          `${settings}; integers scaled to [0, 1], one feature, MSE, rounded`,
          buildSeq2Seq({
            representation: 'linear',
            units: 50,
            stateful: false,
            learningRate: 0.01,
            seed: 1,
          }),
          train,
          300,
        ),
      conclude: (self, all) => {
        const ref = all.get('one-hot-reference');
        const size = ref ? ` with ${(ref.params / self.params).toFixed(1)}x fewer parameters` : '';
        const speed = ref
          ? `, ${self.reached ? `${(self.epochs / ref.epochs).toFixed(0)}x the epochs of one-hot` : 'where one-hot took ' + ref.epochs}`
          : '';
        return `Works${size} but learns slower${speed}, and how much slower swings with the seed (separate runs with other seeds took 700 and 1150 epochs): 100 levels 1/99 apart leave a regression output ±0.005 of room, while one-hot only needs the right argmax. Pick one-hot unless the vocabulary is ordinal and near misses are acceptable.`;
      },
    },
  ];
}

/** Variant 2: masking with padded framing, against the same model on complete windows. */
function maskingRows(): FindingRow[] {
  return [
    {
      id: 'masking-reference',
      run: () =>
        trainAndMeasure(
          '2: complete windows (reference)',
          'stateful LSTM(20) seq2seq, echo 5 of 5, batch 7, Adam 0.03 (presets.fastWhole)',
          buildSeq2Seq({ ...presets.fastWhole.model, seed: 1 }),
          { ...presets.fastWhole.train, epochs: 1000, seed: 1 },
          300,
        ),
      conclude: (self) =>
        `${self.epochs} epochs of 21 complete windows: the items in the first four positions are never the newest of a window.`,
    },
    {
      id: 'masking',
      run: () =>
        trainAndMeasure(
          '2: masking, padded framing',
          'Masking + stateful LSTM(20) seq2seq, echo 5 of 5, 25 padded windows per sequence, batch 5, Adam 0.03',
          buildSeq2Seq({ ...presets.fastWhole.model, masking: true, batchSize: 5, seed: 1 }),
          { ...presets.fastWhole.train, epochs: 1000, seed: 1 },
          300,
        ),
      conclude: (self, all) => {
        const ref = all.get('masking-reference');
        const cost = ref ? ` (${self.epochs} epochs against ${ref.epochs})` : '';
        return `Every item ends a window, and the padded windows are learned as well as the rest${cost}. Use it when the first items of a sequence matter.`;
      },
    },
  ];
}

/** Variant 3: longer echoes with the encoder-decoder. */
function longerRows(): FindingRow[] {
  const row = (nIn: number, nOut: number, units: number, seconds: number): FindingRow => ({
    id: `echo-${nOut}-of-${nIn}`,
    run: () =>
      trainAndMeasure(
        `3: echo ${nOut} of ${nIn}`,
        `stateless LSTM(${units}) encoder-decoder, sequences of 100 (${101 - nIn} windows), batch 32, Adam 0.01`,
        buildEncoderDecoder({
          nIn,
          nOut,
          units,
          stateful: false,
          learningRate: 0.01,
          seed: 1,
        }),
        { epochs: 3000, sequenceLength: 100, batchSize: 32, seed: 1, evaluateEvery: 10 },
        seconds,
      ),
    conclude: (self) =>
      self.reached
        ? `A ${units}-unit bottleneck holds ${nOut} items of 100 values: ${self.epochs} epochs.`
        : `The single state vector between encoder and decoder is the limit: ${percent(self.accuracy)} after ${self.epochs} epochs.`,
  });
  return [row(10, 5, 150, 900), row(20, 10, 200, 300)];
}

/** Variant 4: stateless training against the walkthrough's stateful recipe. */
function statelessRows(): FindingRow[] {
  const row = (id: string, label: string, batchSize: number): FindingRow => ({
    id,
    run: () =>
      trainAndMeasure(
        `4: ${label}`,
        `stateless LSTM(20) seq2seq, echo 5 of 5, batch ${batchSize} (${Math.ceil(21 / batchSize)} update${batchSize < 21 ? 's' : ''} per epoch), Adam 0.001`,
        buildSeq2Seq({ ...presets.walkthroughWhole.model, stateful: false, seed: 1 }),
        { epochs: 2000, batchSize, seed: 1, evaluateEvery: 10 },
        300,
      ),
    conclude: (self, all) => {
      const ref = all.get('walkthrough-a');
      const versus = ref ? ` against the stateful recipe's ${ref.epochs}` : '';
      return batchSize === 1
        ? `State reset after every sample and 21 updates per epoch: ${self.epochs} epochs${versus}. The carried state never helped: each window holds all it must echo.`
        : `One update per epoch: ${self.epochs} epochs${versus}, each far cheaper than batch 1's.`;
    },
  });
  return [
    row('stateless-batch-1', 'stateless, batch 1', 1),
    row('stateless-batch-21', 'stateless, batch 21', 21),
  ];
}

/** Variant 5: one-to-one and many-to-one against many-to-many. */
function topologyRows(): FindingRow[] {
  const settings = 'stateless LSTM(150), echo 5 of 5, batch 7, Adam 0.01';
  const train = { epochs: 2000, batchSize: 7, seed: 1, evaluateEvery: 10 };
  const options = { units: 150, stateful: false, learningRate: 0.01, seed: 1 };
  return [
    {
      id: 'many-to-many',
      run: () =>
        trainAndMeasure(
          '5: many-to-many (reference)',
          `${settings}: buildSeq2Seq (TimeDistributed softmax per step)`,
          buildSeq2Seq(options),
          train,
          600,
        ),
      conclude: (self) =>
        `Each output step answers its own item: ${self.epochs} epochs (at model A's 20 units too).`,
    },
    {
      id: 'one-to-one',
      run: () =>
        trainAndMeasure(
          '5: one-to-one',
          `${settings}: the window's 5 steps as the features of 1 step, output one vector reshaped to 5 x 100`,
          buildOneToOne(options),
          train,
          600,
        ),
      conclude: (self, all) => {
        const ref = all.get('many-to-many');
        const versus = ref
          ? ` (${(self.params / ref.params).toFixed(1)}x the parameters of many-to-many, ${self.epochs} epochs against ${ref.epochs})`
          : '';
        return `Learns, but only with a wide LSTM${versus}: at model A's 20 units it stayed under 40% after 3000 epochs in a separate run. No reason to prefer it.`;
      },
    },
    {
      id: 'many-to-one',
      run: () =>
        trainAndMeasure(
          '5: many-to-one',
          `${settings}: reads the 5 steps, answers the whole output as one vector`,
          buildManyToOne(options),
          train,
          600,
        ),
      conclude: (self, all) => {
        const ref = all.get('many-to-many');
        const versus = ref
          ? `${self.epochs} epochs against many-to-many's ${ref.epochs}`
          : `${self.epochs} epochs`;
        return `The slowest of the three (${versus}): one vector must hold every item. Use many-to-many (or an encoder-decoder for partial echoes).`;
      },
    },
  ];
}

/** Variant 6: attention against the RepeatVector encoder-decoder on long windows. */
function attentionRows(): FindingRow[] {
  // 128 windows per epoch in batches of 32, as for the attention measurements.
  const train = (nIn: number, epochs: number) => ({
    epochs,
    sequenceLength: nIn + 127,
    batchSize: 32,
    seed: 1,
    evaluateEvery: 5,
    evaluationSequences: 4,
  });
  return [
    {
      id: 'encoder-decoder-reverse-20',
      run: () =>
        trainAndMeasure(
          '6: encoder-decoder, reverse 20 (reference)',
          'stateless LSTM(150) encoder-decoder (RepeatVector), reverse all 20, 128 windows per epoch, batch 32, Adam 0.01',
          buildEncoderDecoder({
            nIn: 20,
            nOut: 20,
            units: 150,
            stateful: false,
            learningRate: 0.01,
            task: 'reverse',
            seed: 1,
          }),
          train(20, 300),
          600,
        ),
      conclude: (self) =>
        `One state vector cannot carry 20 items of 100 values: ${percent(self.accuracy)} after ${self.epochs} epochs (chance is 1%).`,
    },
    {
      id: 'attention-reverse-20',
      run: () =>
        trainAndMeasure(
          '6: attention, reverse 20',
          'buildAttention: position-encoded dense encoder, sinusoidal position queries, dot-product attention; reverse all 20, 128 windows per epoch, batch 32, Adam 0.01',
          buildAttention({ nIn: 20, task: 'reverse', seed: 1 }),
          train(20, 300),
          600,
        ),
      conclude: (self, all) => {
        const ref = all.get('encoder-decoder-reverse-20');
        const versus = ref
          ? ` with ${(ref.params / self.params).toFixed(0)}x fewer weights than the encoder-decoder, which stayed at ${percent(ref.accuracy)}`
          : '';
        return `Each output step looks up its input position, so reversing is as easy as echoing: ${self.epochs} epochs${versus}.`;
      },
    },
    {
      id: 'attention-echo-40',
      run: () =>
        trainAndMeasure(
          '6: attention, echo 40',
          'buildAttention as above; echo all 40 of a 40-item window',
          buildAttention({ nIn: 40, seed: 1 }),
          train(40, 300),
          600,
        ),
      conclude: (self) =>
        `Window length barely matters to attention: 40 items in ${self.epochs} epochs. Pick it for long windows or reversal.`,
    },
  ];
}

/** One teacher-forcing row's recipe; its setup text is written from these values. */
interface TeacherForcingRecipe {
  id: string;
  variant: string;
  task: 'echo' | 'reverse';
  maxLength: number;
  nUnique: number;
  units: number;
  learningRate: number;
  recurrentActivation: 'hardSigmoid' | 'sigmoid';
  samplesPerEpoch: number;
  evaluationSamples: number;
  evaluateEvery: number;
  /** The exact-sequence accuracy its checks stop at (the findings' 99% unless stated). */
  target: number;
  epochs: number;
  seconds: number;
}

/** Variant 7: teacher forcing with greedy decoding of variable-length outputs. */
function teacherForcingRows(): FindingRow[] {
  const row = (r: TeacherForcingRecipe): FindingRow => ({
    id: r.id,
    run: async () => {
      const models = buildTeacherForcing({
        maxLength: r.maxLength,
        nUnique: r.nUnique,
        units: r.units,
        learningRate: r.learningRate,
        recurrentActivation: r.recurrentActivation,
        task: r.task,
        seed: 1,
      });
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), r.seconds * 1000);
      try {
        const result = await trainTeacherForcing(models, {
          epochs: r.epochs,
          samplesPerEpoch: r.samplesPerEpoch,
          batchSize: 64,
          seed: 1,
          targetAccuracy: r.target,
          evaluateEvery: r.evaluateEvery,
          evaluationSamples: r.evaluationSamples,
          signal: controller.signal,
        });
        const test = evaluateTeacherForcing(models, { samples: 2000, seed: TEST_SEED });
        const gates = r.recurrentActivation === 'sigmoid' ? ', sigmoid gates' : '';
        const stop = r.target === TARGET ? '' : ` until ${percent(r.target)} exact`;
        return {
          variant: r.variant,
          setup: `LSTM(${r.units}) encoder and decoder${gates}, START-shifted decoder input, greedy decoding to END; 1-${r.maxLength} items of ${r.nUnique} symbols (variable length), ${r.samplesPerEpoch} samples per epoch, batch 64, Adam ${r.learningRate}; checked every ${r.evaluateEvery} epochs on ${r.evaluationSamples} fresh samples${stop}; accuracy = exact sequences of 2000 fresh samples`,
          params: models.training.countParams(),
          epochs: result.epochs,
          seconds: result.elapsedMs / 1000,
          reached: result.stopReason === 'targetAccuracy',
          budget: `${r.epochs} epochs or ${r.seconds} s`,
          accuracy: test.accuracy,
          sequenceAccuracy: test.sequenceAccuracy,
        };
      } finally {
        clearTimeout(timer);
        models.dispose();
      }
    },
    conclude: (self) =>
      `Outputs of any length up to the limit, stopped by END: ${percent(self.sequenceAccuracy)} of fresh sequences exactly right after ${self.epochs} epochs (${self.seconds.toFixed(0)} s).`,
  });
  const small = {
    maxLength: 5,
    nUnique: 8,
    units: 48,
    learningRate: 0.02,
    recurrentActivation: 'hardSigmoid' as const,
    samplesPerEpoch: 512,
    evaluationSamples: 200,
    evaluateEvery: 1,
    target: TARGET,
    epochs: 300,
    seconds: 600,
  };
  return [
    row({
      ...small,
      id: 'teacher-forcing-echo',
      variant: '7: teacher forcing, echo',
      task: 'echo',
    }),
    row({
      ...small,
      id: 'teacher-forcing-reverse',
      variant: '7: teacher forcing, reverse',
      task: 'reverse',
    }),
    row({
      id: 'teacher-forcing-scale',
      variant: "7: teacher forcing at the walkthrough's scale, reverse",
      task: 'reverse',
      maxLength: 10,
      nUnique: 100,
      units: 256,
      learningRate: 0.005,
      recurrentActivation: 'sigmoid',
      samplesPerEpoch: 1024,
      evaluationSamples: 1000,
      evaluateEvery: 10,
      // A 99% check on 1000 samples can stop where 2000 others score a little under 99%.
      target: 0.995,
      epochs: 1000,
      seconds: 1500,
    }),
  ];
}

/** Variant 8: reversing text through a character vocabulary, with attention. */
function vocabularyRows(): FindingRow[] {
  const sentence = 'the quick brown fox jumps over the lazy dog';
  return [
    {
      id: 'reverse-text',
      run: async () => {
        const vocabulary = createVocabulary([...'abcdefghijklmnopqrstuvwxyz ']);
        const model = buildAttention({
          nIn: 12,
          nUnique: vocabulary.size,
          task: 'reverse',
          seed: 1,
        });
        // Trained on random ids only; measured on random ids and on a sentence it never saw.
        const measured = await trainAndMeasureKeep(
          '8: vocabulary, reverse text',
          `createVocabulary of 27 characters; buildAttention reversing 12-character windows, trained on random ids (128 windows per epoch)`,
          model,
          {
            epochs: 300,
            sequenceLength: 139,
            batchSize: 32,
            seed: 1,
            evaluateEvery: 5,
            evaluationSequences: 4,
          },
          600,
        );
        const rows = predictEcho(model, vocabulary.encode(sentence));
        const right = rows.filter((r) => r.predicted.join() === r.expected.join()).length;
        const first = rows[0]!;
        const text = (ids: number[]) => vocabulary.decode(ids).join('');
        disposeEchoModel(model);
        return {
          ...measured,
          note: `${right} of ${rows.length} windows of "${sentence}" reversed exactly (e.g. "${text(first.input)}" -> "${text(first.predicted)}")`,
        };
      },
      conclude: (self) =>
        `The same models work on any tokens once mapped to ids: ${self.note ?? 'no sentence measured'}.`,
    },
  ];
}

/** All rows, in the order of docs/findings.md. */
export function allRows(): FindingRow[] {
  return [
    ...walkthroughRows(),
    ...linearRows(),
    ...maskingRows(),
    ...longerRows(),
    ...statelessRows(),
    ...topologyRows(),
    ...attentionRows(),
    ...teacherForcingRows(),
    ...vocabularyRows(),
  ];
}
