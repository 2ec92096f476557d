/**
 * Teacher forcing's greedy decoding, step by step, as the training worker decoded it
 * (decode.ts): from START, each step's token and its softmax probability, up to END. The page
 * checks that the steps chose what `decodeGreedy` returns. Hooks for tests on the section:
 * `data-tokens` (comma-separated, `END` last when reached), `data-agrees` (whether the tokens
 * before END are `decodeGreedy`'s) and `data-sequence`.
 */
import type { ModelView } from './protocol';
import { ui } from './view';

/** The decoding the worker posts with a teacher-forcing model's view. */
type DecodeView = NonNullable<ModelView['steps']>;

/** Shows the steps of decoding `sequence`, and whether they agree with `decodeGreedy`. */
export function showDecodeSteps({ sequence, steps, greedy, reverse }: DecodeView): void {
  const items = steps.flatMap((s) => (s.token === 'END' ? [] : [s.token]));
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
      const expected = reverse ? [...sequence].reverse()[i] : sequence[i];
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
