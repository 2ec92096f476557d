type ErrorType = typeof TypeError | typeof RangeError;

/**
 * Checks an error the way every public function of seq-echo promises to throw it: the right
 * type, a message that starts with the function's name and names the parameter and (when
 * given) the value received.
 */
function checkError(
  caught: unknown,
  type: ErrorType,
  fn: string,
  param: string,
  received: string | undefined,
): void {
  expect(caught).toBeInstanceOf(type);
  const text = (caught as Error).message;
  expect(text.startsWith(`${fn}: `)).toBe(true);
  expect(text).toContain(param);
  if (received !== undefined) expect(text).toContain(`received ${received}`);
}

/** Asserts that `run` throws as {@link checkError} describes. */
export function expectError(
  run: () => unknown,
  type: ErrorType,
  fn: string,
  param: string,
  received?: string,
): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  checkError(caught, type, fn, param, received);
}

/** Asserts that the promise from `run` rejects as {@link checkError} describes. */
export async function expectRejection(
  run: () => Promise<unknown>,
  type: ErrorType,
  fn: string,
  param: string,
  received?: string,
): Promise<void> {
  let caught: unknown;
  try {
    await run();
  } catch (error) {
    caught = error;
  }
  checkError(caught, type, fn, param, received);
}

/**
 * Asserts that `run` rejects with exactly `type` (a plain `Error` is neither a TypeError nor a
 * RangeError), a message starting `fn: ` and holding every part.
 */
export async function expectFailure(
  run: () => Promise<unknown>,
  type: ErrorConstructor | TypeErrorConstructor | RangeErrorConstructor,
  fn: string,
  ...parts: string[]
): Promise<void> {
  const caught = await run().then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(caught).toBeInstanceOf(type);
  if (type === Error) {
    expect(caught).not.toBeInstanceOf(TypeError);
    expect(caught).not.toBeInstanceOf(RangeError);
  }
  const text = (caught as Error).message;
  expect(text.startsWith(`${fn}: `)).toBe(true);
  for (const part of parts) expect(text).toContain(part);
}
