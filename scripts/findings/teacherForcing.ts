/** Variant 7's rows: teacher forcing with greedy decoding, each written from its recipe. */
import { buildTeacherForcing, evaluateTeacherForcing, trainTeacherForcing } from '../../src/index';
import {
  epochsText,
  percent,
  runThreads,
  TARGET,
  TEST_SEED,
  type Finding,
  type FindingRow,
} from './measure';

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

/** A teacher-forcing row's setup text, written from its recipe. */
function teacherForcingSetup(r: TeacherForcingRecipe): string {
  const gates = r.recurrentActivation === 'sigmoid' ? ', sigmoid gates' : '';
  const stop = r.target === TARGET ? '' : ` until ${percent(r.target)} exact`;
  return `LSTM(${r.units}) encoder and decoder${gates}, START-shifted decoder input, greedy decoding to END; ${r.task} 1-${r.maxLength} items of ${r.nUnique} symbols (variable length), ${r.samplesPerEpoch} samples per epoch, batch ${TEACHER_FORCING_BATCH}, Adam ${r.learningRate}; checked every ${r.evaluateEvery} epochs on ${r.evaluationSamples} fresh samples${stop}; accuracy = exact sequences of ${TEACHER_FORCING_TEST_SAMPLES} fresh samples`;
}

const TEACHER_FORCING_BATCH = 64;
const TEACHER_FORCING_TEST_SAMPLES = 2000;

/** Trains and measures one teacher-forcing row. */
async function runTeacherForcing(r: TeacherForcingRecipe, seed: number): Promise<Finding> {
  const models = buildTeacherForcing({
    maxLength: r.maxLength,
    nUnique: r.nUnique,
    units: r.units,
    learningRate: r.learningRate,
    recurrentActivation: r.recurrentActivation,
    task: r.task,
    seed,
  });
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), r.seconds * 1000);
  try {
    const result = await trainTeacherForcing(models, {
      epochs: r.epochs,
      samplesPerEpoch: r.samplesPerEpoch,
      batchSize: TEACHER_FORCING_BATCH,
      seed,
      threads: runThreads(),
      targetAccuracy: r.target,
      evaluateEvery: r.evaluateEvery,
      evaluationSamples: r.evaluationSamples,
      signal: controller.signal,
    });
    const test = evaluateTeacherForcing(models, {
      samples: TEACHER_FORCING_TEST_SAMPLES,
      seed: TEST_SEED,
    });
    return {
      variant: r.variant,
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
}

/** Variant 7: teacher forcing with greedy decoding of variable-length outputs. */
export function teacherForcingRows(): FindingRow[] {
  const row = (r: TeacherForcingRecipe): FindingRow => ({
    id: r.id,
    setup: () => teacherForcingSetup(r),
    run: (seed) => runTeacherForcing(r, seed),
    conclude: (self) =>
      `Outputs of any length up to the limit, stopped by END: ${percent(self.sequenceAccuracy)} of fresh sequences exactly right after ${epochsText(self)} (${self.seconds.toFixed(0)} s).`,
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
