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
 *
 * Split by job: shared/flags.ts reads the flags and writes the usage, shared/print.ts holds the
 * printouts; this file re-exports both, so the examples import only './shared', and runs an
 * example ({@link runExample}).
 */
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/index';
import * as cli from '../src/cli/flags';
import { readArgs, usage, type ExampleArgs, type ExampleInfo } from './shared/flags';

export {
  PRESETS,
  type ChoiceFlag,
  type ExampleArgs,
  type ExampleInfo,
  type PresetName,
} from './shared/flags';
export * from './shared/print';

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
