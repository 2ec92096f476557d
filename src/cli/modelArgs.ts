/**
 * `seq-echo train --model FAMILY`: the family's name as the command line spells it, which of
 * `train`'s flags apply to which family (a flag that does not is refused, never ignored), and
 * the family's plan: {@link familyPresets}' model and training options with the flags on top.
 * Pure functions, like args.ts; nothing here loads tfjs.
 */
import { familyPresets, type EchoFamily } from '../familyPresets';
import type { TrainEchoOptions } from '../index';
import { TRAIN_ECHO_DEFAULTS } from '../training/defaults';
import { choiceFlag, numberFlag, numberOr, UsageError } from './flags';
import type { PresetName, TrainValues } from './args';
import type { EchoModelOptions, EchoTrainPlan, TeacherForcingTrainPlan } from './plan';

/** Every family, in {@link familyPresets}' order. */
export const FAMILIES = Object.keys(familyPresets) as EchoFamily[];

/** A family as the command line spells it: `oneToOne` is `one-to-one`. */
export const cliFamilyName = (family: EchoFamily): string =>
  family.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The families as the command line spells them, for messages and the help. */
export const CLI_FAMILY_NAMES = FAMILIES.map(cliFamilyName);

/**
 * The family `--model` names, in its kebab-case spelling (`one-to-one`) or as the key of
 * {@link familyPresets} (`oneToOne`).
 *
 * @throws UsageError listing the families for anything else.
 */
export function parseFamily(text: string): EchoFamily {
  const family = FAMILIES.find((f) => f === text || cliFamilyName(f) === text);
  if (family === undefined) choiceFlag('--model', text, CLI_FAMILY_NAMES); // throws
  return family as EchoFamily;
}

/** The echo families: all but teacher forcing, which trains with trainTeacherForcing. */
const ECHO_FAMILIES = FAMILIES.filter((f) => f !== 'teacherForcing');

/** The families whose factory takes `stateful` (attention and teacher forcing are stateless). */
const STATEFUL_FAMILIES: readonly EchoFamily[] = [
  'whole',
  'partial',
  'linear',
  'masking',
  'reverse',
  'oneToOne',
  'manyToOne',
];

/** The flags that apply to some families only: which, and why not the others. */
const ONLY_FOR: Partial<
  Record<keyof TrainValues, { families: readonly EchoFamily[]; why: string }>
> = {
  'n-in': {
    families: ECHO_FAMILIES,
    why: 'teacher forcing reads sequences of 1 to maxLength items, not windows of nIn',
  },
  'n-out': {
    families: ['partial', 'reverse', 'oneToOne', 'manyToOne', 'attention'],
    why: 'buildSeq2Seq answers every item of the window (it has no nOut)',
  },
  stateful: { families: STATEFUL_FAMILIES, why: 'its models are stateless only' },
  'no-stateful': { families: STATEFUL_FAMILIES, why: 'its models are stateless only' },
  'sequence-length': {
    families: ECHO_FAMILIES,
    why: 'teacher forcing trains on fresh samples of 1 to maxLength items, not on one sequence',
  },
};

/** The factories that take a `batchSize` (a stateful model's fixed batch). */
const BATCHED_FACTORIES = [
  'buildSeq2Seq',
  'buildEncoderDecoder',
  'buildOneToOne',
  'buildManyToOne',
];

/**
 * Refuses what does not go with `--model family`: a flag of {@link ONLY_FOR} given for another
 * family; `--recipe` naming another model than `--model` (they agree only as `--model whole
 * --recipe whole` and `partial`); `--preset` other than `fast` (the family presets are the
 * fast ones: `familyPresets.whole` is `presets.fastWhole`).
 */
function checkModelFlags(family: EchoFamily, values: TrainValues): void {
  const name = cliFamilyName(family);
  for (const [flag, rule] of Object.entries(ONLY_FOR)) {
    if (values[flag as keyof TrainValues] === undefined || rule.families.includes(family)) {
      continue;
    }
    throw new UsageError(
      `--${flag} does not apply to --model ${name}: ${rule.why}. It applies to --model ` +
        rule.families.map(cliFamilyName).join(', '),
    );
  }
  const recipe = values.recipe as string | undefined;
  if (recipe !== undefined && recipe !== family) {
    throw new UsageError(
      `--recipe ${recipe} conflicts with --model ${name}: --model trains its family's own ` +
        `model and preset (familyPresets.${family}); give --model or --recipe, not both`,
    );
  }
  const preset = values.preset as string | undefined;
  if (preset !== undefined && preset !== ('fast' satisfies PresetName)) {
    throw new UsageError(
      `--preset ${preset} conflicts with --model ${name}: --model trains familyPresets.` +
        `${family}, the fast preset; expected --preset fast or none` +
        (family === 'whole' || family === 'partial'
          ? ` (for the walkthrough's settings: --recipe ${family} --preset ${preset})`
          : ''),
    );
  }
}

/** The string value of a flag that takes one. */
const text = (values: TrainValues, flag: keyof TrainValues): string | undefined =>
  values[flag] as string | undefined;

/** A number flag's value, or `fallback` when it was not given. */
const given = (values: TrainValues, flag: keyof TrainValues, fallback: number): number =>
  numberOr(`--${flag}`, text(values, flag), fallback);

/** The factory options: the preset's, each model flag given on top, the seed. */
function familyModel(
  family: EchoFamily,
  values: TrainValues,
  stateful: boolean | undefined,
  seed: number,
): Record<string, unknown> {
  const preset = familyPresets[family];
  const model: Record<string, unknown> = { ...preset.model };
  const flags = [
    ['nIn', 'n-in'],
    ['nOut', 'n-out'],
    ['nUnique', 'n-unique'],
    ['units', 'units'],
    ['learningRate', 'learning-rate'],
    ['batchSize', 'batch-size'],
  ] as const;
  for (const [option, flag] of flags) {
    const value = text(values, flag);
    if (value === undefined) continue;
    // --batch-size is the training batch of every family; only some factories fix one too.
    if (option === 'batchSize' && !BATCHED_FACTORIES.includes(preset.factory)) continue;
    model[option] = numberFlag(`--${flag}`, value);
  }
  if (stateful !== undefined) model.stateful = stateful;
  model.seed = seed;
  return model;
}

/** The family, its model options and its training settings for `--model`. */
export type FamilyParts =
  | Pick<EchoTrainPlan, 'family' | 'model' | 'train'>
  | Pick<TeacherForcingTrainPlan, 'family' | 'model' | 'train'>;

/**
 * Reads `--model` and what goes with it: the family, its preset's model options with the
 * model flags on top, and its training settings with the training flags on top (the seed on
 * both). Values are not range-checked here: the family's factory and training function check
 * them when the command runs.
 *
 * @param values - `train`'s parsed flags, `model` among them.
 * @param stateful - `--stateful`/`--no-stateful`, the last one given, or `undefined`.
 * @param seed - `--seed`, or the default.
 * @returns The family and its options.
 * @throws UsageError for an unknown family, a flag that does not apply to it, or `--recipe` /
 *   `--preset` that conflict with it.
 */
export function familyParts(
  values: TrainValues,
  stateful: boolean | undefined,
  seed: number,
): FamilyParts {
  const family = parseFamily(text(values, 'model') ?? '');
  checkModelFlags(family, values);
  const model = familyModel(family, values, stateful, seed);
  const epochs = (fallback: number) => given(values, 'epochs', fallback);
  const evaluateEvery = (fallback: number) => given(values, 'evaluate-every', fallback);
  if (family === 'teacherForcing') {
    const p = familyPresets.teacherForcing.train;
    // Where the preset does not say: trainTeacherForcing's own defaults.
    return {
      family,
      model,
      train: {
        epochs: epochs(p.epochs),
        seed,
        samplesPerEpoch: p.samplesPerEpoch ?? 1024,
        batchSize: given(values, 'batch-size', p.batchSize ?? 64),
        evaluateEvery: evaluateEvery(p.evaluateEvery ?? 1),
        evaluationSamples: p.evaluationSamples ?? 256,
      },
    };
  }
  const p: Readonly<TrainEchoOptions> = familyPresets[family].train;
  const d = TRAIN_ECHO_DEFAULTS;
  return {
    family,
    model: model as EchoModelOptions,
    train: {
      epochs: epochs(p.epochs),
      seed,
      sequenceLength: given(values, 'sequence-length', p.sequenceLength ?? d.sequenceLength),
      batchSize: given(values, 'batch-size', p.batchSize ?? d.batchSize),
      evaluateEvery: evaluateEvery(p.evaluateEvery ?? d.evaluateEvery),
      evaluationSequences: p.evaluationSequences ?? d.evaluationSequences,
      learningRateSchedule: p.learningRateSchedule,
    },
  };
}
