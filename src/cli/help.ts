/**
 * The `seq-echo` command's help texts. Defaults shown here are read from seq-echo's presets,
 * so the help cannot drift from what `train` does.
 */
import { familyPresets } from '../familyPresets';
import { presets } from '../presets';
import { VERSION } from '../version';
import { wrap } from './flags';
import { CLI_FAMILY_NAMES, cliFamilyName, FAMILIES } from './modelArgs';

/** The commands `seq-echo` knows. */
export const COMMANDS = ['train', 'evaluate', 'predict'] as const;
/** One of {@link COMMANDS}. */
export type CommandName = (typeof COMMANDS)[number];

/** Whether `word` is one of {@link COMMANDS}. */
export const isCommand = (word: string | undefined): word is CommandName =>
  (COMMANDS as readonly (string | undefined)[]).includes(word);

/** Column where option descriptions start; a longer option name gets a line of its own. */
const COLUMN = 24;

/** `text` wrapped beside `first` (an option's name), in lines of at most 88 characters. */
function described(text: string, first: string): string[] {
  const lines = wrap(text, 88 - COLUMN).map((line) => `${' '.repeat(COLUMN)}${line}`);
  if (first.length > COLUMN - 2) return [first, ...lines];
  return lines.map((line, i) => (i === 0 ? `${first.padEnd(COLUMN)}${line.trimStart()}` : line));
}

const SYNOPSIS: Record<CommandName | 'main', string[]> = {
  main: [
    'Usage: seq-echo <command> [options]',
    '',
    '  seq-echo train [options]               train model A or B, or any family (--model)',
    '  seq-echo evaluate MODEL_DIR [options]  accuracy of a saved model on fresh sequences',
    '  seq-echo predict MODEL_DIR ID,ID,...   echo one sequence with a saved model',
    "  seq-echo help [COMMAND]                this help, or a command's (or COMMAND --help)",
    '  seq-echo --version                     print the version',
  ],
  train: [
    'Usage: seq-echo train [--recipe whole|partial] [--preset walkthrough|fast] [--epochs N]',
    '                      [--seed N] [--target X|none] [--save DIR] [--curve FILE] [options]',
    '       seq-echo train --model FAMILY [--epochs N] [--seed N] [--target X|none] [options]',
  ],
  evaluate: ['Usage: seq-echo evaluate MODEL_DIR [--sequences N] [--seed N] [--backend B]'],
  predict: ['Usage: seq-echo predict MODEL_DIR ID,ID,... [--backend B]'],
};

/**
 * The short usage of a command (or of `seq-echo` itself), printed under a usage error.
 *
 * @param topic - The command, or `undefined` for `seq-echo` as a whole.
 * @returns The text, without a final line break.
 */
export function synopsis(topic: CommandName | undefined): string {
  const name = topic ?? 'main';
  const more = topic === undefined ? 'seq-echo --help' : `seq-echo ${topic} --help`;
  return [...SYNOPSIS[name], '', `Run '${more}' for more.`].join('\n');
}

function mainHelp(): string[] {
  return [
    `seq-echo ${VERSION}: LSTMs on TensorFlow.js that learn to echo random integers`,
    "(the Keras walkthrough's models A and B), from the command line.",
    '',
    ...SYNOPSIS.main,
    '',
    'Examples:',
    '  seq-echo train --recipe whole --preset fast --save models/whole',
    '  seq-echo train --model attention --save models/attention',
    '  seq-echo evaluate models/whole --sequences 200',
    '  seq-echo predict models/whole 3,14,15,92,65,35,89,79',
    '',
    'Exit codes: 0 done, 1 failed (e.g. a model directory that does not exist), 2 bad',
    'usage (an unknown command or flag, a value out of range).',
  ];
}

/** A block of the help: its heading, then one option (or preset) a row, wrapped beside its name. */
type Block = readonly [heading: string, rows: readonly (readonly [name: string, text: string])[]];

/** The blocks, a blank line between two. */
const blocks = (list: readonly Block[]): string[] =>
  list.flatMap(([heading, rows], i) => [
    ...(i === 0 ? [] : ['']),
    heading,
    ...rows.flatMap(([name, text]) => described(text, `  ${name}`)),
  ]);

const HELP_ROW: readonly [string, string] = ['-h, --help', 'show this help'];
const BACKEND_ROW: readonly [string, string] = [
  '--backend B',
  'tfjs backend: auto (default), cpu or wasm',
];

const { walkthroughWhole: ww, walkthroughPartial: wp, fastWhole: fw, fastPartial: fp } = presets;

/** `train`'s options; defaults shown from the presets where they come from there. */
const TRAIN_BLOCKS: readonly Block[] = [
  [
    'Model family, or recipe and preset:',
    [
      [
        '--model FAMILY',
        `train a family with its own preset (familyPresets), stopping at 99% on fresh ` +
          `sequences: ${CLI_FAMILY_NAMES.join(', ')} (or familyPresets' keys, oneToOne ...). ` +
          '--model whole is --recipe whole --preset fast, --model partial --recipe partial ' +
          '--preset fast; with --model, --recipe may only repeat the family and --preset only ' +
          'be fast. Flags that do not apply to the family are refused: --n-out is for partial, ' +
          'reverse, one-to-one, many-to-one and attention; --[no-]stateful not for attention ' +
          'or teacher-forcing; --n-in and --sequence-length not for teacher-forcing. ' +
          '--batch-size is the training batch (and a stateful ' +
          "model's own).",
      ],
      [
        '--recipe R',
        'whole (default): model A, an LSTM echoing the whole window (buildSeq2Seq); ' +
          'partial: model B, an encoder-decoder echoing its oldest items (buildEncoderDecoder)',
      ],
      [
        '--preset P',
        "walkthrough (default): the walkthrough's settings exactly; fast: the same task and " +
          'sizes, trained faster, stopping at 99% on fresh sequences',
      ],
    ],
  ],
  [
    'The presets (--recipe, --preset):',
    [
      ['whole, walkthrough', ww.description],
      ['whole, fast', fw.description],
      ['partial, walkthrough', wp.description],
      ['partial, fast', fp.description],
    ],
  ],
  [
    'The families (--model):',
    FAMILIES.map((f) => [cliFamilyName(f), familyPresets[f].description] as const),
  ],
  [
    "Model (each overrides the preset's; defaults are the walkthrough's):",
    [
      ['--n-in N', 'time steps per window (default 5)'],
      ['--n-out N', 'items echoed per window, partial only, at most --n-in (default 2)'],
      ['--n-unique N', 'vocabulary size: the integers are in [0, N) (default 100)'],
      ['--units N', 'LSTM units (default 20 whole, 150 partial)'],
      [
        '--batch-size N',
        'windows per batch: the fixed batch of a stateful model (default 7 whole, 21 partial), ' +
          "the training batch of a stateless one (default: the preset's, else 32)",
      ],
      [
        '--[no-]stateful',
        "carry LSTM state from batch to batch, or not (default: the preset's; stateful " +
          'except partial, fast)',
      ],
      [
        '--learning-rate X',
        `Adam's learning rate (default: the preset's; 0.001, ${fw.model.learningRate} whole ` +
          `fast, ${fp.model.learningRate} partial fast)`,
      ],
    ],
  ],
  [
    'Training:',
    [
      [
        '--epochs N',
        `epochs to train at most, >= 1 (default: the preset's; whole ${ww.train.epochs} or ` +
          `${fw.train.epochs}, partial ${wp.train.epochs} or ${fp.train.epochs})`,
      ],
      [
        '--seed N',
        'seed for the initial weights, the training data and the evaluation sequences, ' +
          'an integer, negative ones too (default 1)',
      ],
      [
        '--target X|none',
        'stop once accuracy on fresh sequences reaches X, in (0, 1], or none to train every ' +
          "epoch (default: the preset's; none for walkthrough, 0.99 for fast)",
      ],
      [
        '--evaluate-every N',
        `epochs between those checks (default: the preset's; ${fw.train.evaluateEvery} whole fast, else 10)`,
      ],
      [
        '--sequence-length N',
        `integers per training sequence, at least --n-in (default: the preset's; ${fp.train.sequenceLength} ` +
          'partial fast, else 25)',
      ],
      [
        '--backend B',
        'tfjs backend: auto (default; wasm when @tensorflow/tfjs-backend-wasm is installed, ' +
          "else tfjs's default), cpu or wasm. Training the factories' models does not depend on it.",
      ],
    ],
  ],
  [
    'Output:',
    [
      [
        '--save DIR',
        'save the trained model in directory DIR (model.json, weights.bin, seq-echo.json), ' +
          'for evaluate, predict and loadEchoModel (teacher-forcing: saveTeacherForcing, ' +
          'loadTeacherForcing)',
      ],
      [
        '--curve FILE',
        'write the learning curve (an SVG of loss and accuracy per epoch) to FILE (default: ' +
          'learning-curve.svg in DIR with --save, else in the current directory)',
      ],
      ['--no-curve', 'do not write the learning curve'],
      HELP_ROW,
    ],
  ],
];

/** A command's help: its synopsis, what it does, its options, and a last word if any. */
function commandHelp(
  topic: CommandName,
  intro: string,
  options: readonly Block[],
  outro?: string,
): string[] {
  const outroLines = outro === undefined ? [] : ['', ...wrap(outro, 88)];
  return [...SYNOPSIS[topic], '', ...wrap(intro, 88), '', ...blocks(options), ...outroLines];
}

const trainHelp = (): string[] =>
  commandHelp(
    'train',
    "Trains one of the walkthrough's models, or any model family seq-echo builds (--model), " +
      'on fresh random sequences (progress on one line ' +
      'on a terminal, plain lines otherwise), evaluates it on 100 new sequences, prints the ' +
      'Expected/Predicted table for one of them, saves the model (--save) and writes its ' +
      'learning curve as an SVG. Ctrl-C stops training after the current epoch and still ' +
      'reports.',
    TRAIN_BLOCKS,
    'A value out of range is a usage error (exit code 2) with the message of the seq-echo ' +
      'function that refuses it. Both output paths are checked before training starts: one ' +
      'that cannot be written, or a curve that would overwrite a file of the saved model, is a ' +
      'usage error too.',
  );

const evaluateHelp = (): string[] =>
  commandHelp(
    'evaluate',
    'Loads a model saved by `seq-echo train --save` (or saveEchoModel) and measures how well ' +
      'it echoes fresh random sequences of 25 integers: per item and per whole window. ' +
      'Teacher-forcing models (saveTeacherForcing) decode fresh sequences of 1 to maxLength ' +
      'items greedily: per item, exact sequences and right length.',
    [
      [
        'Options:',
        [
          ['--sequences N', 'how many fresh sequences, >= 1 (default 100)'],
          [
            '--seed N',
            'seed for the sequences, an integer (default: none, new sequences every run)',
          ],
          BACKEND_ROW,
          HELP_ROW,
        ],
      ],
    ],
  );

const predictHelp = (): string[] =>
  commandHelp(
    'predict',
    "Loads a saved model and prints the walkthrough's Expected/Predicted table for the " +
      'sequence given: integers in [0, nUnique) of the model, at least nIn of them, separated ' +
      'by commas or spaces (e.g. 3,14,15,92,65,35 or "3 14 15 92 65 35"). Teacher-forcing ' +
      'models decode it greedily up to END: 1 to maxLength integers.',
    [['Options:', [BACKEND_ROW, HELP_ROW]]],
  );

/**
 * The full help of a command, or of `seq-echo` itself.
 *
 * @param topic - The command, or `undefined` for `seq-echo` as a whole.
 * @returns The text, without a final line break.
 */
export function helpText(topic: CommandName | undefined): string {
  const lines =
    topic === 'train'
      ? trainHelp()
      : topic === 'evaluate'
        ? evaluateHelp()
        : topic === 'predict'
          ? predictHelp()
          : mainHelp();
  return lines.join('\n');
}
