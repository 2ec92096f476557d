/**
 * What a saved model is, in words, for `seq-echo evaluate` and `predict`: its family (from its
 * layers, as the factories build them), its task and how it reads its input, so that a printout
 * names a reverse model's answers "reversed" and an attention model "attention", not "other
 * architecture". Pure functions from the model's layer classes and its seq-echo metadata.
 */
import type { EchoModelMetadata, EchoTask } from '../index';

/** The parts of a model `modelFamily` reads: its layers' class names and its input count. */
export interface ModelLayout {
  /** `getClassName()` of each layer, in order (tfjs's `InputLayer` left out). */
  classes: readonly string[];
  /** How many inputs the model takes (teacher forcing: two). */
  inputs: number;
}

/** The family of each layer stack the factories build, by its class names (Masking left out). */
const FAMILIES: readonly { stack: string; name: string }[] = [
  { stack: 'LSTM,TimeDistributed', name: 'seq2seq (model A)' },
  { stack: 'LSTM,RepeatVector,LSTM,TimeDistributed', name: 'encoder-decoder (model B)' },
  { stack: 'Reshape,LSTM,Dense,Reshape,Softmax', name: 'one-to-one' },
  { stack: 'LSTM,Dense,Reshape,Softmax', name: 'many-to-one' },
];

/**
 * The model's family in words: `'seq2seq (model A)'`, `'encoder-decoder (model B)'` (with
 * `'stacked'` for more LSTMs), `'one-to-one'`, `'many-to-one'`, `'attention'` (`'attention,
 * LSTM encoder'`), `'teacher forcing'`, each with `', masked'` when it has a Masking layer; or
 * `'another layer stack (…)'` naming the classes.
 *
 * @example
 * ```ts
 * modelFamily({ classes: ['LSTM', 'RepeatVector', 'LSTM', 'TimeDistributed'], inputs: 1 });
 * // 'encoder-decoder (model B)'
 * ```
 */
export function modelFamily(layout: ModelLayout): string {
  const classes = layout.classes.filter((c) => c !== 'InputLayer');
  const masked = classes.includes('Masking') ? ', masked' : '';
  const stack = classes.filter((c) => c !== 'Masking');
  if (layout.inputs > 1) return `teacher forcing${masked}`;
  if (stack.includes('SeqEchoDotAttention')) {
    return `attention${stack.includes('LSTM') ? ', LSTM encoder' : ''}${masked}`;
  }
  const known = FAMILIES.find((f) => f.stack === stack.join());
  if (known) return `${known.name}${masked}`;
  // More LSTMs before RepeatVector, after it, or both.
  const text = stack.join();
  if (/^(LSTM,)+RepeatVector,(LSTM,)+TimeDistributed$/.test(text)) {
    return `encoder-decoder (model B), stacked${masked}`;
  }
  if (/^(LSTM,)+TimeDistributed$/.test(text)) return `seq2seq (model A), stacked${masked}`;
  return `another layer stack (${classes.join(', ')})`;
}

/** What a model's answer to a window is, as the table's count says it: echoed or reversed. */
export const answered = (task: EchoTask): string => (task === 'reverse' ? 'reversed' : 'echoed');

/**
 * A saved model in one line: its family, task, input and batching, and the seq-echo that saved
 * it: `encoder-decoder (model B), reverse: nIn 5, nOut 5, nUnique 100, one-hot, stateless; saved
 * by seq-echo 0.1.0`.
 *
 * @example
 * ```ts
 * formatModelInfo(metadata, 'seq2seq (model A)');
 * // 'seq2seq (model A), echo: nIn 5, nOut 5, nUnique 100, one-hot, stateful, batch 7; saved by seq-echo 0.1.0'
 * ```
 */
export function formatModelInfo(metadata: EchoModelMetadata, family: string): string {
  const batching = metadata.stateful ? `stateful, batch ${metadata.batchSize ?? '?'}` : 'stateless';
  return (
    `${family}, ${metadata.task}: nIn ${metadata.nIn}, nOut ${metadata.nOut}, ` +
    `nUnique ${metadata.nUnique}, ${metadata.representation}, ${batching}; ` +
    `saved by seq-echo ${metadata.libraryVersion}`
  );
}
