/**
 * `seq-echo train --model FAMILY` (src/cli/modelArgs.ts, trainTeacher.ts): every family of
 * familyPresets trains to its target in-process through runCli, names its family, leaves no
 * tensor behind; what does not go with a family is a usage error; a saved family loads back
 * in `evaluate` (teacher forcing in `evaluate` and `predict` too).
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { familyPresets, selectBackend, type EchoFamily } from '../src';
import { parseTrainArgs, UsageError } from '../src/cli/args';
import { cliFamilyName, FAMILIES, parseFamily } from '../src/cli/modelArgs';
import { runCli } from '../src/cli/run';
import { formatDecodedTable } from '../src/cli/table';

const CWD = '/work/dir';

/** runCli with its output collected. */
async function run(args: string[], cwd = CWD) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, {
    stdout: { write: (t: string) => out.push(t) },
    stderr: { write: (t: string) => err.push(t) },
    cwd,
  });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** What `train` calls each family's model (family.ts, from the built model's layers). */
const FAMILY_TEXT: Record<EchoFamily, string> = {
  whole: 'seq2seq (model A): LSTM(20)',
  partial: 'encoder-decoder (model B): LSTM(150)',
  linear: 'seq2seq (model A), linear: LSTM(50)',
  masking: 'seq2seq (model A), masked: LSTM(20)',
  reverse: 'encoder-decoder (model B), reverse: LSTM(150)',
  oneToOne: 'one-to-one: LSTM(150)',
  manyToOne: 'many-to-one: LSTM(150)',
  attention: 'attention, reverse: input [batch,20,100]',
  teacherForcing: 'teacher forcing, echo: LSTM(48) encoder and decoder',
};

describe('seq-echo train --model: reading the command line', () => {
  it('takes every family by its kebab-case name and by its familyPresets key', () => {
    expect(FAMILIES).toEqual(Object.keys(familyPresets));
    expect(FAMILIES.map(cliFamilyName)).toEqual([
      'whole',
      'partial',
      'linear',
      'masking',
      'reverse',
      'one-to-one',
      'many-to-one',
      'attention',
      'teacher-forcing',
    ]);
    for (const family of FAMILIES) {
      expect(parseFamily(cliFamilyName(family))).toBe(family);
      expect(parseFamily(family)).toBe(family);
    }
  });

  it('the help documents --model and every family with its preset', async () => {
    const help = await run(['help', 'train']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('seq-echo train --model FAMILY');
    for (const family of FAMILIES) {
      expect(help.stdout).toMatch(new RegExp(`^  ${cliFamilyName(family)} +\\S`, 'm'));
    }
  });

  it("starts from the family's preset, with the flags on top and the seed on both", () => {
    const plan = parseTrainArgs(['--model', 'one-to-one', '--units', '64', '--seed', '4'], CWD);
    expect(plan.family).toBe('oneToOne');
    expect(plan.recipe).toBeUndefined();
    expect(plan.model).toEqual({ ...familyPresets.oneToOne.model, units: 64, seed: 4 });
    expect(plan.train).toMatchObject({ epochs: 2000, batchSize: 7, evaluateEvery: 10, seed: 4 });
    expect(plan.target).toBe(0.99);

    const tf = parseTrainArgs(['--model', 'teacher-forcing', '--batch-size', '32'], CWD);
    expect(tf.model).toEqual({ ...familyPresets.teacherForcing.model, seed: 1 });
    expect(tf.train).toEqual({
      epochs: 300,
      seed: 1,
      samplesPerEpoch: 512,
      batchSize: 32,
      evaluateEvery: 1,
      evaluationSamples: 200,
    });
    // Attention's factory has no batch of its own: --batch-size is trainEcho's only.
    const attention = parseTrainArgs(['--model', 'attention', '--batch-size', '16'], CWD);
    expect(attention.model).toEqual({ ...familyPresets.attention.model, seed: 1 });
    expect(attention.train.batchSize).toBe(16);
  });

  it('--model whole and partial are --recipe X --preset fast, which they may repeat', () => {
    for (const family of ['whole', 'partial'] as const) {
      const byModel = parseTrainArgs(['--model', family], CWD);
      const byRecipe = parseTrainArgs(['--recipe', family, '--preset', 'fast'], CWD);
      expect(byModel.model).toEqual(byRecipe.model);
      expect(byModel.train).toEqual(byRecipe.train);
      expect(byModel.target).toEqual(byRecipe.target);
      const both = parseTrainArgs(['--model', family, '--recipe', family, '--preset', 'fast'], CWD);
      expect(both.train).toEqual(byModel.train);
    }
    expect(parseTrainArgs(['--model', 'partial'], CWD).train).toHaveProperty(
      'learningRateSchedule',
      familyPresets.partial.train.learningRateSchedule,
    );
  });

  it.each([
    [
      ['--model', 'nope'],
      '--model must be one of whole, partial, linear, masking, reverse, one-to-one, ' +
        'many-to-one, attention, teacher-forcing, but received "nope"',
    ],
    [
      ['--model', 'attention', '--recipe', 'partial'],
      '--recipe partial conflicts with --model attention',
    ],
    [['--model', 'partial', '--recipe', 'whole'], '--recipe whole conflicts with --model partial'],
    [
      ['--model', 'whole', '--preset', 'walkthrough'],
      '--preset walkthrough conflicts with --model whole: --model trains familyPresets.whole, ' +
        "the fast preset; expected --preset fast or none (for the walkthrough's settings: " +
        '--recipe whole --preset walkthrough)',
    ],
    [
      ['--model', 'whole', '--n-out', '2'],
      '--n-out does not apply to --model whole: buildSeq2Seq answers every item of the window ' +
        '(it has no nOut). It applies to --model partial, reverse, one-to-one, many-to-one, attention',
    ],
    [
      ['--model', 'attention', '--no-stateful'],
      '--no-stateful does not apply to --model attention',
    ],
    [
      ['--model', 'teacher-forcing', '--stateful'],
      '--stateful does not apply to --model teacher-forcing',
    ],
    [
      ['--model', 'teacher-forcing', '--n-in', '4'],
      '--n-in does not apply to --model teacher-forcing',
    ],
    [
      ['--model', 'teacher-forcing', '--sequence-length', '30'],
      '--sequence-length does not apply to --model teacher-forcing',
    ],
  ])('train %j: a usage error naming the flag', (args, message) => {
    let error: unknown;
    try {
      parseTrainArgs(args, CWD);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toContain(message);
    expect((error as UsageError).command).toBe('train');
  });

  it("teacher forcing's table shows each answer up to END and marks the wrong ones", () => {
    expect(
      formatDecodedTable([
        { input: [3, 1, 4], expected: [3, 1, 4], predicted: [3, 1, 4], ended: true },
        { input: [5], expected: [5], predicted: [5, 5, 5], ended: false },
        { input: [2, 7], expected: [2, 7], predicted: [2], ended: true },
      ]),
    ).toEqual([
      '[3, 1, 4] => Expected: [3, 1, 4, END]  Predicted: [3, 1, 4, END]',
      '[5]       => Expected: [5, END]        Predicted: [5, 5, 5]   <- wrong',
      '[2, 7]    => Expected: [2, 7, END]     Predicted: [2, END]   <- wrong',
      '1 of 3 sequences echoed right',
    ]);
  });
});

describe('seq-echo train --model: values refused when the command runs are usage errors', () => {
  it.each([
    [
      ['--model', 'teacher-forcing', '--units', '0'],
      '--units: buildTeacherForcing: options.units must be an integer in [1, 100000], but received 0',
    ],
    [
      ['--model', 'teacher-forcing', '--epochs', '0'],
      '--epochs: trainTeacherForcing: options.epochs must be an integer',
    ],
    [['--model', 'attention', '--n-out', '21'], '--n-out: buildAttention: options.nOut must be'],
    [['--model', 'one-to-one', '--epochs', '0'], '--epochs: trainEcho: options.epochs must be'],
  ])('train %j: exit code 2, nothing printed', async (args, message) => {
    const result = await run(['train', '--no-curve', ...args]);
    expect(result.stderr).toContain(`seq-echo train: ${message}`);
    expect(result.stderr).toContain('Usage: seq-echo train');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
  });
});

describe('seq-echo train --model: every family trains to its target', () => {
  beforeAll(async () => {
    // The backend the CLI selects, set up before any test counts tensors.
    await selectBackend('auto');
  });

  it.each(FAMILIES)(
    '%s: reaches 99%% on fresh sequences, names its family, leaves no tensor behind',
    async (family) => {
      const name = cliFamilyName(family);
      const before = tf.memory().numTensors;
      const result = await run(['train', '--model', name, '--no-curve']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const out = result.stdout;
      const factory = familyPresets[family].factory;
      expect(out).toContain(`seq-echo train: model ${name} (familyPresets.${family}, ${factory})`);
      expect(out).toContain(`model:    ${FAMILY_TEXT[family]}`);
      const epochs = familyPresets[family].train.epochs;
      expect(out).toMatch(
        new RegExp(
          `stopped after epoch \\d+ of ${epochs}: accuracy [\\d.]+ on fresh sequences reached the target 0\\.99`,
        ),
      );
      if (family === 'teacherForcing') {
        expect(out).toMatch(/exact sequences: +\d+\.\d\d%/);
        expect(out).toMatch(/^\[[\d, ]+\] +=> Expected: \[[\d, ]+, END\] +Predicted: /m);
        expect(out).toContain('model not saved (add --save DIR to keep it)');
      } else {
        expect(out).toMatch(/per-item accuracy: +(9[5-9]|100)\.\d\d%/);
        expect(out).toMatch(
          family === 'reverse' || family === 'attention'
            ? /\d+ of \d+ windows reversed right/
            : /\d+ of \d+ windows echoed right/,
        );
      }
      if (family === 'masking') {
        // Padded framing: each of the 25 integers ends a window.
        expect(out).toContain('epochs of 25 integers (25 windows)');
      }
      if (family === 'reverse') {
        // Expected is the window reversed, not echoed.
        const rows = [...out.matchAll(/^\[([\d ,]+)\] => Expected: \[([\d ,]+)\]/gm)];
        expect(rows.length).toBeGreaterThan(0);
        for (const [, input, expected] of rows) {
          const ids = (text: string) => text.split(',').map(Number);
          expect(ids(expected!)).toEqual(ids(input!).reverse());
        }
      }
      expect(tf.memory().numTensors).toBe(before);
    },
  );

  it('saved teacher forcing loads back in evaluate and predict, leaving no tensor', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seq-echo-model-'));
    try {
      const args = ['--model', 'teacher-forcing', '--epochs', '3', '--target', 'none'];
      const trained = await run(['train', ...args, '--save', 'tf', '--no-curve'], dir);
      expect(trained.stderr).toBe('');
      expect(trained.code).toBe(0);
      expect(trained.stdout).toContain(`model saved to ${join(dir, 'tf')}\n`);
      const before = tf.memory().numTensors;
      const evaluated = await run(['evaluate', 'tf', '--sequences', '20', '--seed', '5'], dir);
      expect(evaluated.stderr).toBe('');
      expect(evaluated.code).toBe(0);
      const described = 'teacher forcing, echo: LSTM(48) encoder and decoder, 1 to 5 items in [0, ';
      expect(evaluated.stdout).toContain(`model: ${join(dir, 'tf')}\n  ${described}`);
      expect(evaluated.stdout).toContain(
        'evaluation on 20 fresh sequences, seed 5, decoded greedily:',
      );
      expect(evaluated.stdout).toMatch(/exact sequences: +\d+\.\d\d%/);
      // The same seed, the same sequences: the same numbers.
      const again = await run(['evaluate', 'tf', '--sequences', '20', '--seed', '5'], dir);
      expect(again.stdout).toBe(evaluated.stdout);
      const predicted = await run(['predict', 'tf', '1,2,3'], dir);
      expect(predicted.stderr).toBe('');
      expect(predicted.code).toBe(0);
      expect(predicted.stdout).toContain(described);
      expect(predicted.stdout).toMatch(
        /^\[1, 2, 3\] => Expected: \[1, 2, 3, END\] +Predicted: \[/m,
      );
      expect(predicted.stdout).toMatch(/^[01] of 1 sequence echoed right$/m);
      // Too long for maxLength 5: a usage error from decodeGreedy.
      const tooLong = await run(['predict', 'tf', '1,2,3,4,5,6'], dir);
      expect(tooLong.code).toBe(2);
      expect(tooLong.stderr).toContain('decodeGreedy: sequence');
      const badCount = await run(['evaluate', 'tf', '--sequences', '0'], dir);
      expect(badCount.code).toBe(2);
      expect(badCount.stderr).toContain('--sequences: evaluateTeacherForcing: options.samples');
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a saved family loads back in evaluate, which names it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seq-echo-model-'));
    try {
      const trained = await run(['train', '--model', 'attention', '--save', 'm'], dir);
      expect(trained.code).toBe(0);
      expect(trained.stdout).toContain(`model saved to ${join(dir, 'm')}\n`);
      expect(trained.stdout).toContain(`learning curve: ${join(dir, 'm', 'learning-curve.svg')}`);
      const evaluated = await run(['evaluate', 'm', '--sequences', '20', '--seed', '5'], dir);
      expect(evaluated.stderr).toBe('');
      expect(evaluated.code).toBe(0);
      expect(evaluated.stdout).toContain('attention, reverse: nIn 20, nOut 20, nUnique 100');
      expect(evaluated.stdout).toMatch(/per-item accuracy: +(9[5-9]|100)\.\d\d%/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
