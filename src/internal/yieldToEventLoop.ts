/**
 * Resolves after the event loop has had a turn: pending timers, I/O, abort signals and, in a
 * browser, input and rendering run first.
 *
 * Why not `setTimeout(0)`: browsers throttle timers in background tabs to once a second (and
 * further after a few minutes), which would slow a training run in a hidden tab twentyfold.
 * Node's `setImmediate` and the browsers' `MessageChannel` tasks are not throttled.
 */
export function yieldToEventLoop(): Promise<void> {
  const scope = globalThis as {
    setImmediate?: (callback: () => void) => unknown;
    MessageChannel?: typeof MessageChannel;
  };
  if (typeof scope.setImmediate === 'function') {
    const setImmediate = scope.setImmediate;
    return new Promise((resolve) => setImmediate(resolve));
  }
  if (typeof scope.MessageChannel === 'function') {
    const channel = new scope.MessageChannel();
    return new Promise((resolve) => {
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** How long training or a check computes before it yields to the event loop, in ms. */
const YIELD_EVERY_MS = 50;

/**
 * A pause to call often: it yields to the event loop when about 50 ms have passed since it
 * last did, so timers, abort signals and a page's rendering run during a long computation
 * without paying for a yield at every step.
 */
export function yielder(): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last <= YIELD_EVERY_MS) return;
    await yieldToEventLoop();
    last = performance.now();
  };
}
