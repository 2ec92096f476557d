/**
 * The table's sequences: a seeded random one (teacher forcing: several), or the one the user
 * typed, checked against the family's sizes with a message that says what is wrong.
 */
import { generateSequence } from '../../src/data/generateSequence';
import type { EchoFamily } from '../../src/index';
import { familySizes, TABLE_LENGTH, TEACHER_FORCING_ROWS } from './settings';

/** What {@link parseSequence} makes of the text field. */
export type ParsedSequence =
  { kind: 'empty' } | { kind: 'ok'; sequence: number[] } | { kind: 'error'; message: string };

/** What the family accepts, in words: `5 to 120 integers in 0..99`. */
export function acceptedText(family: EchoFamily): string {
  const { minLength, maxLength, nUnique } = familySizes(family);
  return `${minLength} to ${maxLength} integers in 0..${nUnique - 1}`;
}

/**
 * Reads the text field: integers separated by spaces or commas, each in the family's range,
 * as many as it accepts. Empty text means "a random sequence".
 */
export function parseSequence(text: string, family: EchoFamily): ParsedSequence {
  const tokens = text.split(/[\s,;]+/).filter((token) => token !== '');
  if (tokens.length === 0) return { kind: 'empty' };
  const { minLength, maxLength, nUnique } = familySizes(family);
  const wanted = `${family} takes ${acceptedText(family)}`;
  const bad = tokens.find((token) => !/^[+-]?\d+$/.test(token));
  if (bad !== undefined) {
    return { kind: 'error', message: `"${bad}" is not an integer; ${wanted}` };
  }
  const sequence = tokens.map(Number);
  const outside = sequence.findIndex((id) => id < 0 || id >= nUnique);
  if (outside >= 0) {
    return {
      kind: 'error',
      message: `${tokens[outside] ?? ''} (item ${outside + 1}) is outside 0..${nUnique - 1}; ${wanted}`,
    };
  }
  if (sequence.length < minLength || sequence.length > maxLength) {
    const count = `${sequence.length} integer${sequence.length === 1 ? '' : 's'}`;
    return { kind: 'error', message: `${count} given; ${wanted}` };
  }
  return { kind: 'ok', sequence };
}

/**
 * The table's sequences for `family`: `typed` if given; else one seeded random sequence of
 * {@link TABLE_LENGTH} (a windowed family), or {@link TEACHER_FORCING_ROWS} of lengths
 * `maxLength` down to 1, twice (teacher forcing).
 */
export function tableSequences(family: EchoFamily, seed: number, typed?: number[]): number[][] {
  if (typed) return [typed];
  const { nUnique, nIn } = familySizes(family);
  if (family !== 'teacherForcing') return [generateSequence(TABLE_LENGTH, { nUnique, seed })];
  // Longest first: the first sequence is the one the decoding steps show.
  const lengths = Array.from({ length: TEACHER_FORCING_ROWS }, (_, i) => nIn - (i % nIn));
  const items = generateSequence(
    lengths.reduce((a, b) => a + b, 0),
    { nUnique, seed },
  );
  let at = 0;
  return lengths.map((length) => items.slice(at, (at += length)));
}
