/**
 * The `seq-echo` command as a function: arguments in, text out, exit code back. `main.ts`
 * runs it on the process; tests call it directly or run `main.ts` as a child process.
 */
import { VERSION } from '../version';
import { type Command, parseCli, UsageError } from './args';
import { type CliIo, runEvaluate, runPredict } from './commands';
import { escapeControl } from './escape';
import { helpText, isCommand, synopsis } from './help';
import { runTrain } from './train';

export type { CliIo } from './commands';

/** Exit code for a usage error: a bad flag, value or command. */
export const EXIT_USAGE = 2;
/** Exit code when seq-echo (or writing a file) fails, e.g. for a missing model directory. */
export const EXIT_FAILURE = 1;
/** Exit code after Ctrl-C stopped training (128 + SIGINT), once the report is printed. */
export const EXIT_INTERRUPTED = 130;

/** Prints a usage error and the usage it concerns to stderr; returns {@link EXIT_USAGE}. */
function usageFailure(io: CliIo, error: UsageError): number {
  const prefix = error.command === undefined ? 'seq-echo' : `seq-echo ${error.command}`;
  io.stderr.write(
    `${prefix}: ${escapeControl(error.message)}\n\n${synopsis(isCommand(error.command) ? error.command : undefined)}\n`,
  );
  return EXIT_USAGE;
}

/**
 * Runs one `seq-echo` command line: `train`, `evaluate`, `predict`, `help`, `--help` or
 * `--version`. Results and progress go to `io.stdout`; a usage error goes to `io.stderr` with
 * the usage (exit code 2); an error from seq-echo or the file system goes to `io.stderr` as
 * `seq-echo <command>: <message>` (exit code 1). A training stopped by Ctrl-C still reports,
 * then exits with code 130.
 *
 * @param argv - The arguments after the program's name (`process.argv.slice(2)`).
 * @param io - Where to write, and the working directory: see {@link CliIo}.
 * @returns The exit code: 0, {@link EXIT_FAILURE}, {@link EXIT_USAGE} or {@link EXIT_INTERRUPTED}.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let command: Command;
  try {
    command = parseCli(argv, io.cwd);
  } catch (error) {
    if (error instanceof UsageError) return usageFailure(io, error);
    throw error;
  }
  try {
    switch (command.kind) {
      case 'help':
        io.stdout.write(`${helpText(command.topic)}\n`);
        break;
      case 'version':
        io.stdout.write(`${VERSION}\n`);
        break;
      case 'train':
        if ((await runTrain(command.plan, io)) === 'interrupted') return EXIT_INTERRUPTED;
        break;
      case 'evaluate':
        await runEvaluate(command.plan, io);
        break;
      case 'predict':
        await runPredict(command.plan, io);
        break;
    }
    return 0;
  } catch (error) {
    if (error instanceof UsageError) return usageFailure(io, error);
    const text = error instanceof Error ? error.message : String(error);
    // The message can quote a saved model's files (a manifest's paths): print it escaped.
    io.stderr.write(`seq-echo ${command.kind}: ${escapeControl(text)}\n`);
    return EXIT_FAILURE;
  }
}
