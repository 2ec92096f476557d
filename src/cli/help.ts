/**
 * The `seq-echo` command's help texts. Defaults shown here are read from seq-echo's presets,
 * so the help cannot drift from what `train` does.
 */
import { presets } from '../presets';
import { VERSION } from '../version';

/** The commands `seq-echo` knows. */
export const COMMANDS = ['train', 'evaluate', 'predict'] as const;
/** One of {@link COMMANDS}. */
export type CommandName = (typeof COMMANDS)[number];

/** Splits `text` into lines of at most `width` characters, breaking between words. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

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
    '  seq-echo train [options]               train model A (whole) or B (partial)',
    '  seq-echo evaluate MODEL_DIR [options]  accuracy of a saved model on fresh sequences',
    '  seq-echo predict MODEL_DIR ID,ID,...   echo one sequence with a saved model',
    "  seq-echo help [COMMAND]                this help, or a command's (or COMMAND --help)",
    '  seq-echo --version                     print the version',
  ],
  train: [
    'Usage: seq-echo train [--recipe whole|partial] [--preset walkthrough|fast] [--epochs N]',
    '                      [--seed N] [--target X|none] [--save DIR] [--curve FILE] [options]',
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
    '  seq-echo evaluate models/whole --sequences 200',
    '  seq-echo predict models/whole 3,14,15,92,65,35,89,79',
    '',
    'Exit codes: 0 done, 1 failed (e.g. a model directory that does not exist), 2 bad',
    'usage (an unknown command or flag, a value out of range).',
  ];
}

function trainHelp(): string[] {
  const presetLines = (
    [
      ['whole, walkthrough', presets.walkthroughWhole.description],
      ['whole, fast', presets.fastWhole.description],
      ['partial, walkthrough', presets.walkthroughPartial.description],
      ['partial, fast', presets.fastPartial.description],
    ] as const
  ).flatMap(([name, text]) => described(text, `  ${name}`));
  return [
    ...SYNOPSIS.train,
    '',
    ...wrap(
      "Trains one of the walkthrough's models on fresh random sequences (progress on one line " +
        'on a terminal, plain lines otherwise), evaluates it on 100 new sequences, prints the ' +
        'Expected/Predicted table for one of them, saves the model (--save) and writes its ' +
        'learning curve as an SVG. Ctrl-C stops training after the current epoch and still ' +
        'reports.',
      88,
    ),
    '',
    'Recipe and preset:',
    ...described(
      'whole (default): model A, an LSTM echoing the whole window (buildSeq2Seq); ' +
        'partial: model B, an encoder-decoder echoing its oldest items (buildEncoderDecoder)',
      '  --recipe R',
    ),
    ...described(
      "walkthrough (default): the walkthrough's settings exactly; fast: the same task and " +
        'sizes, trained faster, stopping at 99% on fresh sequences',
      '  --preset P',
    ),
    '',
    'The presets (--recipe, --preset):',
    ...presetLines,
    '',
    "Model (each overrides the preset's; defaults are the walkthrough's):",
    ...described('time steps per window (default 5)', '  --n-in N'),
    ...described(
      'items echoed per window, partial only, at most --n-in (default 2)',
      '  --n-out N',
    ),
    ...described('vocabulary size: the integers are in [0, N) (default 100)', '  --n-unique N'),
    ...described('LSTM units (default 20 whole, 150 partial)', '  --units N'),
    ...described(
      'windows per batch: the fixed batch of a stateful model (default 7 whole, 21 partial), ' +
        "the training batch of a stateless one (default: the preset's, else 32)",
      '  --batch-size N',
    ),
    ...described(
      "carry LSTM state from batch to batch, or not (default: the preset's; stateful " +
        'except partial, fast)',
      '  --[no-]stateful',
    ),
    ...described(
      "Adam's learning rate, in (0, 10] (default: the preset's; 0.001, 0.03 whole fast, " +
        '0.01 partial fast)',
      '  --learning-rate X',
    ),
    '',
    'Training:',
    ...described(
      `epochs to train at most, >= 1 (default: the preset's; whole ${presets.walkthroughWhole.train.epochs} or ` +
        `${presets.fastWhole.train.epochs}, partial ${presets.walkthroughPartial.train.epochs} or ${presets.fastPartial.train.epochs})`,
      '  --epochs N',
    ),
    ...described(
      'seed for the initial weights, the training data and the evaluation sequences, ' +
        'an integer, negative ones too (default 1)',
      '  --seed N',
    ),
    ...described(
      'stop once accuracy on fresh sequences reaches X, in (0, 1], or none to train every ' +
        "epoch (default: the preset's; none for walkthrough, 0.99 for fast)",
      '  --target X|none',
    ),
    ...described(
      "epochs between those checks (default: the preset's; 5 whole fast, else 10)",
      '  --evaluate-every N',
    ),
    ...described(
      "integers per training sequence, at least --n-in and at most 16777216 (default: the preset's; 100 " +
        'partial fast, else 25)',
      '  --sequence-length N',
    ),
    ...described(
      'tfjs backend: auto (default; wasm when @tensorflow/tfjs-backend-wasm is installed, ' +
        "else tfjs's default), cpu or wasm. Training the factories' models does not depend on it.",
      '  --backend B',
    ),
    '',
    'Output:',
    ...described(
      'save the trained model in directory DIR (model.json, weights.bin, seq-echo.json), ' +
        'for evaluate, predict and loadEchoModel',
      '  --save DIR',
    ),
    ...described(
      'write the learning curve (an SVG of loss and accuracy per epoch) to FILE (default: ' +
        'learning-curve.svg in DIR with --save, else in the current directory)',
      '  --curve FILE',
    ),
    ...described('do not write the learning curve', '  --no-curve'),
    ...described('show this help', '  -h, --help'),
    '',
    ...wrap(
      'Both output paths are checked before training starts: one that cannot be written, or ' +
        'a curve that would overwrite a file of the saved model, is a usage error (exit code 2).',
      88,
    ),
  ];
}

function evaluateHelp(): string[] {
  return [
    ...SYNOPSIS.evaluate,
    '',
    'Loads a model saved by `seq-echo train --save` (or saveEchoModel) and measures how well',
    'it echoes fresh random sequences of 25 integers: per item and per whole window.',
    '',
    'Options:',
    ...described('how many fresh sequences, >= 1 (default 100)', '  --sequences N'),
    ...described(
      'seed for the sequences, an integer (default: none, new sequences every run)',
      '  --seed N',
    ),
    ...described('tfjs backend: auto (default), cpu or wasm', '  --backend B'),
    ...described('show this help', '  -h, --help'),
  ];
}

function predictHelp(): string[] {
  return [
    ...SYNOPSIS.predict,
    '',
    "Loads a saved model and prints the walkthrough's Expected/Predicted table for the",
    'sequence given: integers in [0, nUnique) of the model, at least nIn of them, separated',
    'by commas or spaces (e.g. 3,14,15,92,65,35 or "3 14 15 92 65 35").',
    '',
    'Options:',
    ...described('tfjs backend: auto (default), cpu or wasm', '  --backend B'),
    ...described('show this help', '  -h, --help'),
  ];
}

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
