/**
 * Start and Stop: trains the selected family with its preset (families.ts), feeding the
 * counters, the chart and the live view after every epoch, then evaluates the trained model,
 * shows the Expected/Predicted table and saves the run (saved.ts).
 */
import * as tf from '@tensorflow/tfjs';
import type { EchoFamily } from '../../src/index';
import { plotRun, redrawChart, type Run } from './chart';
import { buildFamily, evaluateFamily, trainFamily, type RunResult, type Trained } from './families';
import { currentSequences, refreshLive, refreshView, resetLive } from './live';
import { givePageATurn, nextFrame } from './pacing';
import { saveRun } from './saved';
import { chooseSeed, epochsFor, targetFor } from './settings';
import { disposeModel, page, setRunning } from './state';
import { markResults, showAccuracies } from './table';
import { showThreads } from './threads';
import {
  percent,
  seconds,
  selectedFamily,
  setStatus,
  showEpoch,
  showError,
  showTrainingStarted,
  ui,
} from './view';

function stopSummary(result: RunResult): string {
  const why =
    result.stopReason === 'targetAccuracy'
      ? `reached the target accuracy after ${result.epochs} epochs`
      : result.stopReason === 'aborted'
        ? `stopped after ${result.epochs} epochs`
        : `trained all ${result.epochs} epochs`;
  const last = result.evaluations.at(-1);
  const check = last ? `; last check on fresh sequences ${percent(last.accuracy)}` : '';
  const engine =
    result.engine === 'fused'
      ? "seq-echo's fused engine"
      : `tfjs's model.fit${result.fallbackReason ? ` (${result.fallbackReason})` : ''}`;
  return `${why} in ${seconds(result.elapsedMs)} on ${engine}${check}`;
}

/** "Start": trains the selected family, then evaluates, shows and saves what it learned. */
export async function start(): Promise<void> {
  if (page.controller || page.restoring) return;
  const family = selectedFamily();
  const seed = chooseSeed();
  const controller = (page.controller = new AbortController());
  setRunning(true);
  showTrainingStarted(`${family}, seed ${seed}, tfjs backend ${tf.getBackend()}`);
  const epochs = epochsFor(family);
  const targetAccuracy = targetFor(family);
  const current: Run = {
    maxEpochs: epochs,
    open: targetAccuracy !== undefined,
    loss: [],
    accuracy: [],
    evaluations: [],
  };
  plotRun(current);
  resetLive();

  try {
    disposeModel();
    const trained = buildFamily(family, seed);
    page.trained = trained;
    page.tableSeed = seed;
    showAccuracies(undefined);
    markResults(family);
    const result = await trainFamily(trained, {
      epochs,
      targetAccuracy,
      seed,
      signal: controller.signal,
      onEpochEnd: async (log) => {
        current.loss.push(log.loss);
        current.accuracy.push(log.accuracy);
        showEpoch(log);
        redrawChart();
        refreshLive(trained);
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
    await finishRun(trained, family, seed, result, summary);
  } catch (error) {
    showError(error);
  } finally {
    page.controller = undefined;
    setRunning(false);
  }
}

/** After training: the evaluation and the table, then the save, then `done` or `stopped`. */
async function finishRun(
  trained: Trained,
  family: EchoFamily,
  seed: number,
  result: RunResult,
  summary: string,
): Promise<void> {
  // Seeded, so that a reload with the same ?seed shows the same table, and the saved model
  // can be checked on the same sequences after a reload.
  const evaluationSeed = seed + 1;
  const evaluation = await evaluateFamily(trained, evaluationSeed);
  const sequences = currentSequences(trained);
  const rows = refreshView(trained, sequences, false);
  showAccuracies(evaluation);
  markResults(family, result);

  setStatus('saving', summary);
  await nextFrame();
  const saved = await saveRun(trained, {
    seed,
    epochs: result.epochs,
    evaluationSeed,
    evaluation,
    sequences,
    predicted: rows.map((row) => row.predicted),
  });
  if (saved) page.savedFamilies.add(family);
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
