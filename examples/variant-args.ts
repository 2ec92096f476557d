/**
 * The flags and the few printouts the variant examples (linear.ts, masking.ts,
 * longer-echoes.ts, stateless.ts, topologies.ts, attention.ts, reverse-text.ts) share, parsed with Node's built-in
 * `util.parseArgs`. Like cli-args.ts and report.ts, this is a helper of the examples, not part
 * of seq-echo: every call into seq-echo stays in the examples themselves.
 *
 *   --epochs N   epochs to train at most (each model of the example gets the same budget;
 *                `--epochs 3` is a quick smoke run)
 *   --seed N     seed for the initial weights and the random data (default 1)
 *   --backend B  tfjs backend: wasm (the default here: these examples run `model.fit` for some
 *                of their models, which wasm runs several times faster) or cpu
 *   --help       print the usage and exit
 *
 * plus, for an example that has one, a flag choosing between a few named values (such as
 * longer-echoes.ts's `--task`). Bad input prints the usage to stderr and exits with code 2.
 */
import { parseArgs } from 'node:util';
import type { EchoEvaluation, EchoPrediction, TrainEchoResult } from '../src/index';
import { BACKENDS, DEFAULT_SEED, type Backend } from './cli-args';

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

/** How a variant example describes itself in its usage text. */
export interface VariantInfo<C extends string> {
  /** The script's path, as a user would type it. */
  script: string;
  /** One line (or a few sentences) saying what the example does. */
  summary: string;
  /** The most epochs each model trains when `--epochs` is not given. */
  defaultEpochs: number;
  /** The example's own choice flag, if it has one. */
  choice?: ChoiceFlag<C> | undefined;
}

/** What a variant example is told to do. */
export interface VariantArgs<C extends string> {
  /** Epochs to train at most: `--epochs`, or else the example's default. */
  epochs: number;
  /** Seed for the initial weights and every random sequence. */
  seed: number;
  /** The tfjs backend to select (default `'wasm'`). */
  backend: Backend;
  /** The value of the example's choice flag (its default when not given or when it has none). */
  choice: C;
}

/** The backend these examples select when `--backend` is not given. */
export const DEFAULT_VARIANT_BACKEND: Backend = 'wasm';

function usage<C extends string>(info: VariantInfo<C>): string {
  const { choice } = info;
  const choiceUsage = choice === undefined ? '' : ` [--${choice.name} ${choice.values.join('|')}]`;
  const choiceHelp =
    choice === undefined
      ? []
      : [
          `  --${choice.name.padEnd(10)} ${choice.help}:`,
          `               ${choice.values.join(', ')} (default ${choice.default})`,
        ];
  return [
    `Usage: npx tsx ${info.script}${choiceUsage} [--epochs N] [--seed N] [--backend cpu|wasm] [--help]`,
    '',
    info.summary,
    '',
    'Options:',
    ...choiceHelp,
    `  --epochs N   epochs each model trains at most, an integer >= 1 (default ${info.defaultEpochs});`,
    '               training stops earlier once fresh sequences reach the target accuracy',
    `  --seed N     seed for the initial weights and the random data, an integer (default ${DEFAULT_SEED})`,
    `  --backend B  tfjs backend, wasm or cpu (default ${DEFAULT_VARIANT_BACKEND}; wasm needs`,
    "               '@tensorflow/tfjs-backend-wasm' and runs model.fit several times faster)",
    '  --help       show this help',
  ].join('\n');
}

/** Prints what went wrong and the usage to stderr, then exits with code 2 (wrong usage). */
function fail<C extends string>(info: VariantInfo<C>, problem: string): never {
  console.error(`Error: ${problem}\n\n${usage(info)}`);
  process.exit(2);
}

/** Parses a flag's text as a whole number, or fails with a message naming the flag. */
function parseInteger<C extends string>(
  info: VariantInfo<C>,
  flag: string,
  text: string,
  min: number,
): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isSafeInteger(value) || value < min) {
    const expected = min === -Infinity ? 'an integer' : `an integer >= ${min}`;
    fail(info, `${flag} must be ${expected}, but received "${text}"`);
  }
  return value;
}

/**
 * Reads a variant example's flags from `argv` (default: this process's arguments). Prints the
 * usage and exits for `--help` (code 0) or bad input (code 2).
 *
 * @param info - The example's name, summary, default epochs and choice flag.
 * @param argv - The arguments to parse. Default `process.argv.slice(2)`.
 * @returns The parsed flags, defaults filled in.
 */
export function parseVariantArgs<C extends string = never>(
  info: VariantInfo<C>,
  argv: string[] = process.argv.slice(2),
): VariantArgs<C> {
  const choiceName = info.choice?.name;
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        epochs: { type: 'string' },
        seed: { type: 'string' },
        backend: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        ...(choiceName === undefined ? {} : { [choiceName]: { type: 'string' as const } }),
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
  const text = (name: string): string | undefined => {
    const value = values[name];
    return typeof value === 'string' ? value : undefined;
  };

  const epochsText = text('epochs');
  const epochs =
    epochsText === undefined ? info.defaultEpochs : parseInteger(info, '--epochs', epochsText, 1);
  const seedText = text('seed');
  const seed =
    seedText === undefined ? DEFAULT_SEED : parseInteger(info, '--seed', seedText, -Infinity);
  const backend = text('backend') ?? DEFAULT_VARIANT_BACKEND;
  if (!(BACKENDS as readonly string[]).includes(backend)) {
    fail(info, `--backend must be one of ${BACKENDS.join(', ')}, but received "${backend}"`);
  }

  let choice = info.choice?.default as C;
  if (info.choice !== undefined) {
    const given = text(info.choice.name) ?? info.choice.default;
    if (!(info.choice.values as readonly string[]).includes(given)) {
      fail(
        info,
        `--${info.choice.name} must be one of ${info.choice.values.join(', ')}, but received "${given}"`,
      );
    }
    choice = given as C;
  }
  return { epochs, seed, backend: backend as Backend, choice };
}

/** `12.3 s` from milliseconds. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** `98.7%` from a fraction. */
export function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

/**
 * One model's part of the one-line summary every variant example ends with: epochs trained
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
 * Prints the one-line summary every variant example ends with: `summary: ` and each model's
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
