/**
 * Teacher forcing's greedy decoding, step by step (in the training worker): the encoder reads
 * the sequence once, then the one-step decoder (`models.decoder`) runs from START, fed each
 * step the token it chose, until it chooses END. This is `decodeGreedy`'s loop written out
 * with the inference models so that each token's softmax probability can be shown; the page
 * (steps.ts) checks that it chose what `decodeGreedy` returns.
 */
import * as tf from '@tensorflow/tfjs';
import type { TeacherForcingModels } from '../../src/index';
import type { DecodeStep } from './protocol';

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
