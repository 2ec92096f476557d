/**
 * Unknown option keys are refused, naming the function and the key, by every public function
 * that takes an options object: a misspelt option (`epoch` for `epochs`) is an error, never
 * silently ignored. Each refusal comes before any tensor is made or any weight changes.
 */
import { assertKnownKeys, optionKeys } from '../src/internal/assert';

describe('assertKnownKeys and optionKeys', () => {
  const allowed = optionKeys<{ alpha?: number; beta?: string }>()(['alpha', 'beta']);

  it('passes known keys and leaves anything but an options object to other checks', () => {
    for (const value of [undefined, null, 3, 'alpha', ['x'], {}, { alpha: 1, beta: 'b' }]) {
      expect(() => {
        assertKnownKeys('f', 'options', value, allowed);
      }).not.toThrow();
    }
  });

  it('keeps the message short, whatever the key or the number of allowed keys', () => {
    const long = 'k'.repeat(10_000);
    const many = Array.from({ length: 500 }, (_, i) => `key${i}`);
    let text = '';
    try {
      assertKnownKeys('f', 'options', { [long]: 1 }, many);
    } catch (error) {
      expect(error).toBeInstanceOf(RangeError);
      text = (error as Error).message;
    }
    expect(text).toMatch(/^f: options has an unknown key "k{40}…"; expected one of: key0, /);
    expect(text).toContain(', and 480 more');
    expect(text.length).toBeLessThan(300);
  });

  it('optionKeys lists every key of the interface, or the code does not compile', () => {
    interface Options {
      a?: number;
      b?: string;
    }
    expect(optionKeys<Options>()(['a', 'b'])).toEqual(['a', 'b']);
    // @ts-expect-error -- 'b' is missing
    optionKeys<Options>()(['a']);
    // @ts-expect-error -- 'c' is no key of Options
    optionKeys<Options>()(['a', 'b', 'c']);
  });
});
