/**
 * The plumbing every example shares, so that each example file is the story of its recipe:
 * the flags (read with the `seq-echo` command's own readers, src/cli/flags.ts), the backend,
 * and the printouts (the evaluation and the Expected/Predicted table in the command's own
 * format, src/cli/table.ts). This is a helper of the examples, not part of seq-echo: every
 * call that builds, trains, evaluates or predicts stays in the examples themselves.
 *
 * Flags: `--epochs N`, `--seed N`, `--backend cpu|wasm`, `--help`, and as the example says
 * `--preset walkthrough|fast`, `--target X` and a choice of its own (`--task echo|reverse`).
 * Bad input (an unknown flag, a word where a number goes, or a value seq-echo refuses, such as
 * `--epochs 0`) prints the problem and the usage to stderr and exits with code 2; any other
 * failure exits with code 1.
 */
import * as tf from '@tensorflow/tfjs';
import {
  selectBackend,
  type EchoEvaluation,
  type EchoPrediction,
  type EchoPreset,
  type EpochLog,
  type TrainEchoResult,
} from '../src/index';
import * as cli from '../src/cli/flags';
import { formatEchoTable, formatEvaluation } from '../src/cli/table';

/** The names `--preset` accepts, each mapped by an example to one of seq-echo's `presets`. */
export const PRESETS = ['walkthrough', 'fast'] as const;
/** One of {@link PRESETS}. */
export type PresetName = (typeof PRESETS)[number];
/** Backends the examples know how to load. */
const BACKENDS = ['cpu', 'wasm'] as const;

/** A flag that picks one of a few named values, e.g. `--task 5of10|10of20|both`. */
export interface ChoiceFlag<C extends string> {
  /** The flag's name without the dashes, e.g. `'task'`. */
  name: string;
  /** The values it accepts. */
  values: readonly C[];
  /** The value used when the flag is not given; one of `values`. */
  default: C;
  /** One line saying what it chooses. */
  help: string;
}

/** How an example describes itself, and which flags it takes. */
export interface ExampleInfo<C extends string = never> {
  /** The script's path, as a user would type it. */
  script: string;
  /** The first line the example prints. */
  title: string;
  /** Shown after the run's settings under the title, e.g. `each model stops at 99%`. */
  note?: string | undefined;
  /** A sentence or two saying what the example does. */
  summary: string;
  /**
   * `--preset`: the example's seq-echo preset for each name. Their `train.epochs` and
   * `train.targetAccuracy` are the defaults of `--epochs` and `--target`.
   */
  presets?: Readonly<Record<PresetName, EchoPreset<object>>> | undefined;
  /** Without presets: the most epochs when `--epochs` is not given. */
  epochs?: number | undefined;
  /** Without presets: `--target`'s default; without either, the example takes no `--target`. */
  target?: number | undefined;
  /** The example's own choice flag, if it has one. */
  choice?: ChoiceFlag<C> | undefined;
  /** The backend when `--backend` is not given. Default: tfjs's own choice (cpu in Node). */
  backend?: 'cpu' | 'wasm' | undefined;
}

/** What an example is told to do. */
export interface ExampleArgs<C extends string = never> {
  /** `--preset` (`walkthrough` for an example without presets). */
  preset: PresetName;
  /** `--epochs`, or the preset's or the example's default. */
  epochs: number;
  /** `--seed`, or 1 (the `seq-echo` command's default too). */
  seed: number;
  /** `--target`, or the preset's or the example's own; `undefined` trains every epoch. */
  target: number | undefined;
  /** The backend in use, once selected (`tf.getBackend()`). */
  backend: string;
  /** The value of the example's choice flag (its default when not given). */
  choice: C;
}

const takesTarget = (info: ExampleInfo<string>): boolean =>
  info.presets !== undefined || info.target !== undefined;

/** `(default: ...)` of a flag: per preset (`500 for walkthrough, 300 for fast`) or the example's. */
function defaultOf(
  info: ExampleInfo<string>,
  value: (p: EchoPreset<object>) => number | undefined,
  own: number | undefined,
) {
  const show = (v: number | undefined): string => (v === undefined ? 'none' : String(v));
  if (info.presets === undefined) return `default ${show(own)}`;
  const { presets } = info;
  return `default: the preset's, ${PRESETS.map((name) => `${show(value(presets[name]))} for ${name}`).join(', ')}`;
}

/** The usage text: synopsis, summary, then the flags this example takes. */
function usage(info: ExampleInfo<string>): string {
  const { choice, presets } = info;
  const row = (name: string, text: string): string[] =>
    cli.wrap(text, 70).map((line, i) => `  ${(i === 0 ? name : '').padEnd(15)}${line}`);
  const flags: [string, string, string][] = [];
  if (presets !== undefined) {
    flags.push([
      '--preset walkthrough|fast',
      '--preset P',
      "the recipe, one of seq-echo's presets (default walkthrough):",
    ]);
  }
  if (choice !== undefined) {
    const values = choice.values.join('|');
    flags.push([
      `--${choice.name} ${values}`,
      `--${choice.name} C`,
      `${choice.help}: ${choice.values.join(', ')} (default ${choice.default})`,
    ]);
  }
  flags.push([
    '--epochs N',
    '--epochs N',
    `epochs to train at most (${defaultOf(info, (p) => p.train.epochs, info.epochs)})`,
  ]);
  flags.push([
    '--seed N',
    '--seed N',
    `seed for the initial weights and the random data (default ${cli.DEFAULT_SEED})`,
  ]);
  if (takesTarget(info)) {
    flags.push([
      '--target X',
      '--target X',
      `stop once accuracy on fresh sequences reaches X, in (0, 1] (${defaultOf(info, (p) => p.train.targetAccuracy, info.target)})`,
    ]);
  }
  flags.push([
    '--backend cpu|wasm',
    '--backend B',
    `tfjs backend, cpu or wasm (default ${info.backend ?? "tfjs's own, cpu in Node"}; wasm needs '@tensorflow/tfjs-backend-wasm')`,
  ]);
  const presetRows =
    presets === undefined
      ? []
      : PRESETS.flatMap((name) => row(`  ${name}`, presets[name].description));
  // Each [--flag VALUE] stays on one line: its spaces are NULs until wrapped.
  const synopsis = flags.map(([text]) => `[${text.replaceAll(' ', '\u0000')}]`).join(' ');
  return [
    ...cli
      .wrap(`Usage: npx tsx ${info.script} ${synopsis} [--help]`, 88)
      .map((line, i) => (i === 0 ? line : `         ${line}`).replaceAll('\u0000', ' ')),
    '',
    ...cli.wrap(info.summary, 88),
    '',
    'Options:',
    ...flags.flatMap(([, name, text], i) => [...row(name, text), ...(i === 0 ? presetRows : [])]),
    ...row('--help', 'show this help'),
  ].join('\n');
}

/** Reads the flags `info` says the example takes; throws a UsageError for bad ones. */
function readArgs<C extends string>(info: ExampleInfo<C>, argv: readonly string[]) {
  const { values } = cli.parseFlags(argv, {
    preset: { type: 'string' },
    epochs: { type: 'string' },
    seed: { type: 'string' },
    target: { type: 'string' },
    backend: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
    ...(info.choice === undefined ? {} : { [info.choice.name]: { type: 'string' as const } }),
  });
  const given = values as Record<string, string | boolean | undefined>;
  const text = (name: string): string | undefined => given[name] as string | undefined;
  if (given.help === true) {
    console.log(usage(info));
    process.exit(0);
  }
  const refuse = (flag: string) => {
    throw new cli.UsageError(`${flag} is not an option of this example`);
  };
  if (info.presets === undefined && values.preset !== undefined) refuse('--preset');
  if (!takesTarget(info) && values.target !== undefined) refuse('--target');
  const preset = cli.choiceFlag('--preset', values.preset ?? 'walkthrough', PRESETS);
  const train = info.presets?.[preset].train;
  const { choice } = info;
  return {
    preset,
    epochs: cli.numberOr('--epochs', values.epochs, train?.epochs ?? info.epochs ?? 1),
    seed: cli.numberOr('--seed', values.seed, cli.DEFAULT_SEED),
    target: cli.numberOr(
      '--target',
      values.target,
      train === undefined ? info.target : train.targetAccuracy,
    ),
    backend:
      values.backend === undefined
        ? info.backend
        : cli.choiceFlag('--backend', values.backend, BACKENDS),
    choice: (choice === undefined
      ? undefined
      : cli.choiceFlag(
          `--${choice.name}`,
          text(choice.name) ?? choice.default,
          choice.values,
        )) as C,
  };
}

/** The flag that sets each option the examples pass on from their flags. */
const FLAG_OF: Readonly<Record<string, string>> = {
  epochs: '--epochs',
  seed: '--seed',
  targetAccuracy: '--target',
};

/** Prints the problem and the usage to stderr, then exits with code 2 (wrong usage). */
function failUsage(info: ExampleInfo<string>, problem: string): never {
  console.error(`Error: ${problem}\n\n${usage(info)}`);
  process.exit(2);
}

/**
 * Runs an example: reads its flags (printing the usage and exiting for `--help` or bad input),
 * selects the backend (seq-echo never switches backends on its own: `selectBackend` loads the
 * optional '@tensorflow/tfjs-backend-wasm' package for `wasm`), then runs `main`. A value
 * seq-echo refuses from a flag (say `--epochs 0`) is a usage error too, exit code 2; any other
 * error exits with code 1.
 *
 * @param info - The example's name, summary and flags.
 * @param main - The example itself, given what it was told to do.
 */
export function runExample<C extends string = never>(
  info: ExampleInfo<C>,
  main: (args: ExampleArgs<C>) => Promise<void>,
): void {
  const start = async (): Promise<void> => {
    let args: ReturnType<typeof readArgs<C>>;
    try {
      args = readArgs(info, process.argv.slice(2));
    } catch (error) {
      if (error instanceof cli.UsageError) failUsage(info, error.message);
      throw error;
    }
    if (args.backend === undefined) await tf.ready();
    else await selectBackend(args.backend);
    const told = { ...args, backend: tf.getBackend() };
    // The title, then the run's settings: `backend: cpu  epochs: up to 300  seed: 1  ...`.
    const settings = [
      `backend: ${told.backend}`,
      `epochs: ${told.target === undefined ? '' : 'up to '}${told.epochs}`,
      `seed: ${told.seed}`,
      ...(told.target === undefined ? [] : [`target accuracy: ${told.target}`]),
      ...(info.presets === undefined ? [] : [`preset: ${told.preset}`]),
      ...(info.choice === undefined ? [] : [`${info.choice.name}: ${told.choice}`]),
      ...(info.note === undefined ? [] : [info.note]),
    ];
    console.log(`${info.title}\n${settings.join('  ')}\n`);
    await main(told);
  };
  start().catch((error: unknown) => {
    const option = cli.refusalOf(error)?.option;
    const flag = option === undefined ? undefined : FLAG_OF[option];
    if (flag !== undefined) failUsage(info, `${flag}: ${(error as Error).message}`);
    console.error(error);
    process.exit(1);
  });
}

/**
 * Builds a model with `build`, then prints its input and output shapes (`[batch, time
 * steps, one-hot width]`), its weight count and how long building it took.
 *
 * @param build - Calls the model factory.
 * @returns The model.
 */
export function timedBuild(build: () => tf.LayersModel): tf.LayersModel {
  const started = performance.now();
  const model = build();
  console.log(
    `model: input ${JSON.stringify(model.inputs[0]!.shape)} -> output ` +
      `${JSON.stringify(model.outputs[0]!.shape)}, ${model.countParams()} weights, ` +
      `built in ${seconds(performance.now() - started)}`,
  );
  return model;
}

/**
 * Makes an `onEpochEnd` callback for `trainEcho` that prints `epoch N/M  loss X  accuracy Y`
 * about `lines` times over the run: after the first epoch, the last, and every
 * `M / lines`-th in between.
 *
 * @param lines - About how many progress lines to print over the whole run. Default `10`.
 * @returns The callback, to pass as `onEpochEnd`.
 */
export function logProgress(lines = 10): (log: EpochLog) => void {
  return ({ epoch, epochs, loss, accuracy }) => {
    const every = Math.max(1, Math.round(epochs / lines));
    if (epoch % every === 0 || epoch === 1 || epoch === epochs) {
      console.log(
        `epoch ${String(epoch).padStart(String(epochs).length)}/${epochs}` +
          `  loss ${loss.toFixed(4)}  accuracy ${accuracy.toFixed(4)}`,
      );
    }
  };
}

/**
 * Ends the training output: why training stopped when it stopped before its last epoch
 * (`stopped early after epoch N (targetAccuracy)`), how long it took, then a blank line.
 *
 * @param result - What `trainEcho` returned.
 */
export function printStop(result: TrainEchoResult): void {
  const { epochs, elapsedMs } = result;
  if (result.stoppedEarly)
    console.log(`stopped early after epoch ${epochs} (${result.stopReason})`);
  console.log(
    `training time: ${seconds(elapsedMs)} for ${epochs} epochs` +
      ` (${(elapsedMs / Math.max(1, epochs)).toFixed(1)} ms/epoch)`,
  );
  console.log();
}

/**
 * Prints an `evaluateEcho` result, per echoed item and per whole window, as `seq-echo
 * evaluate` does, then a blank line.
 *
 * @param evaluation - What `evaluateEcho` returned.
 * @param sequences - How many fresh sequences it was asked for (its `sequences` option).
 */
export function printEvaluation(evaluation: EchoEvaluation, sequences: number): void {
  console.log(formatEvaluation(evaluation, sequences).join('\n'));
  console.log();
}

/**
 * Prints the walkthrough's table as `seq-echo predict` does, one line per window:
 * `[input] => Expected: [echo]  Predicted: [answer]`, each wrong answer marked `<- wrong`, and
 * how many windows were right; then a blank line.
 *
 * @param rows - What `predictEcho` returned for one sequence.
 */
export function printEchoTable(rows: readonly EchoPrediction[]): void {
  console.log(['one new random sequence:', ...formatEchoTable(rows)].join('\n'));
  console.log();
}

/** `12.3 s` from milliseconds. */
export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** `98.7%` from a fraction. */
export const percent = (fraction: number): string => `${(fraction * 100).toFixed(1)}%`;

/**
 * One model's part of the one-line summary a variant example ends with: epochs trained
 * (and whether it reached its target), training seconds and accuracy on fresh sequences.
 *
 * @param label - Which model or run.
 * @param result - What `trainEcho` returned.
 * @param evaluation - What `evaluateEcho` returned on fresh sequences.
 * @returns e.g. `one-hot 80 epochs (reached target), 1.4 s, fresh 99.3%`.
 */
export function summaryPart(
  label: string,
  result: TrainEchoResult,
  evaluation: EchoEvaluation,
): string {
  const how = result.stopReason === 'targetAccuracy' ? ' (reached target)' : '';
  return (
    `${label} ${result.epochs} epochs${how}, ${seconds(result.elapsedMs)},` +
    ` fresh ${percent(evaluation.accuracy)}`
  );
}

/**
 * Prints the one-line summary a variant example ends with: `summary: ` and each model's
 * {@link summaryPart}, separated by ` | `.
 *
 * @param parts - One {@link summaryPart} per model trained.
 */
export function printSummary(parts: readonly string[]): void {
  console.log(`summary: ${parts.join(' | ')}`);
}

/**
 * Prints a few `predictEcho` rows as `[input] => expected [..]  predicted [..]`, marking wrong
 * answers; `show` formats one item (default: the number itself).
 *
 * @param rows - What `predictEcho` returned (pass a slice for "a few").
 * @param show - Formats one item, e.g. padding (`-1`) as `_`.
 */
export function printRows(
  rows: readonly EchoPrediction[],
  show: (item: number) => string = String,
): void {
  const list = (items: readonly number[]): string => `[${items.map(show).join(', ')}]`;
  for (const { input, expected, predicted } of rows) {
    const wrong = list(expected) === list(predicted) ? '' : '   <- wrong';
    console.log(
      `  ${list(input)} => expected ${list(expected)}  predicted ${list(predicted)}${wrong}`,
    );
  }
}
