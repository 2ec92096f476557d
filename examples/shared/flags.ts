/**
 * The examples' flags: what an example says it takes ({@link ExampleInfo}), its usage text, and
 * reading `process.argv` with the `seq-echo` command's own readers (src/cli/flags.ts) into what
 * the example is told to do ({@link ExampleArgs}). Part of ../shared.ts, which re-exports the
 * types and runs the examples.
 */
import type { EchoPreset } from '../../src/index';
import * as cli from '../../src/cli/flags';

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

/** Whether the example takes `--target`: it has presets or a target of its own. */
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
export function usage(info: ExampleInfo<string>): string {
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
export function readArgs<C extends string>(info: ExampleInfo<C>, argv: readonly string[]) {
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
