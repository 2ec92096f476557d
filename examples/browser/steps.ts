/**
 * Teacher forcing's greedy decoding, step by step: the encoder reads the sequence once, then
 * the one-step decoder (`models.decoder`) runs from START, fed each step the token it chose,
 * until it chooses END; each step shows the token and its softmax probability. This is
 * `decodeGreedy`'s loop written out with the inference models so that the probabilities can be
 * shown; the page checks that it chose what `decodeGreedy` returns. Hooks for tests on the
 * section: `data-tokens` (comma-separated, `END` last when reached), `data-agrees` (whether the
 * tokens before END are `decodeGreedy`'s) and `data-sequence`.
 */
import * as tf from '@tensorflow/tfjs';
import { decodeGreedy, type TeacherForcingModels } from '../../src/index';
import { ui } from './view';

/** One decoder step: the token chosen (its id, or END) and its probability. */
export interface DecodeStep {
  token: number | 'END';
  probability: number;
}

/**
 * Decodes `sequence` greedily with the inference models, up to END or `maxLength + 1` items
 * (decodeGreedy's default limit), returning every step; every tensor is freed.
 */
export function decodeWithProbabilities(
  models: TeacherForcingModels,
  sequence: readonly number[],
): DecodeStep[] {
  const { maxLength, nUnique, startId, endId } = models;
  const steps: DecodeStep[] = [];
  // tidy frees every tensor made inside, the models' outputs included.
  tf.tidy(() => {
    // The encoder reads the items padded in front (all-zero rows), as training frames them.
    const input = tf.buffer([1, maxLength, nUnique]);
    sequence.forEach((id, t) => {
      input.set(1, 0, maxLength - sequence.length + t, id);
    });
    let [h, c] = models.encoder.predict(input.toTensor()) as tf.Tensor[];
    let previous = startId;
    for (let step = 0; step <= maxLength; step++) {
      const token = tf.oneHot(tf.tensor1d([previous], 'int32'), nUnique + 1).reshape([1, 1, -1]);
      const [p, h2, c2] = models.decoder.predict([token, h!, c!]) as tf.Tensor[];
      [h, c] = [h2, c2];
      const probabilities = p!.dataSync();
      let best = 0;
      probabilities.forEach((value, i) => {
        if (value > (probabilities[best] ?? -1)) best = i;
      });
      const probability = probabilities[best] ?? 0;
      if (best === endId) {
        steps.push({ token: 'END', probability });
        break;
      }
      steps.push({ token: best, probability });
      previous = best;
    }
  });
  return steps;
}

/** Shows the steps of decoding `sequence`, and whether they agree with `decodeGreedy`. */
export function showDecodeSteps(models: TeacherForcingModels, sequence: number[]): void {
  const steps = decodeWithProbabilities(models, sequence);
  const items = steps.flatMap((s) => (s.token === 'END' ? [] : [s.token]));
  const greedy = decodeGreedy(models, sequence);
  const agrees = greedy.join(',') === items.join(',');
  const section = ui.steps;
  section.dataset.sequence = sequence.join(',');
  section.dataset.tokens = steps.map((s) => String(s.token)).join(',');
  section.dataset.agrees = String(agrees);
  const ended = steps.at(-1)?.token === 'END';
  ui.stepsCaption.textContent =
    `Decoding ${sequence.join(' ')} from START, one decoder step at a time, each fed the ` +
    `token it chose: ${ended ? `END after ${items.length} item${items.length === 1 ? '' : 's'}` : `no END within ${steps.length} steps`}` +
    (agrees
      ? '; decodeGreedy returns the same items.'
      : `; decodeGreedy returns ${greedy.join(' ')}.`);
  ui.stepsList.replaceChildren(
    ...steps.map((step, i) => {
      const li = document.createElement('li');
      const expected = models.task === 'reverse' ? [...sequence].reverse()[i] : sequence[i];
      const right = step.token === 'END' ? i === sequence.length : step.token === expected;
      li.className = right ? 'right' : 'wrong';
      li.dataset.testid = 'decode-step';
      li.dataset.step = String(i + 1);
      const token = document.createElement('b');
      token.textContent = String(step.token);
      li.append(token, ` p = ${step.probability.toFixed(3)}`);
      return li;
    }),
  );
  section.hidden = false;
}
