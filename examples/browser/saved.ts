/**
 * Saving and loading: each finished run's model goes to IndexedDB, one slot per family
 * (`indexeddb://seq-echo-demo-<family>`), saved by the training worker with `saveEchoModel`
 * (teacher forcing's three models with `saveTeacherForcing`), and what the page showed for it
 * (see {@link SavedRun}) to the page's localStorage (workers have none), so that "Load saved
 * model" can check the loaded model's predictions, also after a reload.
 */
import type { EchoFamily } from '../../src/index';
import { call } from './client';
import type { Accuracies } from './protocol';
import { saveUrl } from './settings';
import { clock, setSaved } from './view';

export { saveUrl };
/** The localStorage key of what the saved run of `family` showed (see {@link SavedRun}). */
const recordKey = (family: EchoFamily): string => `seq-echo-demo:saved-run:${family}`;

/**
 * What the page showed for the saved model, kept in localStorage next to it: after a reload the
 * page has nothing else to compare the loaded model with. `predicted` holds the table's
 * predictions, row by row, on `sequences`.
 */
export interface SavedRun {
  url: string;
  family: EchoFamily;
  seed: number;
  epochs: number;
  /** The seed of the evaluation's sequences, and what the evaluation measured. */
  evaluationSeed: number;
  evaluation: Accuracies;
  sequences: number[][];
  predicted: number[][];
  savedAt: string;
}

const isIntArray = (value: unknown): value is number[] =>
  Array.isArray(value) && value.every((v) => Number.isInteger(v));
const isIntArrays = (value: unknown): value is number[][] =>
  Array.isArray(value) && value.every(isIntArray);

/** The saved run's record of `family`, or `undefined` when there is none or it is not valid. */
export function readSavedRun(family: EchoFamily): SavedRun | undefined {
  let value: unknown;
  try {
    value = JSON.parse(localStorage.getItem(recordKey(family)) ?? 'null');
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const run = value as Partial<Record<keyof SavedRun, unknown>>;
  const evaluation = run.evaluation as Partial<Accuracies> | null | undefined;
  const ok =
    run.url === saveUrl(family) &&
    run.family === family &&
    Number.isInteger(run.seed) &&
    Number.isInteger(run.epochs) &&
    Number.isInteger(run.evaluationSeed) &&
    typeof evaluation?.accuracy === 'number' &&
    typeof evaluation.sequenceAccuracy === 'number' &&
    isIntArrays(run.sequences) &&
    isIntArrays(run.predicted) &&
    typeof run.savedAt === 'string';
  return ok ? (value as SavedRun) : undefined;
}

/** `seed 1, 55 epochs, saved at 1:41:53 PM`. */
export function describeSavedRun(saved: SavedRun): string {
  return `seed ${saved.seed}, ${saved.epochs} epochs, saved at ${clock(saved.savedAt)}`;
}

/** The families whose model tfjs's model store holds (the worker lists them). */
export async function savedFamilies(): Promise<Set<EchoFamily>> {
  try {
    return new Set(await call('listSaved', {}));
  } catch (error) {
    console.warn(`demo: could not list the saved models: ${String(error)}`);
    return new Set();
  }
}

/** The save line for the selected family: what is saved, or where a run will be. */
export function showSavedLine(family: EchoFamily, saved: boolean): void {
  const record = saved ? readSavedRun(family) : undefined;
  if (saved) {
    setSaved(
      'found',
      `a saved ${family} model is in ${saveUrl(family)}` +
        (record ? ` (${describeSavedRun(record)})` : ''),
    );
  } else {
    setSaved('none', `each finished ${family} run is saved to ${saveUrl(family)}`);
  }
}

const kilobytes = (bytes: number): string => `${(bytes / 1024).toFixed(1)} kB`;

/**
 * Has the worker save the model of a finished run of `family` to its slot, and keeps what the
 * page showed for it in localStorage. A failure is shown on the save line; the run's own
 * status stands.
 */
export async function saveRun(
  family: EchoFamily,
  record: Omit<SavedRun, 'url' | 'savedAt' | 'family'>,
): Promise<boolean> {
  const url = saveUrl(family);
  setSaved('saving', `saving to ${url}…`);
  try {
    // The record describes the model in IndexedDB: none while that model is being replaced.
    localStorage.removeItem(recordKey(family));
    const info = await call('save', { url });
    const savedAt = new Date().toISOString();
    const run: SavedRun = { url, family, ...record, savedAt };
    localStorage.setItem(recordKey(family), JSON.stringify(run));
    setSaved(
      'saved',
      `saved to ${url} (topology ${kilobytes(info.topologyBytes)}, weights ` +
        `${kilobytes(info.weightBytes)}, at ${clock(savedAt)}); "Load saved model" ` +
        'brings it back, also after a reload',
    );
    return true;
  } catch (error) {
    console.error(error);
    const message = error instanceof Error ? error.message : String(error);
    setSaved('error', `could not save to ${url}: ${message}`);
    return false;
  }
}
