import { assertSequence, showValue, message } from '../internal/assert';

/**
 * A fixed two-way mapping between tokens (characters, words, any strings) and the integer ids
 * `0 .. size - 1` that seq-echo's data functions and models work with, so the same models echo
 * text. Made by {@link createVocabulary}; frozen.
 */
export interface Vocabulary {
  /** The tokens in id order: `tokens[id]` is the token with that id. */
  readonly tokens: readonly string[];
  /** How many tokens there are: the `nUnique` to build models and draw sequences with. */
  readonly size: number;
  /**
   * The ids of `tokens`, in order. A string is split into its characters (Unicode code
   * points); an array is taken token by token.
   *
   * @throws RangeError naming the first token that is not in the vocabulary; TypeError when
   *   `tokens` is neither a string nor an array of strings.
   */
  encode(tokens: string | readonly string[]): number[];
  /**
   * The tokens of `ids`, in order (join them with `''` for characters, `' '` for words).
   *
   * @throws RangeError for an id outside `[0, size)` or not whole; TypeError when `ids` is
   *   not an array of numbers.
   */
  decode(ids: ArrayLike<number>): string[];
}

/** Most tokens a vocabulary may hold: as many as {@link oneHotEncode} accepts as `nUnique`. */
const MAX_TOKENS = 2 ** 24;

/**
 * Makes a {@link Vocabulary} from its tokens, given in id order: `tokens[0]` gets id 0, and
 * so on. Use it to echo (or, with your own framing, transform) text: encode with
 * `vocabulary.encode`, build a model with `nUnique: vocabulary.size`, decode what
 * {@link predictEcho} predicts with `vocabulary.decode`.
 *
 * @param tokens - At least 2 distinct strings (the empty string is a token like any other).
 *   Tip: `Array.from(new Set(text))` gives the characters of a text in order of appearance.
 * @returns A frozen vocabulary; it keeps its own copy of `tokens`.
 * @throws TypeError when `tokens` is not an array of strings; RangeError for fewer than 2
 *   tokens, more than 2^24, or a token that appears twice (naming it and both positions).
 *
 * @example
 * ```ts
 * import { createVocabulary } from 'seq-echo';
 *
 * const letters = createVocabulary(Array.from('abcdefghijklmnopqrstuvwxyz '));
 * console.log(letters.size); // 27
 * console.log(letters.encode('echo me')); // [4, 2, 7, 14, 26, 12, 4]
 * console.log(letters.decode([7, 8]).join('')); // hi
 *
 * const words = createVocabulary(['the', 'cat', 'sat']);
 * console.log(words.encode(['cat', 'sat'])); // [1, 2]
 * ```
 */
export function createVocabulary(tokens: readonly string[]): Vocabulary {
  const fn = 'createVocabulary';
  if (!Array.isArray(tokens)) {
    throw new TypeError(message(fn, 'tokens', 'an array of strings', tokens));
  }
  if (tokens.length < 2 || tokens.length > MAX_TOKENS) {
    throw new RangeError(
      message(fn, 'tokens', `an array of 2 to ${MAX_TOKENS} distinct strings`, tokens),
    );
  }
  const ids = new Map<string, number>();
  const list: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token: unknown = tokens[i];
    if (typeof token !== 'string') {
      throw new TypeError(message(fn, `tokens[${i}]`, 'a string', token));
    }
    const first = ids.get(token);
    if (first !== undefined) {
      throw new RangeError(
        message(fn, `tokens[${i}]`, `a token not already at tokens[${first}]`, token),
      );
    }
    ids.set(token, i);
    list.push(token);
  }
  Object.freeze(list);

  const known = (): string => {
    const shown = list.slice(0, 5).map((t) => showValue(t));
    return `one of ${shown.join(', ')}${list.length > 5 ? `, … (${list.length} tokens)` : ''}`;
  };

  const encode = (input: string | readonly string[]): number[] => {
    const name = 'Vocabulary.encode';
    let items: readonly unknown[];
    if (typeof input === 'string') items = Array.from(input);
    else if (Array.isArray(input)) items = input;
    else throw new TypeError(message(name, 'tokens', 'a string or an array of strings', input));
    return items.map((token, i) => {
      if (typeof token !== 'string') {
        throw new TypeError(message(name, `tokens[${i}]`, 'a string', token));
      }
      const id = ids.get(token);
      if (id === undefined) {
        throw new RangeError(
          message(name, `tokens[${i}]`, `a token of the vocabulary (${known()})`, token),
        );
      }
      return id;
    });
  };

  const decode = (input: ArrayLike<number>): string[] => {
    assertSequence('Vocabulary.decode', 'ids', input, list.length);
    return Array.from(input, (id) => list[id] as string);
  };

  return Object.freeze({ tokens: list, size: list.length, encode, decode });
}
