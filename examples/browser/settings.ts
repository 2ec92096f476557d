/**
 * The playground's families (every entry of seq-echo's `familyPresets`), their sizes as the
 * page needs them, and what the URL may override (`?epochs=N`, `?seed=N`, `?target=none`).
 */
import { familyPresets } from '../../src/familyPresets';
import type { EchoFamily } from '../../src/index';

/** The selector's option values, in the selector's order: every family `familyPresets` has. */
export const FAMILIES = Object.keys(familyPresets) as EchoFamily[];

/** The families trained with `trainEcho` (every one but teacher forcing). */
export type EchoModelFamily = Exclude<EchoFamily, 'teacherForcing'>;

/** The selector's label of each family. */
export const FAMILY_LABELS: Readonly<Record<EchoFamily, string>> = {
  whole: 'whole: model A, a stateful LSTM(20) echoing every item',
  partial: 'partial: model B, an encoder-decoder echoing the oldest 2',
  linear: 'linear: model A on one scaled feature, MSE',
  masking: 'masking: model A on padded windows',
  reverse: 'reverse: an encoder-decoder answering newest first',
  oneToOne: 'oneToOne: the window as one step of features',
  manyToOne: 'manyToOne: all steps in, one vector out',
  attention: 'attention: dot-product attention reversing 20 items',
  teacherForcing: 'teacherForcing: 1 to 5 items, decoded greedily up to END',
};

/** What the page needs to know of a family's inputs, read from its preset. */
export interface FamilySizes {
  /** Items per window (teacher forcing: the longest input, `maxLength`). */
  nIn: number;
  /** Ids are integers in `[0, nUnique)`. */
  nUnique: number;
  /** The shortest sequence the table can show (a window, one item for padded framing). */
  minLength: number;
  /** The longest sequence the page accepts from the user. */
  maxLength: number;
}

/** The factories' defaults (`CommonModelOptions`): windows of 5, ids in 0..99. */
const DEFAULT_N_IN = 5;
const DEFAULT_N_UNIQUE = 100;
/** The longest sequence a user may type for a windowed family (its table gets long). */
const MAX_TYPED_LENGTH = 120;

/** The sizes of `family`'s inputs, from its preset's model options and the defaults. */
export function familySizes(family: EchoFamily): FamilySizes {
  if (family === 'teacherForcing') {
    const { maxLength = 8, nUnique = 20 } = familyPresets.teacherForcing.model;
    return { nIn: maxLength, nUnique, minLength: 1, maxLength };
  }
  const model: { nIn?: number | undefined; nUnique?: number | undefined; masking?: unknown } =
    familyPresets[family].model;
  const nIn = model.nIn ?? DEFAULT_N_IN;
  return {
    nIn,
    nUnique: model.nUnique ?? DEFAULT_N_UNIQUE,
    minLength: model.masking === true ? 1 : nIn,
    maxLength: MAX_TYPED_LENGTH,
  };
}

/** Where the model of a finished run of `family` is saved (tfjs's IndexedDB handler). */
export const saveUrl = (family: EchoFamily): string => `indexeddb://seq-echo-demo-${family}`;

/** How many fresh sequences (teacher forcing: samples) the final evaluation uses. */
export const EVALUATION_SEQUENCES = 100;
export const EVALUATION_SAMPLES = 200;
/** How long the table's random sequence is for a windowed family (21 windows of 5). */
export const TABLE_LENGTH = 25;
/** How many random sequences the teacher-forcing table shows. */
export const TEACHER_FORCING_ROWS = 10;

const params = (): URLSearchParams => new URLSearchParams(location.search);

/** `?epochs=N` in the URL overrides the preset's epoch count (a long run to watch, or to stop). */
export function epochsFor(family: EchoFamily): number {
  const fromUrl = params().get('epochs');
  return fromUrl !== null && /^[1-9]\d{0,6}$/.test(fromUrl)
    ? Number(fromUrl)
    : familyPresets[family].train.epochs;
}

/**
 * The run's target accuracy: the preset's (every family preset stops at 99%), or none with
 * `?target=none` in the URL, so that a run trains all its epochs (one to watch, or to stop).
 */
export function targetFor(family: EchoFamily): number | undefined {
  return params().get('target') === 'none' ? undefined : familyPresets[family].train.targetAccuracy;
}

/**
 * `?seed=N` in the URL, else a random seed (shown in the detail line, so a run can be repeated).
 * It seeds the model's weights, the training and evaluation sequences, and the table's sequence.
 */
export function chooseSeed(): number {
  const fromUrl = params().get('seed');
  if (fromUrl !== null && /^\d+$/.test(fromUrl)) return Number(fromUrl);
  return Math.floor(Math.random() * 1_000_000);
}
