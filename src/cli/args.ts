/**
 * The `seq-echo` command line, parsed into what to do: pure functions from `argv` to a
 * {@link Command}, with every default filled in from seq-echo's presets. Anything wrong with
 * the command line is a {@link UsageError} (exit code 2), raised before tfjs is even loaded.
 * Flags are parsed by Node's `util.parseArgs`, strictly: unknown flags and stray arguments
 * are errors.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { EchoPreset, EncoderDecoderOptions } from '../index';
import { MAX_SEQUENCE_LENGTH } from '../internal/limits';
import { presets } from '../presets';
import { COMMANDS, type CommandName } from './help';

/** A mistake on the command line: printed with the usage, exit code 2. */
export class UsageError extends Error {
  /** The command whose usage to show, or `undefined` for `seq-echo`'s own. */
  readonly command: CommandName | undefined;

  /**
   * @param message - What is wrong, e.g. `--epochs must be an integer >= 1, but received "0"`.
   * @param command - The command whose usage to show.
   */
  constructor(message: string, command: CommandName | undefined) {
    super(message);
    this.name = 'UsageError';
    this.command = command;
  }
}

/** `--recipe`: which of the walkthrough's models to train. */
export const RECIPES = ['whole', 'partial'] as const;
/** One of {@link RECIPES}: `whole` is model A (buildSeq2Seq), `partial` model B (buildEncoderDecoder). */
export type Recipe = (typeof RECIPES)[number];
/** `--preset`: the walkthrough's settings, or seq-echo's fast ones. */
export const PRESET_NAMES = ['walkthrough', 'fast'] as const;
/** One of {@link PRESET_NAMES}. */
export type PresetName = (typeof PRESET_NAMES)[number];
/** `--backend`: the choices passed to seq-echo's `selectBackend`. */
export const BACKENDS = ['auto', 'cpu', 'wasm'] as const;
/** One of {@link BACKENDS}. */
export type BackendName = (typeof BACKENDS)[number];

/** The seed when `--seed` is not given to `train`: fixed, so two runs print the same numbers. */
export const DEFAULT_SEED = 1;
/** Fresh sequences per check during training when the preset does not say. */
const DEFAULT_CHECK_SEQUENCES = 20;

/** The seq-echo preset for each recipe and preset name. */
const PRESET_TABLE: Record<Recipe, Record<PresetName, EchoPreset<EncoderDecoderOptions>>> = {
  whole: { walkthrough: presets.walkthroughWhole, fast: presets.fastWhole },
  partial: { walkthrough: presets.walkthroughPartial, fast: presets.fastPartial },
};

/** The `trainEcho` settings of a `train` command (besides its callbacks and signal). */
export interface TrainSettings {
  /** Epochs at most. */
  epochs: number;
  /** Seed of the training data (and of the fresh-sequence checks). */
  seed: number;
  /** Integers per training sequence. */
  sequenceLength: number;
  /** `trainEcho`'s batch size for a stateless model; `undefined` for a stateful one. */
  batchSize: number | undefined;
  /** Epochs between fresh-sequence checks (when there is a target). */
  evaluateEvery: number;
  /** Fresh sequences per check. */
  evaluationSequences: number;
}

/** Everything `seq-echo train` was told, with the defaults filled in. */
export interface TrainPlan {
  /** Which model. */
  recipe: Recipe;
  /** Which preset the settings start from. */
  preset: PresetName;
  /**
   * Options for `buildSeq2Seq` (recipe whole, never with `nOut`) or `buildEncoderDecoder`:
   * the preset's, the flags' on top, and the seed.
   */
  model: EncoderDecoderOptions;
  /** The training settings. */
  train: TrainSettings;
  /** Accuracy on fresh sequences at which to stop, or `undefined` to train every epoch. */
  target: number | undefined;
  /** The tfjs backend to select. */
  backend: BackendName;
  /** Absolute directory to save the model in, or `undefined` not to save it. */
  save: string | undefined;
  /** Absolute path of the learning curve's SVG, or `undefined` not to write one. */
  curve: string | undefined;
}

/** Everything `seq-echo evaluate` was told. */
export interface EvaluatePlan {
  /** Absolute path of the saved model's directory. */
  model: string;
  /** How many fresh sequences. */
  sequences: number;
  /** Their seed, or `undefined` for new ones every run. */
  seed: number | undefined;
  /** The tfjs backend to select. */
  backend: BackendName;
}

/** Everything `seq-echo predict` was told. */
export interface PredictPlan {
  /** Absolute path of the saved model's directory. */
  model: string;
  /** The sequence to echo (its range is checked against the model once it is loaded). */
  sequence: number[];
  /** The tfjs backend to select. */
  backend: BackendName;
}

/** What the command line asks for. */
export type Command =
  | { kind: 'help'; topic: CommandName | undefined }
  | { kind: 'version' }
  | { kind: 'train'; plan: TrainPlan }
  | { kind: 'evaluate'; plan: EvaluatePlan }
  | { kind: 'predict'; plan: PredictPlan };

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** Parses a whole number in [min, max] written in decimal, or throws a {@link UsageError}. */
function integer(
  command: CommandName,
  flag: string,
  text: string,
  min = Number.MIN_SAFE_INTEGER,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const value = Number(text);
  if (!INTEGER.test(text.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    const range =
      min === Number.MIN_SAFE_INTEGER
        ? 'an integer'
        : max === Number.MAX_SAFE_INTEGER
          ? `an integer >= ${min}`
          : `an integer in [${min}, ${max}]`;
    throw new UsageError(`${flag} must be ${range}, but received "${text}"`, command);
  }
  return value;
}

/** Parses a decimal number in (min, max], or throws a {@link UsageError}. */
function number(
  command: CommandName,
  flag: string,
  text: string,
  min: number,
  max: number,
): number {
  const value = Number(text);
  if (!DECIMAL.test(text.trim()) || !(value > min && value <= max)) {
    throw new UsageError(
      `${flag} must be a number in (${min}, ${max}], but received "${text}"`,
      command,
    );
  }
  return value;
}

/** Checks that `text` is one of `choices`, or throws a {@link UsageError}. */
function oneOf<T extends string>(
  command: CommandName,
  flag: string,
  text: string,
  choices: readonly T[],
): T {
  if (!(choices as readonly string[]).includes(text)) {
    throw new UsageError(
      `${flag} must be one of ${choices.join(', ')}, but received "${text}"`,
      command,
    );
  }
  return text as T;
}

type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

/** A word that is a negative number (`-5`, `-0.5`, `-.5`, `-1e3`), not a flag. */
const NEGATIVE_NUMBER = /^-(\d|\.\d)/;

/**
 * Rewrites `--flag -5` as `--flag=-5` for the flags that take a value. `util.parseArgs`
 * refuses a separate value that starts with `-` as ambiguous; a negative number cannot be a
 * flag, so it is the flag's value. Nothing after `--` is touched.
 */
function joinNegativeValues(args: readonly string[], options: OptionSpec): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      joined.push(...args.slice(i));
      break;
    }
    const next = args[i + 1];
    const takesValue = arg.startsWith('--') && options[arg.slice(2)]?.type === 'string';
    if (takesValue && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else {
      joined.push(arg);
    }
  }
  return joined;
}

/**
 * `util.parseArgs`, strict, with its errors turned into {@link UsageError}s, and negative
 * numbers accepted as values in both forms (`--seed -5` and `--seed=-5`).
 */
function parseFlags<O extends OptionSpec>(
  command: CommandName,
  args: readonly string[],
  options: O,
  allowPositionals: boolean,
) {
  try {
    return parseArgs({
      args: joinNegativeValues(args, options),
      options,
      strict: true,
      allowPositionals,
      tokens: true,
    });
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    throw new UsageError(text, command);
  }
}

/** Whether a `--name` / `--no-name` pair was given, the last one winning; `undefined` if neither. */
function lastToggle(
  tokens: readonly { kind: string; name?: string }[],
  name: string,
): boolean | undefined {
  let value: boolean | undefined;
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    if (token.name === name) value = true;
    else if (token.name === `no-${name}`) value = false;
  }
  return value;
}

/** A path flag's value: non-empty, resolved against `cwd`. */
function path(command: CommandName, flag: string, text: string, cwd: string): string {
  if (text.trim() === '') throw new UsageError(`${flag} must be a path, but received ""`, command);
  return resolve(cwd, text);
}

/**
 * Parses the flags of `seq-echo train` into a {@link TrainPlan}: the preset for `--recipe`
 * and `--preset` (default `whole`, `walkthrough`), each model and training flag on top, the
 * seed (default {@link DEFAULT_SEED}) on the model and the data, and the paths resolved
 * against `cwd`. Combinations the library would refuse are usage errors too: `--n-out` with
 * `--recipe whole` or above `--n-in`, a sequence shorter than a window, and a stateful batch
 * size that does not divide the windows of a sequence.
 *
 * @param args - The arguments after `train`.
 * @param cwd - The directory relative paths start from.
 * @returns The plan.
 * @throws UsageError for anything wrong on the command line.
 */
export function parseTrainArgs(args: readonly string[], cwd: string): TrainPlan {
  const c = 'train';
  const { values, tokens } = parseFlags(
    c,
    args,
    {
      recipe: { type: 'string' },
      preset: { type: 'string' },
      'n-in': { type: 'string' },
      'n-out': { type: 'string' },
      'n-unique': { type: 'string' },
      units: { type: 'string' },
      'batch-size': { type: 'string' },
      stateful: { type: 'boolean' },
      'no-stateful': { type: 'boolean' },
      'learning-rate': { type: 'string' },
      epochs: { type: 'string' },
      seed: { type: 'string' },
      target: { type: 'string' },
      'evaluate-every': { type: 'string' },
      'sequence-length': { type: 'string' },
      backend: { type: 'string' },
      save: { type: 'string' },
      curve: { type: 'string' },
      'no-curve': { type: 'boolean' },
    },
    false,
  );
  const recipe = oneOf(c, '--recipe', values.recipe ?? 'whole', RECIPES);
  const presetName = oneOf(c, '--preset', values.preset ?? 'walkthrough', PRESET_NAMES);
  const preset = PRESET_TABLE[recipe][presetName];
  const seed = values.seed === undefined ? DEFAULT_SEED : integer(c, '--seed', values.seed);

  // The model: the preset's options, each flag on top.
  const model: EncoderDecoderOptions = { ...preset.model };
  if (values['n-in'] !== undefined) model.nIn = integer(c, '--n-in', values['n-in'], 1);
  if (values['n-out'] !== undefined) {
    if (recipe === 'whole') {
      throw new UsageError(
        '--n-out applies to --recipe partial only (model A echoes the whole window)',
        c,
      );
    }
    model.nOut = integer(c, '--n-out', values['n-out'], 1);
  }
  if (values['n-unique'] !== undefined) {
    model.nUnique = integer(c, '--n-unique', values['n-unique'], 2);
  }
  if (values.units !== undefined) model.units = integer(c, '--units', values.units, 1);
  const batchFlag =
    values['batch-size'] === undefined
      ? undefined
      : integer(c, '--batch-size', values['batch-size'], 1);
  if (batchFlag !== undefined) model.batchSize = batchFlag;
  const stateful = lastToggle(tokens, 'stateful');
  if (stateful !== undefined) model.stateful = stateful;
  if (values['learning-rate'] !== undefined) {
    model.learningRate = number(c, '--learning-rate', values['learning-rate'], 0, 10);
  }
  model.seed = seed;

  const nIn = model.nIn ?? 5;
  if (recipe === 'partial' && (model.nOut ?? 2) > nIn) {
    throw new UsageError(
      `--n-out must be at most --n-in (${nIn}), but it is ${model.nOut ?? 2}` +
        (model.nOut === undefined ? ' (the default)' : ''),
      c,
    );
  }

  // Training: the preset's settings, each flag on top.
  const epochs =
    values.epochs === undefined
      ? preset.train.epochs
      : integer(c, '--epochs', values.epochs, 1, 1e9);
  const sequenceLength =
    values['sequence-length'] === undefined
      ? (preset.train.sequenceLength ?? 25)
      : integer(c, '--sequence-length', values['sequence-length'], 1, MAX_SEQUENCE_LENGTH);
  if (sequenceLength < nIn) {
    throw new UsageError(
      `--sequence-length must be at least --n-in (${nIn}) to make a window, but it is ${sequenceLength}`,
      c,
    );
  }
  const isStateful = model.stateful ?? true;
  const windows = sequenceLength - nIn + 1;
  if (isStateful) {
    const batch = model.batchSize ?? (recipe === 'whole' ? 7 : 21);
    if (windows % batch !== 0) {
      const fits = nIn - 1 + Math.ceil(windows / batch) * batch;
      throw new UsageError(
        `a stateful model trains whole batches, and its batch size ${batch} does not divide the ` +
          `${windows} windows of a ${sequenceLength}-integer sequence: use --sequence-length ${fits}, ` +
          'another --batch-size, or --no-stateful',
        c,
      );
    }
  }
  let target = preset.train.targetAccuracy;
  if (values.target !== undefined) {
    target = values.target === 'none' ? undefined : number(c, '--target', values.target, 0, 1);
  }
  const evaluateEvery =
    values['evaluate-every'] === undefined
      ? (preset.train.evaluateEvery ?? 10)
      : integer(c, '--evaluate-every', values['evaluate-every'], 1);

  const backend = oneOf(c, '--backend', values.backend ?? 'auto', BACKENDS);
  const save = values.save === undefined ? undefined : path(c, '--save', values.save, cwd);
  let curve: string | undefined;
  if (lastToggle(tokens, 'curve') !== false) {
    curve =
      values.curve === undefined
        ? resolve(save ?? cwd, 'learning-curve.svg')
        : path(c, '--curve', values.curve, cwd);
  }

  return {
    recipe,
    preset: presetName,
    model,
    train: {
      epochs,
      seed,
      sequenceLength,
      batchSize: isStateful ? undefined : (batchFlag ?? preset.train.batchSize),
      evaluateEvery,
      evaluationSequences: preset.train.evaluationSequences ?? DEFAULT_CHECK_SEQUENCES,
    },
    target,
    backend,
    save,
    curve,
  };
}

/** The model directory: the first positional argument. */
function modelDir(command: CommandName, positionals: readonly string[], cwd: string): string {
  const dir = positionals[0];
  if (dir === undefined || dir.trim() === '') {
    throw new UsageError('MODEL_DIR is required: the directory of a saved model', command);
  }
  return resolve(cwd, dir);
}

/**
 * Parses the arguments of `seq-echo evaluate MODEL_DIR [--sequences N] [--seed N]`.
 *
 * @param args - The arguments after `evaluate`.
 * @param cwd - The directory a relative MODEL_DIR starts from.
 * @returns The plan.
 * @throws UsageError for anything wrong on the command line.
 */
export function parseEvaluateArgs(args: readonly string[], cwd: string): EvaluatePlan {
  const c = 'evaluate';
  const { values, positionals } = parseFlags(
    c,
    args,
    { sequences: { type: 'string' }, seed: { type: 'string' }, backend: { type: 'string' } },
    true,
  );
  const model = modelDir(c, positionals, cwd);
  if (positionals.length > 1) {
    throw new UsageError(`unexpected argument "${positionals[1] ?? ''}" after MODEL_DIR`, c);
  }
  return {
    model,
    sequences:
      values.sequences === undefined
        ? 100
        : integer(c, '--sequences', values.sequences, 1, 1_000_000),
    seed: values.seed === undefined ? undefined : integer(c, '--seed', values.seed),
    backend: oneOf(c, '--backend', values.backend ?? 'auto', BACKENDS),
  };
}

/**
 * Reads a sequence of integer ids from command-line words: separated by commas, spaces or
 * both, across any number of words (`1,2,3 4 5` or `"1, 2, 3"`).
 *
 * @param words - The words after MODEL_DIR.
 * @returns The ids.
 * @throws UsageError when there are none, or one is not a non-negative integer.
 */
export function parseSequence(words: readonly string[]): number[] {
  const items = words
    .join(' ')
    .split(/[\s,]+/)
    .filter((item) => item !== '');
  if (items.length === 0) {
    throw new UsageError(
      'a sequence is required after MODEL_DIR: integer ids separated by commas or spaces',
      'predict',
    );
  }
  return items.map((item) => {
    const value = Number(item);
    if (!/^\d+$/.test(item) || !Number.isSafeInteger(value)) {
      throw new UsageError(
        `the sequence must hold non-negative integers, but received "${item}"`,
        'predict',
      );
    }
    return value;
  });
}

/**
 * Parses the arguments of `seq-echo predict MODEL_DIR ID,ID,...`.
 *
 * @param args - The arguments after `predict`.
 * @param cwd - The directory a relative MODEL_DIR starts from.
 * @returns The plan.
 * @throws UsageError for anything wrong on the command line.
 */
export function parsePredictArgs(args: readonly string[], cwd: string): PredictPlan {
  const c = 'predict';
  const { values, positionals } = parseFlags(c, args, { backend: { type: 'string' } }, true);
  return {
    model: modelDir(c, positionals, cwd),
    sequence: parseSequence(positionals.slice(1)),
    backend: oneOf(c, '--backend', values.backend ?? 'auto', BACKENDS),
  };
}

const isCommand = (word: string | undefined): word is CommandName =>
  (COMMANDS as readonly (string | undefined)[]).includes(word);

/** Whether `args` asks for help (`-h` or `--help`, before any `--`). */
function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

/**
 * Parses a whole `seq-echo` command line: `--help`/`-h`, `--version`/`-v`,
 * `help [COMMAND]`, or a command and its arguments (where `--help` anywhere asks for the
 * command's help instead).
 *
 * @param argv - The arguments after the program's name (`process.argv.slice(2)`).
 * @param cwd - The directory relative paths start from.
 * @returns What to do.
 * @throws UsageError for a missing or unknown command, or anything wrong with its arguments.
 */
export function parseCli(argv: readonly string[], cwd: string): Command {
  const [first, ...rest] = argv;
  if (first === undefined) throw new UsageError('a command is required', undefined);
  if (first === '--help' || first === '-h') return { kind: 'help', topic: undefined };
  if (first === '--version' || first === '-v') return { kind: 'version' };
  if (first === 'help') {
    const [topic, ...extra] = rest;
    if (topic === undefined) return { kind: 'help', topic: undefined };
    if (!isCommand(topic) || extra.length > 0) {
      throw new UsageError(
        `help takes one of ${COMMANDS.join(', ')}, but received "${rest.join(' ')}"`,
        undefined,
      );
    }
    return { kind: 'help', topic };
  }
  if (!isCommand(first)) {
    const what = first.startsWith('-') ? 'option' : 'command';
    throw new UsageError(`unknown ${what} "${first}"`, undefined);
  }
  if (wantsHelp(rest)) return { kind: 'help', topic: first };
  switch (first) {
    case 'train':
      return { kind: 'train', plan: parseTrainArgs(rest, cwd) };
    case 'evaluate':
      return { kind: 'evaluate', plan: parseEvaluateArgs(rest, cwd) };
    case 'predict':
      return { kind: 'predict', plan: parsePredictArgs(rest, cwd) };
  }
}
