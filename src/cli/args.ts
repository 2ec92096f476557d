/**
 * The `seq-echo` command line, parsed into what to do: pure functions from `argv` to a
 * {@link Command}, with the defaults filled in from seq-echo's presets. A flag's text that is
 * not what it must be (a number, one of some words, a path) is a {@link UsageError} (exit
 * code 2), raised before tfjs is even loaded; whether a value is in range is for the library
 * to say when the command runs (commands.ts turns its refusal into a usage error too).
 * Flags are parsed by Node's `util.parseArgs`, strictly: unknown flags and stray arguments
 * are errors.
 */
import { resolve } from 'node:path';
import type { EchoPreset, EncoderDecoderOptions } from '../index';
import { familyPresets } from '../familyPresets';
import { presets } from '../presets';
// trainEcho's own defaults (no tfjs in that module): what the CLI prints and checks with
// where a preset does not say.
import { TRAIN_ECHO_DEFAULTS } from '../training/defaults';
import {
  choiceFlag,
  DEFAULT_SEED,
  lastToggle,
  numberFlag,
  numberOr,
  parseFlags,
  pathFlag,
  UsageError,
  withCommand,
} from './flags';
import { COMMANDS, isCommand, type CommandName } from './help';
import { familyParts } from './modelArgs';
import type { EchoTrainPlan, TrainPlan, TrainSettings } from './plan';

export { DEFAULT_SEED, UsageError } from './flags';
export type {
  EchoModelOptions,
  EchoTrainPlan,
  TeacherForcingSettings,
  TeacherForcingTrainPlan,
  TrainPlan,
  TrainSettings,
} from './plan';

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

/** The seq-echo preset for each recipe and preset name. */
const PRESET_TABLE: Record<Recipe, Record<PresetName, EchoPreset<EncoderDecoderOptions>>> = {
  whole: { walkthrough: presets.walkthroughWhole, fast: presets.fastWhole },
  partial: { walkthrough: presets.walkthroughPartial, fast: presets.fastPartial },
};

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

/** The flags of `seq-echo train`: all take a value but the toggles. */
export const TRAIN_FLAGS = {
  model: { type: 'string' },
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
} as const;

/** The flags of `seq-echo train` as `util.parseArgs` returns them. */
export type TrainValues = Partial<Record<keyof typeof TRAIN_FLAGS, string | boolean>>;

/** The string value of a flag that takes one (`parseArgs` guarantees the type). */
export const text = (values: TrainValues, flag: keyof typeof TRAIN_FLAGS): string | undefined =>
  values[flag] as string | undefined;

/** The factory options `train` gives: the preset's, each model flag given on top, the seed. */
function modelOptions(
  values: TrainValues,
  stateful: boolean | undefined,
  recipe: Recipe,
  preset: EchoPreset<EncoderDecoderOptions>,
  seed: number,
): EncoderDecoderOptions {
  const model: EncoderDecoderOptions = { ...preset.model };
  const flags = [
    ['nIn', 'n-in'],
    ['nOut', 'n-out'],
    ['nUnique', 'n-unique'],
    ['units', 'units'],
    ['batchSize', 'batch-size'],
    ['learningRate', 'learning-rate'],
  ] as const;
  for (const [option, flag] of flags) {
    const given = text(values, flag);
    if (given !== undefined) model[option] = numberFlag(`--${flag}`, given);
  }
  // Which flags go with which model is the CLI's to say: buildSeq2Seq has no nOut at all.
  if (model.nOut !== undefined && recipe === 'whole') {
    throw new UsageError(
      '--n-out applies to --recipe partial only (model A echoes the whole window)',
    );
  }
  if (stateful !== undefined) model.stateful = stateful;
  model.seed = seed;
  return model;
}

/** The training settings: the preset's, each flag given on top, trainEcho's defaults under. */
function trainSettings(
  values: TrainValues,
  preset: EchoPreset<EncoderDecoderOptions>,
  seed: number,
): TrainSettings {
  const given = (flag: keyof typeof TRAIN_FLAGS, fallback: number): number =>
    numberOr(`--${flag}`, text(values, flag), fallback);
  const p = preset.train;
  const d = TRAIN_ECHO_DEFAULTS;
  return {
    epochs: given('epochs', p.epochs),
    seed,
    sequenceLength: given('sequence-length', p.sequenceLength ?? d.sequenceLength),
    batchSize: given('batch-size', p.batchSize ?? d.batchSize),
    evaluateEvery: given('evaluate-every', p.evaluateEvery ?? d.evaluateEvery),
    evaluationSequences: p.evaluationSequences ?? d.evaluationSequences,
    learningRateSchedule: p.learningRateSchedule,
  };
}

/** What every `train` plan has: the target (`--target`, else `presetTarget`), backend, paths. */
function planBase(
  values: TrainValues,
  tokens: readonly { kind: string; name?: string }[],
  cwd: string,
  presetTarget: number | undefined,
) {
  const targetText = text(values, 'target');
  const target =
    targetText === undefined
      ? presetTarget
      : targetText === 'none'
        ? undefined
        : numberFlag('--target', targetText);
  const save =
    values.save === undefined ? undefined : pathFlag('--save', text(values, 'save') ?? '', cwd);
  let curve: string | undefined;
  if (lastToggle(tokens, 'curve') !== false) {
    const curveText = text(values, 'curve');
    curve =
      curveText === undefined
        ? resolve(save ?? cwd, 'learning-curve.svg')
        : pathFlag('--curve', curveText, cwd);
  }
  const backend = choiceFlag('--backend', text(values, 'backend') ?? 'auto', BACKENDS);
  return { target, backend, save, curve };
}

/**
 * Parses the flags of `seq-echo train` into a {@link TrainPlan}: with `--model`, the family's
 * preset (modelArgs.ts); otherwise the preset for `--recipe` and `--preset` (default `whole`,
 * `walkthrough`), each model and training flag on top, the
 * seed (default {@link DEFAULT_SEED}) on the model and the data, and the paths resolved
 * against `cwd`. Values are not range-checked here: `buildSeq2Seq`/`buildEncoderDecoder` and
 * `trainEcho` check them when the command runs.
 *
 * @param args - The arguments after `train`.
 * @param cwd - The directory relative paths start from.
 * @returns The plan.
 * @throws UsageError for anything wrong on the command line.
 */
export function parseTrainArgs(args: readonly string[], cwd: string): TrainPlan {
  return withCommand('train', () => {
    const { values, tokens } = parseFlags(args, TRAIN_FLAGS);
    const seed = numberOr('--seed', values.seed, DEFAULT_SEED);
    if (values.model !== undefined) {
      const parts = familyParts(values, lastToggle(tokens, 'stateful'), seed);
      const presetTarget = familyPresets[parts.family].train.targetAccuracy;
      const base = planBase(values, tokens, cwd, presetTarget);
      return { ...parts, recipe: undefined, preset: undefined, ...base };
    }
    const recipe = choiceFlag('--recipe', text(values, 'recipe') ?? 'whole', RECIPES);
    const presetName = choiceFlag(
      '--preset',
      text(values, 'preset') ?? 'walkthrough',
      PRESET_NAMES,
    );
    const preset = PRESET_TABLE[recipe][presetName];
    const base = planBase(values, tokens, cwd, preset.train.targetAccuracy);
    const plan: EchoTrainPlan = {
      family: recipe,
      recipe,
      preset: presetName,
      model: modelOptions(values, lastToggle(tokens, 'stateful'), recipe, preset, seed),
      train: trainSettings(values, preset, seed),
      ...base,
    };
    return plan;
  });
}

/** The model directory: the first positional argument. */
function modelDir(positionals: readonly string[], cwd: string): string {
  const dir = positionals[0];
  if (dir === undefined || dir.trim() === '') {
    throw new UsageError('MODEL_DIR is required: the directory of a saved model');
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
  return withCommand('evaluate', () => {
    const { values, positionals } = parseFlags(
      args,
      { sequences: { type: 'string' }, seed: { type: 'string' }, backend: { type: 'string' } },
      true,
    );
    const model = modelDir(positionals, cwd);
    if (positionals.length > 1) {
      throw new UsageError(`unexpected argument "${positionals[1] ?? ''}" after MODEL_DIR`);
    }
    return {
      model,
      sequences: numberOr('--sequences', values.sequences, 100),
      seed: numberOr('--seed', values.seed, undefined),
      backend: choiceFlag('--backend', values.backend ?? 'auto', BACKENDS),
    };
  });
}

/**
 * Reads a sequence of ids from command-line words: numbers separated by commas, spaces or
 * both, across any number of words (`1,2,3 4 5` or `"1, 2, 3"`). Whether they are ids the
 * model knows is `predictEcho`'s to check.
 *
 * @param words - The words after MODEL_DIR.
 * @returns The ids.
 * @throws UsageError when there are none, or one is not a number.
 */
export function parseSequence(words: readonly string[]): number[] {
  return withCommand('predict', () => {
    const items = words
      .join(' ')
      .split(/[\s,]+/)
      .filter((item) => item !== '');
    if (items.length === 0) {
      throw new UsageError(
        'a sequence is required after MODEL_DIR: integer ids separated by commas or spaces',
      );
    }
    return items.map((item) => numberFlag('each id of the sequence', item));
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
  return withCommand('predict', () => {
    const { values, positionals } = parseFlags(args, { backend: { type: 'string' } }, true);
    return {
      model: modelDir(positionals, cwd),
      sequence: parseSequence(positionals.slice(1)),
      backend: choiceFlag('--backend', values.backend ?? 'auto', BACKENDS),
    };
  });
}

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
  if (first === undefined) throw new UsageError('a command is required');
  if (first === '--help' || first === '-h') return { kind: 'help', topic: undefined };
  if (first === '--version' || first === '-v') return { kind: 'version' };
  if (first === 'help') {
    const [topic, ...extra] = rest;
    if (topic === undefined) return { kind: 'help', topic: undefined };
    if (!isCommand(topic) || extra.length > 0) {
      throw new UsageError(
        `help takes one of ${COMMANDS.join(', ')}, but received "${rest.join(' ')}"`,
      );
    }
    return { kind: 'help', topic };
  }
  if (!isCommand(first)) {
    const what = first.startsWith('-') ? 'option' : 'command';
    throw new UsageError(`unknown ${what} "${first}"`);
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
