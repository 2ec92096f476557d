/**
 * Input checks shared by every public function. Each one throws before any tensor is made or
 * any weight is touched, with a message of the form
 * `fn: parameter must be <expected>, but received <value>`.
 *
 * Never exported from the package.
 */

/** A short, readable rendering of any value for an error message. */
export function showValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') {
    if (Object.is(value, -0)) return '-0';
    return String(value);
  }
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'bigint') return `${String(value)}n`;
  if (typeof value === 'boolean' || typeof value === 'symbol') return String(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  const ctor = (value as { constructor?: { name?: unknown } }).constructor;
  const name = typeof ctor?.name === 'string' ? ctor.name : 'Object';
  return name === 'Object' ? 'an object' : `a ${name}`;
}

/** Builds the library's standard message. */
export function message(fn: string, param: string, expected: string, value: unknown): string {
  return `${fn}: ${param} must be ${expected}, but received ${showValue(value)}`;
}

/** Throws a `TypeError` when `value` is not a finite number, a `RangeError` when out of range. */
export function assertInteger(
  fn: string,
  param: string,
  value: unknown,
  { min = -Infinity, max = Infinity }: { min?: number; max?: number } = {},
): asserts value is number {
  const expected =
    min === -Infinity && max === Infinity
      ? 'an integer'
      : max === Infinity
        ? `an integer >= ${min}`
        : min === -Infinity
          ? `an integer <= ${max}`
          : `an integer in [${min}, ${max}]`;
  if (typeof value !== 'number') throw new TypeError(message(fn, param, expected, value));
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(message(fn, param, expected, value));
  }
}

/** Throws unless `value` is a finite number in the inclusive range. */
export function assertNumber(
  fn: string,
  param: string,
  value: unknown,
  { min, max, minExclusive = false }: { min: number; max: number; minExclusive?: boolean },
): asserts value is number {
  const expected = `a number in ${minExclusive ? '(' : '['}${min}, ${max}]`;
  if (typeof value !== 'number') throw new TypeError(message(fn, param, expected, value));
  const aboveMin = minExclusive ? value > min : value >= min;
  if (!(aboveMin && value <= max)) throw new RangeError(message(fn, param, expected, value));
}

/** Throws a `TypeError` unless `value` is a plain options object (or undefined). */
export function assertOptions(fn: string, param: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(message(fn, param, 'an options object', value));
  }
}

/** Throws a `TypeError` unless `value` is a boolean (or undefined when optional). */
export function assertBoolean(fn: string, param: string, value: unknown): asserts value is boolean {
  if (typeof value !== 'boolean') throw new TypeError(message(fn, param, 'a boolean', value));
}

/** Throws a `TypeError` unless `value` is a function. */
export function assertFunction(fn: string, param: string, value: unknown): void {
  if (typeof value !== 'function') throw new TypeError(message(fn, param, 'a function', value));
}

/**
 * Checks a sequence of integer ids in `[0, nUnique)`. Accepts any array-like of numbers
 * (plain arrays and typed arrays) and reports the first bad element by index.
 */
export function assertSequence(
  fn: string,
  param: string,
  value: unknown,
  nUnique: number,
): asserts value is ArrayLike<number> {
  if (!Array.isArray(value) && !(ArrayBuffer.isView(value) && !(value instanceof DataView))) {
    throw new TypeError(message(fn, param, 'an array of integers', value));
  }
  const items = value as ArrayLike<unknown>;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (typeof item !== 'number') {
      throw new TypeError(message(fn, `${param}[${i}]`, `an integer in [0, ${nUnique})`, item));
    }
    if (!Number.isInteger(item) || item < 0 || item >= nUnique) {
      throw new RangeError(message(fn, `${param}[${i}]`, `an integer in [0, ${nUnique})`, item));
    }
  }
}

/**
 * Checks a non-ragged 2-D array of finite numbers with at least one column, and returns its
 * number of columns (0 when it has no rows).
 */
export function assertMatrix(fn: string, param: string, value: unknown): number {
  if (!Array.isArray(value)) {
    throw new TypeError(message(fn, param, 'a 2-D array of numbers', value));
  }
  let width = -1;
  for (let r = 0; r < value.length; r++) {
    const row: unknown = value[r];
    if (!Array.isArray(row) && !(ArrayBuffer.isView(row) && !(row instanceof DataView))) {
      throw new TypeError(message(fn, `${param}[${r}]`, 'an array of numbers', row));
    }
    const cells = row as ArrayLike<unknown>;
    if (cells.length === 0) {
      throw new RangeError(message(fn, `${param}[${r}]`, 'a non-empty row', row));
    }
    if (width === -1) width = cells.length;
    else if (cells.length !== width) {
      throw new RangeError(
        message(
          fn,
          `${param}[${r}]`,
          `a row of length ${width} like ${param}[0] (no ragged rows)`,
          row,
        ),
      );
    }
    for (let c = 0; c < cells.length; c++) {
      const cell = cells[c];
      if (typeof cell !== 'number') {
        throw new TypeError(message(fn, `${param}[${r}][${c}]`, 'a finite number', cell));
      }
      if (!Number.isFinite(cell)) {
        throw new RangeError(message(fn, `${param}[${r}][${c}]`, 'a finite number', cell));
      }
    }
  }
  return width === -1 ? 0 : width;
}

/**
 * Throws unless `value` is one of `allowed` (listed as `'a', 'b' or 'c'`): a `TypeError` when it
 * is not a string at all, a `RangeError` when it is a string that is not allowed.
 */
export function assertOneOf<T extends string>(
  fn: string,
  param: string,
  value: unknown,
  allowed: readonly T[],
): asserts value is T {
  if ((allowed as readonly unknown[]).includes(value)) return;
  const quoted = allowed.map((a) => `'${a}'`);
  const expected =
    quoted.length > 1
      ? `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]!}`
      : quoted.join('');
  throw new (typeof value === 'string' ? RangeError : TypeError)(
    message(fn, param, expected, value),
  );
}

/** What an echo model answers: its window's items oldest first, or newest first. */
export const ECHO_TASKS = ['echo', 'reverse'] as const;

/** {@link assertOneOf} for a task: `'echo'` or `'reverse'`. */
export function assertTask(
  fn: string,
  param: string,
  value: unknown,
): asserts value is (typeof ECHO_TASKS)[number] {
  assertOneOf(fn, param, value, ECHO_TASKS);
}

/**
 * Checks an output length against its window: an integer `nOut` in `[1, nIn]`. `nInParam` is
 * how the message names the window's length (`'nIn'` or `'options.nIn'`).
 */
export function assertOutputLength(
  fn: string,
  param: string,
  nOut: unknown,
  nIn: number,
  nInParam: string,
): asserts nOut is number {
  assertInteger(fn, param, nOut, { min: 1 });
  if (nOut > nIn)
    throw new RangeError(message(fn, param, `an integer <= ${nInParam} (${nIn})`, nOut));
}

/** Whether `value` is a plain object (not null, not an array): a record of named fields. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Throws a `TypeError` unless `value` is an `AbortSignal` (anything with a boolean `aborted`). */
export function assertAbortSignal(
  fn: string,
  param: string,
  value: unknown,
): asserts value is AbortSignal {
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof (value as { aborted?: unknown }).aborted !== 'boolean'
  ) {
    throw new TypeError(message(fn, param, 'an AbortSignal', value));
  }
}

/**
 * The option keys of an options interface `T`, listed once so that they cannot drift: the
 * list may name only keys of `T` and must name every one of them, or the call does not
 * compile (the error names the missing keys). Returns `keys` itself.
 *
 * @example
 * ```ts
 * interface Options { a?: number; b?: string }
 * const KEYS = optionKeys<Options>()(['a', 'b']); // readonly ['a', 'b']
 * optionKeys<Options>()(['a']); // compile error: { missingKeys: 'b' }
 * ```
 */
export function optionKeys<T>() {
  return <const K extends readonly (keyof T & string)[]>(
    keys: K &
      ([Exclude<keyof T, K[number]>] extends [never]
        ? unknown
        : { missingKeys: Exclude<keyof T, K[number]> }),
  ): K => keys;
}

/** Most allowed keys an unknown-key message lists before it says how many more there are. */
const LISTED_KEYS = 20;

/** The edit distance between two short strings (for "did you mean"). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(substitution, (previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * Throws a `RangeError` when the options object `value` has an own key that is not in
 * `allowed`: a misspelt option (`epoch` for `epochs`) would otherwise be ignored without a
 * word. The message names the function, the parameter and the key, suggests the nearest
 * allowed key, and lists the allowed ones (bounded: long keys are cut, at most 20 listed).
 * Anything that is not an options object (`undefined`, `null`, an array, a number) is left
 * to the caller's own checks, which throw a `TypeError` for it.
 */
export function assertKnownKeys(
  fn: string,
  param: string,
  value: unknown,
  allowed: readonly string[],
): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
  for (const key of Object.keys(value)) {
    if (allowed.includes(key)) continue;
    let nearest: string | undefined;
    let best = Infinity;
    if (key.length <= 40) {
      for (const candidate of allowed) {
        const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
        if (distance < best) [nearest, best] = [candidate, distance];
      }
    }
    const hint =
      nearest !== undefined && best <= Math.max(1, Math.floor(nearest.length / 3))
        ? ` (did you mean "${nearest}"?)`
        : '';
    const listed = allowed.slice(0, LISTED_KEYS).join(', ');
    const more = allowed.length > LISTED_KEYS ? `, and ${allowed.length - LISTED_KEYS} more` : '';
    throw new RangeError(
      `${fn}: ${param} has an unknown key ${showValue(key)}${hint}; expected one of: ${listed}${more}`,
    );
  }
}
