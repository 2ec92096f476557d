/**
 * The few command-line flags the examples share, parsed with Node's built-in `util.parseArgs`.
 *
 *   --epochs N   how many epochs to train (a short run, e.g. `--epochs 3`, is a smoke test)
 *   --seed N     seed for the initial weights and the random data, so runs repeat (default 1)
 *   --target X   stop early once accuracy on fresh sequences reaches X, in (0, 1]
 *   --backend B  tfjs backend: cpu (tfjs's default in Node) or wasm (several times faster;
 *                needs the '@tensorflow/tfjs-backend-wasm' package)
 *   --help       print the usage and exit
 *
 * Bad input (an unknown flag, a value that is not a number) prints the usage to stderr and
 * exits with code 2, the usual code for "wrong usage" in command-line tools.
 */
import { parseArgs } from 'node:util';

/** What an example is told to do. */
export interface ExampleArgs {
  /** Epochs to train. */
  epochs: number;
  /** Seed for the model's weights and for every random sequence. */
  seed: number;
  /** Accuracy at which to stop early, or `undefined` to train every epoch. */
  target: number | undefined;
  /** The tfjs backend to use, or `undefined` for tfjs's default. */
  backend: Backend | undefined;
}

/** Backends the examples know how to load. */
export const BACKENDS = ['cpu', 'wasm'] as const;
/** One of {@link BACKENDS}. */
export type Backend = (typeof BACKENDS)[number];

/** How an example describes itself in its usage text. */
export interface ExampleInfo {
  /** The script's path, as a user would type it. */
  script: string;
  /** One line saying what the example does. */
  summary: string;
  /** Epochs when `--epochs` is not given (the walkthrough's number). */
  defaultEpochs: number;
}

/** The seed used when `--seed` is not given: fixed, so two runs print the same numbers. */
export const DEFAULT_SEED = 1;

function usage(info: ExampleInfo): string {
  return [
    `Usage: npx tsx ${info.script} [--epochs N] [--seed N] [--target X] [--backend cpu|wasm] [--help]`,
    '',
    info.summary,
    '',
    'Options:',
    `  --epochs N   epochs to train, an integer >= 1 (default ${info.defaultEpochs})`,
    `  --seed N     seed for the initial weights and the random data, an integer (default ${DEFAULT_SEED})`,
    '  --target X   stop early once accuracy on fresh sequences reaches X, a number in (0, 1]',
    '               (default: none, train every epoch)',
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

  const epochs =
    values.epochs === undefined
      ? info.defaultEpochs
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
  return { epochs, seed, target, backend: backend as Backend | undefined };
}
