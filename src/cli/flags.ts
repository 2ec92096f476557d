/**
 * Reading command-line flags, shared by the `seq-echo` command and the example scripts
 * (examples/shared.ts): Node's `util.parseArgs`, strict, and a few readers that turn a flag's
 * text into a value. They check only what the text must look like (a number, one of some
 * words, a path); whether the value is in range is the library's to say, and its refusal is
 * turned into a usage error by {@link usageErrorFrom}. Nothing here loads tfjs.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

/**
 * A mistake on the command line: printed with the usage, exit code 2.
 *
 * @example
 * ```ts
 * const error = new UsageError('--epochs must be a number, but received "many"', 'train');
 * console.log(error.command); // train
 * ```
 */
export class UsageError extends Error {
  /** The command whose usage to show, or `undefined` for the program's own. */
  readonly command: string | undefined;

  /**
   * @param message - What is wrong, e.g. `--epochs must be a number, but received "many"`.
   * @param command - The command whose usage to show.
   */
  constructor(message: string, command?: string) {
    super(message);
    this.name = 'UsageError';
    this.command = command;
  }
}

/**
 * Runs `parse`, giving any {@link UsageError} it throws without a command this one, so the
 * readers below need not be told which command they read for.
 */
export function withCommand<T>(command: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof UsageError && error.command === undefined) {
      throw new UsageError(error.message, command);
    }
    throw error;
  }
}

/** The seed when `--seed` is not given: fixed, so two runs print the same numbers. */
export const DEFAULT_SEED = 1;

/** What `util.parseArgs` is told about each flag. */
export type FlagSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

/** A word that is a negative number (`-5`, `-0.5`, `-.5`, `-1e3`), not a flag. */
const NEGATIVE_NUMBER = /^-(\d|\.\d)/;

/**
 * Rewrites `--flag -5` as `--flag=-5` for the flags that take a value. `util.parseArgs`
 * refuses a separate value that starts with `-` as ambiguous; a negative number cannot be a
 * flag, so it is the flag's value. Nothing after `--` is touched.
 */
function joinNegativeValues(args: readonly string[], options: FlagSpec): string[] {
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
 * `util.parseArgs`, strict (unknown flags are errors, and stray words unless
 * `allowPositionals`), with its errors turned into {@link UsageError}s and negative numbers
 * accepted as values in both forms (`--seed -5` and `--seed=-5`).
 *
 * @example
 * ```ts
 * const { values } = parseFlags(['--seed', '-5'], { seed: { type: 'string' } });
 * console.log(values.seed); // -5
 * ```
 */
export function parseFlags<O extends FlagSpec>(
  args: readonly string[],
  options: O,
  allowPositionals = false,
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
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * A flag's number, written in decimal (`3`, `-5`, `0.5`, `5e-3`; not `0x10` or `Infinity`).
 * Whether it must be whole, and its range, are for the function it is passed to to check.
 *
 * @example
 * ```ts
 * console.log(numberFlag('--learning-rate', '5e-3')); // 0.005
 * ```
 */
export function numberFlag(flag: string, text: string): number {
  if (!DECIMAL.test(text.trim())) {
    throw new UsageError(`${flag} must be a number, but received "${text}"`);
  }
  return Number(text);
}

/** {@link numberFlag} of `text`, or `fallback` when the flag was not given. */
export const numberOr = <F>(flag: string, text: string | undefined, fallback: F): number | F =>
  text === undefined ? fallback : numberFlag(flag, text);

/**
 * `text` when it is one of `choices`, else a {@link UsageError} listing them.
 *
 * @example
 * ```ts
 * console.log(choiceFlag('--backend', 'cpu', ['auto', 'cpu', 'wasm'] as const)); // cpu
 * ```
 */
export function choiceFlag<T extends string>(flag: string, text: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(text)) {
    throw new UsageError(`${flag} must be one of ${choices.join(', ')}, but received "${text}"`);
  }
  return text as T;
}

/** Whether a `--name` / `--no-name` pair was given, the last one winning; `undefined` if neither. */
export function lastToggle(
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
export function pathFlag(flag: string, text: string, cwd: string): string {
  if (text.trim() === '') throw new UsageError(`${flag} must be a path, but received ""`);
  return resolve(cwd, text);
}

/**
 * What a seq-echo function refused, read from its error: seq-echo's public functions check
 * their input before any work and refuse it with a `TypeError` or `RangeError` whose message
 * starts `fn: `, and `fn: options.name` when it is an option.
 *
 * @param error - What was thrown.
 * @returns The function's name and the option (if the refusal names one), or `undefined` for
 *   any other error.
 */
export function refusalOf(error: unknown): { fn: string; option: string | undefined } | undefined {
  if (!(error instanceof TypeError || error instanceof RangeError)) return undefined;
  const match = /^(\w+): (?:options\.(\w+))?/.exec(error.message);
  return match === null ? undefined : { fn: match[1]!, option: match[2] };
}

/**
 * The refusal of a value by the library function `fn` ({@link refusalOf}) as a
 * {@link UsageError} (exit code 2), or `error` itself when it is something else. When the
 * refused option is one a flag sets, the message starts with that flag
 * (`--units: buildSeq2Seq: options.units must be ...`).
 *
 * @param error - What was thrown.
 * @param fn - The library function called, e.g. `'trainEcho'`.
 * @param flags - The flag that sets each option, e.g. `{ units: '--units' }`.
 * @param command - The command whose usage to show.
 * @returns The usage error, or `error` unchanged.
 */
export function usageErrorFrom(
  error: unknown,
  fn: string,
  flags: Readonly<Record<string, string>>,
  command?: string,
): unknown {
  const refusal = refusalOf(error);
  if (refusal?.fn !== fn) return error;
  const { message } = error as Error;
  const flag = refusal.option === undefined ? undefined : flags[refusal.option];
  return new UsageError(flag === undefined ? message : `${flag}: ${message}`, command);
}

/**
 * Splits `text` into lines of at most `width` characters, breaking between words.
 *
 * @example
 * ```ts
 * console.log(wrap('one two three', 8)); // ['one two', 'three']
 * ```
 */
export function wrap(text: string, width: number): string[] {
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
