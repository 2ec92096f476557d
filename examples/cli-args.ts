/**
 * The few command-line flags the examples share, parsed with Node's built-in `util.parseArgs`.
 *
 *   --preset P   the training recipe, one of seq-echo's `presets`: walkthrough (the default,
 *                the walkthrough's settings exactly) or fast (same task, architecture and
 *                hidden sizes, trained faster, stopping at 99% on fresh sequences)
 *   --epochs N   how many epochs to train at most (default: the preset's; a short run, e.g.
 *                `--epochs 3`, is a smoke test with either preset)
 *   --seed N     seed for the initial weights and the random data, so runs repeat (default 1)
 *   --target X   stop early once accuracy on fresh sequences reaches X, in (0, 1]
 *                (default: the preset's: none for walkthrough, 0.99 for fast)
 *   --backend B  tfjs backend: cpu (tfjs's default in Node) or wasm (several times faster;
 *                needs the '@tensorflow/tfjs-backend-wasm' package)
 *   --help       print the usage and exit
 *
 * Bad input (an unknown flag, a value that is not a number, an unknown preset) prints the usage
 * to stderr and exits with code 2, the usual code for "wrong usage" in command-line tools.
 */
import { parseArgs } from 'node:util';
import type { EchoPreset } from '../src/index';

/** What an example is told to do. */
export interface ExampleArgs {
  /** Which recipe to train with: one of {@link PRESETS}. */
  preset: PresetName;
  /** Epochs to train at most: `--epochs`, or else the chosen preset's `train.epochs`. */
  epochs: number;
  /** Seed for the model's weights and for every random sequence. */
  seed: number;
  /**
   * `--target`: the accuracy at which to stop early, or `undefined` when the flag was not given
   * (the example then uses the preset's own `train.targetAccuracy`, if it has one).
   */
  target: number | undefined;
  /** The tfjs backend to use, or `undefined` for tfjs's default. */
  backend: Backend | undefined;
}

/** Backends the examples know how to load. */
export const BACKENDS = ['cpu', 'wasm'] as const;
/** One of {@link BACKENDS}. */
export type Backend = (typeof BACKENDS)[number];

/** The names `--preset` accepts, each mapped by an example to one of seq-echo's `presets`. */
export const PRESETS = ['walkthrough', 'fast'] as const;
/** One of {@link PRESETS}. */
export type PresetName = (typeof PRESETS)[number];
/** The preset used when `--preset` is not given: the walkthrough's own recipe. */
export const DEFAULT_PRESET: PresetName = 'walkthrough';

/** How an example describes itself in its usage text. */
export interface ExampleInfo {
  /** The script's path, as a user would type it. */
  script: string;
  /** One line saying what the example does. */
  summary: string;
  /**
   * The example's seq-echo preset for each `--preset` name. Their descriptions go into the
   * usage text, and their `train.epochs` and `train.targetAccuracy` are the defaults of
   * `--epochs` and `--target`.
   */
  presets: Readonly<Record<PresetName, EchoPreset<object>>>;
}

/** The seed used when `--seed` is not given: fixed, so two runs print the same numbers. */
export const DEFAULT_SEED = 1;

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

function usage(info: ExampleInfo): string {
  // One block per preset: its name, then its description wrapped under a hanging indent.
  const presetLines = PRESETS.flatMap((name) =>
    wrap(info.presets[name].description, 62).map(
      (text, i) => `                 ${i === 0 ? name.padEnd(13) : ' '.repeat(13)}${text}`,
    ),
  );
  // Each preset's defaults, e.g. "500 for walkthrough, 300 for fast".
  const perPreset = (value: (name: PresetName) => string): string =>
    PRESETS.map((name) => `${value(name)} for ${name}`).join(', ');
  const epochs = perPreset((name) => String(info.presets[name].train.epochs));
  const targets = perPreset((name) => {
    const target = info.presets[name].train.targetAccuracy;
    return target === undefined ? 'none' : String(target);
  });
  return [
    `Usage: npx tsx ${info.script} [--preset ${PRESETS.join('|')}] [--epochs N] [--seed N] [--target X]`,
    '         [--backend cpu|wasm] [--help]',
    '',
    info.summary,
    '',
    'Options:',
    `  --preset P   the training recipe, ${PRESETS.join(' or ')} (default ${DEFAULT_PRESET}):`,
    ...presetLines,
    '  --epochs N   epochs to train at most, an integer >= 1',
    `               (default: the preset's, ${epochs})`,
    `  --seed N     seed for the initial weights and the random data, an integer (default ${DEFAULT_SEED})`,
    '  --target X   stop early once accuracy on fresh sequences reaches X, a number in (0, 1]',
    `               (default: the preset's, ${targets};`,
    '               with none, every epoch is trained)',
    "  --backend B  tfjs backend, cpu or wasm (wasm needs '@tensorflow/tfjs-backend-wasm';",
    "               default: tfjs's own choice, cpu in Node)",
    '  --help       show this help',
  ].join('\n');
}

/** Prints what went wrong and the usage to stderr, then exits with code 2. */
function fail(info: ExampleInfo, problem: string): never {
  console.error(`Error: ${problem}\n\n${usage(info)}`);
  process.exit(2);
}

/** Parses a flag's text as a whole number, or fails with a message naming the flag. */
function parseInteger(info: ExampleInfo, flag: string, text: string, min: number): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isSafeInteger(value) || value < min) {
    const expected = min === -Infinity ? 'an integer' : `an integer >= ${min}`;
    fail(info, `${flag} must be ${expected}, but received "${text}"`);
  }
  return value;
}

/**
 * Reads the examples' flags from `argv` (default: this process's arguments). Prints the usage
 * and exits for `--help` (code 0) or bad input (code 2).
 */
export function parseExampleArgs(
  info: ExampleInfo,
  argv: string[] = process.argv.slice(2),
): ExampleArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        preset: { type: 'string' },
        epochs: { type: 'string' },
        seed: { type: 'string' },
        target: { type: 'string' },
        backend: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true, // unknown flags are errors...
      allowPositionals: false, // ...and so are stray arguments
    }));
  } catch (error) {
    fail(info, error instanceof Error ? error.message : String(error));
  }

  if (values.help === true) {
    console.log(usage(info));
    process.exit(0);
  }

  const preset = values.preset ?? DEFAULT_PRESET;
  if (!(PRESETS as readonly string[]).includes(preset)) {
    fail(info, `--preset must be one of ${PRESETS.join(', ')}, but received "${preset}"`);
  }
  const presetName = preset as PresetName;
  // An explicit --epochs wins; otherwise the chosen preset says how many epochs (at most).
  const epochs =
    values.epochs === undefined
      ? info.presets[presetName].train.epochs
      : parseInteger(info, '--epochs', values.epochs, 1);
  const seed =
    values.seed === undefined ? DEFAULT_SEED : parseInteger(info, '--seed', values.seed, -Infinity);

  let target: number | undefined;
  if (values.target !== undefined) {
    target = Number(values.target);
    if (values.target.trim() === '' || !(target > 0 && target <= 1)) {
      fail(info, `--target must be a number in (0, 1], but received "${values.target}"`);
    }
  }
  const backend = values.backend;
  if (backend !== undefined && !(BACKENDS as readonly string[]).includes(backend)) {
    fail(info, `--backend must be one of ${BACKENDS.join(', ')}, but received "${backend}"`);
  }
  return { preset: presetName, epochs, seed, target, backend: backend as Backend | undefined };
}
