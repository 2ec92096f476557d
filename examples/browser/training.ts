/**
 * Start and Stop: trains model A with `trainEcho`, feeding the counters and the chart after
 * every epoch, then evaluates the trained model, shows the Expected/Predicted table and saves
 * the run (saved.ts).
 */
import * as tf from '@tensorflow/tfjs';
import {
  buildSeq2Seq,
  evaluateEcho,
  generateSequence,
  predictEcho,
  trainEcho,
  type TrainEchoResult,
} from '../../src/index';
import { plotRun, redrawChart, type Run } from './chart';
import { givePageATurn, nextFrame } from './pacing';
import { saveRun } from './saved';
import {
  chooseSeed,
  epochsFor,
  EVALUATION_SEQUENCES,
  recipes,
  TABLE_LENGTH,
  type PresetName,
} from './settings';
import { disposeModel, page, setRunning } from './state';
import { showThreads } from './threads';
import {
  percent,
  seconds,
  selectedPreset,
  setStatus,
  showEpoch,
  showError,
  showResults,
  showTrainingStarted,
  ui,
} from './view';

function stopSummary(result: TrainEchoResult): string {
  const why =
    result.stopReason === 'targetAccuracy'
      ? `reached the target accuracy after ${result.epochs} epochs`
      : result.stopReason === 'aborted'
        ? `stopped after ${result.epochs} epochs`
        : `trained all ${result.epochs} epochs`;
  const last = result.evaluations.filter((e) => e.complete).at(-1);
  const check = last ? `; last check on fresh sequences ${percent(last.accuracy)}` : '';
  return `${why} in ${seconds(result.elapsedMs)}${check}`;
}

/** "Start": trains the selected preset, then evaluates, shows and saves what it learned. */
export async function start(): Promise<void> {
  if (page.controller || page.restoring) return;
  const name = selectedPreset();
  const preset = recipes[name];
  const seed = chooseSeed();
  const controller = (page.controller = new AbortController());
  setRunning(true);
  showTrainingStarted(`preset ${name}, seed ${seed}, tfjs backend ${tf.getBackend()}`);
  const current: Run = {
    preset: name,
    maxEpochs: epochsFor(preset),
    open: preset.train.targetAccuracy !== undefined,
    loss: [],
    accuracy: [],
    evaluations: [],
  };
  plotRun(current);

  try {
    disposeModel();
    const model = buildSeq2Seq({ ...preset.model, seed });
    page.model = model;
    const result = await trainEcho(model, {
      ...preset.train,
      epochs: epochsFor(preset),
      seed,
      signal: controller.signal,
      onEpochEnd: async (log) => {
        current.loss.push(log.loss);
        current.accuracy.push(log.accuracy);
        showEpoch(log);
        redrawChart();
        await givePageATurn();
      },
    });
    ui.stop.disabled = true; // nothing left to stop: the evaluation below takes a moment
    current.evaluations = result.evaluations;
    showThreads(result.threads);
    ui.elapsed.textContent = seconds(result.elapsedMs);
    const summary = stopSummary(result);
    setStatus('evaluating', summary);
    redrawChart();
    await nextFrame();
    await finishRun(model, name, seed, result, summary);
  } catch (error) {
    showError(error);
  } finally {
    page.controller = undefined;
    setRunning(false);
  }
}

/** After training: the evaluation and the table, then the save, then `done` or `stopped`. */
async function finishRun(
  model: tf.LayersModel,
  preset: PresetName,
  seed: number,
  result: TrainEchoResult,
  summary: string,
): Promise<void> {
  // Seeded, so that a reload with the same ?seed shows the same table, and the saved model
  // can be checked on the same sequences after a reload.
  const evaluationSeed = seed + 1;
  const evaluation = await evaluateEcho(model, {
    sequences: EVALUATION_SEQUENCES,
    seed: evaluationSeed,
  });
  const sequence = generateSequence(TABLE_LENGTH, { seed });
  const rows = predictEcho(model, sequence);
  showResults(evaluation, rows);

  setStatus('saving', summary);
  await nextFrame();
  const saved = await saveRun(model, {
    preset,
    seed,
    epochs: result.epochs,
    evaluationSeed,
    evaluation: { accuracy: evaluation.accuracy, sequenceAccuracy: evaluation.sequenceAccuracy },
    sequence,
    predicted: rows.map((row) => row.predicted),
  });
  if (saved) page.hasSavedModel = true;
  setStatus(result.stopReason === 'aborted' ? 'stopped' : 'done', summary);
}

/** "Stop": aborts the run while it trains (not while it evaluates or saves). */
export function stop(): void {
  const { controller } = page;
  if (!controller || controller.signal.aborted || document.body.dataset.status !== 'training') {
    return;
  }
  controller.abort();
  setStatus('stopping');
}
