/**
 * Unknown option keys are refused, naming the function and the key, by every public function
 * that takes an options object: a misspelt option (`epoch` for `epochs`) is an error, never
 * silently ignored. Each refusal comes before any tensor is made or any weight changes.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  buildAttention,
  buildEncoderDecoder,
  buildManyToOne,
  buildOneToOne,
  buildSeq2Seq,
  buildTeacherForcing,
  decodeGreedy,
  decodeGreedyBatch,
  evaluateEcho,
  evaluateTeacherForcing,
  frameTeacherForcing,
  generateSequence,
  getEchoData,
  saveEchoModel,
  saveTeacherForcing,
  toSupervised,
  trainEcho,
  trainTeacherForcing,
  type TeacherForcingModels,
} from '../src/index';
import { assertKnownKeys, optionKeys } from '../src/internal/assert';
import { weightValues } from './helpers/models';

let echoModel: tf.LayersModel;
let teacher: TeacherForcingModels;
beforeAll(async () => {
  await tf.ready();
  echoModel = buildSeq2Seq({ units: 4, nUnique: 10, seed: 1 });
  teacher = buildTeacherForcing({ maxLength: 4, nUnique: 6, units: 4, seed: 1 });
});
afterAll(() => {
  echoModel.dispose();
  teacher.dispose();
});

/**
 * Every public function with an options object: its name, the misspelt key, and a call that
 * passes it (as a JavaScript user could: the cast stands for the missing type check).
 */
const CASES: readonly [fn: string, key: string, call: () => unknown][] = [
  ['generateSequence', 'nunique', () => generateSequence(5, { nunique: 3 } as never)],
  ['toSupervised', 'framng', () => toSupervised([[1], [2]], 1, 1, { framng: 'padded' } as never)],
  ['getEchoData', 'lenght', () => getEchoData(5, 5, { lenght: 30 } as never)],
  ['buildSeq2Seq', 'unit', () => buildSeq2Seq({ unit: 8 } as never)],
  ['buildEncoderDecoder', 'n_out', () => buildEncoderDecoder({ n_out: 2 } as never)],
  ['buildOneToOne', 'batchsize', () => buildOneToOne({ batchsize: 7 } as never)],
  ['buildManyToOne', 'learnRate', () => buildManyToOne({ learnRate: 0.1 } as never)],
  ['buildAttention', 'encodr', () => buildAttention({ encodr: 'lstm' } as never)],
  ['buildTeacherForcing', 'maxLen', () => buildTeacherForcing({ maxLen: 4 } as never)],
  ['trainEcho', 'epoch', () => trainEcho(echoModel, { epochs: 1, epoch: 5 } as never)],
  ['evaluateEcho', 'sequnces', () => evaluateEcho(echoModel, { sequnces: 2 } as never)],
  [
    'trainTeacherForcing',
    'sampelsPerEpoch',
    () => trainTeacherForcing(teacher, { epochs: 1, sampelsPerEpoch: 8 } as never),
  ],
  [
    'evaluateTeacherForcing',
    'sample',
    () => evaluateTeacherForcing(teacher, { sample: 4 } as never),
  ],
  ['decodeGreedy', 'maxStep', () => decodeGreedy(teacher, [1, 2], { maxStep: 3 } as never)],
  [
    'decodeGreedyBatch',
    'max_steps',
    () => decodeGreedyBatch(teacher, [[1], [2, 3]], { max_steps: 3 } as never),
  ],
  [
    'saveEchoModel',
    'overwite',
    () => saveEchoModel(echoModel, '/nonexistent-seq-echo-dir', { overwite: true } as never),
  ],
  [
    'saveTeacherForcing',
    'overwite',
    () => saveTeacherForcing(teacher, '/nonexistent-seq-echo-dir', { overwite: true } as never),
  ],
  [
    'frameTeacherForcing',
    'tsk',
    () => frameTeacherForcing([1, 2], { nUnique: 6, tsk: 'reverse' } as never),
  ],
];

/** Runs `call` and returns what it threw or rejected with (`undefined` if nothing). */
async function caught(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('unknown option keys', () => {
  it.each(CASES)(
    '%s refuses the unknown key %j with a RangeError, before any tensor',
    async (fn, key, call) => {
      const before = tf.memory().numTensors;
      const weights = weightValues(echoModel);
      const teacherWeights = teacher.training.getWeights().map((w) => Array.from(w.dataSync()));
      const error = await caught(call);
      expect(error).toBeInstanceOf(RangeError);
      const text = (error as Error).message;
      expect(text.startsWith(`${fn}: options has an unknown key "${key}"`)).toBe(true);
      expect(text).toContain('expected one of: ');
      expect(tf.memory().numTensors).toBe(before);
      // trainEcho and trainTeacherForcing refuse before touching a weight.
      expect(weightValues(echoModel)).toEqual(weights);
      expect(teacher.training.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(
        teacherWeights,
      );
    },
  );

  it('lists the allowed keys and suggests the nearest one', async () => {
    const error = await caught(() => trainEcho(echoModel, { epochs: 1, epoch: 5 } as never));
    expect((error as Error).message).toBe(
      'trainEcho: options has an unknown key "epoch" (did you mean "epochs"?); expected one of: ' +
        'epochs, sequenceLength, seed, batchSize, targetAccuracy, evaluateEvery, ' +
        'evaluationSequences, onEpochEnd, signal, verbose, engine, threads, learningRateSchedule, ' +
        'clipNorm, clipValue',
    );
    // No suggestion when nothing is close.
    expect(() => generateSequence(3, { colour: 'red' } as never)).toThrow(
      'generateSequence: options has an unknown key "colour"; expected one of: nUnique, seed, random',
    );
  });

  it('the known keys all pass, even when undefined', async () => {
    expect(generateSequence(3, { nUnique: 5, seed: 1, random: undefined })).toHaveLength(3);
    const result = await trainEcho(echoModel, {
      epochs: 1,
      sequenceLength: 25,
      seed: 1,
      batchSize: undefined,
      targetAccuracy: undefined,
      evaluateEvery: 10,
      evaluationSequences: 20,
      onEpochEnd: undefined,
      signal: undefined,
      verbose: false,
      engine: 'auto',
      threads: 'auto',
    });
    expect(result.epochs).toBe(1);
  });

  it('this table covers every public function whose signature takes options', () => {
    const root = join(__dirname, '..', 'src');
    const index = readFileSync(join(root, 'index.ts'), 'utf8');
    const exported = new Set(
      [...index.matchAll(/export \{([^}]*)\}/g)].flatMap((m) =>
        m[1]!
          .split(',')
          .map((name) => name.trim())
          .filter((name) => name !== '' && !name.startsWith('type ')),
      ),
    );
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) return name === 'cli' ? [] : files(path);
        return name.endsWith('.ts') ? [path] : [];
      });
    // Each exported function's signature: from its name to the brace that opens its body.
    const withOptions = files(root).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/export (?:async )?function (\w+)([\s\S]*?)\{\n/g)]
        .filter((m) => exported.has(m[1]!) && /\boptions\??:/.test(m[2]!))
        .map((m) => m[1]!),
    );
    expect(withOptions.length).toBeGreaterThanOrEqual(CASES.length);
    expect([...new Set(withOptions)].sort()).toEqual(CASES.map(([fn]) => fn).sort());
  });
});

describe('assertKnownKeys and optionKeys', () => {
  const allowed = optionKeys<{ alpha?: number; beta?: string }>()(['alpha', 'beta']);

  it('passes known keys and leaves anything but an options object to other checks', () => {
    for (const value of [undefined, null, 3, 'alpha', ['x'], {}, { alpha: 1, beta: 'b' }]) {
      expect(() => {
        assertKnownKeys('f', 'options', value, allowed);
      }).not.toThrow();
    }
  });

  it('keeps the message short, whatever the key or the number of allowed keys', () => {
    const long = 'k'.repeat(10_000);
    const many = Array.from({ length: 500 }, (_, i) => `key${i}`);
    let text = '';
    try {
      assertKnownKeys('f', 'options', { [long]: 1 }, many);
    } catch (error) {
      expect(error).toBeInstanceOf(RangeError);
      text = (error as Error).message;
    }
    expect(text).toMatch(/^f: options has an unknown key "k{40}…"; expected one of: key0, /);
    expect(text).toContain(', and 480 more');
    expect(text.length).toBeLessThan(300);
  });

  it('optionKeys lists every key of the interface, or the code does not compile', () => {
    interface Options {
      a?: number;
      b?: string;
    }
    expect(optionKeys<Options>()(['a', 'b'])).toEqual(['a', 'b']);
    // @ts-expect-error -- 'b' is missing
    optionKeys<Options>()(['a']);
    // @ts-expect-error -- 'c' is no key of Options
    optionKeys<Options>()(['a', 'b', 'c']);
  });
});
